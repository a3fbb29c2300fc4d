"""How a ``Paragraph`` is stored in Chroma and read back: metadata, dates, embedding text.

The one place where our records meet the store's record format, shared by the store (writes,
dense search) and the keyword cache (its own saved copy of the quoted paragraphs).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from functools import lru_cache
from typing import Any

from rag.schema import Filters, Paragraph, Quote
from rag.text import fold

# Metadata fields copied verbatim between Paragraph and Chroma.
_TEXT_FIELDS = ("article_id", "title", "source", "section", "date", "url", "author", "location")


def date_number(date: str) -> int:
    """ISO date -> YYYYMMDD integer: Chroma range filters ($gte/$lte) only compare numbers."""
    digits = date[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def age_in_days(paragraph_date: str, as_of: str) -> int | None:
    """Days from a paragraph's date to the reference day (negative: after it); ``None`` if either is undated."""
    day, reference = day_number(date_number(paragraph_date)), day_number(date_number(as_of))
    return None if day is None or reference is None else reference - day


@lru_cache(maxsize=65536)  # distinct dates: a few thousand even in a 300k-paragraph corpus
def day_number(yyyymmdd: int) -> int | None:
    """A ``rag.records.date_number`` (YYYYMMDD) as a day number; ``None`` when undated."""
    try:
        return date(yyyymmdd // 10000, yyyymmdd // 100 % 100, yyyymmdd % 100).toordinal()
    except ValueError:
        return None


def file_of(location: str) -> str:
    """The file part of a location ("feed.xml#3" -> "feed.xml")."""
    return location.split("#", 1)[0]


def paragraph_metadata(p: Paragraph) -> dict[str, Any]:
    meta: dict[str, Any] = {name: getattr(p, name) for name in _TEXT_FIELDS}
    meta.update(
        number=p.number,
        date_n=date_number(p.date),
        file=file_of(p.location),
        n_quotes=len(p.quotes),
        quotes=p.quotes_json(),
        source_key=fold(p.source),
    )
    return meta


def paragraph_from_record(paragraph_id: str, text: str, meta: dict[str, Any]) -> Paragraph:
    quotes = tuple(Quote.from_dict(q) for q in json.loads(meta.get("quotes") or "[]"))
    return Paragraph(
        paragraph_id=paragraph_id,
        number=int(meta.get("number", 0)),
        text=text or "",
        quotes=quotes,
        # One string object per distinct headline, source, date, location...: a process holding
        # 200k quoted paragraphs keeps each article's details once, not once per paragraph.
        **{name: sys.intern(str(meta.get(name) or "")) for name in _TEXT_FIELDS},
    )


def embedding_text(p: Paragraph) -> str:
    """Exactly what the embedder sees for a paragraph: its headline, a blank line, its text.

    Only the headline joins the text; ids, quotes and dates are bookkeeping that would only blur
    the vector. The layout is the one llama-index's ``TextNode`` gave stores written before
    newsrag called Chroma directly, so their vectors stay comparable.
    """
    return f"{f'title: {p.title}'.strip()}\n\n{p.text}".strip()


def within(p: Paragraph, filters: Filters) -> bool:
    """Whether paragraph ``p`` is inside ``filters``: the rules Chroma's ``where`` and the keyword
    cache's mask apply, for paragraphs already in hand."""
    if filters.source and fold(p.source) != fold(filters.source):
        return False
    if filters.since and date_number(p.date) < date_number(filters.since):
        return False
    if filters.until and date_number(p.date) > date_number(filters.until):
        return False
    return not (filters.article_id and p.article_id != filters.article_id)


def chroma_where(filters: Filters) -> dict[str, Any] | None:
    """Chroma's ``where`` clause for ``filters`` (sources compare folded, dates as numbers)."""
    clauses: list[dict[str, Any]] = []
    if filters.source:
        clauses.append({"source_key": fold(filters.source)})
    if filters.since:
        clauses.append({"date_n": {"$gte": date_number(filters.since)}})
    if filters.until:
        clauses.append({"date_n": {"$lte": date_number(filters.until)}})
    if filters.article_id:
        clauses.append({"article_id": filters.article_id})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def record_signature(meta: dict[str, Any]) -> tuple[int, int, int, int]:
    """Hashes of what a stored paragraph says besides its text, which its id already covers:
    its headline (part of its vector), its article's other details (source, date, ...), where it
    was read from, and its quotes (which depend on the article's other paragraphs). Ingest
    compares them with the ``paragraph_metadata`` a file gives now, to rewrite what changed
    without re-embedding what did not. Python's own string hash: only compared within one
    process, a fraction of a microsecond each (a SHA-1 of every quote record made an unchanged
    re-ingest of 300 articles 40% slower), and four integers a paragraph to hold."""
    details = tuple(meta.get(name) or "" for name in ("source", "section", "date", "url", "author"))
    return (hash(meta.get("title") or ""), hash(details), hash(meta.get("location") or ""),
            hash(meta.get("quotes") or "[]"))
