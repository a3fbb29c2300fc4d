"""Speaker phrases: the noun phrase that names who speaks, as a sentence writes it, before resolution.

A ``Phrase`` is a person ("Dr. Elena Petrova", titles split off into the role), an organisation
or publication ("the Kremlin", "The New York Times"), a description ("one anonymous Western
intelligence official", "officials in the region"), a poll share ("47 percent"), a pronoun, or
two of these joined by "and". ``phrase_before`` reads one that ends at a token, ``speaker_after``
one that starts at a token, ``speaker_ending_at`` one that opens a clause.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.quotes.lexicon import (
    ADJECTIVE_ENDINGS,
    APPROXIMATORS,
    AUXILIARIES,
    BLOCKERS,
    BOUNDARY_WORDS,
    DETERMINERS,
    DOCUMENT_HEADS,
    DOCUMENT_MODIFIERS,
    DOCUMENT_NOUNS,
    FINITE_MARKERS,
    FORMER_WORDS,
    FUNCTION_WORDS,
    GAP_STARTERS,
    GENDER_BY_HONORIFIC,
    HONORIFICS,
    MASTHEAD_WORDS,
    MODIFIERS,
    NAME_PARTICLES,
    NOT_NAME_WORDS,
    NUMBER_WORDS,
    OFFICE_TITLES,
    ORG_WORDS,
    PLACES,
    PLURAL_HEADS,
    POSSESSIVE_PRONOUNS,
    PP_PREPOSITIONS,
    PRE_VERB_ADVERBS,
    PRONOUNS,
    PROPORTIONS,
    PUBLICATION_HEADS,
    PUBLICATION_WORDS,
    QUANTIFIERS,
    SPEAKER_HEADS,
    TIME_WORDS,
    TITLE_EXPANSIONS,
    VERB_LEMMA,
    word_set,
)
from ingest.quotes.sentences import Token
from rag.text import fold

# Longer than any speaker phrase in the demo corpus ("a senior official in the governor's office"
# is 7 words); keeps the longest-match search after "said" short.
_MAX_SPEAKER_WORDS = 12


@dataclass(frozen=True, slots=True)
class Phrase:
    """A speaker noun phrase found in a sentence, before resolution."""

    start: int  # token indexes
    end: int
    written: str  # as printed: "Dr. Elena Petrova", "he", "The publication"
    kind: str  # "pronoun" | "person" | "org" | "publication" | "description"
    name: str  # normalised, see the ``ingest.quotes`` docstring
    head: str = ""  # singular head noun of a description or organisation: "official", "board"
    plural: bool = False
    definite: bool = False
    role: str = ""  # from a title or role noun before a name: "Mayor", "Kremlin spokesman"
    gender: str = ""
    qualifiers: frozenset[str] = frozenset()  # folded premodifiers, to match "the Western official"
    parts: tuple[Phrase, ...] = ()  # a conjoined speaker ("Smith and Jones", kind "group"): each one


def head_noun(low: str) -> tuple[str, bool] | None:
    """The singular of a speaker noun and whether it was plural: "officials" -> ("official", True)."""
    if low in PLURAL_HEADS:
        return PLURAL_HEADS[low], True
    if low in SPEAKER_HEADS:
        return low, False
    for suffix, replacement in (("ies", "y"), ("men", "man"), ("es", ""), ("s", "")):
        if low.endswith(suffix) and low[: -len(suffix)] + replacement in SPEAKER_HEADS:
            return low[: -len(suffix)] + replacement, True
    return None


def document_head(tok: Token) -> tuple[str, bool] | None:
    """The singular of a lower-case document noun and whether it was plural: "polls" -> ("poll", True)."""
    low = tok.low
    if tok.text != low or not tok.is_word:
        return None
    if low in DOCUMENT_HEADS:
        return low, low == "data"
    if low.endswith("s") and low[:-1] in DOCUMENT_HEADS:
        return low[:-1], True
    return None


def singular_document(tok: Token) -> bool:
    """A document noun that is not also a speaker noun: "figures", "poll", "records"."""
    return document_head(tok) is not None and head_noun(tok.low) is None


def is_name_word(tok: Token) -> bool:
    """A capitalised word that may be part of a name: not "The", "Monday" or "However"."""
    if not tok.is_cap or tok.low in FUNCTION_WORDS or tok.low in TIME_WORDS or tok.low in DETERMINERS:
        return False
    if tok.low in NOT_NAME_WORDS:  # "Does Rubio", "Former Obama", 'Said Ellis: "..."'
        return False
    return tok.text[:1].isalpha()


def is_premodifier(tok: Token) -> bool:
    """A word that may stand before a speaker noun: "senior", "Western", "67-year-old", "State"."""
    if tok.is_quote or not tok.is_word or tok.is_possessive:
        return False
    low = tok.low
    if low in DETERMINERS or low in FUNCTION_WORDS:
        return False
    if low in VERB_LEMMA and not (tok.is_cap and VERB_LEMMA[low] == low):
        return False  # "State" in "the State Department" is a name word, "said" never a modifier
    if tok.is_cap or low.isdigit() or low in MODIFIERS or low in DOCUMENT_MODIFIERS or head_noun(low):
        return True
    return "-" in low or (len(low) > 4 and low.endswith(ADJECTIVE_ENDINGS))


def _is_noun_modifier(tok: Token) -> bool:
    """A lower-case noun used as a modifier before a speaker noun: "immigration" in "immigration officials"."""
    low = tok.low
    return (
        tok.is_word
        and not tok.is_cap
        and not tok.is_possessive
        and len(low) > 3
        and low.replace("-", "").isalpha()
        and not low.endswith(("ly", "ing"))
        and low not in FUNCTION_WORDS | TIME_WORDS | DETERMINERS | BOUNDARY_WORDS | FINITE_MARKERS
        and low not in AUXILIARIES | BLOCKERS | PRE_VERB_ADVERBS | GAP_STARTERS
        and low not in VERB_LEMMA
    )


def joined(tokens: Sequence[Token], text: str) -> str:
    """The article's text from the first token to the last, white space collapsed."""
    if not tokens:
        return ""
    return " ".join(text[tokens[0].start : tokens[-1].end].split())


def _indefinite(word: str) -> str:
    """The indefinite article by sound: "an anonymous official", "a Ukrainian official", "an FBI agent"."""
    if len(word) > 1 and word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    low = word.lower()
    if low.startswith(("uni", "use", "usu", "uti", "ukr", "eu", "one", "once", "ura")):
        return "a"
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    return "an" if low[:1] in "aeiou" else "a"


def _description_name(words: list[str]) -> str:
    first = words[0].lower()
    if first in ("a", "an") or (first == "one" and len(words) > 1 and words[1].lower() != "of"):
        return " ".join([_indefinite(words[1]), *words[1:]]) if len(words) > 1 else words[0]
    if first in DETERMINERS and first not in word_set("two three four five six seven eight nine ten"):
        return " ".join([first, *words[1:]])
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


def strip_possessive(word: str) -> str:
    """``word`` without a possessive ending: "Ukraine's" -> "Ukraine", "Forces'" -> "Forces"."""
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _is_title(low: str) -> bool:
    """An honorific or office title before a name: "Dr.", "Mayor", "Gen.", "Secretary-General",
    and an office's plural before two names ("Senators Rubio and Cruz", "Reps. Smith and Lee")."""
    bare = low.rstrip(".")
    return (
        low in HONORIFICS
        or low in OFFICE_TITLES
        or bare + "." in TITLE_EXPANSIONS
        or any(part in OFFICE_TITLES for part in low.split("-"))
        or (len(bare) > 3 and bare.endswith("s") and (bare[:-1] in OFFICE_TITLES or bare[:-1] + "." in OFFICE_TITLES))
    )


def classify_run(tokens: Sequence[Token], start: int, end: int, det: bool, text: str) -> Phrase | None:
    """A run of capitalised words: a person (with any titles split off), an organisation or a publication."""
    run = tokens[start:end]
    lows = [strip_possessive(t.low) for t in run]
    written = joined(tokens[start - 1 if det else start : end], text)
    titled = _person_in_run(tokens, start, end, det, written, titled_only=True)
    if titled is not None:
        return titled  # "European Commission President Ursula von der Leyen"
    of = next((i for i, w in enumerate(lows) if w in ("of", "for")), -1)
    if of > 0 and not det and not _is_title(lows[of - 1]):
        # "Greta Hollis of the Tarvik Riders' Association": a person, with the body as role.
        person = classify_run(tokens, start, start + of, False, text)
        if person is not None and person.kind == "person" and len(person.name.split()) > 1:
            role = " ".join(filter(None, (person.role, joined(run[of:], text))))  # "Mayor of Varnholm"
            return Phrase(start, end, written, "person", person.name, role=role, gender=person.gender)
    # "the Tax Foundation's policy center": the body is the Tax Foundation, as for a person's name
    words = [strip_possessive(t.text) if t is run[-1] else t.text for t in run]
    if any(w in PUBLICATION_WORDS for w in lows):
        article = "The" if det and lows[-1] in MASTHEAD_WORDS else ("the" if det else "")
        name = " ".join([article, *words]) if article else " ".join(words)
        return Phrase(start - det, end, written, "publication", name, head=lows[-1], definite=det)
    if any(w in ORG_WORDS for w in lows) or (len(run) == 1 and lows[0] in PLACES):
        before_of = next((i for i, w in enumerate(lows) if w in ("of", "for")), len(lows))
        head = next((w for w in reversed(lows[:before_of]) if w in ORG_WORDS or head_noun(w)), lows[-1])
        head = head_noun(head)[0] if head_noun(head) else head
        name = " ".join(["the", *words]) if det else " ".join(words)
        return Phrase(
            start - det,
            end,
            written,
            "org",
            name,
            head=head,
            definite=det,
            qualifiers=frozenset(fold(w) for w in lows),
        )
    return _person_in_run(tokens, start, end, det, written, titled_only=False)


def _person_in_run(
    tokens: Sequence[Token], start: int, end: int, det: bool, written: str, titled_only: bool
) -> Phrase | None:
    """A person named by a run, with honorifics and office titles split off into the role."""
    run = tokens[start:end]
    lows = [strip_possessive(t.low) for t in run]
    last_title = max((i for i, low in enumerate(lows[:-1]) if _is_title(low)), default=-1)
    while last_title >= 0 and last_title + 2 < len(run) and lows[last_title + 1] in ("of", "for"):
        last_title += 2  # "Secretary of State Marco Rubio"
    if titled_only and last_title < 0:
        return None
    names = lows[last_title + 1 :]
    if not names or any(
        w in ("of", "for", "and") or w in ORG_WORDS or w in PUBLICATION_WORDS for w in names
    ):
        return None
    title_words = [t for t in run[: last_title + 1] if t.low not in HONORIFICS]
    role = " ".join(TITLE_EXPANSIONS.get(t.low, t.text) for t in title_words)
    gender = next(
        (
            GENDER_BY_HONORIFIC[w.rstrip(".")]
            for w in lows[: last_title + 1]
            if w.rstrip(".") in GENDER_BY_HONORIFIC
        ),
        "",
    )
    name = " ".join(strip_possessive(t.text) if t is run[-1] else t.text for t in run[last_title + 1 :])
    return Phrase(start - det, end, written, "person", name, role=role, gender=gender)


def _name_run_start(tokens: Sequence[Token], floor: int, last: int) -> int:
    """Start of the run of name words ending at ``last``: "Kyiv Institute of International Relations"."""
    j = last
    while j - 1 >= floor:
        p = tokens[j - 1]
        if (
            is_name_word(p)
            or (len(p.text) == 2 and p.text[1] == "." and p.text[0].isupper())
            or p.low in NAME_PARTICLES | {"of", "for"}
            and j - 2 >= floor
            and (is_name_word(tokens[j - 2]) or tokens[j - 2].low in NAME_PARTICLES)
            # "the Institute for the Study of War"
            or p.low == "the"
            and j - 3 >= floor
            and tokens[j - 2].low in ("of", "for")
            and strip_possessive(tokens[j - 3].low) in ORG_WORDS
        ):
            j -= 1
        else:
            break
    return j


def _core_before(tokens: Sequence[Token], end: int, floor: int, text: str) -> Phrase | None:
    """The noun phrase ending just before ``tokens[end]``: a name, or [det] modifiers* speaker-noun."""
    i = end - 1
    if i < floor or not tokens[i].is_word or tokens[i].is_possessive:
        return None
    head = head_noun(tokens[i].low) or document_head(tokens[i])
    if head and not (
        tokens[i].is_cap
        and i - 1 >= floor
        and is_name_word(tokens[i - 1])
        and not head_noun(tokens[i - 1].low)
        and tokens[i].low not in ORG_WORDS
        and not (tokens[i - 1].low in MODIFIERS or tokens[i - 1].low.endswith(ADJECTIVE_ENDINGS))
    ):
        j = i
        nouns = 0  # "law enforcement officials", "a school spokesman": at most two other nouns
        while j - 1 >= floor and (
            is_premodifier(tokens[j - 1]) or (nouns < 2 and _is_noun_modifier(tokens[j - 1]))
        ):
            nouns += not is_premodifier(tokens[j - 1])
            j -= 1
        definite = False
        if j - 1 >= floor and tokens[j - 1].is_possessive and singular_document(tokens[i]):
            return None  # "the board's own figures": the board speaks (``cues._according_anchor``)
        if j - 1 >= floor and tokens[j - 1].is_possessive:
            k = j - 1
            if tokens[k].is_cap:
                k = _name_run_start(tokens, floor, k)
            if k - 1 >= floor and tokens[k - 1].low == "the":
                k -= 1
            j, definite = k, True
        elif j - 1 >= floor and tokens[j - 1].low in DETERMINERS:
            j -= 1
            definite = (
                tokens[j].low in ("the", "this", "that", "these", "those")
                or tokens[j].low in POSSESSIVE_PRONOUNS
            )
        words = [t.text for t in tokens[j : i + 1]]
        singular, plural = head
        kind = "publication" if singular in PUBLICATION_HEADS else "description"
        qualifiers = frozenset(
            fold(strip_possessive(t.low)) for t in tokens[j:i] if t.low not in DETERMINERS
        )
        return Phrase(
            j,
            end,
            joined(tokens[j:end], text),
            kind,
            _description_name(words),
            head=singular,
            plural=plural,
            definite=definite,
            qualifiers=qualifiers,
        )
    if not is_name_word(tokens[i]):
        return None
    j = _name_run_start(tokens, floor, i)
    det = j - 1 >= floor and tokens[j - 1].low == "the"
    if not det and j - 1 >= floor and tokens[j - 1].is_possessive and tokens[j - 1].is_cap:
        j = _name_run_start(tokens, floor, j - 1)  # "Ukraine's General Staff"
    phrase = classify_run(tokens, j, end, det, text)
    if phrase is None or phrase.kind != "person":
        return phrase
    if phrase.role and phrase.start == j and j - 1 >= floor and tokens[j - 1].low in FORMER_WORDS:
        # "former President Bill Clinton": the person, and "former President" the role.
        return replace(phrase, start=j - 1, written=joined(tokens[j - 1 : end], text),
                       role=f"{tokens[j - 1].text} {phrase.role}")
    # A role noun right before a name: "Kremlin spokesman Dmitry Peskov".
    if j - 1 >= floor and not tokens[j - 1].is_cap and head_noun(tokens[j - 1].low):
        role = _core_before(tokens, j, floor, text)
        if role is not None and role.kind == "description":
            return Phrase(
                role.start,
                end,
                joined(tokens[role.start : end], text),
                "person",
                phrase.name,
                role=role.written,
                gender=phrase.gender,
            )
    return phrase


def phrase_before(tokens: Sequence[Token], end: int, floor: int, text: str) -> Phrase | None:
    """The speaker phrase ending just before ``tokens[end]``, extended over "of"/"for" complements.

    "a spokesperson for the ministry", "the head of the Donetsk People's Republic", "one of the
    residents", "officials in the region".
    """
    i = end - 1
    if i < floor:
        return None
    if tokens[i].low in PRONOUNS and (
        i == floor or not tokens[i - 1].is_word or tokens[i - 1].low in BOUNDARY_WORDS
    ):
        low = tokens[i].low
        return Phrase(i, end, tokens[i].text, "pronoun", low, plural=low == "they", gender=PRONOUNS[low])
    phrase = _core_before(tokens, end, floor, text)
    if phrase is None:
        phrase = _quantity_phrase(tokens, end, floor, text)
    if phrase is None:
        phrase = _pp_object_phrase(tokens, end, floor, text)
        if phrase is None:
            return None
    while phrase.start - 2 >= floor and tokens[phrase.start - 1].low in PP_PREPOSITIONS:
        prep = tokens[phrase.start - 1].low
        if prep == "of" and (
            tokens[phrase.start - 2].low in QUANTIFIERS or tokens[phrase.start - 2].low in PROPORTIONS
        ):
            q = phrase.start - 2
            if tokens[q].low in PROPORTIONS:
                # "75 percent of Democrats", "almost half of respondents", "a majority of voters"
                while q - 1 >= floor and (
                    tokens[q - 1].low in APPROXIMATORS or tokens[q - 1].low.replace(",", "").isdigit()
                    or tokens[q - 1].low in NUMBER_WORDS
                ):
                    q -= 1
                if tokens[q].low in word_set("percent % thirds quarters"):
                    break  # "percent of voters" with no figure
            phrase = Phrase(
                q,
                end,
                joined(tokens[q:end], text),
                "description",
                _description_name([t.text for t in tokens[q:end]]),
                head=phrase.head,
                plural=True,
                definite=False,
                qualifiers=phrase.qualifiers,
            )
            break
        outer = _core_before(tokens, phrase.start - 1, floor, text)
        if outer is not None and outer.kind == "person" and prep in ("of", "from", "at") and not outer.role:
            # "Greta Hollis of the Riders' Association": the person, with the body as role.
            role = joined(tokens[phrase.start - 1 : end], text)
            return Phrase(
                outer.start,
                end,
                joined(tokens[outer.start : end], text),
                "person",
                outer.name,
                role=role,
                gender=outer.gender,
            )
        if outer is None or outer.kind == "person" or not outer.head or outer.head in DOCUMENT_HEADS:
            break  # "a statement from the White House said": the White House speaks
        words = [t.text for t in tokens[outer.start : end]]
        name = (
            _description_name(words)
            if outer.kind != "org"
            else outer.name + " " + joined(tokens[outer.end : end], text)
        )
        phrase = Phrase(
            outer.start,
            end,
            joined(tokens[outer.start : end], text),
            "description",
            name,
            head=outer.head,
            plural=outer.plural,
            definite=outer.definite,
            qualifiers=outer.qualifiers | phrase.qualifiers,
        )
    return phrase


def _is_number(low: str) -> bool:
    """ "47", "1,409", "ten", "seventy-four"."""
    return low.replace(",", "").isdigit() or all(part in NUMBER_WORDS for part in low.split("-"))


_POLLED = word_set("surveyed polled questioned interviewed")


def _quantity_phrase(tokens: Sequence[Token], end: int, floor: int, text: str) -> Phrase | None:
    """A poll share as speaker: "47 percent", "About four in 10", "Nearly half", "Only 24%", "those surveyed"."""
    i = end - 1
    low = tokens[i].low
    if low in _POLLED and i - 1 >= floor and tokens[i - 1].low == "those":
        words = [t.text for t in tokens[i - 1 : end]]
        written = joined(tokens[i - 1 : end], text)
        return Phrase(i - 1, end, written, "description", _description_name(words), plural=True)
    if low == "percent" and i - 1 >= floor and _is_number(tokens[i - 1].low):
        q = i - 1
    elif re.fullmatch(r"\d+(?:\.\d+)?%", low) or low in word_set("half two-thirds three-quarters three-fourths"):
        q = i
    elif (
        _is_number(low)
        and i - 2 >= floor
        and tokens[i - 1].low == "in"
        and _is_number(tokens[i - 2].low)
        and low in word_set("3 4 5 10 three four five ten")
    ):
        q = i - 2  # "six in 10", "one in five"
    else:
        return None
    while q - 1 >= floor and tokens[q - 1].low in word_set("about almost nearly roughly some only just fully a"):
        q -= 1
    if q - 2 >= floor and tokens[q - 1].low == "than" and tokens[q - 2].low in ("more", "fewer", "less"):
        q -= 2  # "More than half"
    if tokens[q].low == "a":
        return None  # "a half", "a 5 percent" rise
    words = [t.text for t in tokens[q:end]]
    return Phrase(q, end, joined(tokens[q:end], text), "description", _description_name(words), plural=True)


def _pp_object_phrase(tokens: Sequence[Token], end: int, floor: int, text: str) -> Phrase | None:
    """A speaker noun with a short complement that is not itself a speaker: "officials in the region"."""
    for p in range(end - 2, max(floor, end - 6) - 1, -1):
        tok = tokens[p]
        if tok.low in PP_PREPOSITIONS and p + 1 < end:
            obj = tokens[p + 1 : end]
            if any(
                not t.is_word
                or t.low in DOCUMENT_NOUNS
                or t.low in TIME_WORDS
                or t.low in VERB_LEMMA
                or t.low in FINITE_MARKERS
                or t.low in word_set("who whom whose which that and or but")
                for t in obj
            ):
                return None
            # "sources familiar with the matter", "people close to the negotiations"
            before = p - 1 if p - 1 >= floor and tokens[p - 1].low in ("familiar", "close", "briefed") else p
            outer = _core_before(tokens, before, floor, text)
            if outer is None or outer.kind == "person" or not outer.head:
                return None
            words = [t.text for t in tokens[outer.start : end]]
            return Phrase(
                outer.start,
                end,
                joined(tokens[outer.start : end], text),
                "description",
                _description_name(words),
                head=outer.head,
                plural=outer.plural,
                definite=outer.definite,
                qualifiers=outer.qualifiers,
            )
        if not tok.is_word:
            return None
    return None


def document_prefix_start(tokens: Sequence[Token], start: int, floor: int) -> int:
    """Start of "a recent report by" before a speaker, or -1: "a report by The New York Times said"."""
    if start - 1 < floor or tokens[start - 1].low not in ("by", "from", "in", "of"):
        return -1
    j = start - 1
    if j - 1 >= floor and tokens[j - 1].low in (
        "published",
        "released",
        "commissioned",
        "issued",
        "compiled",
    ):
        j -= 1
    if j - 1 < floor or tokens[j - 1].low not in DOCUMENT_NOUNS:
        return -1
    j -= 1
    while j - 1 >= floor and (is_premodifier(tokens[j - 1]) or tokens[j - 1].low in DOCUMENT_MODIFIERS):
        j -= 1
    if j - 1 >= floor and tokens[j - 1].low in DETERMINERS:
        j -= 1
    return j


def _opens_clause(tokens: Sequence[Token], start: int, floor: int) -> bool:
    """Can a subject start at ``tokens[start]``? After punctuation, "with", "and", a leading adverbial."""
    if start <= floor:
        return True
    prev = tokens[start - 1]
    if prev.is_quote or not prev.is_word:
        return prev.text not in ("'", "’")
    if prev.low in ("and", "or"):
        # "Halloran and Quist said": a conjoined subject, which we do not split.
        return start - 2 < floor or not (tokens[start - 2].is_cap or head_noun(tokens[start - 2].low))
    if prev.low in BOUNDARY_WORDS:
        return True
    # A leading adverbial without a comma: "In a statement the ministry said", "On Monday Pushilin said".
    chunk = start
    while chunk - 1 >= floor and tokens[chunk - 1].is_word:
        chunk -= 1
    lead = tokens[chunk:start]
    return (
        (chunk == floor or not tokens[chunk - 1].is_word)
        and len(lead) <= 8
        and lead[0].low in GAP_STARTERS
        and not any(t.low in FINITE_MARKERS or t.low in VERB_LEMMA for t in lead)
    )


def _group(tokens: Sequence[Token], left: Phrase, right: Phrase, text: str) -> Phrase | None:
    """ "Smith and Jones", "the mayor and the governor": one speaker of two, or None."""
    for part in (left, right):
        if (
            part.kind in ("pronoun", "group")
            or tokens[part.start].low in ("who", "whose", "which", "that")
            # a bare singular is a second role of one person: "the Vermont senator and Democratic
            # presidential candidate", "Republican lobbyist and Trump adviser Charlie Black"
            or (part.kind == "description" and not part.plural and tokens[part.start].low not in DETERMINERS
                and not part.definite)
        ):
            return None
    return Phrase(
        left.start,
        right.end,
        joined(tokens[left.start : right.end], text),
        "group",
        " and ".join((left.name, right.name)),
        plural=True,
        parts=(left, right),
    )


def _conjoined_before(tokens: Sequence[Token], right: Phrase, text: str) -> Phrase | None:
    """ "Smith and Jones said": the conjoined subject ending with ``right``, when it opens a clause.

    Not a list ("Cruz, Rubio and Kasich said": which ones?) nor "X and he".
    """
    a = right.start
    if a < 2 or tokens[a - 1].low != "and":
        return None
    left = phrase_before(tokens, a - 1, 0, text)
    if left is None:
        return None
    s = left.start
    if s >= 1 and tokens[s - 1].low == "both":
        s -= 1  # "Both Smith and Jones said"
    if not _opens_clause(tokens, s, 0):
        return None
    if s >= 2 and tokens[s - 1].text == "," and (tokens[s - 2].is_cap or head_noun(tokens[s - 2].low)):
        return None  # a list, or "the National Academies of Sciences, Engineering and Medicine"
    return _group(tokens, left, right, text)


def speaker_ending_at(tokens: Sequence[Token], end: int, text: str) -> Phrase | None:
    """A speaker phrase ending at ``end`` that starts a clause (or follows "a report by")."""
    phrase = phrase_before(tokens, end, 0, text)
    if phrase is None:
        return None
    if _opens_clause(tokens, phrase.start, 0):
        return phrase
    group = _conjoined_before(tokens, phrase, text)
    if group is not None:
        return group
    doc = document_prefix_start(tokens, phrase.start, 0)
    if doc >= 0 and _opens_clause(tokens, doc, 0):
        return replace(phrase, start=doc)
    return None


def speaker_after(tokens: Sequence[Token], start: int, text: str) -> Phrase | None:
    """The speaker phrase starting at ``start``: "said one anonymous Western intelligence official, ..."."""
    stop = start
    limit = min(len(tokens), start + _MAX_SPEAKER_WORDS)
    while stop < limit and tokens[stop].is_word and tokens[stop].low not in ("who", "which", "whose"):
        stop += 1
    for end in range(stop, start, -1):
        phrase = phrase_before(tokens, end, start, text)
        if phrase is not None and phrase.start == start:
            if end + 1 < stop and tokens[end].low == "and":
                # "said Smith and Jones": the whole pair, when "and" joins two speakers.
                for end2 in range(stop, end + 1, -1):
                    right = phrase_before(tokens, end2, end + 1, text)
                    if right is not None and right.start == end + 1:
                        return _group(tokens, phrase, right, text) or phrase
            return phrase
    return None
