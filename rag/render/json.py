"""Every command's ``--json`` object: what the API returns, as plain JSON values.

One convention: dataclasses become objects, Enums their values, tuples lists; every field the API
returns is in the object. Documented fields keep their names (``ask``'s ``answer`` is the rendered
markdown, its ``quotes`` the flat quote list; a paragraph's ``number`` is ``paragraph``, beside
its article's fields); new fields are only ever added. ``dumps`` is the one way a command prints
any of them, so no command picks fields by hand.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import Any

from rag.render.finish import finished
from rag.schema import Answer, CorpusStats, Hit, IngestReport, Paragraph, RemoveReport, StoredQuote


def dumps(obj: Any) -> str:
    """One ``--json`` object as the line a command prints (non-ASCII kept readable)."""
    return json.dumps(plain(obj), ensure_ascii=False)


def plain(value: Any) -> Any:
    """``value`` as JSON-ready Python: dataclasses to dicts, Enums to values, tuples to lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def answer_json(answer: Answer) -> dict[str, Any]:
    """``newsrag ask --json``: the documented fields, then the typed parts."""
    answer = finished(answer)  # an answer built by hand has no renderings yet
    return {
        "question": answer.question,
        "mode": answer.mode.value,
        "confidence": answer.confidence.value,
        "answerability": answer.answerability,
        "unmatched": list(answer.unmatched),
        "closest_date": answer.closest_date,
        "as_of": answer.as_of,
        "answer": answer.text,
        "citations": plain(answer.citations),
        "quotes": plain(answer.quotes),
        "reason": answer.reason,
        "note": answer.note,
        "nearest": list(answer.nearest),
        "removed": list(answer.removed),
        "speakers": plain(answer.speakers),
        "sentences": plain(answer.sentences),
        "refusal": plain(answer.refusal),
        "shown_speakers": answer.shown_speakers,
        "total_speakers": answer.total_speakers,
        "hidden_statements": answer.hidden_statements,
        "undated_hidden": answer.undated_hidden,
        "topic": answer.topic,
        "speaker": answer.speaker,
    }


def paragraph_json(p: Paragraph) -> dict[str, Any]:
    """A paragraph with its article's fields; ``location`` is where a reader opens it (the URL
    when there is one), as in a citation."""
    return {
        "article_id": p.article_id, "title": p.title, "source": p.source, "section": p.section, "date": p.date,
        "author": p.author, "url": p.url, "paragraph": p.number, "text": p.text, "location": p.url or p.location,
        "paragraph_id": p.paragraph_id, "quotes": plain(p.quotes),
    }


def hit_json(hit: Hit) -> dict[str, Any]:
    """A hit: its paragraph's fields, the score, every source carrying it, and the other
    paragraphs of ``also_in`` (the same words elsewhere) and ``context`` in the paragraph form."""
    return {
        "score": round(hit.score, 4), **paragraph_json(hit.paragraph), "sources": list(hit.sources),
        "also_in": [paragraph_json(p) for p in hit.also_in],
        "context": [paragraph_json(c) for c in hit.context],
    }


def search_json(query: str, hits: Sequence[Hit]) -> dict[str, Any]:
    """``newsrag search --json``."""
    return {"query": query, "hits": [hit_json(h) for h in hits]}


def stored_quote_json(row: StoredQuote) -> dict[str, Any]:
    """A quote's own fields, then the paragraph it starts in as ``paragraph`` (its number) with its
    article's fields; ``location`` is the file or URL it was read from."""
    p = row.paragraph
    return {
        **plain(row.quote), "article_id": p.article_id, "title": p.title, "source": p.source,
        "section": p.section, "date": p.date, "author": p.author, "url": p.url, "paragraph": p.number,
        "location": p.location, "paragraph_id": p.paragraph_id,
    }


def quotes_json(rows: Sequence[StoredQuote]) -> dict[str, Any]:
    """``newsrag quotes --json``."""
    return {"quotes": [stored_quote_json(r) for r in rows]}


def stats_json(stats: CorpusStats) -> dict[str, Any]:
    """``newsrag stats --json``."""
    return plain(stats)


def ingest_json(report: IngestReport) -> dict[str, Any]:
    """``newsrag ingest --json``."""
    return plain(report)


def remove_json(report: RemoveReport) -> dict[str, Any]:
    """``newsrag remove --json``."""
    return plain(report)


STATEMENT_COLUMNS = ("speaker", "role", "date", "source", "title", "paragraph", "kind", "cue", "text",
                     "citations", "location")


def statement_rows(answer: Answer) -> list[dict[str, Any]]:
    """A "who said what" answer as one flat row per statement (the chat's CSV/JSON download and
    timeline): who, when and where (from the statement's first citation), what, and every ``[n]``."""
    by_n = {c.n: c for c in answer.citations}
    rows = []
    for group in answer.speakers:
        for s in group.statements:
            first = by_n[s.citation_ids[0]]
            rows.append({
                "speaker": group.speaker, "role": group.role, "date": first.date, "source": first.source,
                "title": first.title, "paragraph": first.paragraph, "kind": s.kind.value, "cue": s.cue,
                "text": s.text, "citations": " ".join(f"[{n}]" for n in s.citation_ids),
                "location": first.location,
            })
    return rows


def statements_csv(answer: Answer) -> str:
    """``statement_rows`` as CSV text with a header row (spreadsheet-safe: a cell never starts a
    formula, since article text is untrusted)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=STATEMENT_COLUMNS)
    writer.writeheader()
    for row in statement_rows(answer):
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


# A slug this long keeps a question's subject ("who-said-what-about-the-ferry-terminal-sale") while
# the whole name stays far under the 255 bytes file systems allow.
_SLUG_CHARS = 60


def download_name(answer: Answer, extension: str, on: date) -> str:
    """The file a download of ``answer`` is saved as: its question and the day, ``on``.

    ``who-said-what-about-seversk-2026-12-07.csv``: several downloads in one folder say what each
    holds, where every one was ``statements.csv`` before. ASCII only (accents dropped, other
    scripts left out), so any file system and mail client keeps the name; cut at a word to
    ``_SLUG_CHARS``; ``statements`` when nothing of the question is left.
    """
    ascii_text = unicodedata.normalize("NFKD", answer.question).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_CHARS:
        slug = slug[: _SLUG_CHARS + 1].rsplit("-", 1)[0] if "-" in slug[:_SLUG_CHARS] else slug[:_SLUG_CHARS]
    return f"{slug or 'statements'}-{on.isoformat()}.{extension}"


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
