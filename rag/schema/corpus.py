"""The corpus's records: articles, paragraphs, quotes, hits, filters, and the store's state.

Everything here is frozen: a paragraph's id is derived from its content, so a record that
changes is a new record (see ``paragraph_id``), which is what makes re-ingest idempotent and
keeps citations valid.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any


class QuoteKind(str, Enum):
    """Whether the speaker's words are reproduced verbatim or reported."""

    DIRECT = "direct"
    MIXED = "mixed"  # reported speech carrying quoted fragments
    INDIRECT = "indirect"


def _digest(*parts: str, length: int = 16) -> str:
    joined = "\x1f".join(parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:length]


def article_id_for(*, explicit: str = "", url: str = "", title: str = "", source: str = "") -> str:
    """A stable id for an article, so the same story in two files is stored once.

    An explicit id wins, then the URL, then the (normalised) source and headline. The body is
    deliberately left out: an edited article keeps its identity and replaces its old paragraphs.
    """
    if explicit.strip():
        return "a" + _digest("id", explicit.strip())
    if url.strip():
        return "a" + _digest("url", url.strip().rstrip("/").lower())
    norm_title = " ".join(title.lower().split())
    norm_source = " ".join(source.lower().split())
    return "a" + _digest("title", norm_source, norm_title)


def paragraph_id_for(article_id: str, number: int, text: str) -> str:
    """Article identity + paragraph number + content hash: changes whenever the text does."""
    return f"{article_id}-p{number:04d}-{_digest(text, length=10)}"


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as loaded from a file, before paragraph repair."""

    article_id: str
    title: str
    paragraphs: tuple[str, ...]
    source: str = ""  # publication, e.g. "Los Angeles Chronicle"
    section: str = ""
    date: str = ""  # ISO 8601 date, "YYYY-MM-DD", or "" when unknown
    url: str = ""
    author: str = ""
    location: str = ""  # where it was read from: a file path (with "#entry" for feeds) or URL


@dataclass(frozen=True, slots=True)
class Quote:
    """Something a speaker said, direct or reported, found at ingest.

    ``speaker`` is resolved within the article ("Pushilin" or "he" -> "Denis Pushilin");
    ``speaker_as_written`` is what the sentence itself says.
    """

    speaker: str
    speaker_as_written: str
    text: str
    kind: QuoteKind
    cue: str  # the attribution cue: "said", "declaring", "according to", ...
    paragraphs: tuple[int, ...]  # 1-based paragraph numbers; the first is where it starts
    role: str = ""  # "the head of the Donetsk People's Republic", "" when none is given
    reported_by: str = ""  # who relayed a second-hand statement ("The New York Times"), "" when the article itself
    # Character offsets of ``text`` in the first paragraph's text, ended at that paragraph's end
    # (a quote running on is cut there); None when unknown (stores from before extractor 9).
    span: tuple[int, int] | None = None
    # What the speaker is, as the article shows it: "person", "org", "publication", "description"
    # ("a DPR spokesperson") or "group" (a plural: "Local officials"); "" in stores from before
    # extractor 15. A follow-up's "he" or "she" means a person, never a newspaper (issue 22).
    speaker_kind: str = ""
    # "object" when ``text`` is a noun phrase the speaker holds, backs or names ("emphasizing | the
    # humanitarian challenges", "voted against | the crime bill"): a statement never writes "that"
    # before it. "" for a clause or a quotation (and in stores from before extractor 23).
    content_form: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["paragraphs"] = list(self.paragraphs)
        d["span"] = list(self.span) if self.span is not None else None
        if not self.content_form:
            del d["content_form"]  # most quotes: stored as before
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        intern = sys.intern  # names, roles and cues repeat across quotes: one string object each
        return cls(
            speaker=intern(d["speaker"]),
            speaker_as_written=intern(d.get("speaker_as_written", d["speaker"])),
            text=d["text"],
            kind=QuoteKind(d["kind"]),
            cue=intern(d.get("cue", "")),
            paragraphs=tuple(int(n) for n in d.get("paragraphs", ())),
            role=intern(d.get("role", "")),
            reported_by=intern(d.get("reported_by", "")),
            span=(int(d["span"][0]), int(d["span"][1])) if d.get("span") else None,
            speaker_kind=intern(d.get("speaker_kind", "")),
            content_form=intern(d.get("content_form", "")),
        )


@dataclass(frozen=True, slots=True)
class Paragraph:
    """The unit of citation: one paragraph of one article, with the article's metadata."""

    paragraph_id: str
    article_id: str
    number: int  # 1-based within the article
    text: str
    title: str
    source: str = ""
    section: str = ""
    date: str = ""
    url: str = ""
    author: str = ""
    location: str = ""
    quotes: tuple[Quote, ...] = ()  # quotes that start in this paragraph

    def quotes_json(self) -> str:
        return json.dumps([q.to_dict() for q in self.quotes], ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved paragraph with its score; near-duplicates elsewhere are listed in ``also_in``."""

    paragraph: Paragraph
    score: float
    also_in: tuple[Paragraph, ...] = ()
    # Neighbouring paragraphs of the same article that a quote in this one runs into (or
    # comes from), so a fragment of a longer statement is read whole.
    context: tuple[Paragraph, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for p in (self.paragraph, *self.also_in):
            if p.source:
                seen.setdefault(p.source, None)
        return tuple(seen)


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata filters applied in both retrievers and to quote listings."""

    source: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    article_id: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.source or self.since or self.until or self.article_id)


@dataclass(frozen=True, slots=True)
class CorpusStats:
    """What the index holds: ``newsrag stats``."""

    articles: int
    paragraphs: int
    quotes: int
    sources: tuple[str, ...]
    last_ingest: str  # ISO timestamp of the last ingest that changed something, "" if unknown


@dataclass(frozen=True, slots=True)
class StoreState:
    """Where a store's writes stand (``Store.state``): what local indexes compare themselves with.

    ``seq`` counts the writes that changed paragraphs; the change log (``rag.changes``) says
    which ids each one touched, for as long as ``epoch`` stays the same and ``trusted`` holds.
    """

    revision: str
    seq: int
    epoch: str
    trusted: bool


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote with the paragraph it starts in: one row of ``newsrag quotes``."""

    quote: Quote
    paragraph: Paragraph
