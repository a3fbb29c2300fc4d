"""Reported content: what each attribution in a sentence introduces, its quotations or its clause.

``read_unit`` gives each anchor the quotations beside it (direct) or the clause it introduces
(indirect). A clause without "that" must look like one: a finite verb from a list anywhere
(``_is_clause``; after the verb, after "according to X," and before ", X said", also any past or
3rd-person form an English word lexicon knows, ``lexicon.verb_form_tags``, when the first word could
open a subject) or, after "say", "tell", "think" and the like, a subject followed at once by a
finite-looking verb ("it's", "reflects", "misunderstand" after a plural; ``_looks_like_clause``).
A reported clause ends at a semicolon, at the next attribution joined by a coordinator, or at the
comma closing its subordinate clause (``_scope_contents``). A quotation standing alone is left
for ``extract`` to give to the last speaker; a quotation inside a clause is a scare quote or a
title and is kept only as part of a reported clause.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import islice

from ingest.quotes.article import ArticleText, Said
from ingest.quotes.cues import Anchor, find_anchors, skip_hearer, verb_at
from ingest.quotes.lexicon import (
    ADJECTIVE_ENDINGS,
    AUXILIARIES,
    BARE_CLAUSE_LEMMAS,
    BLOCKERS,
    DETERMINERS,
    DIRECT_LEMMAS,
    DOCUMENT_NOUNS,
    DOCUMENT_VERB_LEMMA,
    FINITE_MARKERS,
    FUNCTION_WORDS,
    GAP_STARTERS,
    NAMING_LEMMAS,
    NEGATED_AUXILIARY,
    PRE_VERB_ADVERBS,
    REQUEST_LEMMAS,
    TIME_WORDS,
    VERB_LEMMA,
    WH_WORDS,
    verb_form_tags,
    word_set,
)
from ingest.quotes.sentences import Token, Unit
from rag.schema import QuoteKind

# --- what follows a reporting verb ------------------------------------------------------------


def _lexicon_finite(t: Token, nxt: Token | None) -> bool:
    """A lower-case word the lexicon knows as a past or 3rd-person verb form: "leads", "won".

    One that can be a plural noun ends no clause: "in a speech at his campaign headquarters."
    """
    if t.text != t.low or t.low in FUNCTION_WORDS:
        return False
    tags = verb_form_tags(t.low)
    if "NOUN" in tags and (nxt is None or not (nxt.is_word or nxt.is_quote)):
        return "VBD" in tags
    return "VBD" in tags or "VBZ" in tags


_CLAUSE_OPENERS = word_set(
    "if when while because although though once unless since as after before what no not only even"
)


def _subject_start(t: Token) -> bool:
    """Could a clause's subject begin with ``t``: "the", "he", "Smith", "voters", not "of" or "were"."""
    low = t.low
    if low in DETERMINERS or low in _SUBJECT_PRONOUNS or low in _CLAUSE_OPENERS:
        return True  # "said if he wins, he ...": a subordinate clause first
    # "taxing consumption encourages ...": a gerund may start the subject.
    # A number is left out: "said 30 minutes into the debate" is a time, not a subject.
    return (
        t.is_word
        and not low[0].isdigit()
        and low not in FUNCTION_WORDS
        and not verb_form_tags(low) - {"NOUN", "VBP"}
    )


def _is_clause(tokens: Iterable[Token], lexicon: bool = False) -> bool:
    """Enough of a clause to be reported speech: three words or more, a finite verb after the first.

    With ``lexicon`` any past or 3rd-person form the English lexicon knows counts as finite
    ("said Smith leads Jones"); the clause splitting at "while"/"as" does without it.
    """
    words, finite, first = 0, False, True
    tokens = list(tokens)
    for i, t in enumerate(tokens):
        if first and lexicon and not t.is_quote and not _subject_start(t):
            lexicon = False  # "of prospects for ...", "were about evenly split": no subject first
        first = False
        if t.is_word:
            words += 1
            finite = finite or (
                words > 1
                and (
                    t.low in FINITE_MARKERS
                    or (t.low.endswith("ed") and len(t.low) > 4)
                    or bool(_FINITE_CONTRACTION.match(t.low))  # "shouldn't", "they'll", "we've"
                    # "leads", "signals", "won": a 3rd-person or past form the lexicon knows
                    or (lexicon and _lexicon_finite(t, tokens[i + 1] if i + 1 < len(tokens) else None))
                )
            )
            if words >= 3 and finite:
                return True
    return False


# Verbs whose reported clause may be any clause-looking thing without "that" ("said it's a great
# day", "said people misunderstand Trump"): these rarely take a plain noun-phrase object.
_LOOSE_CLAUSE_LEMMAS = word_set("say tell think believe add insist argue claim warn")
_SUBJECT_PRONOUNS = word_set("he she it they we i you there")
_BASE_SUBJECTS = word_set("they we i you")  # "they want", "we need": a base form is finite after these
_IRREGULAR_PLURALS = word_set("people men women children police")
_FINITE_CONTRACTION = re.compile(r"^[a-z]+(?:n['’]t|['’](?:ll|re|ve|d|m))$")
_CONTRACTION = re.compile(r"^[a-z]+(?:['’](?:s|re|ve|ll|d|m)|n['’]t)$")


_TIME_UNITS = word_set("seconds minutes hours days weeks months years decades times")


def _plural_noun(low: str) -> bool:
    return low in _IRREGULAR_PLURALS or (
        low.endswith("s") and len(low) > 3 and not low.endswith(("ss", "'s", "’s", "us", "is"))
    )


def _finite_like(tok: Token, subject: Sequence[Token]) -> bool:
    """Could ``tok`` be the finite verb of a clause whose subject is ``subject``?"""
    low = tok.low
    if not tok.is_word or tok.text != low or low in TIME_WORDS or low in _TIME_UNITS:
        return False
    if low in FINITE_MARKERS or (low in VERB_LEMMA and not low.endswith("ing")):
        return True
    if low.endswith(("n't", "n’t")) or (_CONTRACTION.match(low) and subject[-1].low in _SUBJECT_PRONOUNS):
        return True
    if low.endswith("ed") and len(low) > 4:
        return True
    if (
        low in FUNCTION_WORDS
        or low in word_set("close near familiar able unable likely ready aware responsible alike each")
        or low.endswith(("ly", "ing"))
        or low.endswith(ADJECTIVE_ENDINGS)
    ):
        return False
    head = subject[-1].low
    plural = head in _BASE_SUBJECTS or (head not in _SUBJECT_PRONOUNS and _plural_noun(head))
    if _plural_noun(low) and low not in _IRREGULAR_PLURALS:
        return not plural
    return plural and head not in ("it", "he", "she", "there")


def _looks_like_clause(tokens: Sequence[Token]) -> bool:
    """A subject and a finite-looking verb right after it: "it's a great day", "people misunderstand Trump".

    The subject is a pronoun, or up to five words (a determiner, names, nouns) with no function
    word among them; adverbs may come between it and the verb. Three words at least.
    """
    n = len(tokens)
    if n < 2 or not tokens[0].is_word or tokens[0].low in TIME_WORDS:
        return False
    words = sum(1 if t.is_word else 2 if t.is_quote else 0 for t in tokens)  # a quotation counts as words
    first = tokens[0]
    if _CONTRACTION.match(first.low) and first.low.split("'")[0].split("’")[0] in _SUBJECT_PRONOUNS | word_set(
        "that what here"
    ):
        return words >= 3  # "it's a great day", "there's no plan"
    if (
        first.low in AUXILIARIES
        or first.low in BLOCKERS
        or first.low in FINITE_MARKERS
        or (first.low in VERB_LEMMA and not first.low.endswith("ing"))
        or (first.low.endswith("ed") and first.text == first.low)
    ):
        return False  # "that Carson said was written about ...": a relative clause, not a report
    j = 1
    if first.is_cap or first.low in DETERMINERS:
        # "the transition reflects ...", "Obama wasn't ...": a noun phrase up to the verb.
        while j < min(n, 6) and tokens[j].is_word and not _finite_like(tokens[j], tokens[:j]):
            if tokens[j].low in FUNCTION_WORDS:
                return False
            j += 1
    elif first.low not in _SUBJECT_PRONOUNS and (first.low in FUNCTION_WORDS or not _plural_noun(first.low)):
        return False  # a lower-case subject is a bare plural only: "people misunderstand Trump"
    subject = tokens[:j]
    if j < n and tokens[j].is_quote and (
        j + 1 == n or not tokens[j + 1].is_word or first.low in _SUBJECT_PRONOUNS
    ):
        # 'saying the presumptive nominee "hasn't given this issue much thought."', 'said he "cannot
        # walk down the street"': the quotation carries the verb.
        return True
    while j < n and (tokens[j].low in PRE_VERB_ADVERBS or tokens[j].low in ("not", "never")):
        j += 1
    return j < n and _finite_like(tokens[j], subject) and words >= 3


_WEEKDAYS = word_set("monday tuesday wednesday thursday friday saturday sunday")


def _skip_time(tokens: Sequence[Token], i: int) -> int:
    """Skip "on Monday", "last week", "yesterday" after a verb."""
    n = len(tokens)
    while i < n:
        low = tokens[i].low
        if low in ("yesterday", "today", "tonight", "earlier", "later", "recently", "previously", "again"):
            i += 1
        elif low in _WEEKDAYS and tokens[i].is_cap:  # "said Tuesday that", "said Monday night"
            i += 1
            if i < n and tokens[i].low in ("night", "morning", "afternoon", "evening"):
                i += 1
        elif (
            low in ("on", "last", "this", "late", "early") and i + 1 < n and tokens[i + 1].low in TIME_WORDS
        ):
            i += 2
            if i < n and tokens[i].low in ("night", "morning", "afternoon", "evening"):
                i += 1
        else:
            return i
    return i


# After "said that", one of these cannot follow a "that" that opens a clause: it is the subject.
_BE_OR_AUXILIARY = word_set("is are was were has have had will would can could may might must should shall does did")


def _complement(tokens: Sequence[Token], anchor: Anchor) -> tuple[str, int]:
    """What follows the verb: a "that" clause, a bare clause, a quotation, or nothing."""
    n = len(tokens)
    i = anchor.end
    if anchor.kind in ("inverted", "according"):
        return "none", i
    if anchor.lemma == "tell":
        i = skip_hearer(tokens, i)
        if i == anchor.end:
            return "none", i
    first = tokens[i] if i < n else None
    if first is None:
        return "none", i
    if first.low == "that":
        if i + 1 < n and (tokens[i + 1].low in _BE_OR_AUXILIARY or NEGATED_AUXILIARY.fullmatch(tokens[i + 1].low)):
            return "clause", i  # "Christie said that was a natural part ...": "that" is its subject
        return "that", i + 1
    if first.is_quote or (first.text in (",", ":") and i + 1 < n and tokens[i + 1].is_quote):
        return "quote", i if first.is_quote else i + 1
    if first.is_word and (first.low in GAP_STARTERS or first.low.endswith("ly")):
        # "said in a recent statement that", "told reporters on Monday: '...'"
        j = i
        while j < min(n, i + 12):
            t = tokens[j]
            nxt = tokens[j + 1] if j + 1 < n else None
            if t.is_quote:
                return "none", i
            if t.is_word:
                if t.low == "that":
                    return "that", j + 1
                if verb_at(tokens, j) is not None or t.low in FINITE_MARKERS:
                    break  # ("at one point" goes on: "point" is a verb only with "out")
            elif t.text in (",", ":") and nxt is not None and nxt.is_quote:
                return "quote", j + 1
            elif (
                t.text == ","
                and nxt is not None
                and nxt.low in ("however", "though")
                and j + 2 < n
                and tokens[j + 2].text == ","
            ):
                j += 2
            else:
                break
            j += 1
    after_time = _skip_time(tokens, i)
    if after_time > i and after_time < n:  # "said Tuesday that ...", "said Monday: '...'"
        t = tokens[after_time]
        if t.low == "that":
            return "that", after_time + 1
        if t.is_quote or (t.text in (",", ":") and after_time + 1 < n and tokens[after_time + 1].is_quote):
            return "quote", after_time if t.is_quote else after_time + 1
    if anchor.lemma in REQUEST_LEMMAS:
        return _request(tokens, anchor.end, anchor.lemma)
    if anchor.lemma in DOCUMENT_VERB_LEMMA.values() and after_time < n and tokens[after_time].is_word:
        return "clause", after_time  # "The poll shows Smith with a four-point lead": what it shows
    if (
        anchor.lemma in BARE_CLAUSE_LEMMAS
        and after_time < n
        and tokens[after_time].is_word
        and tokens[after_time].low not in GAP_STARTERS
        and (
            _is_clause(islice(tokens, after_time, None), lexicon=True)
            or (anchor.lemma in _LOOSE_CLAUSE_LEMMAS and _looks_like_clause(tokens[after_time:]))
        )
    ):
        return "clause", after_time
    return "none", i


def _request(tokens: Sequence[Token], i: int, lemma: str) -> tuple[str, int]:
    """ "asked (the mayor) whether ...": the question; "urged voters (not) to ...": whom, and to do what.

    Whom is a few words with no verb and no preposition before them ("for the closure to be
    paused" is no request of anyone).
    """
    n = len(tokens)
    j = i
    while j < min(n, i + 8):
        t = tokens[j]
        if not t.is_word:
            return "none", i
        if t.low == "of" and lemma == "accuse":
            # "accused Ruiz of misleading voters": whom, and of what.
            return ("clause", i) if j > i and j + 1 < n and tokens[j + 1].is_word else ("none", i)
        if lemma == "accuse":
            if t.low in VERB_LEMMA or t.low in FINITE_MARKERS or t.low in AUXILIARIES:
                return "none", i
            j += 1
            continue
        if t.low in WH_WORDS and lemma == "ask":
            return ("clause", j) if j + 2 < n and tokens[j + 1].is_word else ("none", i)
        if t.low in ("to", "not") and j > i:
            k = j + 1 if t.low == "to" else j + 2
            if t.low == "not" and not (j + 1 < n and tokens[j + 1].low == "to"):
                return "none", i
            if k < n and tokens[k].is_word and tokens[k].text == tokens[k].low:
                return "clause", i
            return "none", i
        if (
            t.low in VERB_LEMMA
            or t.low in FINITE_MARKERS
            or t.low in AUXILIARIES
            or (j == i and t.low in FUNCTION_WORDS and t.low not in DETERMINERS)
        ):
            return "none", i
        j += 1
    return "none", i


# --- where a reported clause ends --------------------------------------------------------------

_COORDINATORS = word_set("and but while whereas although though yet")
_LEAD_WORDS = word_set("and but so yet still now instead however also then meanwhile moreover indeed yes no well")
_SUBORDINATORS = word_set("while although though whereas because when after before once unless if")


def _scope_contents(tokens: Sequence[Token], anchors: list[Anchor]) -> None:
    """Where each reported clause ends, and which anchors sit inside another's clause.

    A later anchor inside an earlier one's clause is nested ("said that officials warned that
    ...": the words are the first speaker's) unless a coordinator separates them (", but he
    acknowledged that ...", ", adding that ..."): then it ends the earlier clause.
    """
    semicolons = [j for j, t in enumerate(tokens) if t.text == ";"]
    commas = [j for j, t in enumerate(tokens) if t.text == ","]
    for i, anchor in enumerate(anchors):
        if anchor.suppressed or anchor.complement not in ("that", "clause"):
            continue
        # A semicolon starts a new clause ("Officials said the bridge was safe; residents disagreed"),
        # and so does the comma closing "X, who said that ..., resigned".
        end = _next_at(semicolons, anchor.complement_start, len(tokens))
        # So does the comma closing a subordinate clause: "While Ramos said that journalists cannot
        # have any political affiliation, he appears uneasy ...".
        # "asked the council to delay the vote, but ...": a request or question ends at a comma.
        if anchor.relative or anchor.lemma in REQUEST_LEMMAS or (
            anchor.kind == "subject" and anchor.start > 0 and tokens[anchor.start - 1].low in _SUBORDINATORS
        ):
            end = min(end, _next_at(commas, anchor.complement_start, len(tokens)))
        # "46 percent said yes, compared with 23 percent who ...": the comparison is the writer's.
        for j in commas:
            if (
                anchor.complement_start < j < end - 2
                and tokens[j + 1].low == "compared"
                and tokens[j + 2].low in ("with", "to")
            ):
                end = j
                break
        for later in anchors[i + 1 :]:
            if later.start <= anchor.complement_start or later.suppressed or later.start >= end:
                continue
            if later.lemma in NAMING_LEMMAS:
                continue  # "..., a pledge Halloran called 'a brochure, not a plan'": his words inside hers
            b = later.start
            if (
                later.kind == "inherit"
                or tokens[b - 1].text in (";", ",")
                or tokens[b - 1].low in _COORDINATORS
            ):
                while b - 1 > anchor.complement_start and (
                    tokens[b - 1].text in (",", ";") or tokens[b - 1].low in _COORDINATORS
                ):
                    b -= 1
                end = b
                break
            later.suppressed = True
        anchor.content = (anchor.complement_start, end)


def _next_at(positions: list[int], start: int, default: int) -> int:
    """The first of the sorted ``positions`` at or after ``start``, or ``default``."""
    k = bisect_left(positions, start)
    return positions[k] if k < len(positions) else default


# --- reading a sentence ------------------------------------------------------------------------


def read_unit(article: ArticleText, unit: Unit) -> tuple[list[Said], list[Anchor]]:
    """Direct and reported quotes in one sentence, each tied to its anchor or marked as a continuation."""
    tokens = unit.tokens
    anchors = find_anchors(tokens, article.text)
    for anchor in anchors:
        anchor.complement, anchor.complement_start = _complement(tokens, anchor)
    # ", asking for the closure to be paused" is not speech; ", adding that ..." is.
    # ", calling him 'a failed candidate'" is read as naming (``_read_naming``).
    dropped = {
        id(a)
        for a in anchors
        if a.kind == "inherit" and a.complement == "none" and a.lemma not in NAMING_LEMMAS
    }
    for anchor in anchors:
        while anchor.source is not None and id(anchor.source) in dropped:
            anchor.source = anchor.source.source
    anchors = [
        a
        for a in anchors
        if id(a) not in dropped and (a.kind != "inherit" or a.source is not None or a.phrase is not None)
    ]
    _scope_contents(tokens, anchors)
    said: list[Said] = []
    claimed: set[int] = set()  # token indexes of quotations given to an anchor or a reported clause

    for i, anchor in enumerate(anchors):
        if anchor.suppressed:
            continue
        if anchor.kind == "according":
            _read_according(article, tokens, anchor, anchors, said, claimed)
            continue
        left = _left_quote(tokens, anchor.start)
        if left >= 0 and left not in claimed:
            claimed.add(left)
            said.append(article.direct(tokens[left], anchor))
        if anchor.lemma in NAMING_LEMMAS:
            _read_naming(article, tokens, anchor, said, claimed)
            continue
        if anchor.complement == "quote":
            q = anchor.complement_start
            if q not in claimed and (q + 1 >= len(tokens) or not tokens[q + 1].is_word):
                claimed.add(q)
                said.append(article.direct(tokens[q], anchor))
                continue
            anchor.complement, anchor.content = "clause", (q, len(tokens))  # "said 'buffer zones' would grow"
        if anchor.complement in ("that", "clause") and anchor.content:
            a, b = anchor.content
            if (
                anchor.complement == "clause"
                and not (
                    (anchor.lemma in DOCUMENT_VERB_LEMMA.values() or anchor.lemma in REQUEST_LEMMAS)
                    and _word_count_tokens(tokens[a:b]) >= 3
                )
                and not _is_clause(tokens[a:b], lexicon=True)
                and not (anchor.lemma in _LOOSE_CLAUSE_LEMMAS and _looks_like_clause(tokens[a:b]))
            ):
                continue  # "Police estimated the crowd at 4,500; ..."
            found = (
                article.words(tokens, a, b)
                if anchor.lemma not in DIRECT_LEMMAS or anchor.lemma in REQUEST_LEMMAS
                else None
            )
            if found:
                said.append(article.indirect(found, anchor))
                claimed.update(j for j in range(a, b) if tokens[j].is_quote)
        elif left < 0 and anchor.lemma not in DIRECT_LEMMAS:
            _read_trailing(article, tokens, anchor, anchors[:i], said, claimed)

    # Quotations nobody took: the second half of a split quote ("'A,' said X, 'B.'"), a quote
    # standing alone after its speaker's sentence, or a scare quote inside a clause (dropped).
    for q, tok in enumerate(tokens):
        if (
            not tok.is_quote
            or q in claimed
            or not _quote_ends_clause(tokens, q)
            or not _quote_opens_clause(tokens, q)
        ):
            continue
        earlier = [s for s in said if s.kind is QuoteKind.DIRECT and s.position < tok.start]
        if earlier:
            said.append(article.direct(tok, earlier[-1].anchor))
        elif all(not t.is_word for t in tokens[:q]):
            said.append(article.direct(tok, None))
    said.sort(key=lambda s: s.position)
    return said, anchors


def _read_naming(
    article: ArticleText,
    tokens: Sequence[Token],
    anchor: Anchor,
    said: list[Said],
    claimed: set[int],
) -> None:
    """Read "She called the vote 'a tax on getting to work'" and "what X described as a gesture to ...".

    The quoted words are the speaker's own even inside another speaker's reported clause; a
    phrase under three words ("a 'buffer zone'") is a scare quote. Without quote marks, what
    follows "described as" is reported.
    """
    taken = {s.position for s in said if s.kind is QuoteKind.DIRECT}
    n = len(tokens)
    if anchor.lemma == "call" and anchor.end < n and tokens[anchor.end].low in ("on", "for"):
        # "called on the council to delay the vote", "called for a ban on ...": what was demanded.
        start = anchor.end + 1
        if tokens[anchor.end].low == "on":
            complement, start = _request(tokens, start, "urge")
            if complement != "clause":
                return
        stop = next((j for j in range(start, n) if tokens[j].text in (",", ";", ".", "?", "!")), n)
        found = article.words(tokens, start, stop)
        if found is not None and _word_count(found[0]) >= 3:
            said.append(article.indirect(found, anchor))
            claimed.update(j for j in range(start, stop) if tokens[j].is_quote)
        return
    for j in range(anchor.end, min(len(tokens), anchor.end + 10)):
        tok = tokens[j]
        if tok.is_quote:
            if tok.start in taken:
                return
            if _word_count(article.spans[tok.quote].text) >= 3:
                claimed.add(j)
                if (
                    anchor.kind == "subject"
                    and anchor.lemma != "quote"
                    and j > anchor.end
                    and all(t.is_word and t.low not in VERB_LEMMA for t in tokens[anchor.end : j])
                ):
                    # 'Ruiz called the plan "a tax on getting to work" for commuters': what she called
                    # so, her words, and the rest of the clause.
                    stop = next((k for k in range(j + 1, n) if tokens[k].text in (";", ".", "?", "!")), n)
                    found = article.words(tokens, anchor.end, stop)
                    if found is not None:
                        said.append(article.indirect(found, anchor))
                        return
                said.append(article.direct(tok, anchor))
            elif (
                anchor.kind == "subject"
                and anchor.phrase is not None
                and anchor.lemma == "call"
                and j > anchor.end
                and all(t.is_word and t.low not in VERB_LEMMA for t in tokens[anchor.end : j])
            ):
                # 'Ruiz called the plan "reckless."', 'called the speech a "critical moment" for Ruiz': a
                # word or two of hers, with what she called so, to the end of the clause.
                stop = j + 1
                while stop < min(len(tokens), j + 7) and tokens[stop].is_word and tokens[stop].low not in VERB_LEMMA:
                    stop += 1
                if stop < len(tokens) and tokens[stop].is_word:
                    return
                found = article.words(tokens, anchor.end, stop)
                if found is not None:
                    claimed.add(j)
                    said.append(article.indirect(found, anchor))
            return
        if tok.text in (".", ";", "!", "?"):
            break
    as_at = next(
        (j for j in range(anchor.end, min(len(tokens), anchor.end + 6)) if tokens[j].low == "as"), -1
    )
    if (
        as_at < 0
        or anchor.lemma not in ("describe", "characterize", "characterise")
        or anchor.kind != "subject"
    ):
        return
    end = next((j for j in range(as_at, len(tokens)) if tokens[j].text == ";"), len(tokens))
    found = article.words(tokens, as_at + 1, end)
    if found is not None and _word_count(found[0]) >= 3:
        said.append(article.indirect(found, anchor))
        claimed.update(j for j in range(as_at, end) if tokens[j].is_quote)


def _read_according(
    article: ArticleText,
    tokens: Sequence[Token],
    anchor: Anchor,
    anchors: list[Anchor],
    said: list[Said],
    claimed: set[int],
) -> None:
    """Read "According to X, ..." and "..., according to X": the rest of the clause is what X says."""
    a, b = anchor.start, anchor.end
    if a > 0 and tokens[a - 1].text == ",":
        a -= 1
    elif b < len(tokens) and tokens[b].text == ",":
        b += 1
    # The clause around the phrase ends where another attribution in the sentence begins.
    others = [x for x in anchors if x is not anchor and not x.suppressed]
    floor = max([x.content[1] if x.content else x.end for x in others if x.end <= a] + [0])
    while floor < a and (tokens[floor].text in (",", ";") or tokens[floor].low in _COORDINATORS):
        floor += 1
    ceiling = min([x.start for x in others if x.start >= b] + [len(tokens)])
    while ceiling > b and (
        tokens[ceiling - 1].text in (",", ";") or tokens[ceiling - 1].low in _COORDINATORS
    ):
        ceiling -= 1
    rest = [*range(floor, a), *range(b, ceiling)]
    quotes = [j for j in rest if tokens[j].is_quote]
    if quotes and not any(tokens[j].is_word for j in rest):
        for q in quotes:  # "'...,' according to X."
            if q not in claimed:
                claimed.add(q)
                said.append(article.direct(tokens[q], anchor))
        return
    words = [tokens[j] for j in rest]
    # "Smith leads Jones by eight points, according to the poll": a subject and a finite-looking verb.
    before = [t for t in tokens[floor:a] if t.text != ","]
    if not _is_clause(words, lexicon=True) and not _looks_like_clause(before or tokens[b:ceiling]):
        return
    parts = [p for p in (article.words(tokens, floor, a), article.words(tokens, b, ceiling)) if p]
    if not parts:
        return
    said.append(article.indirect((" ".join(p[0] for p in parts), parts[0][1], parts[-1][2]), anchor))
    claimed.update(quotes)


def _read_trailing(
    article: ArticleText,
    tokens: Sequence[Token],
    anchor: Anchor,
    earlier: list[Anchor],
    said: list[Said],
    claimed: set[int],
) -> None:
    """Read "Thousands remain displaced, officials said." and "The city, officials said, is lost."."""
    start = anchor.start
    if start == 0:
        return
    if start >= 2 and tokens[start - 1].low == "as" and all(not t.is_word for t in tokens[_skip_time(tokens, anchor.end):]):
        start -= 1  # "..., as a Homeland Security memo put it.": what comes before the comma is the memo's
    # 'The media are "framing this campaign," Gilmore said.': the comma sits inside the closing
    # mark, so the quotation ends the reported clause and belongs to it.
    prev = tokens[start - 1]
    comma_in_quote = prev.is_quote and article.spans[prev.quote].text.endswith(",")
    if prev.text != "," and not comma_in_quote:
        return
    cut = start if comma_in_quote else start - 1
    floor = max([x.end for x in earlier if not x.suppressed] + [0])
    a = start - 1
    while a - 1 >= floor and tokens[a - 1].text not in (";", ":"):
        a -= 1
    loose = anchor.lemma in _LOOSE_CLAUSE_LEMMAS or anchor.lemma in DOCUMENT_VERB_LEMMA.values()
    # "Still, he said, officials have to decide ...": nothing but a sentence adverb before the anchor.
    lead = a
    while lead < cut and (tokens[lead].low in _LEAD_WORDS or tokens[lead].text == ","):
        lead += 1
    bare_lead = lead >= cut and lead > a and not comma_in_quote
    found = article.words(tokens, a, start)
    if found is None and cut - a == 1 and tokens[a].is_word and not bare_lead:
        # "Loyalty, he noted, has long been ...": one word, whole only with what follows (checked below)
        found = (tokens[a].text, tokens[a].start, tokens[a].end)
    if found is None and not bare_lead:
        return
    words, s, e = found or ("", 0, 0)
    clause = [] if bare_lead else list(tokens[a:cut])
    # "..., he said, and every worker ..." / "The city, officials said, is lost."
    i = _skip_time(tokens, anchor.end)
    while (
        i < len(tokens)
        and tokens[i].is_word
        and (
            tokens[i].low in GAP_STARTERS
            or tokens[i].low in DOCUMENT_NOUNS
            or tokens[i].low in word_set("a an the reporters")
        )
    ):
        i += 1
    rest_quotes: list[int] = []
    if i + 1 < len(tokens) and tokens[i].text == ",":
        nxt = tokens[i + 1]
        rest = article.words(tokens, i + 1, len(tokens))
        after = tokens[i + 1 :]
        after_is_clause = _is_clause(after) or (loose and _looks_like_clause(after))
        # "To pay for the programme, Voss said, the province would raise ...": the clause follows.
        # "It was, he said, one of the bitterest failures": neither half is a clause on its own.
        fronted = not _is_clause(clause) and (after_is_clause or (loose and _is_clause(clause + list(after))))
        # "And if Clinton is the nominee, he said, he would consider ...": the subordinate clause leads.
        subordinate = bool(clause) and tokens[lead].low in _SUBORDINATORS and after_is_clause
        if bare_lead and rest and after_is_clause:
            words, s, e = rest
            clause = list(after)
            rest_quotes = [j for j in range(i + 1, len(tokens)) if tokens[j].is_quote]
        elif (
            rest
            and clause
            and (nxt.low in FINITE_MARKERS or nxt.low in ("and", "but", "because") or fronted or subordinate)
        ):
            halves = _is_clause(clause) or after_is_clause  # else one clause: "It was one of ..."
            joiner = " " if nxt.low in FINITE_MARKERS or not halves else ", "
            words, e = words + joiner + rest[0], rest[2]
            clause += after
            rest_quotes = [j for j in range(i + 1, len(tokens)) if tokens[j].is_quote]
    # '"Thank you to the volunteers who worked so hard" for the victory, Sanders said.': a quotation
    # opening the sentence, continued by the writer's words, is the speaker's (mixed).
    quoted_lead = (
        bool(clause) and a == 0 and clause[0].is_quote and any(t.is_word for t in clause) and loose
    )
    if not clause or not (
        _is_clause(clause, lexicon=True) or quoted_lead or (loose and _looks_like_clause(clause[lead - a :]))
    ):
        return
    said.append(article.indirect((words, s, e), anchor))
    claimed.update(j for j in range(a, start) if tokens[j].is_quote)
    claimed.update(rest_quotes)


def _word_count_tokens(tokens: Sequence[Token]) -> int:
    return sum(1 for t in tokens if t.is_word)


def _word_count(text: str) -> int:
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def _left_quote(tokens: Sequence[Token], start: int) -> int:
    """The quotation just before an attribution ("'...,' said X" or "'...', X said"), or -1."""
    i = start - 1
    if i >= 0 and tokens[i].text in (",", "—", "–"):
        i -= 1
    if i >= 0 and tokens[i].is_quote and _quote_opens_clause(tokens, i):
        return i
    return -1


def _quote_opens_clause(tokens: Sequence[Token], q: int) -> bool:
    """After punctuation, a verb or "a.m." (``split_sentences`` goes on after "a.m." before a quote)."""
    prev = tokens[q - 1] if q else None
    return prev is None or not prev.is_word or prev.low in VERB_LEMMA or prev.text.endswith(".")


def _quote_ends_clause(tokens: Sequence[Token], q: int) -> bool:
    return q + 1 >= len(tokens) or not tokens[q + 1].is_word
