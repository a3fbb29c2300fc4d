"""Taking articles out of the store: by article id, by the file they were read from, or by publication.

For retractions and corrections. Every paragraph of each matched article goes, so the answer,
keyword (BM25) and speaker indexes can no longer show it: dense search reads Chroma itself, and
the other two follow the change log, where the deletion is recorded in the same write turn
(``rag.changes``). Every process with the index open on this machine sees the removal at its
next question; one on another machine sharing a Chroma server within ``Settings.revision_check_s``.

A removal killed midway is completed by running it again: each article's paragraphs that
matched what was asked for are deleted last, so whatever a kill leaves of an article still
matches the same request.

The module is ``removal``, not ``remove``: a submodule named like the function it exports would
replace that function as ``ingest.remove`` once anything imported the submodule.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any

from rag.errors import NewsragError
from rag.records import file_of
from rag.schema import Paragraph, RemovedArticle, RemoveReport
from rag.settings import Settings
from rag.store import Store, write_lock
from rag.text import fold

# Values per Chroma ``$in`` filter: one query costs about the same for one value as for 500
# (``Store.stored_for``), and it keeps each request well inside a server's size limit.
_IN_CHUNK = 500
# Where a user finds what is stored, for the "nothing matched" message.
_LIST_HINT = ("`newsrag stats` lists the stored sources; `newsrag search QUERY --json` shows each hit's "
              "article_id and location")


def remove(
    settings: Settings,
    *,
    article_ids: Iterable[str] = (),
    files: Iterable[str | Path] = (),
    sources: Iterable[str] = (),
    dry_run: bool = False,
    delete_uploads: bool = True,
    on_wait: Callable[[str], None] | None = None,
) -> RemoveReport:
    """Remove every paragraph of the articles matching any of ``article_ids``, ``files`` or ``sources``.

    ``files`` are the locations paragraphs were read from: a file path matches every article
    read from it (each entry of a feed, ``feed.xml#3``, included), ``feed.xml#3`` matches that
    entry alone; a path matches however it was written at ingest (relative or absolute).
    ``sources`` are publication names, compared as filters compare them (case and accents
    folded). With ``dry_run`` nothing changes and the report says what would go. With
    ``delete_uploads`` the chat's own copy of an uploaded file (under ``settings.uploads_dir``)
    is deleted too once no remaining article is read from it, so a retracted upload is gone
    from disk as well; files anywhere else are never touched. While an ingest writes to the
    store the removal waits for it, first telling ``on_wait`` why.

    Raises ``NewsragError`` naming what was asked when nothing at all matches; when some of it
    matches, the rest is listed in ``RemoveReport.not_found``.

        >>> remove(Settings.load(db="./newsrag-db"), sources=["Kessmouth Gazette"], dry_run=True)
    """
    request = _Request.of(article_ids, files, sources)
    store = Store.connect(settings)
    # One writer at a time: an ingest planned before this removal would write back paragraphs
    # of an article it removed. A dry run writes nothing and waits for nobody.
    with contextlib.nullcontext() if dry_run else write_lock(settings, on_wait=on_wait):
        return _remove(store, settings, request, dry_run=dry_run, delete_uploads=delete_uploads)


def _remove(store: Store, settings: Settings, request: _Request, *, dry_run: bool,
            delete_uploads: bool) -> RemoveReport:
    found = _match(store, request)
    if not found.articles:
        if any(kind == "source" for kind, _ in found.missing):  # for "did you mean"
            found.stored_sources = list(store.stats().sources)
        raise NewsragError(f"nothing to remove: no stored article matches {request.describe()}; {_LIST_HINT}"
                           + _suggestions(found))

    removed = _articles(store, found.articles)
    uploads = _upload_copies(store, settings, removed) if delete_uploads else []
    still_on_disk = sorted({file_of(p.location) for ps in removed.values() for p in ps
                            if _is_file(file_of(p.location))} - set(uploads))
    # Directly matched paragraphs last: a kill partway leaves each article still matching.
    ids = [p.paragraph_id for ps in removed.values() for p in ps if p.paragraph_id not in found.direct]
    ids += [p.paragraph_id for ps in removed.values() for p in ps if p.paragraph_id in found.direct]
    if not dry_run:
        for upload in uploads:
            Path(upload).unlink(missing_ok=True)
        with store.writing():  # one turn: no reader sees an article half removed
            store.bump_revision()
            store.delete(ids)
            store.bump_revision()
    return RemoveReport(
        articles=tuple(_summary(ps) for ps in removed.values()),
        paragraphs_removed=len(ids),
        quotes_removed=sum(len(p.quotes) for ps in removed.values() for p in ps),
        not_found=tuple(_label(kind, value) for kind, value in found.missing),
        uploads_deleted=tuple(uploads),
        still_on_disk=tuple(still_on_disk),
        dry_run=dry_run,
    )


@dataclass(frozen=True, slots=True)
class _Request:
    """What was asked for, cleaned: blanks dropped, duplicates once, order kept."""

    article_ids: tuple[str, ...]
    files: tuple[str, ...]
    sources: tuple[str, ...]

    @classmethod
    def of(cls, article_ids: Iterable[str], files: Iterable[str | Path], sources: Iterable[str]) -> _Request:
        def clean(values: Iterable[Any]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(" ".join(str(v).split()) for v in values if str(v).strip()))

        request = cls(clean(article_ids), tuple(dict.fromkeys(str(f).strip() for f in files if str(f).strip())),
                      clean(sources))
        if not (request.article_ids or request.files or request.sources):
            raise NewsragError("nothing to remove: name at least one article id, file or source "
                               "(`newsrag remove --article ID`, `--file PATH` or `--source NAME`)")
        return request

    def describe(self) -> str:
        return " or ".join(_label(kind, value) for kind, values in (
            ("article", self.article_ids), ("file", self.files), ("source", self.sources)) for value in values)


@dataclass
class _Found:
    articles: set[str] = field(default_factory=set)
    direct: set[str] = field(default_factory=set)  # paragraph ids that matched the request itself
    missing: list[tuple[str, str]] = field(default_factory=list)  # (kind, value) that matched nothing
    stored_files: list[str] = field(default_factory=list)  # for "did you mean", when a file missed
    stored_sources: list[str] = field(default_factory=list)


def _label(kind: str, value: str) -> str:
    return f"{kind} {value!r}"


def _match(store: Store, request: _Request) -> _Found:
    found = _Found()
    if request.article_ids:
        seen = _collect(store, "article_id", list(request.article_ids), found)
        found.missing += [("article", a) for a in request.article_ids if a not in seen]
    if request.files:
        _match_files(store, request.files, found)
    if request.sources:
        keys = {s: fold(s) for s in request.sources}
        seen = _collect(store, "source_key", sorted(set(keys.values())), found)
        missing = [s for s, key in keys.items() if key not in seen]
        found.missing += [("source", s) for s in missing]
    return found


def _collect(store: Store, key: str, values: Sequence[str], found: _Found) -> set[str]:
    """Record the paragraphs whose metadata ``key`` is one of ``values``; returns the values seen."""
    seen: set[str] = set()
    for start in range(0, len(values), _IN_CHUNK):
        for p in store.iter_paragraphs({key: {"$in": list(values[start : start + _IN_CHUNK])}}):
            found.articles.add(p.article_id)
            found.direct.add(p.paragraph_id)
            seen.add(_key_of(p, key))
    return seen


def _key_of(p: Paragraph, key: str) -> str:
    if key == "source_key":
        return fold(p.source)
    if key == "file":
        return file_of(p.location)
    return str(getattr(p, key))


def _match_files(store: Store, files: Sequence[str], found: _Found) -> None:
    """Each of ``files`` by every spelling ingest may have stored it under (as given, relative
    to here, absolute); a miss falls back to comparing every stored file's resolved path."""
    spellings = {f: _spellings(f) for f in files}
    seen = _collect(store, "file", sorted({s for f, ss in spellings.items() if "#" not in f for s in ss}), found)
    seen |= _collect(store, "location", sorted({s for f, ss in spellings.items() if "#" in f for s in ss}), found)
    missing = [f for f, ss in spellings.items() if not ss & seen]
    if not missing:
        return
    # Rare (a path written differently from how it was ingested, or a typo): one pass over the
    # store, resolving each distinct stored location once.
    wanted = {_resolved(f): f for f in missing}
    resolved: dict[str, str] = {}
    hit: set[str] = set()
    for p in store.iter_paragraphs():
        for where in (file_of(p.location), p.location):  # a whole file, or one feed entry
            if where not in resolved:
                resolved[where] = _resolved(where)
            asked = wanted.get(resolved[where])
            if asked is not None and ("#" in asked) == ("#" in where):
                hit.add(asked)
                found.articles.add(p.article_id)
                found.direct.add(p.paragraph_id)
    found.missing += [("file", f) for f in missing if f not in hit]
    found.stored_files = sorted({file_of(w) for w in resolved})


def _spellings(location: str) -> set[str]:
    """``location`` as given, normalised, absolute, and relative to the working directory."""
    path, hash_, entry = location.partition("#")
    forms = {path, os.path.normpath(path), os.path.abspath(path)}
    with contextlib.suppress(ValueError):  # another drive, on Windows
        forms.add(os.path.relpath(os.path.abspath(path)))
    return {f + hash_ + entry for f in forms}


def _resolved(location: str) -> str:
    path, hash_, entry = location.partition("#")
    return str(Path(path).resolve()) + hash_ + entry


def _suggestions(found: _Found) -> str:
    """" (did you mean ...)" for a missed file or source close to a stored one."""
    close = []
    for kind, value in found.missing:
        candidates = found.stored_files if kind == "file" else found.stored_sources if kind == "source" else []
        close += get_close_matches(value, candidates, n=2, cutoff=0.6)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def _articles(store: Store, article_ids: set[str]) -> dict[str, list[Paragraph]]:
    """Every stored paragraph of each article, in article then paragraph order."""
    wanted = sorted(article_ids)
    by_article: dict[str, list[Paragraph]] = {}
    for start in range(0, len(wanted), _IN_CHUNK):
        for p in store.iter_paragraphs({"article_id": {"$in": wanted[start : start + _IN_CHUNK]}}):
            by_article.setdefault(p.article_id, []).append(p)
    return {a: sorted(by_article[a], key=lambda p: p.number) for a in sorted(by_article)}


def _summary(paragraphs: list[Paragraph]) -> RemovedArticle:
    first = paragraphs[0]
    return RemovedArticle(first.article_id, first.title, first.source, first.location, len(paragraphs),
                          sum(len(p.quotes) for p in paragraphs))


def _upload_copies(store: Store, settings: Settings, removed: dict[str, list[Paragraph]]) -> list[str]:
    """The removed articles' files kept in the chat's uploads folder that no other stored article
    is read from (a feed upload with one entry retracted stays for the others)."""
    folder = settings.uploads_dir.resolve()
    files = sorted({file_of(p.location) for ps in removed.values() for p in ps})
    uploads = [f for f in files if Path(f).resolve().is_relative_to(folder) and _is_file(f)]
    if not uploads:
        return []
    _, by_file = store.stored_for((), uploads)
    return [f for f in uploads if not (by_file.get(f, set()) - set(removed))]


def _is_file(location: str) -> bool:
    return bool(location) and Path(location).is_file()


__all__ = ["remove"]
