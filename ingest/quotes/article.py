"""The article as one text: paragraphs joined, quotations paired, and quotes (``Said``) cut from it.

``ArticleText`` keeps the offsets that turn a quote's words back into paragraph numbers and into
a span of the caller's own paragraph text (``Quote.span``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.quotes.cues import Anchor
from ingest.quotes.lexicon import VERB_LEMMA
from ingest.quotes.marks import QUOTE_MARKS, find_quote_spans, read_doubled_apostrophes
from ingest.quotes.sentences import Token
from rag.schema import QuoteKind

_EDGE_PUNCT = frozenset(",;:.—–-'’\"")  # trimmed from the ends of a reported clause


@dataclass(slots=True)
class Said:
    """A quote found in a sentence, before its speaker is resolved."""

    position: int  # article offset where its words start, for reading order
    kind: QuoteKind
    text: str
    paragraphs: tuple[int, ...]
    anchor: Anchor | None  # None: it continues the last speaker
    span: tuple[int, int] | None = None  # where ``text`` lies in its first paragraph (see ``Quote.span``)


class ArticleText:
    """The article as one text (paragraphs joined by newlines) with its quotations paired."""

    def __init__(self, paragraphs: Sequence[str]) -> None:
        normalised = [read_doubled_apostrophes(" ".join(p.split())) for p in paragraphs]
        self.raw = list(paragraphs)
        self.normalised = normalised
        self.text = "\n".join(normalised)
        self.starts: list[int] = []
        offset = 0
        for p in normalised:
            self.starts.append(offset)
            offset += len(p) + 1
        self.spans = find_quote_spans(self.text)
        self.span_starts = [span.start for span in self.spans]

    def paragraphs(self, start: int, end: int) -> tuple[int, ...]:
        """1-based numbers of the paragraphs that text between two offsets covers."""
        first = bisect_right(self.starts, start) - 1
        last = bisect_right(self.starts, max(start, end - 1)) - 1
        return tuple(range(first + 1, last + 2))

    def words(self, tokens: Sequence[Token], a: int, b: int) -> tuple[str, int, int] | None:
        """The text of tokens a..b without punctuation at either end, with its offsets."""
        while a < b and not tokens[a].is_quote and tokens[a].text in _EDGE_PUNCT:
            a += 1
        while (
            b > a
            and not tokens[b - 1].is_quote
            and (
                tokens[b - 1].text in _EDGE_PUNCT
                or (tokens[b - 1].text == ")" and not any(t.text == "(" for t in tokens[a:b]))
            )
        ):
            b -= 1
        if b - a < 2 and not (b - a == 1 and tokens[a].is_quote):  # "said that '...'" is all quotation
            return None
        return (
            " ".join(self.text[tokens[a].start : tokens[b - 1].end].split()),
            tokens[a].start,
            tokens[b - 1].end,
        )

    def direct(self, tok: Token, anchor: Anchor | None) -> Said:
        """A direct quote: the quotation ``tok`` stands for, less a comma before its closing mark."""
        span = self.spans[tok.quote]
        # A comma before the closing mark belongs to the sentence around the quote ("'A blow,' said X").
        words = span.text[:-1].rstrip() if span.text.endswith(",") else span.text
        # Its last character is its closing mark, but for a transcript's turn, which may close none.
        end = span.end - 1 if self.text[span.end - 1] in QUOTE_MARKS else span.end
        return Said(
            span.start, QuoteKind.DIRECT, words, self.paragraphs(span.start, span.end), anchor,
            self.span(span.start + 1, end),
        )

    def indirect(self, found: tuple[str, int, int], anchor: Anchor) -> Said:
        """Reported speech; mixed when it carries a quotation of the speaker's own words."""
        words, start, end = found
        first = bisect_left(self.span_starts, start)
        mixed = (
            first < len(self.spans)
            and self.spans[first].end <= end
            # "..., a pledge Halloran called 'a brochure'": the quotation is someone else's words.
            and not any(w in VERB_LEMMA for w in self.text[start : self.spans[first].start].lower().split())
        )
        kind = QuoteKind.MIXED if mixed else QuoteKind.INDIRECT
        return Said(start, kind, words, self.paragraphs(start, end), anchor, self.span(start, end))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Article offsets ``start:end`` as offsets in the caller's own text of the first paragraph
        they touch, ended at that paragraph's end and trimmed of space and a trailing comma: what
        the chat highlights. An aside inside ("..., she said, ...") stays inside the span."""
        first = bisect_right(self.starts, start) - 1
        base = self.starts[first]
        text = self.normalised[first]
        a, b = start - base, min(end - base, len(text))
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] == ","):
            b -= 1
        if a >= b:
            return None
        raw = self.raw[first]
        if raw == text:
            return a, b
        return _raw_offset(raw, a), _raw_offset(raw, b - 1) + 1


def _raw_offset(raw: str, at: int) -> int:
    """Where offset ``at`` of ``" ".join(raw.split())`` is in ``raw`` (runs of space are one)."""
    seen, in_space = -1, True  # leading space is dropped by split()
    for i, ch in enumerate(raw):
        if ch.isspace():
            if not in_space:
                seen += 1
                in_space = True
                if seen == at:
                    return i
            continue
        in_space = False
        seen += 1
        if seen == at:
            return i
    return len(raw)
