"""The typed records that cross module boundaries: articles, paragraphs, quotes, hits, answers.

Everything here is frozen: a paragraph's id is derived from its content, so a record that
changes is a new record (see ``paragraph_id``), which is what makes re-ingest idempotent and
keeps citations valid.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class QuoteKind(str, Enum):
    """Whether the speaker's words are reproduced verbatim or reported."""

    DIRECT = "direct"
    INDIRECT = "indirect"


class AnswerMode(str, Enum):
    """How an answer was produced; ``NONE`` means the corpus does not hold the answer."""

    ATTRIBUTION = "attribution"
    EXTRACTIVE = "extractive"
    LLM = "llm"
    NONE = "none"


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

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["paragraphs"] = list(self.paragraphs)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Quote:
        return cls(
            speaker=d["speaker"],
            speaker_as_written=d.get("speaker_as_written", d["speaker"]),
            text=d["text"],
            kind=QuoteKind(d["kind"]),
            cue=d.get("cue", ""),
            paragraphs=tuple(int(n) for n in d.get("paragraphs", ())),
            role=d.get("role", ""),
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
class Citation:
    """A numbered source an answer points to with ``[n]``."""

    n: int
    article_id: str
    title: str
    source: str
    date: str
    paragraph: int
    text: str
    location: str
    score: float
    paragraph_id: str = ""


@dataclass(frozen=True, slots=True)
class AnswerQuote:
    """A quote used in an answer, pointing at its citation number."""

    speaker: str
    role: str
    text: str
    kind: QuoteKind
    cue: str
    citation: int


@dataclass(frozen=True, slots=True)
class Answer:
    """A cited answer. ``text`` is markdown whose ``[n]`` markers index ``citations``."""

    question: str
    mode: AnswerMode
    text: str
    citations: tuple[Citation, ...] = ()
    quotes: tuple[AnswerQuote, ...] = ()
    reason: str = ""  # for mode NONE: why nothing was answered
    nearest: tuple[str, ...] = ()  # for mode NONE: headlines of the nearest articles
    removed: tuple[str, ...] = ()  # LLM sentences dropped because no cited paragraph backs them
    topic: str = ""  # what the question was about, carried into follow-ups
    speaker: str = ""  # the speaker the question was about, carried into follow-ups

    def to_json_dict(self) -> dict[str, Any]:
        """The ``newsrag ask --json`` shape."""
        return {
            "question": self.question,
            "mode": self.mode.value,
            "answer": self.text,
            "citations": [
                {k: v for k, v in asdict(c).items() if k != "paragraph_id"} for c in self.citations
            ],
            "quotes": [{**asdict(q), "kind": q.kind.value} for q in self.quotes],
            "reason": self.reason,
            "nearest": list(self.nearest),
            "removed": list(self.removed),
        }


@dataclass(frozen=True, slots=True)
class FileFailure:
    path: str
    error: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ingest run did; ``newsrag ingest --json`` prints exactly this."""

    files_seen: int = 0
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    paragraphs_added: int = 0
    paragraphs_updated: int = 0
    paragraphs_unchanged: int = 0
    paragraphs_removed: int = 0
    skipped: tuple[str, ...] = ()
    failed: tuple[FileFailure, ...] = field(default_factory=tuple)

    def to_json_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["skipped"] = list(self.skipped)
        d["failed"] = [asdict(f) for f in self.failed]
        return d


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote with the paragraph it starts in: one row of ``newsrag quotes``."""

    quote: Quote
    paragraph: Paragraph

    def to_json_dict(self) -> dict[str, Any]:
        q, p = self.quote, self.paragraph
        return {
            "speaker": q.speaker,
            "speaker_as_written": q.speaker_as_written,
            "role": q.role,
            "text": q.text,
            "kind": q.kind.value,
            "cue": q.cue,
            "article_id": p.article_id,
            "title": p.title,
            "source": p.source,
            "date": p.date,
            "paragraph": p.number,
            "paragraphs": list(q.paragraphs),
            "location": p.location,
        }
