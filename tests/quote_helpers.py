"""What the tests of ``ingest.quotes`` share: the one quote of an article, who said what, a sentence's tokens."""

from __future__ import annotations

from ingest.quotes import extract_quotes
from ingest.quotes.marks import find_quote_spans
from ingest.quotes.sentences import Token, sentence_units
from rag.schema import Quote, QuoteKind

DIRECT, INDIRECT, MIXED = QuoteKind.DIRECT, QuoteKind.INDIRECT, QuoteKind.MIXED


def only_quote(*paragraphs: str) -> Quote:
    """The one quote ``extract_quotes`` finds in these paragraphs; fails on none or several."""
    quotes = extract_quotes(paragraphs)
    assert len(quotes) == 1, quotes
    return quotes[0]


def said_by(quotes: list[Quote]) -> list[tuple[str, str]]:
    """(speaker, text) of each quote, in order."""
    return [(q.speaker, q.text) for q in quotes]


def tokens_of(sentence: str) -> tuple[Token, ...]:
    """The tokens of a one-sentence, one-paragraph text, as the extractor's rules see them."""
    [unit] = sentence_units(sentence, [0], find_quote_spans(sentence))
    return unit.tokens
