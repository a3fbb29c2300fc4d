"""The stored form of a paragraph: metadata Chroma can filter on, read back unchanged."""

from __future__ import annotations

from rag import Paragraph, Quote, QuoteKind
from rag.records import date_number, embedding_text, file_of, paragraph_from_record, paragraph_metadata


def _paragraph() -> Paragraph:
    quote = Quote("Denis Pushilin", "Pushilin", "the city is safe", QuoteKind.INDIRECT, "declaring", (5,),
                  "the head of the DPR", reported_by="The New York Times")
    return Paragraph("a1-p0005-x", "a1", 5, "Pushilin said the city is safe.", "Seversk falls",
                     source="Los Angeles Chronicle", date="2026-11-20", location="feed.xml#3", quotes=(quote,))


def test_a_paragraph_survives_the_round_trip_through_chroma_metadata() -> None:
    p = _paragraph()
    meta = paragraph_metadata(p)
    assert (meta["date_n"], meta["file"], meta["source_key"], meta["n_quotes"]) == (
        20261120, "feed.xml", "los angeles chronicle", 1)
    assert paragraph_from_record(p.paragraph_id, p.text, meta) == p


def test_the_embedder_sees_headline_then_paragraph() -> None:
    assert embedding_text(_paragraph()) == "title: Seversk falls\n\nPushilin said the city is safe."


def test_dates_become_numbers_and_unknown_dates_zero() -> None:
    assert (date_number("2026-11-20"), date_number(""), date_number("soon")) == (20261120, 0, 0)
    assert file_of("feed.xml#3") == "feed.xml"


def test_within_applies_the_same_filters_as_the_store() -> None:
    from rag import Filters
    from rag.records import within

    p = _paragraph()
    assert within(p, Filters(source="los angeles CHRONICLE", since="2026-11-01", until="2026-11-20"))
    assert not within(p, Filters(since="2026-11-21"))
    assert not within(p, Filters(article_id="a2"))
