"""Citation numbers: one per paragraph, in order of first use."""

from __future__ import annotations

from rag.citations import CitationList
from rag.schema import Paragraph


def _p(n: int) -> Paragraph:
    return Paragraph(f"a1-p{n}", "a1", n, f"Paragraph {n} text.", "Headline", source="Gazette", date="2026-11-20",
                     url="https://example.org/story")


def test_a_paragraph_cited_twice_keeps_its_number() -> None:
    citations = CitationList({"a1-p2": 0.61234})
    assert [citations.cite(_p(2)), citations.cite(_p(5)), citations.cite(_p(2))] == [1, 2, 1]
    first, second = citations.all()
    assert (first.n, first.paragraph, first.score, first.location) == (1, 2, 0.6123, "https://example.org/story")
    assert (second.n, second.paragraph, second.score) == (2, 5, 0.0)


def test_citing_an_earlier_answers_citation_again() -> None:
    earlier = CitationList()
    earlier.cite(_p(3), 0.5)
    again = CitationList()
    assert again.recite(earlier.all()[0]) == 1
    assert again.all()[0].paragraph_id == "a1-p3" and again.all()[0].score == 0.5
