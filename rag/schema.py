"""The typed records that cross module boundaries: articles, paragraphs, quotes, hits, answers.

Everything here is frozen: a paragraph's id is derived from its content, so a record that
changes is a new record (see ``paragraph_id``), which is what makes re-ingest idempotent and
keeps citations valid.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class QuoteKind(str, Enum):
    """Whether the speaker's words are reproduced verbatim or reported."""

    DIRECT = "direct"
    MIXED = "mixed"  # reported speech carrying quoted fragments
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
    reported_by: str = ""  # who relayed a second-hand statement ("The New York Times"), "" when the article itself
    # Character offsets of ``text`` in the first paragraph's text, ended at that paragraph's end
    # (a quote running on is cut there); None when unknown (stores from before extractor 9).
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["paragraphs"] = list(self.paragraphs)
        d["span"] = list(self.span) if self.span is not None else None
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
    """A quote used in an answer, pointing at its (first) citation number: ``Answer.quotes``."""

    speaker: str
    role: str
    text: str
    kind: QuoteKind
    cue: str
    citation: int


@dataclass(frozen=True, slots=True)
class Statement:
    """One thing a speaker said, as the answer shows it: the cue and the content as written.

    ``fragments`` are the quoted words inside a mixed statement; ``span`` is where ``text``
    sits in the first cited paragraph (character offsets, for highlighting), ``None`` when the
    text is not found there verbatim; ``reported_by`` names who relayed a second-hand statement.
    """

    kind: QuoteKind
    cue: str
    text: str
    citation_ids: tuple[int, ...]
    speaker_as_written: str = ""
    fragments: tuple[str, ...] = ()
    span: tuple[int, int] | None = None
    reported_by: str = ""


@dataclass(frozen=True, slots=True)
class SpeakerStatements:
    """Everything one speaker said in a "who said what" answer (one card in the chat).

    ``total`` counts every statement found for the question; ``statements`` holds those shown.
    ``speaker_id`` is shared by the spelling variants merged into this speaker (``variants``).
    """

    speaker: str
    role: str
    statements: tuple[Statement, ...]
    total: int = 0
    speaker_id: str = ""
    variants: tuple[str, ...] = ()

    @property
    def citation_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(n for s in self.statements for n in s.citation_ids))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an extractive or LLM answer, copied or checked, with its citations.

    ``block`` groups sentences into lines (an LLM's bullets or paragraphs); ``bullet`` marks a
    line written as a list item.
    """

    text: str
    citation_ids: tuple[int, ...]
    also_in: tuple[str, ...] = ()  # other sources carrying the same wire copy
    block: int = 0
    bullet: bool = False


class RefusalReason(str, Enum):
    """Why the corpus cannot answer: each case has its own message (``rag.render.speech``)."""

    NOT_MENTIONED = "not_mentioned"  # no article mentions the subject (``missing_terms``)
    NOBODY_QUOTED = "nobody_quoted"  # articles mention it, nobody in them is quoted about it
    WEAK_MATCHES = "weak_matches"  # only weak matches (``missing_terms``: words they never mention)
    NO_MATCH = "no_match"  # no paragraph matches at all
    UNKNOWN_SPEAKER = "unknown_speaker"  # nobody by that name or description is quoted
    NOTHING_MORE = "nothing_more"  # a follow-up asked for more, and there is none
    NO_QUOTES = "no_quotes"  # no quote matches the question
    NO_EARLIER_ANSWER = "no_earlier_answer"  # "when was that?" with nothing before it
    NOTHING_RECENT = "nothing_recent"  # asked about the present; the matches are all older (``as_of``)


@dataclass(frozen=True, slots=True)
class NearestArticle:
    """An article close to a refused question, offered instead of an answer."""

    article_id: str
    title: str
    source: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class Refusal:
    """What a ``none`` answer says instead: the case, its subject, and what was close.

    ``hidden_by_filters`` counts articles that mention the subject but were left out by the
    question's source or date filters.
    """

    reason: RefusalReason
    subject: str = ""
    missing_terms: tuple[str, ...] = ()
    hidden_by_filters: int = 0
    nearest: tuple[NearestArticle, ...] = ()
    as_of: str = ""  # the reference day of a question about the present (ISO), for NOTHING_RECENT


@dataclass(frozen=True, slots=True)
class Answer:
    """A cited answer as data: typed parts whose ``citation_ids`` index ``citations``.

    Attribution answers carry ``speakers`` (``total_speakers`` found, ``hidden_statements`` by
    those not shown); extractive and LLM answers carry ``sentences``; ``none`` answers a
    ``refusal``. ``text`` is the markdown rendering, for scripts and the CLI, filled in when the
    answer leaves rag; front ends render the parts themselves (``rag.render``) and never parse it.
    """

    question: str
    mode: AnswerMode
    citations: tuple[Citation, ...] = ()
    speakers: tuple[SpeakerStatements, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    refusal: Refusal | None = None
    total_speakers: int = 0
    hidden_statements: int = 0
    removed: tuple[str, ...] = ()  # LLM sentences dropped because no cited paragraph backs them
    note: str = ""  # why an LLM answer fell back to the extractive one
    topic: str = ""  # what the question was about, carried into follow-ups
    speaker: str = ""  # the speaker the question was about, carried into follow-ups
    # Renderings kept beside the data for scripts and the CLI, filled where rag hands the answer
    # out (``rag.render.finish.finished``, for every answer ``NewsIndex.ask`` returns); the
    # renderers work from the typed parts above, never from these.
    text: str = ""  # the answer as markdown with [n] markers (unescaped: for terminals and scripts)
    reason: str = ""  # for ``none``: the refusal's message; "" when answered (an LLM's fallback is ``note``)
    nearest: tuple[str, ...] = ()  # for ``none``: labels of the nearest articles offered instead

    @property
    def shown_speakers(self) -> int:
        return len(self.speakers)

    @property
    def complete(self) -> bool:
        """Whether every speaker and statement found is shown (else "show all" has more)."""
        return self.shown_speakers >= self.total_speakers and all(
            len(g.statements) >= g.total for g in self.speakers)

    @property
    def quotes(self) -> tuple[AnswerQuote, ...]:
        """Every statement as a flat quote record (the documented ``--json`` ``quotes``)."""
        return tuple(
            AnswerQuote(group.speaker, group.role, s.text, s.kind, s.cue, s.citation_ids[0])
            for group in self.speakers
            for s in group.statements
        )


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
    articles_requoted: int = 0  # stored articles whose quotes a newer extractor re-read


@dataclass(frozen=True, slots=True)
class RemovedArticle:
    """One article a removal took out of the store (or, in a dry run, would): what a retraction names."""

    article_id: str
    title: str
    source: str
    location: str  # where its first paragraph was read from
    paragraphs: int
    quotes: int


@dataclass(frozen=True, slots=True)
class RemoveReport:
    """What one removal did, or with ``dry_run`` would do; ``newsrag remove --json`` prints exactly this.

    ``not_found`` names each thing asked for that matched nothing ("source 'Kessmouth Post'");
    ``still_on_disk`` the files the removed articles were read from that still exist, which the
    next ``newsrag ingest`` of them would bring back.
    """

    articles: tuple[RemovedArticle, ...] = ()
    paragraphs_removed: int = 0
    quotes_removed: int = 0
    not_found: tuple[str, ...] = ()
    uploads_deleted: tuple[str, ...] = ()  # the chat's own copies of uploaded files, deleted with them
    still_on_disk: tuple[str, ...] = ()
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote with the paragraph it starts in: one row of ``newsrag quotes``."""

    quote: Quote
    paragraph: Paragraph
