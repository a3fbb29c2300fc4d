"""The ingest pipeline: files -> articles -> repaired paragraphs + quotes -> vectors -> store.

Idempotent by construction: paragraph ids hash their content, so only paragraphs whose id is
not stored yet are embedded. Each chunk of articles is written new-paragraphs-first, then its
stale paragraphs are deleted, so a run killed at any point leaves at worst extra stale
paragraphs that the next run removes; nothing already ingested is ever lost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.embed import embed_paragraphs
from ingest.loaders import discover_files, load_file
from ingest.paragraphs import repair_paragraphs
from ingest.quotes import EXTRACTOR_VERSION, extract_quotes
from rag.errors import BadArticle
from rag.models import embed_model
from rag.records import paragraph_metadata
from rag.schema import Article, FileFailure, IngestReport, Paragraph, paragraph_id_for
from rag.settings import Settings
from rag.store import Store, record_signature, write_lock


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """A progress snapshot for front ends (the CLI's bar, the app's ``st.progress``)."""

    stage: str  # "waiting" (for another ingest into the same store) | "reading" | "embedding" | "done"
    files_done: int
    files_total: int
    articles_done: int
    articles_total: int
    paragraphs_done: int  # paragraphs embedded and written so far
    paragraphs_total: int  # paragraphs that need embedding in this run
    note: str = ""  # what a "waiting" stage waits for, to show as it is


ProgressCallback = Callable[[IngestProgress], None]
# What one article's ingest writes: paragraphs to embed and write, stored ids to delete,
# paragraphs whose details alone to rewrite (a renamed file), and whose quotes alone.
_Change = tuple[list[Paragraph], set[str], list[Paragraph], list[Paragraph]]
WRITE_BATCHES = 8  # embedding batches per Chroma write
REQUOTE_ARTICLES = 200  # stored articles read per query when re-extracting quotes


def article_paragraphs(article: Article, texts: Sequence[str] | None = None) -> list[Paragraph]:
    """Repair paragraphing (unless ``texts`` is the repaired text), find quotes, and number the
    paragraphs of one article."""
    texts = repair_paragraphs(article.paragraphs) if texts is None else tuple(texts)
    quotes = extract_quotes(texts)
    paragraphs = []
    for number, text in enumerate(texts, start=1):
        paragraphs.append(
            Paragraph(
                paragraph_id=paragraph_id_for(article.article_id, number, text),
                article_id=article.article_id,
                number=number,
                text=text,
                title=article.title,
                source=article.source,
                section=article.section,
                date=article.date,
                url=article.url,
                author=article.author,
                location=article.location,
                quotes=tuple(q for q in quotes if q.paragraphs and q.paragraphs[0] == number),
            )
        )
    return paragraphs


@dataclass
class _Counts:
    articles_added: int = 0
    articles_updated: int = 0
    articles_unchanged: int = 0
    paragraphs_added: int = 0
    paragraphs_updated: int = 0
    paragraphs_unchanged: int = 0
    paragraphs_removed: int = 0
    failed: list[FileFailure] = field(default_factory=list)


def ingest(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    progress: ProgressCallback | None = None,
    extractor_version: str = EXTRACTOR_VERSION,
) -> IngestReport:
    """Ingest files and folders into the store named by ``settings``; never raises for bad files.

    Every file that cannot be read is reported in ``IngestReport.failed`` with the reason, and
    every other file still goes in. ``extractor_version`` names the quote extractor's output;
    stored quotes from another version are re-extracted (``refresh_quotes``). Benchmarks that
    change the extractor's rules pass a fingerprint of its code here. One ingest at a time
    writes to a store: a second one waits (``rag.store.write_lock``), first reporting a
    "waiting" stage whose ``note`` says for what.
    """

    def waiting(note: str) -> None:
        if progress is not None:
            progress(IngestProgress("waiting", 0, 0, 0, 0, 0, 0, note=note))

    with write_lock(settings, on_wait=waiting):
        return _ingest(paths, settings, progress=progress, extractor_version=extractor_version)


def _ingest(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    progress: ProgressCallback | None,
    extractor_version: str,
) -> IngestReport:
    """``ingest`` under the store's write lock."""
    notify = progress or (lambda _p: None)
    files, skipped = discover_files([Path(p) for p in paths])
    counts = _Counts()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)

    # 1. Read everything (cheap next to embedding), so the bar can show a real total.
    # Repaired paragraph texts only: quotes are extracted later, for new or changed articles
    # alone, which keeps an unchanged re-ingest cheap (bench/RESULTS.md, "ingest").
    articles: dict[str, tuple[Article, tuple[str, ...]]] = {}
    produced_by_file: dict[str, set[str]] = {}
    for i, path in enumerate(files, start=1):
        try:
            loaded = load_file(path, max_bytes=max_bytes)
            for article in loaded:
                texts = repair_paragraphs(article.paragraphs)
                if not texts:
                    raise BadArticle(str(path), f"article {article.title!r} has no paragraphs")
                produced_by_file.setdefault(str(path), set()).add(article.article_id)
                # The same article in two files is stored once: the first file wins.
                articles.setdefault(article.article_id, (article, texts))
        except BadArticle as exc:
            counts.failed.append(FileFailure(str(path), str(exc)))
            produced_by_file.pop(str(path), None)
        except Exception as exc:  # one bad file never stops a batch
            counts.failed.append(FileFailure(str(path), f"{path}: unexpected error: {exc!r}"))
            produced_by_file.pop(str(path), None)
        notify(IngestProgress("reading", i, len(files), 0, 0, 0, 0))

    store = Store.connect(settings, create=True)
    requoted = refresh_quotes(store, extractor_version)

    # 2. Work out what changed, by content-derived id.
    signatures: dict[str, tuple[int, int, int, int]] = {}
    existing, stored_by_file = store.stored_for(articles, list(produced_by_file), signatures)
    plan: list[_Change] = []
    for article_id, (article, texts) in articles.items():
        old_ids = existing.get(article_id, set())
        ids = [paragraph_id_for(article_id, n, text) for n, text in enumerate(texts, start=1)]
        stale = old_ids - set(ids)
        to_add, redescribe, requote, moved = _rewrites(article, texts, ids, old_ids, signatures)
        old_numbers = {_number_of(pid) for pid in old_ids}
        new_numbers = set(range(1, len(texts) + 1))
        if not old_ids:
            counts.articles_added += 1
            counts.paragraphs_added += len(texts)
        elif not to_add and not stale and not requote and (moved or not redescribe):  # a moved file: no news
            counts.articles_unchanged += 1
            counts.paragraphs_unchanged += len(texts)
        else:
            counts.articles_updated += 1
            counts.paragraphs_unchanged += len(texts) - len(to_add)
            counts.paragraphs_updated += sum(1 for p in to_add if p.number in old_numbers)
            counts.paragraphs_added += sum(1 for p in to_add if p.number not in old_numbers)
            counts.paragraphs_removed += len(old_numbers - new_numbers)
        if to_add or stale or redescribe or requote:
            plan.append((to_add, stale, redescribe, requote))

    # Articles a re-read file no longer contains (e.g. a retitled story) leave with it, unless
    # another file read in this run still holds them (the same story saved twice).
    still_held = set(articles)
    for path, produced in produced_by_file.items():
        for gone in stored_by_file.get(path, set()) - produced - still_held:
            ids = existing[gone]
            counts.paragraphs_removed += len(ids)
            plan.append(([], ids, [], []))
    # Only the plan is needed from here on. Letting the articles go now, and each change once it
    # is written (below), means the Python side peaks at the plan, not at every article's text
    # plus Chroma's fully grown index (~20 KiB per real article: bench/RESULTS.md, "ingest, 200
    # real articles").
    del articles, existing, signatures
    planned = len(plan)

    # 3. Embed and write, chunk by chunk, new before stale.
    total = sum(len(change[0]) for change in plan)
    done = 0
    articles_done = 0
    if plan:
        store.check_space(total)  # a full disk refused now leaves the store as it was, and readable
        if total:  # a renamed folder or a removal-only run needs no encoder
            embed_model()  # load before the bar starts, so its rate and ETA are the encoder's
    notify(IngestProgress("embedding", len(files), len(files), 0, planned, 0, total))
    if plan:
        store.bump_revision()
        # Several embedding batches per write, so length-sorting inside a chunk cuts padding
        # (ingest/embed.py); a kill loses at most one chunk's work, never stored data.
        chunk_size = max(settings.batch_size * WRITE_BATCHES, 1)
        pending: list[_Change] = []
        pending_count = 0
        plan.reverse()  # popped in order, so a written change is let go
        while plan:
            item = plan.pop()
            pending.append(item)
            pending_count += len(item[0]) + len(item[2]) + len(item[3])
            if pending_count >= chunk_size:
                done, articles_done = _write_chunk(store, settings, pending, done, articles_done)
                notify(IngestProgress("embedding", len(files), len(files), articles_done, planned, done, total))
                pending, pending_count = [], 0
        if pending:
            done, articles_done = _write_chunk(store, settings, pending, done, articles_done)
            notify(IngestProgress("embedding", len(files), len(files), articles_done, planned, done, total))
        store.bump_revision()
    notify(IngestProgress("done", len(files), len(files), planned, planned, total, total))

    return IngestReport(
        files_seen=len(files) + len(skipped),
        articles_added=counts.articles_added,
        articles_updated=counts.articles_updated,
        articles_unchanged=counts.articles_unchanged,
        paragraphs_added=counts.paragraphs_added,
        paragraphs_updated=counts.paragraphs_updated,
        paragraphs_unchanged=counts.paragraphs_unchanged,
        paragraphs_removed=counts.paragraphs_removed,
        skipped=tuple(str(p) for p in skipped),
        failed=tuple(counts.failed),
        articles_requoted=requoted,
    )


def refresh_quotes(store: Store, version: str = EXTRACTOR_VERSION) -> int:
    """Re-extract every stored article's quotes if a different extractor wrote them.

    Quotes depend only on an article's paragraph texts, which the store holds, so nothing is
    embedded again: only the changed quote records are rewritten. The new version is recorded
    last, so a run killed halfway starts over next time. Returns how many articles changed.
    """
    if store.extractor_version() == version:
        return 0
    store.bump_revision()
    changed_articles = 0
    article_ids = store.article_ids()
    for start in range(0, len(article_ids), REQUOTE_ARTICLES):
        for paragraphs in store.articles(article_ids[start : start + REQUOTE_ARTICLES]).values():
            if len({p.number for p in paragraphs}) != len(paragraphs):
                continue  # stale copies left by a killed ingest: its next ingest rewrites the article
            quotes = extract_quotes([p.text for p in paragraphs])
            changed = []
            for p in paragraphs:
                own = tuple(q for q in quotes if q.paragraphs and q.paragraphs[0] == p.number)
                if own != p.quotes:
                    changed.append(replace(p, quotes=own))
            if changed:
                store.update_quotes(changed)
                changed_articles += 1
    store.bump_revision(extractor=version)
    return changed_articles


def _write_chunk(
    store: Store,
    settings: Settings,
    chunk: list[_Change],
    done: int,
    articles_done: int,
) -> tuple[int, int]:
    to_add = [p for change in chunk for p in change[0]]
    vectors = embed_paragraphs(to_add, batch_size=settings.batch_size)
    store.add(to_add, vectors)
    store.update_details([p for change in chunk for p in change[2]])
    store.update_quotes([p for change in chunk for p in change[3]])
    store.delete(sorted({pid for change in chunk for pid in change[1]}))
    return done + len(to_add), articles_done + len(chunk)


def _rewrites(
    article: Article,
    texts: Sequence[str],
    ids: Sequence[str],
    old_ids: set[str],
    signatures: dict[str, tuple[int, int, int, int]],
) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph], bool]:
    """An article's paragraphs to embed and write (new text, or a new headline: it is part of
    the vector), those whose stored details alone are out of date, those whose quotes alone are,
    and whether only where it was read from changed.

    A paragraph's id covers only its article, number and text, so a renamed file, a corrected
    date or headline of a story known by its URL, or an edit that changes who "she" is in a later
    paragraph leaves ids unchanged: the stored records are compared by ``record_signature``.
    Quotes are found only when some text or the headline is new, so neither an unchanged
    re-ingest nor a renamed folder extracts any (bench/RESULTS.md, "ingest").
    """

    def bare(number: int) -> Paragraph:  # without quotes: what update_details writes needs none
        return Paragraph(paragraph_id=ids[number - 1], article_id=article.article_id, number=number,
                         text=texts[number - 1], title=article.title, source=article.source,
                         section=article.section, date=article.date, url=article.url, author=article.author,
                         location=article.location)

    title, details, location, _ = record_signature(paragraph_metadata(bare(1)))
    kept = [(n, signatures[pid]) for n, pid in enumerate(ids, start=1) if pid in old_ids]
    redescribe = [bare(n) for n, stored in kept if stored[1:3] != (details, location)]
    moved = all(signatures[p.paragraph_id][1] == details for p in redescribe)
    if len(kept) == len(ids) and all(stored[0] == title for _, stored in kept):
        return [], redescribe, [], moved
    to_add: list[Paragraph] = []
    requote: list[Paragraph] = []
    for p in article_paragraphs(article, texts):
        stored = signatures.get(p.paragraph_id) if p.paragraph_id in old_ids else None
        if stored is None or stored[0] != title:
            to_add.append(p)
        elif record_signature(paragraph_metadata(p))[3] != stored[3]:
            requote.append(p)
    added = {p.paragraph_id for p in to_add}
    return to_add, [p for p in redescribe if p.paragraph_id not in added], requote, moved


def _number_of(paragraph_id: str) -> int:
    """Paragraph number from an id of the form ``<article>-p0003-<hash>``."""
    return int(paragraph_id.rsplit("-p", 1)[1].split("-", 1)[0])


__all__ = ["IngestProgress", "article_paragraphs", "ingest"]
