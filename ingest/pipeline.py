"""The ingest pipeline: files -> articles -> repaired paragraphs + quotes -> vectors -> store.

Idempotent by construction: paragraph ids hash their content, so only paragraphs whose id is
not stored yet are embedded. Each chunk of articles is written new-paragraphs-first, then its
stale paragraphs are deleted, so a run killed at any point leaves at worst extra stale
paragraphs that the next run removes; nothing already ingested is ever lost.

Files are read in windows of about ``INGEST_WINDOW_ARTICLES`` articles and only ids are kept
across windows, so an ingest's memory does not grow with the number of articles (issue 12).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ingest.embed import embed_paragraphs
from ingest.loaders import find_files, read_entries
from ingest.paragraphs import repair_paragraphs
from ingest.quotes import extract_quotes, extract_quotes_of
from ingest.quotes import extractor_version as current_extractor
from rag.errors import BadArticle
from rag.models import Encoder
from rag.records import paragraph_metadata
from rag.schema import Article, FileFailure, IngestReport, Paragraph, Quote, paragraph_id_for
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
# Articles read and compared with the store, then written, per window of files. An ingest holds one
# window's texts and planned paragraphs (~20 KiB per real article: bench/history/, "ingest, 200
# real articles") and only ids for the rest of the run, so its memory is flat in the number of
# articles (tracemalloc peak 27.7 MiB at both 1,000 and 1,500 real articles; the whole-run code
# 68.9 and 84.6). The window also sizes each ``Store.stored_for`` query, and Chroma's native side
# keeps its largest results' memory per thread: an unchanged re-ingest of 1,500 real articles
# peaked 720 MiB RSS with windows of 500, 465 with 250, 322 with 100, and was no slower (4.4 s,
# 3.9 s, 3.5 s); 50 saved ~70 MiB more for twice the round trips.
INGEST_WINDOW_ARTICLES = 100
# Pass 2 reads in smaller windows: its quotes are found one window ahead while the window before
# embeds (``_quoted_ahead``), and the first window's quotes wait for nothing to overlap with. With
# windows of 100, 300 articles took 1.29x the rules' wall time; see bench/history/2026-12.md.
WRITE_WINDOW_ARTICLES = 20
REQUOTE_ARTICLES = 200  # stored articles read per query when re-extracting quotes


def article_paragraphs(
    article: Article,
    texts: Sequence[str] | None = None,
    quotes: Sequence[Quote] | None = None,
    parse: bool = True,
) -> list[Paragraph]:
    """Repair paragraphing (unless ``texts`` is the repaired text), find quotes (unless ``quotes``
    are those of ``texts``, found ahead; ``parse`` as ``extract_quotes``), and number the
    paragraphs of one article."""
    texts = repair_paragraphs(article.paragraphs) if texts is None else tuple(texts)
    quotes = extract_quotes(texts, parse) if quotes is None else quotes
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
    extractor_version: str | None = None,
    make_encoder: Callable[[str, Path], Encoder] = Encoder,
    window_articles: int = INGEST_WINDOW_ARTICLES,
) -> IngestReport:
    """Ingest files and folders into the store named by ``settings``; never raises for bad files.

    Every file that cannot be read is reported in ``IngestReport.failed`` with the reason, and
    every other file still goes in. ``extractor_version`` names the quote extractor's output;
    stored quotes from another version are re-extracted (``refresh_quotes``). Benchmarks that
    change the extractor's rules pass a fingerprint of its code here. One ingest at a time
    writes to a store: a second one waits (``rag.store.write_lock``), first reporting a
    "waiting" stage whose ``note`` says for what. ``make_encoder`` builds the store's encoder
    (``Store.connect``): benchmarks pass one that caches vectors on disk. ``window_articles``:
    how many articles are held and compared at once (memory against store round trips); the
    result is the same for any window.
    """

    def waiting(note: str) -> None:
        if progress is not None:
            progress(IngestProgress("waiting", 0, 0, 0, 0, 0, 0, note=note))

    with write_lock(settings, on_wait=waiting):
        return _ingest(paths, settings, progress=progress,
                       extractor_version=extractor_version or current_extractor(settings.attribution == "parse"),
                       make_encoder=make_encoder, window_articles=window_articles)


def _ingest(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    progress: ProgressCallback | None,
    extractor_version: str,
    make_encoder: Callable[[str, Path], Encoder],
    window_articles: int,
) -> IngestReport:
    """``ingest`` under the store's write lock, in two passes over windows of files.

    1. Read, repair and compare each window with the store: the report's counts, the exact number
       of paragraphs to embed (the bar's total), and, as ids alone, which article is written from
       which file and which stored articles the re-read files lost. Nothing is written.
    2. Only if something changed: read again just the files that hold changes, window by window,
       find quotes, embed and write. An unchanged re-ingest therefore reads every file once, and a
       first ingest twice: reading and repairing 1,500 real articles (28,380 paragraphs) took
       0.8 s, their whole ingest 20-23 minutes, on the 2-core machine of bench/history/.

    A file edited between the two passes is written as the second pass reads it.
    """
    notify = progress or (lambda _p: None)
    parse = settings.attribution == "parse"  # who said what from the parse too, or the rules alone
    files, skipped = find_files([Path(p) for p in paths])
    counts = _Counts()
    max_bytes = int(settings.max_file_mb * 1024 * 1024)

    def read(i: int) -> None:
        notify(IngestProgress("reading", i, len(files), 0, 0, 0, 0))

    # 1. Compare, window by window. Repaired paragraph texts only: quotes are extracted in pass 2,
    # for new or changed articles alone, which keeps an unchanged re-ingest cheap.
    store: Store | None = None
    requoted = 0
    plan = _Plan()
    for window in _windows(_read_files(files, range(len(files)), max_bytes, on_read=read, chunk=window_articles),
                           window_articles):
        if store is None:  # connected once the first files are read, as before windows
            store = Store.connect(settings, create=True, make_encoder=make_encoder)
            requoted = refresh_quotes(store, extractor_version, parse)
        _assess(store, window, counts, plan)
    if store is None:
        store = Store.connect(settings, create=True, make_encoder=make_encoder)
        requoted = refresh_quotes(store, extractor_version, parse)
    # Articles a re-read file no longer contains (e.g. a retitled story) leave with it, unless
    # another file read in this run still holds them (the same story saved twice).
    gone = {article_id: ids for article_id, ids in plan.lost.items() if article_id not in plan.taken}
    counts.paragraphs_removed += sum(len(ids) for ids in gone.values())
    planned = len(plan.rewrite) + len(gone)
    total = plan.to_embed

    # 2. Read the changed files again; embed and write chunk by chunk, new before stale.
    if planned:
        store.check_space(total)  # a full disk refused now leaves the store as it was, and readable
        if total:  # a renamed folder or a removal-only run needs no encoder
            store.encoder.model()  # load before the bar starts, so its rate and ETA are the encoder's
    notify(IngestProgress("embedding", len(files), len(files), 0, planned, 0, total))
    if planned:
        store.bump_revision()
        writer = _ChunkWriter(store, settings, lambda done, articles_done: notify(
            IngestProgress("embedding", len(files), len(files), articles_done, planned, done, total)))
        reported = set(counts.failed)
        holding = sorted(set(plan.rewrite.values()))
        write_window = min(WRITE_WINDOW_ARTICLES, window_articles)
        for window, quotes in _quoted_ahead(_windows(_read_files(files, holding, max_bytes, chunk=write_window),
                                                     write_window), plan, parse):
            for failure in (f for read in window for f in read.failures if f not in reported):
                counts.failed.append(failure)  # only when a file changed since pass 1
                reported.add(failure)
            _plan_writes(store, window, plan.rewrite, writer, quotes, parse)
        for ids in gone.values():
            writer.add(([], ids, [], []))
        writer.flush()
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
        skipped=tuple(skip.path for skip in skipped),
        skipped_files=tuple(skipped),
        failed=tuple(counts.failed),
        articles_requoted=requoted,
    )


@dataclass(frozen=True, slots=True)
class _Read:
    """One file as read: its articles with repaired texts, and why the file or some of its entries
    failed. Articles read before a whole-file failure count as read (the first file still wins
    them), as they always did."""

    index: int  # in discovery order
    path: str
    articles: list[tuple[Article, tuple[str, ...]]]
    failures: tuple[FileFailure, ...]
    last: bool = True  # the file's final part (a file of many articles comes in parts: ``_read_files``)


@dataclass
class _Plan:
    """What pass 1 learns for pass 2, as ids alone, so it grows by bytes per article, not by text."""

    taken: set[str] = field(default_factory=set)  # every article read so far: the first file wins
    rewrite: dict[str, int] = field(default_factory=dict)  # article id -> the file to write it from
    lost: dict[str, set[str]] = field(default_factory=dict)  # article id -> stored paragraph ids a re-read file lost
    requote: set[str] = field(default_factory=set)  # article ids with new text: their quotes are found
    to_embed: int = 0  # paragraphs pass 2 embeds: the bar's total
    producing: dict[str, set[str]] = field(default_factory=dict)  # path -> article ids it gave so far
    failing: set[str] = field(default_factory=set)  # paths with a failure so far: they lose nothing stored


def _read_files(
    files: Sequence[Path],
    indexes: Iterable[int],
    max_bytes: int,
    on_read: Callable[[int], None] | None = None,
    chunk: int = INGEST_WINDOW_ARTICLES,
) -> Iterator[_Read]:
    """Read and repair the files at ``indexes``, one at a time; one bad file never stops a batch,
    and one bad entry of a file of many articles never stops the file (issue 24).

    A file of many articles (a feed of 13,000) is handed on ``chunk`` articles at a time, each
    part a ``_Read`` of the same file with ``last`` set on its final one, so a window holds at
    most about ``chunk`` articles whatever the files' sizes and memory stays flat."""
    for count, index in enumerate(indexes, start=1):
        path = files[index]
        articles: list[tuple[Article, tuple[str, ...]]] = []
        failures: list[FileFailure] = []
        try:
            for entry in read_entries(path, max_bytes=max_bytes):
                if isinstance(entry, BadArticle):  # one entry: the rest of the file goes on
                    failures.append(_failure(entry))
                    continue
                texts = repair_paragraphs(entry.paragraphs)
                if texts:
                    articles.append((entry, texts))
                else:
                    failures.append(_failure(_without_paragraphs(entry, path)))
                if len(articles) >= chunk:
                    yield _Read(index, str(path), articles, tuple(failures), last=False)
                    articles, failures = [], []
        except BadArticle as exc:  # the whole file
            failures.append(FileFailure(str(path), str(exc)))
        except Exception as exc:  # one bad file never stops a batch
            failures.append(FileFailure(str(path), f"{path}: unexpected error: {exc!r}"))
        if on_read is not None:
            on_read(count)
        yield _Read(index, str(path), articles, tuple(failures))


def _failure(exc: BadArticle) -> FileFailure:
    """One bad entry's report line: its number in a JSON list or feed, or its line in JSON Lines.

    Only an entry's failure carries ``line``: a whole file's (a JSON syntax error at line 40)
    says its line in ``error`` alone, so ``line`` or ``entry`` set always means the rest of the
    file went in.
    """
    return FileFailure(exc.path, str(exc), entry=exc.entry, line=exc.line)


def _without_paragraphs(article: Article, path: Path) -> BadArticle:
    """An article whose paragraphs all vanished in repair, named as its entry or line: a reader
    locates an entry of a file of many as ``path#N`` (N its entry, or its line in JSON Lines)."""
    _, hash_mark, number = article.location.rpartition("#")
    n = int(number) if hash_mark and number.isdigit() else None
    lines = path.suffix.lower() in (".jsonl", ".ndjson")
    return BadArticle(str(path), f"article {article.title!r} has no paragraphs",
                      line=n if lines else None, entry=None if lines else n)


def _windows(reads: Iterable[_Read], size: int) -> Iterator[list[_Read]]:
    """Whole files, grouped until a window holds ``size`` articles."""
    window: list[_Read] = []
    held = 0
    for read in reads:
        window.append(read)
        held += len(read.articles)
        if held >= size:
            yield window
            window, held = [], 0
    if window:
        yield window


def _assess(store: Store, window: list[_Read], counts: _Counts, plan: _Plan) -> None:
    """Pass 1 for one window: count what changed, by content-derived id, and note in ``plan`` which
    articles need writing from which file and which stored articles its files lost."""
    articles: dict[str, tuple[Article, tuple[str, ...], int]] = {}
    produced_by_file: dict[str, set[str]] = {}  # files read to their end in this window
    for read in window:
        so_far = plan.producing.setdefault(read.path, set())
        for article, texts in read.articles:
            so_far.add(article.article_id)
            if article.article_id not in plan.taken:  # the same article in two files: the first wins
                plan.taken.add(article.article_id)
                articles[article.article_id] = (article, texts, read.index)
        counts.failed.extend(read.failures)
        if read.failures:
            plan.failing.add(read.path)
        if read.last:  # what a file lost is known once all of it is read
            produced = plan.producing.pop(read.path)
            if read.path not in plan.failing:  # a file with a bad entry loses nothing stored from it
                produced_by_file[read.path] = produced
            plan.failing.discard(read.path)

    signatures: dict[str, tuple[int, int, int, int]] = {}
    existing, stored_by_file = store.stored_for(articles, list(produced_by_file), signatures)
    for article_id, (article, texts, index) in articles.items():
        old_ids = existing.get(article_id, set())
        ids = [paragraph_id_for(article_id, n, text) for n, text in enumerate(texts, start=1)]
        stale = old_ids - set(ids)
        embed, redescribe, moved = _compare(article, texts, ids, old_ids, signatures)
        old_numbers = {_number_of(pid) for pid in old_ids}
        new_numbers = set(range(1, len(texts) + 1))
        # Quotes alone can differ only where some text or the headline is new (``_rewrites``), so
        # whether an article changed is known here without finding its quotes.
        if not old_ids:
            counts.articles_added += 1
            counts.paragraphs_added += len(texts)
        elif not embed and not stale and (moved or not redescribe):  # a moved file: no news
            counts.articles_unchanged += 1
            counts.paragraphs_unchanged += len(texts)
        else:
            counts.articles_updated += 1
            counts.paragraphs_unchanged += len(texts) - len(embed)
            counts.paragraphs_updated += len(embed & old_numbers)
            counts.paragraphs_added += len(embed - old_numbers)
            counts.paragraphs_removed += len(old_numbers - new_numbers)
        if embed or stale or redescribe:
            plan.rewrite[article_id] = index
            plan.to_embed += len(embed)
        if embed:
            plan.requote.add(article_id)
    for path, produced in produced_by_file.items():
        for lost in stored_by_file.get(path, set()) - produced - plan.taken:
            plan.lost.setdefault(lost, set()).update(existing[lost])


def _quoted_ahead(
    windows: Iterator[list[_Read]], plan: _Plan, parse: bool,
) -> Iterator[tuple[list[_Read], dict[str, list[Quote]]]]:
    """Pass 2's windows, each with the quotes of its articles that have new text, read and found
    one window ahead on a second thread while this one embeds and writes the window before.

    Finding quotes (the parse above all) is single-threaded Python and the encoder's sessions
    release the GIL, so on 2 cores the two overlap instead of queueing: bench/history/,
    "what the parse costs ingest". Quotes depend on an article's texts alone, so finding them
    early changes nothing; an article whose file changed since pass 1 has its quotes found where
    it is written (``_rewrites``).
    """
    wanted = {article_id: plan.rewrite[article_id] for article_id in plan.requote if article_id in plan.rewrite}

    def next_window() -> tuple[list[_Read], dict[str, list[Quote]]] | None:
        window = next(windows, None)
        if window is None:
            return None
        texts_of: dict[str, tuple[str, ...]] = {}
        for read in window:
            for article, texts in read.articles:
                if wanted.get(article.article_id) == read.index:
                    texts_of.setdefault(article.article_id, texts)  # a story twice in a file: its first copy
        # One batch for the window: spaCy parses many articles at once more cheaply than one by one.
        found = extract_quotes_of(list(texts_of.values()), parse)
        return window, dict(zip(texts_of, found, strict=True))

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsrag-quotes") as ahead:
        future = ahead.submit(next_window)
        try:
            while (item := future.result()) is not None:
                future = ahead.submit(next_window)
                yield item
        finally:
            future.cancel()


def _plan_writes(
    store: Store,
    window: list[_Read],
    rewrite: dict[str, int],
    writer: _ChunkWriter,
    quotes: dict[str, list[Quote]] | None = None,
    parse: bool = True,
) -> None:
    """Pass 2 for one window: the paragraphs, with quotes, of each article pass 1 marked for
    writing from this file, compared with the store again, handed to ``writer``. ``quotes`` are
    those already found for some of the articles (``_quoted_ahead``)."""
    quotes = quotes or {}
    articles: dict[str, tuple[Article, tuple[str, ...]]] = {}
    for read in window:
        for article, texts in read.articles:
            if rewrite.get(article.article_id) == read.index:
                del rewrite[article.article_id]  # a story twice in one file: its first copy
                articles[article.article_id] = (article, texts)
    signatures: dict[str, tuple[int, int, int, int]] = {}
    existing, _ = store.stored_for(articles, [], signatures)
    for article_id, (article, texts) in articles.items():
        old_ids = existing.get(article_id, set())
        ids = [paragraph_id_for(article_id, n, text) for n, text in enumerate(texts, start=1)]
        to_add, redescribe, requote = _rewrites(article, texts, ids, old_ids, signatures, quotes.get(article_id), parse)
        stale = old_ids - set(ids)
        if to_add or stale or redescribe or requote:
            writer.add((to_add, stale, redescribe, requote))


class _ChunkWriter:
    """Collects changes and writes them a chunk at a time: several embedding batches per write,
    so length-sorting inside a chunk cuts padding (ingest/embed.py); a kill loses at most one
    chunk's work, never stored data. A written change is let go."""

    def __init__(self, store: Store, settings: Settings, on_write: Callable[[int, int], None]) -> None:
        self.store, self.settings, self.on_write = store, settings, on_write
        self.chunk_size = max(settings.batch_size * WRITE_BATCHES, 1)
        self.pending: list[_Change] = []
        self.pending_count = 0
        self.done = 0  # paragraphs embedded and written
        self.articles_done = 0  # changes written

    def add(self, change: _Change) -> None:
        self.pending.append(change)
        self.pending_count += len(change[0]) + len(change[2]) + len(change[3])
        if self.pending_count >= self.chunk_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        self.done, self.articles_done = _write_chunk(self.store, self.settings, self.pending, self.done,
                                                     self.articles_done)
        self.pending, self.pending_count = [], 0
        self.on_write(self.done, self.articles_done)


def refresh_quotes(store: Store, version: str | None = None, parse: bool = True) -> int:
    """Re-extract every stored article's quotes if a different extractor wrote them.

    Quotes depend only on an article's paragraph texts, which the store holds, so nothing is
    embedded again: only the changed quote records are rewritten. The new version is recorded
    last, so a run killed halfway starts over next time. Returns how many articles changed.
    """
    version = version or current_extractor(parse)
    if store.extractor_version() == version:
        return 0
    store.bump_revision()
    changed_articles = 0
    article_ids = store.article_ids()
    for start in range(0, len(article_ids), REQUOTE_ARTICLES):
        for paragraphs in store.articles(article_ids[start : start + REQUOTE_ARTICLES]).values():
            if len({p.number for p in paragraphs}) != len(paragraphs):
                continue  # stale copies left by a killed ingest: its next ingest rewrites the article
            quotes = extract_quotes([p.text for p in paragraphs], parse)
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
    vectors = embed_paragraphs(to_add, store.encoder, batch_size=settings.batch_size)
    with store.writing():  # one turn: a reader sees an edited article's old or new paragraphs, never both
        store.add(to_add, vectors)
        store.update_details([p for change in chunk for p in change[2]])
        store.update_quotes([p for change in chunk for p in change[3]])
        store.delete(sorted({pid for change in chunk for pid in change[1]}))
    return done + len(to_add), articles_done + len(chunk)


def _compare(
    article: Article,
    texts: Sequence[str],
    ids: Sequence[str],
    old_ids: set[str],
    signatures: dict[str, tuple[int, int, int, int]],
) -> tuple[set[int], list[Paragraph], bool]:
    """Without finding quotes: the numbers of an article's paragraphs to embed (new text, or a new
    headline: it is part of the vector), its stored paragraphs whose details alone are out of
    date, and whether only where it was read from changed.

    A paragraph's id covers only its article, number and text, so a renamed file or a corrected
    date or headline of a story known by its URL leaves ids unchanged: the stored records are
    compared by ``record_signature``.
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
    embed = {n for n, pid in enumerate(ids, start=1)
             if pid not in old_ids or pid not in signatures or signatures[pid][0] != title}
    return embed, redescribe, moved


def _rewrites(
    article: Article,
    texts: Sequence[str],
    ids: Sequence[str],
    old_ids: set[str],
    signatures: dict[str, tuple[int, int, int, int]],
    quotes: Sequence[Quote] | None = None,
    parse: bool = True,
) -> tuple[list[Paragraph], list[Paragraph], list[Paragraph]]:
    """An article's paragraphs to embed and write, those whose stored details alone are out of
    date, and those whose quotes alone are (``_compare``).

    An edit that changes who "she" is in a later paragraph leaves that paragraph's id unchanged,
    so its quotes are compared too. Quotes are found only when some text or the headline is new,
    so neither an unchanged re-ingest nor a renamed folder extracts any (bench/history/,
    "ingest"); and so quotes alone never differ unless something is embedded.
    """
    embed, redescribe, _ = _compare(article, texts, ids, old_ids, signatures)
    if not embed:
        return [], redescribe, []
    to_add: list[Paragraph] = []
    requote: list[Paragraph] = []
    for p in article_paragraphs(article, texts, quotes, parse):
        if p.number in embed:
            to_add.append(p)
        elif record_signature(paragraph_metadata(p))[3] != signatures[p.paragraph_id][3]:
            requote.append(p)
    return to_add, [p for p in redescribe if p.number not in embed], requote


def _number_of(paragraph_id: str) -> int:
    """Paragraph number from an id of the form ``<article>-p0003-<hash>``."""
    return int(paragraph_id.rsplit("-p", 1)[1].split("-", 1)[0])


__all__ = ["IngestProgress", "article_paragraphs", "ingest"]
