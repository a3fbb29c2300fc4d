"""Attribution cues: reporting verbs and "according to", each with the speaker it credits (``Anchor``).

``find_anchors`` reads a sentence's words outside its quotations for "X said", "said X",
"according to X" and ", adding that ...". A participle after a comma (", saying ...") belongs to
the speaker before it in the sentence, or else to the subject opening the sentence when a
finite-looking verb follows that subject ("Fiorina criticized Trump, saying ..."; ``_main_subject``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.quotes.lexicon import (
    AUXILIARIES,
    BLOCKERS,
    DETERMINERS,
    DOCUMENT_HEADS,
    DOCUMENT_NOUNS,
    DOCUMENT_VERB_LEMMA,
    FINITE_MARKERS,
    FUNCTION_WORDS,
    GAP_STARTERS,
    HARD_PUNCT,
    INVERTIBLE_LEMMAS,
    NAMING_LEMMAS,
    NEGATED_AUXILIARY,
    PARTICLES,
    PRE_VERB_ADVERBS,
    PRONOUNS,
    TIME_WORDS,
    VERB_LEMMA,
    word_set,
)
from ingest.quotes.phrases import (
    Phrase,
    document_prefix_start,
    is_name_word,
    is_premodifier,
    joined,
    phrase_before,
    speaker_after,
    speaker_ending_at,
    strip_possessive,
)
from ingest.quotes.roles import (
    aside_kind,
    aside_name,
    chunk_start,
    is_occupation_clause,
    named_description,
    role_text,
)
from ingest.quotes.sentences import Token
from ingest.quotes.speakers import Entity


@dataclass(slots=True, eq=False)
class Anchor:
    """One attribution in a sentence: who (``phrase``), the cue, and what it introduces."""

    kind: str  # "subject" (X said), "inverted" (said X), "according", "inherit" (", adding that")
    start: int  # first token of the attribution
    verb: int  # the verb (or "according")
    end: int  # first token after the attribution
    cue: str
    lemma: str
    phrase: Phrase | None
    role: str = ""
    org_hint: bool = False  # the speaker had a "which ..." clause, so it is not a person
    complement: str = "none"  # "that" | "clause" | "quote" | "none"
    complement_start: int = -1
    source: Anchor | None = None  # for "inherit": the anchor whose speaker this one shares
    relative: bool = False  # "X, who said that ...,": the reported clause ends at the next comma
    suppressed: bool = False
    content: tuple[int, int] | None = None
    speaker: Entity | None = None
    resolved: bool = False


def verb_at(tokens: Sequence[Token], v: int) -> tuple[str, int] | None:
    """The lemma of a reporting verb at ``v`` and the token after it (after a particle), or None."""
    tok = tokens[v]
    if tok.is_quote or tok.text != tok.low:
        return None
    lemma = VERB_LEMMA.get(tok.low)
    if lemma is None:
        return None
    if v > 0 and tokens[v - 1].low in word_set("the a an his her its their our my your"):
        return None  # a noun: "in the state", "his comment"
    particle = PARTICLES.get(lemma)
    if particle:
        if v + 1 < len(tokens) and tokens[v + 1].low == particle:
            return lemma, v + 2
        return None
    return lemma, v + 1


_MODALS = word_set("will would can could may might must should shall do does")


def _with_modal(tokens: Sequence[Token], v: int, cue: str) -> str:
    """A bare verb keeps the modal before it ("will argue", "She’ll argue"): "Clinton argue that
    ..." is no English. Other forms stand alone as before ("said", "has said" reads "said")."""
    if VERB_LEMMA.get(tokens[v].low) != tokens[v].low:
        return cue
    k = v - 1
    while k >= 0 and (tokens[k].low in PRE_VERB_ADVERBS or tokens[k].low.endswith("ly") and len(tokens[k].low) > 4):
        k -= 1  # "will also argue"
    return f"{tokens[k].low} {cue}" if k >= 0 and tokens[k].low in _MODALS else cue


def _strip_pre_verb(tokens: Sequence[Token], v: int) -> int | None:
    """Index after the subject once "has", "also", "on Tuesday" are skipped; None for "did not say"."""
    k = v
    while k - 1 >= 0:
        low = tokens[k - 1].low
        if low in BLOCKERS:
            return None
        if (
            low in AUXILIARIES
            or low in PRE_VERB_ADVERBS
            or (low == "both" and k - 2 >= 0)  # "Sanders and Clinton both said"
            or (low.endswith("ly") and len(low) > 4 and low not in word_set("only early"))
        ):
            k -= 1
        elif (
            low in TIME_WORDS and k - 2 >= 0 and tokens[k - 2].low in ("on", "last", "this", "late", "early")
        ):
            k -= 2
        else:
            break
    return k


def _subject_anchor(tokens: Sequence[Token], v: int, text: str) -> tuple[Phrase, str, bool, int] | None:
    """The speaker before a verb, and a role from asides: "Denis Pushilin, the head of the DPR, said"."""
    k = _strip_pre_verb(tokens, v)
    if k is None or k == 0:
        return None
    if tokens[k - 1].low == "as":
        quoted = _quoted_as_subject(tokens, k - 1, text)
        return (quoted, "", False, quoted.start) if quoted is not None else None
    role, org_hint = "", False
    name: Phrase | None = None
    end = k
    for _ in range(4):
        tag = _party_tag_start(tokens, end, text)
        if tag is not None:
            end = tag  # "Sen. Bernie Sanders (I-Vt.) said", "Sen. Rand Paul, R-Ky., said"
        if end >= 3 and tokens[end - 1].low.isdigit() and len(tokens[end - 1].low) <= 3 and tokens[end - 2].text == ",":
            end -= 2  # an age after the name: "Anna Stone, 29, a nurse, said"
        if tokens[end - 1].text != ",":
            phrase = speaker_ending_at(tokens, end, text)
            if phrase is None:
                phrase = _before_relative_clause(tokens, end, text)
            if phrase is None:
                return None
            start = phrase.start
            if name is not None and phrase.kind == "description":
                phrase = named_description(phrase, name)
                role = phrase.role
            return phrase, role, org_hint, start
        comma = end - 1
        s = chunk_start(tokens, comma)
        if s == comma or s == 0 or tokens[s - 1].text != ",":
            return None
        kind = aside_kind(tokens, s, comma)
        if kind is None:
            return None
        if kind == "role":
            role = role_text(tokens, s, comma, text)
        elif kind == "name":
            name = aside_name(tokens, s, comma, text)
        org_hint = org_hint or kind == "org-relative"
        end = s - 1
        if end <= 0:
            return None
    return None


# A party-and-state tag after a politician's name: "(I-Vt.)", "(R)", "(D-N.Y.)", "(Tex.)", ", R-Ky.,".
_PARTY_TAG = re.compile(r"[RDI](?:-[A-Z][A-Za-z]*\.?(?: ?[A-Z][A-Za-z]*\.?)?)?|[A-Z][a-z]{1,4}\.|[A-Z]\.[A-Z]\.")
_COMMA_PARTY_TAG = re.compile(r"[RDI]-[A-Z][A-Za-z]*\.?(?: ?[A-Z][A-Za-z]*\.?)?")


def _party_tag_start(tokens: Sequence[Token], end: int, text: str) -> int | None:
    """Index of the "(" or "," opening a party tag that ends at ``end``, or None."""
    if end < 3:
        return None
    last = tokens[end - 1].text
    opener, pattern = ("(", _PARTY_TAG) if last == ")" else (",", _COMMA_PARTY_TAG)
    if last != ")" and last not in (",", ".") and not tokens[end - 1].is_word:
        return None
    inner_end = tokens[end - 1].start if last in (")", ",") else tokens[end - 1].end
    for o in range(end - 2, max(0, end - 9), -1):
        if tokens[o].is_quote:
            return None
        if tokens[o].text == opener:
            inner = text[tokens[o].end : inner_end].strip()
            if o >= 1 and is_name_word(tokens[o - 1]) and pattern.fullmatch(inner):
                return o
            return None
        if tokens[o].text in ("(", ")", ","):
            return None
    return None


def _quoted_as_subject(tokens: Sequence[Token], as_at: int, text: str) -> Phrase | None:
    """The speaker of "X was quoted (by TASS) as saying that ...", or None."""
    q = next((i for i in range(as_at - 1, max(-1, as_at - 8), -1) if tokens[i].low == "quoted"), -1)
    if q < 1 or tokens[q - 1].low not in ("was", "were", "is", "been"):
        return None
    end = q - 1
    while end - 1 >= 0 and tokens[end - 1].low in ("has", "have", "had", "also", "later"):
        end -= 1
    return speaker_ending_at(tokens, end, text)


def _relative_subject(tokens: Sequence[Token], v: int, text: str) -> Phrase | None:
    """The speaker of "X, who said that ...," (the clause after "who" is X's), or None."""
    k = _strip_pre_verb(tokens, v)
    if k is None or k < 3 or tokens[k - 1].low != "who" or tokens[k - 2].text != ",":
        return None
    phrase = speaker_ending_at(tokens, k - 2, text)
    return phrase if phrase is not None and phrase.kind != "pronoun" else None


def _before_relative_clause(tokens: Sequence[Token], end: int, text: str) -> Phrase | None:
    """A speaker followed by "who ..." without commas: "The two board members who voted ... said"."""
    s = chunk_start(tokens, end)
    for w in range(end - 1, s, -1):
        if tokens[w].low in ("who", "whose"):
            phrase = speaker_ending_at(tokens, w, text)
            if phrase is not None and phrase.kind != "pronoun":
                return phrase
            return None
    return None


def _following_role(tokens: Sequence[Token], i: int, text: str) -> tuple[str, bool, Phrase | None]:
    """Role and org hint from asides after a speaker at ``i`` ("said X, a defense expert at ..., ...")."""
    role, org_hint, name = "", False, None
    while i < len(tokens) and tokens[i].text == ",":
        s = i + 1
        e = s
        while e < len(tokens) and not tokens[e].is_quote and tokens[e].text not in HARD_PUNCT:
            e += 1
        kind = aside_kind(tokens, s, e)
        if kind is None or e == s:
            break
        if kind == "role" and not role:
            role = role_text(tokens, s, e, text)
        elif kind == "relative" and not role and is_occupation_clause(tokens[s:e]):
            role = joined(tokens[s + 1 : e], text)  # "who runs a hardware shop" -> "runs a hardware shop"
        elif kind == "name" and name is None:
            name = aside_name(tokens, s, e, text)
        org_hint = org_hint or kind == "org-relative"
        i = e
    return role, org_hint, name


# What figures come from when no one is named: "according to federal statistics", "according to
# a Washington Post database tracking such deaths". The source is the evidence as written.
_EVIDENCE_NOUNS = DOCUMENT_NOUNS | word_set(
    "statistics database databases polls surveys studies census complaint complaints documents filings")


def _evidence_phrase(tokens: Sequence[Token], s: int, e: int, text: str) -> Phrase | None:
    """ "federal statistics", "a Washington Post database": words up to the first evidence noun,
    as a description ("Federal statistics", "a Washington Post database"); None otherwise."""
    for j in range(s, min(e, s + 8)):
        if tokens[j].low in _EVIDENCE_NOUNS and tokens[j].text == tokens[j].low:  # not "the Washington Post"
            written = " ".join(text[tokens[s].start : tokens[j].end].split())
            first = tokens[s].low
            if first == "the":
                name = "the" + written[3:]
            elif first in ("a", "an"):
                name = written
            else:
                name = written[:1].upper() + written[1:]
            return Phrase(s, j + 1, written, "description", name, head=tokens[j].low, definite=first == "the")
    return None


_OBJECT_PRONOUNS = word_set("him her them it us me you this that these those some many")


def _any_source(tokens: Sequence[Token], s: int, e: int, text: str) -> Phrase | None:
    """Whatever noun phrase "according to" names, when no speaker rule reads it: "according to the
    results", "according to state law", "according to an attendee" (on PolNeAR train, a third of
    the "according to" attributions missed had such a source). A pronoun, a quotation or more
    than 12 words is no source."""
    words = list(tokens[s:e])
    if not words or len(words) > 12 or not words[-1].is_word or words[-1].low in FUNCTION_WORDS:
        return None
    if any(t.is_quote for t in words) or words[0].low in PRONOUNS or words[0].low in _OBJECT_PRONOUNS:
        return None
    written = joined(words, text)
    first = words[0].low
    name = written if first in ("the", "a", "an") or words[0].text[:1].isupper() else written[:1].upper() + written[1:]
    if first == "the":
        name = "the" + written[3:]
    return Phrase(s, e, written, "description", name, head=words[-1].low, definite=first == "the")


def _according_anchor(tokens: Sequence[Token], a: int, text: str) -> Anchor | None:
    """The speaker of "according to X[, role]", or of a document by one ("a recent report by The Times")."""
    s = a + 2
    e = s
    while e < len(tokens) and tokens[e].is_word and tokens[e].low not in ("who", "which", "whose"):
        e += 1
    region_end = e
    phrase = None
    for end in range(e, s, -1):
        candidate = phrase_before(tokens, end, s, text)
        if candidate is None:
            continue
        if candidate.start == s or document_prefix_start(tokens, candidate.start, s) == s:
            phrase = candidate
            if candidate.start == s and candidate.end < e and tokens[candidate.end].low == "and":
                group = speaker_after(tokens, s, text)  # "according to Smith and Jones"
                phrase = group if group is not None and group.parts else candidate
            break
    if phrase is None and e - s >= 2 and tokens[e - 1].low in DOCUMENT_NOUNS:
        # "according to the board's own figures": the board is the speaker.
        p = next((i for i in range(e - 2, s - 1, -1) if tokens[i].is_possessive), -1)
        if p >= s and all(is_premodifier(t) or t.low == "own" for t in tokens[p + 1 : e - 1]):
            stripped = list(tokens)
            t = tokens[p]
            stripped[p] = Token(
                strip_possessive(t.text),
                strip_possessive(t.low),
                t.start,
                t.end - (len(t.text) - len(strip_possessive(t.text))),
            )
            candidate = phrase_before(stripped, p + 1, s, text)
            if candidate is not None and candidate.start == s:
                phrase = candidate
    if phrase is None or (phrase.end < e and tokens[phrase.end].text in _EVIDENCE_NOUNS):
        # "a police database", "a Washington Post database": the evidence, not "a police"
        phrase = _evidence_phrase(tokens, s, e, text) or phrase
    if phrase is None:
        phrase = _any_source(tokens, s, e, text)
    if phrase is None:
        return None
    end = phrase.end
    if end < region_end and region_end - s <= 12:
        end = region_end  # "sources familiar with the matter"
    role, org_hint = "", False
    n = len(tokens)
    if end < n and tokens[end].low in ("who", "which", "whose"):
        # "according to a senior official who spoke on condition of anonymity, ..."
        org_hint = tokens[end].low == "which"
        while end < n and tokens[end].text != ",":
            end += 1
    elif end < n and tokens[end].text == ",":
        s2 = end + 1
        e2 = s2
        while e2 < n and not tokens[e2].is_quote and tokens[e2].text not in HARD_PUNCT:
            e2 += 1
        kind = aside_kind(tokens, s2, e2)
        # An aside between commas, with the reported clause still to come, or ending the sentence
        # ("..., according to Andrew McCarthy, who prosecuted the bombers."): no part of what was said.
        if (e2 == n or tokens[e2].text in (",", ".")) and kind in ("role", "relative", "org-relative"):
            end, org_hint = e2, kind == "org-relative"
            if kind == "role":
                role = role_text(tokens, s2, e2, text)
    after = end
    return Anchor("according", a, a, after, "according to", "according", phrase, role, org_hint)


def find_anchors(tokens: Sequence[Token], text: str) -> list[Anchor]:
    """Every attribution in a sentence, in order: "X said", "said X", "according to X", ", adding that"."""
    anchors: list[Anchor] = []
    for v, tok in enumerate(tokens):
        if tok.low == "according" and v + 1 < len(tokens) and tokens[v + 1].low == "to":
            anchor = _according_anchor(tokens, v, text)
            if anchor is not None:
                anchors.append(anchor)
            continue
        if tok.text == ":":
            headed = _colon_anchor(tokens, v, text)
            if headed is not None:
                anchors.append(headed)
            continue
        found = verb_at(tokens, v)
        if found is None:
            document = _document_anchor(tokens, v, text)
            if document is not None:
                anchors.append(document)
            continue
        lemma, after = found
        cue = " ".join(t.low for t in tokens[v:after])
        if lemma == "tell":
            # The cue keeps whom it was told, as written ("told reporters", "told the crowd outside
            # the hospital gates"): a bare "told" has no object and cannot be read back as English.
            heard = skip_hearer(tokens, after)
            if heard > after:
                cue += " " + text[tokens[after].start : tokens[heard - 1].end]
        elif after < len(tokens) and tokens[after].low == "as" and lemma in NAMING_LEMMAS:
            cue += " as"  # "described as a gesture to Kharniv"
        cue = _with_modal(tokens, v, cue)
        subject = _subject_anchor(tokens, v, text)
        if subject is None and lemma in _PLAIN_SPEECH and not tok.low.endswith("ing"):
            subject = _plain_subject(tokens, v, text)
        # ", saying ..." has a subject of its own before the comma only after "with" ("with Denis
        # Pushilin, the head of the DPR, declaring that"); otherwise the main clause's subject
        # speaks, so a "subject" found in the middle of the sentence is a misreading.
        if (
            subject is not None
            and tok.low.endswith("ing")
            and tokens[v - 1].text == ","
            and subject[3] > 0
            and tokens[subject[3] - 1].low != "with"
        ):
            subject = None
        if subject is not None:
            phrase, role, org_hint, start = subject
            anchors.append(Anchor("subject", start, v, after, cue, lemma, phrase, role, org_hint))
            continue
        relative = _relative_subject(tokens, v, text)
        if relative is not None:
            anchors.append(Anchor("subject", v, v, after, cue, lemma, relative, relative=True))
            continue
        if lemma in NAMING_LEMMAS:
            # "a pledge Halloran called '...'": a name right before the verb, in a clause of its own.
            k = _strip_pre_verb(tokens, v)
            named = phrase_before(tokens, k, 0, text) if k else None
            if named is not None and named.kind in ("person", "pronoun"):
                anchors.append(Anchor("subject", named.start, v, after, cue, lemma, named))
                continue
        prev = tokens[v - 1] if v else None
        if (
            lemma in INVERTIBLE_LEMMAS
            and prev is not None
            and (prev.is_quote or prev.text == ",")
            and not tok.low.endswith("ing")
        ):
            phrase = speaker_after(tokens, after, text)
            if phrase is None and lemma in _PLAIN_SPEECH:
                phrase = _plain_after(tokens, after, text)  # '"...," says the ad's narrator'
            if phrase is not None:
                role, org_hint, name = _following_role(tokens, phrase.end, text)
                if name is not None and phrase.kind == "description":
                    phrase = named_description(phrase, name)
                    role = phrase.role
                anchors.append(Anchor("inverted", v, v, phrase.end, cue, lemma, phrase, role, org_hint))
                continue
        # ", adding that ..." or "... and noted that ...": the same speaker as the clause before.
        went_on = prev is not None and prev.low == "to" and v >= 4 and tokens[v - 2].low == "on" \
            and tokens[v - 3].low in ("going", "went", "goes") and tokens[v - 4].text == ","
        if went_on:  # '"...," Sanders said, going on to say that ...': the speaker goes on
            anchors.append(Anchor("inherit", v - 3, v, after, cue, lemma, None))
            continue
        if prev is not None and (
            (tok.low.endswith("ing") and (prev.text == "," or (prev.is_quote and text[prev.end - 2] == ",")))
            or (
                prev.low in ("and", "but")
                and v >= 2
                and (tokens[v - 2].text == "," or tokens[v - 2].is_word or tokens[v - 2].is_quote)
            )
        ):
            anchors.append(Anchor("inherit", v, v, after, cue, lemma, None))
    anchors.sort(key=lambda a: a.start)
    for i, anchor in enumerate(anchors):
        if anchor.kind == "inherit":
            anchor.source = next((a for a in reversed(anchors[:i]) if a.kind != "according"), None)
            if anchor.source is None and tokens[anchor.verb - 1].low in ("and", "but"):
                anchor.phrase = speaker_after(tokens, 0, text)  # "Okafor welcomed the pledge but said ..."
            elif anchor.source is None:
                # "Fiorina criticized Trump, saying ...": the subject of the main clause speaks.
                subject = _main_subject(tokens, anchor.verb, text)
                if subject is not None:
                    anchor.phrase, anchor.role, anchor.org_hint = subject
    return [a for a in anchors if a.kind != "inherit" or a.source is not None or a.phrase is not None]


def _colon_anchor(tokens: Sequence[Token], c: int, text: str) -> Anchor | None:
    """'Tom Vale: "We will rebuild."' (opening a sentence or after a dash), 'Said Ellis: "..."': a named person's words."""
    q = c + 1
    if q >= len(tokens) or not tokens[q].is_quote or (q + 1 < len(tokens) and tokens[q + 1].is_word):
        return None
    phrase = phrase_before(tokens, c, 0, text)
    opened = phrase is not None and phrase.start == 1 and tokens[0].low in ("said", "says")  # 'Said Ellis: "..."'
    if phrase is None or phrase.kind != "person" or (len(phrase.name.split()) < 2 and not opened):
        return None
    if phrase.start > 0 and tokens[phrase.start - 1].text not in ("-", "—", "–") and not opened:
        return None
    if opened:
        return Anchor("subject", 0, c, c + 1, tokens[0].low, "say", phrase, phrase.role)
    return Anchor("subject", phrase.start, c, c + 1, ":", ":", phrase, phrase.role)


def _document_anchor(tokens: Sequence[Token], v: int, text: str) -> Anchor | None:
    """ "The poll found that ...", "Records show ...", "..., the survey shows.": a document speaks."""
    tok = tokens[v]
    lemma = DOCUMENT_VERB_LEMMA.get(tok.text)
    if lemma is None or v == 0 or tok.low.endswith("ing"):
        return None
    subject = _subject_anchor(tokens, v, text)
    if subject is None:
        return None
    # "the researchers found that ...", "Mr. Autor and his colleagues found that ...": a finding
    # reported with "that" is its finders' ("Mr. Romney found it difficult" is not).
    found_that = lemma == "find" and v + 1 < len(tokens) and tokens[v + 1].low == "that"
    if not found_that and (subject[0].head not in DOCUMENT_HEADS or subject[0].kind != "description"):
        return None
    phrase, role, org_hint, start = subject
    return Anchor("subject", start, v, v + 1, tok.low, lemma, phrase, role, org_hint)


def _main_subject(tokens: Sequence[Token], v: int, text: str) -> tuple[Phrase, str, bool] | None:
    """The subject opening the sentence (with a role and org hint) when its verb comes before ``v``.

    "Fiorina was upfront about her distaste for Trump, saying ...": "Fiorina" is read only when a
    finite-looking verb ("was", "criticized", "took") follows it directly (adverbs aside).
    """
    start = 0
    while start < v and tokens[start].low in word_set("and but then so yet still meanwhile instead"):
        start += 1  # "And then Trump went on the attack, saying ..."
    comma = next((c for c in range(start, v) if tokens[c].text == ","), -1)
    if (
        0 < comma < v - 1
        and tokens[start].low in GAP_STARTERS | word_set("after before while here")
        and all(t.is_word for t in tokens[start:comma])
    ):
        start = comma + 1  # "On Sunday, Mr. Trump echoed ...", "Here in Columbia, Sanders stepped up ..."
    if start >= v or not tokens[start].is_word:
        return None
    phrase = speaker_after(tokens, start, text)
    if phrase is None:
        return None
    if _finite_verb_at(tokens, phrase.end, v) >= 0:
        return phrase, "", False
    # "Sen. Mark Kirk, R-Ill., who faces a tough race, rescinded his endorsement, saying ...".
    if tokens[phrase.end].text != ",":
        return None
    for c in range(phrase.end, v):
        if tokens[c].text != ",":
            continue
        k = _finite_verb_at(tokens, c + 1, v)
        if k >= 0:
            subject = _subject_anchor(tokens, k, text)
            if subject is not None and subject[3] == start:
                return subject[0], subject[1], subject[2]
    return None


# Verbs that say nothing but that something was said: their subject speaks, whatever its noun.
_PLAIN_DETERMINERS = word_set("the a an one")
_PLAIN_SPEECH = word_set("say write")  # "the state added a week": "add", "tell", "ask" take objects


def _plain_subject(tokens: Sequence[Token], v: int, text: str) -> tuple[Phrase, str, bool, int] | None:
    """ "the announcer said", "the note says", "the ad's narrator said": a determiner and lower-case
    words opening the clause, before a plain speech verb, speak though their noun is in no list of
    speakers (PolNeAR train: narrators, announcers, notes, pitches)."""
    k = _strip_pre_verb(tokens, v)
    if k is None or k < 2:
        return None
    j = k - 1
    while j > 0 and tokens[j].is_word and tokens[j].text == tokens[j].low and not tokens[j].is_possessive \
            and tokens[j].low not in FUNCTION_WORDS and tokens[j].low not in _PLAIN_DETERMINERS \
            and (j == k - 1 or tokens[j].low not in VERB_LEMMA) \
            and k - j <= 3:  # the noun itself may be a verb's form too: "the note says"
        j -= 1
    if tokens[j].low in _PLAIN_DETERMINERS or (tokens[j].is_possessive and j + 1 < k):
        start = j
        if tokens[j].is_possessive:  # "the ad's narrator", "Ivana Trump's brief"
            start = j - 1 if j >= 1 and tokens[j - 1].low == "the" else j
            while start >= 1 and tokens[j].is_cap and tokens[start - 1].is_cap and tokens[start - 1].is_word \
                    and start > j - 3:
                start -= 1
    else:
        return None
    if start < k - 4 or k - (j + 1) < 1 or not (start == 0 or tokens[start - 1].text in (",", "\ue000")
                                                 or tokens[start - 1].is_quote):
        return None
    words = list(tokens[start:k])
    written = joined(words, text)
    name = words[0].low + written[len(words[0].text):] if words[0].low in ("the", "a", "an") else written
    return Phrase(start, k, written, "description", name, head=tokens[k - 1].low,
                  definite=words[0].low == "the"), "", False, start


def _plain_after(tokens: Sequence[Token], i: int, text: str) -> Phrase | None:
    """ "the ad's narrator", "a voice over" after an inverted "says": a determiner, then lower-case
    words (a possessive among them) up to the clause's end, as ``_plain_subject`` reads them."""
    if i >= len(tokens) or tokens[i].low not in ("the", "a", "an"):
        return None
    j = i + 1
    while j < len(tokens) and j - i <= 4 and tokens[j].is_word and tokens[j].text == tokens[j].low \
            and tokens[j].low not in FUNCTION_WORDS:
        j += 1
    if j - i < 2 or (j < len(tokens) and tokens[j].text not in (",", ".", ";")):
        return None
    written = joined(list(tokens[i:j]), text)
    return Phrase(i, j, written, "description", tokens[i].low + written[len(tokens[i].text):],
                  head=strip_possessive(tokens[j - 1].low), definite=tokens[i].low == "the")


def _finite_verb_at(tokens: Sequence[Token], k: int, v: int) -> int:
    """Index of a finite-looking verb at ``k`` (after adverbs and auxiliaries), before ``v``; else -1."""
    first = k
    while k < v and (
        tokens[k].low in PRE_VERB_ADVERBS
        or tokens[k].low in AUXILIARIES
        or NEGATED_AUXILIARY.fullmatch(tokens[k].low)  # "didn't seem", "wasn't"
        or tokens[k].low in ("not", "never", "even")
        or (tokens[k].low.endswith("ly") and len(tokens[k].low) > 4)
    ):
        k += 1
    if k >= v:
        return -1
    verb = tokens[k]
    if not verb.is_word or verb.text != verb.low or verb.low in BLOCKERS - word_set("was were is are"):
        return -1
    if not (
        verb.low in FINITE_MARKERS
        or verb.low in VERB_LEMMA
        or (k > first and (tokens[k - 1].low in AUXILIARIES or NEGATED_AUXILIARY.fullmatch(tokens[k - 1].low)
                           or tokens[k - 1].low in ("not", "never")))
        or (verb.low.endswith("ed") and len(verb.low) > 3)  # "tied", "cited", "praised"
    ):
        return -1
    return k


def skip_hearer(tokens: Sequence[Token], i: int) -> int:
    """After "told": "reporters", "the Gazette", "the crowd outside the hospital gates" (up to "that")."""
    n = len(tokens)
    for j in range(i, min(n, i + 10)):
        t = tokens[j]
        if not t.is_word or t.low in VERB_LEMMA or t.low in FINITE_MARKERS:
            break
        if t.low == "that":
            return j if j > i else i
    if i < n and tokens[i].low in DETERMINERS and i + 1 < n and tokens[i + 1].is_word:
        j = i + 2
        while j < n and is_name_word(tokens[j]) and tokens[j - 1].is_cap:
            j += 1
        return _group_noun(tokens, j)
    if i < n and is_name_word(tokens[i]):
        j = i + 1
        while j < n and is_name_word(tokens[j]):
            j += 1
        return _group_noun(tokens, j)
    return i + 1 if i < n and tokens[i].is_word else i


def _group_noun(tokens: Sequence[Token], j: int) -> int:
    """Past a plural noun that the name before it qualifies, when a new subject follows it: "told
    Labour members the Tories offered ...", where the hearer is "Labour members" (a statement
    "told Labour that members the Tories offered" misstates it). "told Reuters prices would rise"
    stays: a verb, not a subject, follows "prices"."""
    n = len(tokens)
    if j + 1 < n and tokens[j].is_word and not tokens[j].is_cap and tokens[j].low.endswith("s") \
            and tokens[j].low not in VERB_LEMMA and tokens[j].low not in FINITE_MARKERS \
            and (tokens[j + 1].low in DETERMINERS or is_name_word(tokens[j + 1])):
        return j + 1
    return j
