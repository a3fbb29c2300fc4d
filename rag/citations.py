"""Numbering the paragraphs an answer cites, in order of first use."""

from __future__ import annotations

from rag.schema import Citation, Paragraph


class CitationList:
    """Gives each cited paragraph its ``[n]`` once; ``all()`` is the answer's ``citations``."""

    def __init__(self, scores: dict[str, float] | None = None):
        self._by_id: dict[str, Citation] = {}
        self._scores = scores or {}

    def cite(self, p: Paragraph, score: float | None = None) -> int:
        if p.paragraph_id not in self._by_id:
            self._by_id[p.paragraph_id] = Citation(
                n=len(self._by_id) + 1,
                article_id=p.article_id,
                title=p.title,
                source=p.source,
                date=p.date,
                paragraph=p.number,
                text=p.text,
                location=p.url or p.location,
                score=round(float(score if score is not None else self._scores.get(p.paragraph_id, 0.0)), 4),
                paragraph_id=p.paragraph_id,
            )
        return self._by_id[p.paragraph_id].n

    def recite(self, c: Citation) -> int:
        """Cite again a paragraph an earlier answer cited ("when was that?")."""
        p = Paragraph(
            paragraph_id=c.paragraph_id, article_id=c.article_id, number=c.paragraph, text=c.text,
            title=c.title, source=c.source, date=c.date, location=c.location,
        )
        return self.cite(p, c.score)

    def all(self) -> tuple[Citation, ...]:
        return tuple(self._by_id.values())
