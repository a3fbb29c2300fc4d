"""What the commands that change or describe the store report: ingest, removal, stats."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FileFailure:
    """A file, or one entry of a file of many articles, that could not be ingested.

    ``entry`` (from 1, in a JSON list or an RSS/Atom feed) or ``line`` (in JSON Lines) names the
    bad article when the rest of the file went in; both ``None`` means the whole file failed.
    ``error`` is the message to show, naming the file and the entry or line.
    """

    path: str
    error: str
    entry: int | None = None
    line: int | None = None

    @property
    def whole_file(self) -> bool:
        """True when nothing of the file went in (not one bad entry among good ones)."""
        return self.entry is None and self.line is None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file ingest left out without reading it, and why: so a user can tell an unsupported
    suffix from a symbolic link that leads out of the folder (issue 24)."""

    path: str
    reason: str  # says what it is and what to do: "is a symbolic link to /etc/passwd, outside ..."


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
    skipped: tuple[str, ...] = ()  # the paths of ``skipped_files``, as before reasons were kept
    failed: tuple[FileFailure, ...] = field(default_factory=tuple)
    articles_requoted: int = 0  # stored articles whose quotes a newer extractor re-read
    skipped_files: tuple[SkippedFile, ...] = field(default_factory=tuple)  # ``skipped`` with reasons


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
