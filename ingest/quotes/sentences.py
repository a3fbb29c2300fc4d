"""Sentence units: the article cut into sentences that never split a quotation, each a run of tokens.

``sentence_units`` cuts where ``rag.text.split_sentences`` does, except inside a quotation, so a
sentence may span two paragraphs when its quote does. A quotation is a single ``Token`` there
(``Token.quote``), so the rules that follow see "<Q> said one anonymous official".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from ingest.quotes.marks import Span
from rag.text import ABBREVIATIONS, split_sentences


@dataclass(frozen=True, slots=True)
class Token:
    """A word, a punctuation mark or a whole quotation (``quote``) in a sentence, with its article offsets."""

    text: str
    low: str  # lower case
    start: int  # offsets in the article text
    end: int
    quote: int = -1  # index into the article's spans when this token stands for a quotation

    @property
    def is_quote(self) -> bool:
        """The token stands for a whole quotation."""
        return self.quote >= 0

    @property
    def is_word(self) -> bool:
        """A word or a number: not punctuation, not a quotation."""
        return self.quote < 0 and self.text[:1].isalnum()

    @property
    def is_cap(self) -> bool:
        """A word that starts with a capital letter."""
        return self.quote < 0 and self.text[:1].isupper()

    @property
    def is_possessive(self) -> bool:
        """A word with a possessive ending: "Ukraine's", "Forces'"."""
        return (
            self.quote < 0
            and len(self.low) > 2
            and (self.low[-2:] in ("'s", "’s") or self.low[-2:] in ("s'", "s’"))
        )


_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}"  # U.S., a.m.
    r"|\d+(?:-[A-Za-z]+)+"  # 67-year-old
    r"|\d+(?:[.,:]\d+)*%?"  # 1,150  9:15  4.7
    r"|\w+(?:[-'’/]\w+)*(?:(?<=[sS])['’](?!\w))?"  # words, with "Ukraine's", "Forces'", "Times/CBS" whole
    r"|[^\w\s]"
)


# "She’ll argue", "He’s claiming": a pronoun with a verb's clitic is two words, the pronoun and the
# verb, or "She'll" reads as a speaker and "’s claiming" as no verb at all. The clitic's token
# keeps its offsets in the text and is read as the word it stands for ("’ll" as "will").
_CLITIC = re.compile(r"(?i)(i|you|he|she|it|we|they|who|there)(['’])(s|ll|re|ve|d|m)")
_CLITIC_WORDS = {"s": "is", "ll": "will", "re": "are", "ve": "have", "d": "would", "m": "am"}


def _tokenize(text: str, start: int, end: int, out: list[Token]) -> None:
    for m in _TOKEN.finditer(text, start, end):
        word, s, e = m.group(), m.start(), m.end()
        clitic = _CLITIC.fullmatch(word)
        if clitic is not None:
            k = s + clitic.end(1)
            out.append(Token(clitic.group(1), clitic.group(1).lower(), s, k))
            full = _CLITIC_WORDS[clitic.group(3).lower()]
            out.append(Token(full, full, k, e))
            continue
        if (
            out
            and word == "."
            and out[-1].end == s
            and out[-1].is_word
            and (out[-1].low in ABBREVIATIONS or (len(out[-1].text) == 1 and out[-1].is_cap))
            and e < end
            and text[e : e + 1] == " "
            and text[e + 1 : e + 2].isupper()
        ):
            prev = out.pop()  # "Dr." and initials stay one token
            out.append(Token(prev.text + ".", prev.low + ".", prev.start, e))
            continue
        out.append(Token(word, word.lower(), s, e))


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence whose quotations are whole, as tokens with quotations as single tokens."""

    paragraph: int  # 0-based index of the paragraph it starts in
    first_in_paragraph: bool
    tokens: tuple[Token, ...]


def sentence_units(text: str, paragraph_starts: list[int], spans: list[Span]) -> list[Unit]:
    """Sentences from ``split_sentences``, merged where a quotation crosses a sentence or paragraph end."""
    cuts: set[int] = set()
    for number, start in enumerate(paragraph_starts):
        end = paragraph_starts[number + 1] - 1 if number + 1 < len(paragraph_starts) else len(text)
        squeezed, where = _squeezed(text[start:end])
        cursor = 0
        for sentence in split_sentences(squeezed):
            at = squeezed.find(sentence, cursor)
            if at >= 0 and sentence:
                cursor = at + len(sentence)
                cuts.add(start + where[cursor - 1] + 1)
        cuts.add(end)
    span_starts = [s.start for s in spans]
    kept = sorted(c for c in cuts if not _inside_span(c, spans, span_starts))
    units: list[Unit] = []
    previous = 0
    for cut in kept:
        start, end = previous, cut
        previous = cut
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        tokens: list[Token] = []
        cursor = start
        k = bisect_right(span_starts, start - 1)
        while k < len(spans) and spans[k].start < end:
            _tokenize(text, cursor, spans[k].start, tokens)
            tokens.append(Token("\ue000", "\ue000", spans[k].start, spans[k].end, k))
            cursor = spans[k].end
            k += 1
        _tokenize(text, cursor, end, tokens)
        if tokens:
            paragraph = bisect_right(paragraph_starts, start) - 1
            first = not units or units[-1].paragraph != paragraph
            units.append(Unit(paragraph, first, tuple(tokens)))
    return units


def _squeezed(paragraph: str) -> tuple[str, list[int]]:
    """``paragraph`` as ``split_sentences`` reads it (whitespace runs as one space, no ends), and
    the offset in ``paragraph`` of each of its characters. A paragraph can hold runs of spaces:
    a doubled apostrophe read as a quote mark keeps its width (``read_doubled_apostrophes``), and
    a sentence found by its squeezed text alone lost its end: ''fine.'' The network said ...
    ran on into the next sentence, and ''It is fine,'' he said. was no quote at all."""
    chars: list[str] = []
    where: list[int] = []
    for m in re.finditer(r"\S+", paragraph):
        if chars:
            chars.append(" ")
            where.append(m.start() - 1)
        chars.extend(m.group())
        where.extend(range(m.start(), m.end()))
    return "".join(chars), where


def _inside_span(offset: int, spans: list[Span], starts: list[int]) -> bool:
    k = bisect_right(starts, offset - 1) - 1
    return k >= 0 and spans[k].start < offset < spans[k].end
