"""Asides around a speaker: roles, names and relative clauses between commas.

"Denis Pushilin, the head of the Donetsk People's Republic, said": ``aside_kind`` tells a role
from a name ("The ministry's spokesman, Igor Konashenkov, said"), a relative clause ("who
requested anonymity") or words to skip ("however", "speaking to reporters"); ``role_text`` is
the role as written, cut before a relative clause.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.quotes.lexicon import (
    DETERMINERS,
    FINITE_MARKERS,
    GAP_STARTERS,
    HARD_PUNCT,
    PP_PREPOSITIONS,
    VERB_LEMMA,
    word_set,
)
from ingest.quotes.phrases import Phrase, classify_run, is_name_word, joined
from ingest.quotes.sentences import Token

# Asides between commas ("who has worked as a midwife at Kharniv District Hospital for 19 years")
# are well under this; a longer run without punctuation is not an aside, and a bound keeps a
# run-on sentence from costing quadratic time.
_MAX_CHUNK_WORDS = 40


_IGNORABLE_ASIDES = frozenset(
    {
        "however",
        "though",
        "too",
        "also",
        "meanwhile",
        "in turn",
        "for his part",
        "for her part",
        "for its part",
        "for their part",
        "in a statement",
    }
)


def aside_kind(tokens: Sequence[Token], a: int, b: int) -> str | None:
    """What a comma-enclosed aside after a speaker is: "role", "relative", "org-relative", "skip", or None."""
    chunk = tokens[a:b]
    if not chunk or any(t.is_quote for t in chunk):
        return None
    first = chunk[0].low
    if first in ("who", "whom", "whose"):
        return "relative"
    if first == "which":
        return "org-relative"
    if all(t.low.isdigit() for t in chunk) or " ".join(t.low for t in chunk) in _IGNORABLE_ASIDES:
        return "skip"
    if first in GAP_STARTERS and first not in ("for",) or first in ("both", "all", "each", "including"):
        return "skip" if not any(t.low in FINITE_MARKERS for t in chunk) else None
    if (
        first.endswith(("ing", "ed"))
        and len(first) > 4
        and not any(t.low == "that" or t.low in FINITE_MARKERS for t in chunk[1:])
    ):
        return "skip"  # "asked about the layoffs", "speaking to reporters"
    if first.endswith("ing") or first in ("and", "but", "that") or len(chunk) > 22:
        return None
    if any(
        (t.low in VERB_LEMMA and not _noun_use(chunk, n)) or t.low in FINITE_MARKERS
        for n, t in enumerate(chunk[: role_length(chunk)])
    ):
        return None
    if all(is_name_word(t) for t in chunk) and aside_name(tokens, a, b) is not None:
        return "name"  # "The ministry's spokesman, Igor Konashenkov, said"
    return "role"


def _noun_use(chunk: Sequence[Token], n: int) -> bool:
    """A verb's base form used as a noun in a role: "director of state campaigns", "a Washington state delegate"."""
    t = chunk[n]
    if n == 0 or VERB_LEMMA.get(t.low) != t.low or t.low in FINITE_MARKERS:
        return False
    prev = chunk[n - 1]
    return prev.is_cap or prev.is_possessive or prev.low in DETERMINERS or prev.low in PP_PREPOSITIONS


# "X, who runs a hardware shop on Harbour Row, said": what the speaker does, worth keeping as the
# role when no other aside gives one. Other relative clauses ("who requested anonymity") are not.
_OCCUPATION_VERBS = word_set("runs owns heads leads manages chairs directs founded co-founded co-owns edits teaches coaches")


def is_occupation_clause(chunk: Sequence[Token]) -> bool:
    """ "who runs a hardware shop on Harbour Row": a relative clause that says what the speaker does."""
    return 3 <= len(chunk) <= 12 and chunk[0].low == "who" and chunk[1].low in _OCCUPATION_VERBS


def aside_name(tokens: Sequence[Token], a: int, b: int, text: str = "") -> Phrase | None:
    """A full personal name standing alone as an aside ("Igor Konashenkov"), or None."""
    phrase = classify_run(tokens, a, b, False, text)
    return phrase if phrase is not None and phrase.kind == "person" and len(phrase.name.split()) > 1 else None


def named_description(phrase: Phrase, name: Phrase) -> Phrase:
    """For "The ministry's spokesman, Igor Konashenkov": the person speaks, the description is the role."""
    role = phrase.written
    if role.split()[0] in ("The", "A", "An"):
        role = role[:1].lower() + role[1:]
    return Phrase(phrase.start, name.end, name.written, "person", name.name, role=role, gender=name.gender)


def role_length(chunk: Sequence[Token]) -> int:
    """A role ends before a relative clause: "a crane operator who has worked ..." -> "a crane operator"."""
    for i, t in enumerate(chunk):
        if i and t.low in ("who", "whom", "whose", "which", "that"):
            return i
    return len(chunk)


def role_text(tokens: Sequence[Token], a: int, b: int, text: str) -> str:
    """The role an aside gives, as written, cut before a relative clause."""
    chunk = tokens[a:b]
    return joined(chunk[: role_length(chunk)], text)


def chunk_start(tokens: Sequence[Token], end: int) -> int:
    """Start of the comma chunk that ends at ``end`` (at most ``_MAX_CHUNK_WORDS`` back)."""
    s = end
    floor = max(0, end - _MAX_CHUNK_WORDS)
    while s - 1 >= floor and not tokens[s - 1].is_quote and tokens[s - 1].text not in HARD_PUNCT:
        s -= 1
    return s
