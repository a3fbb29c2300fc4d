"""The keyword side of search: BM25 over headline + paragraph in SQLite FTS5, kept on disk and
brought up to date with the paragraphs that changed.

A local index of what Chroma holds, never the source of truth. One file per store per machine
(``Settings.keyword_cache_dir``/``keywords.sqlite``), shared by every process there: its pages
live once in the operating system's page cache instead of once per process as a Python copy
(issue 19 measured the in-memory bm25s index at 1.9 GiB of a 2.84 GiB query process at 300k
paragraphs), and an ingest costs the next question the changed paragraphs, read from the change
log (``rag.changes``), instead of a rebuild of the whole corpus in every process (2 s at 10k,
37 s at 100k). SQLite FTS5 is in Python's standard library, ranks by BM25 and updates
incrementally; the text goes in already tokenised and stemmed as before (``tokenize``: folded,
English stop words out, Snowball stems), so a word matches as it always did.

What processes keep in memory is the per-revision view (``KeywordCache``): the paragraphs that
hold quotes (the speaker index and quote listings read them) and which paragraphs a quote spans.
A file of another format, another store, or that SQLite finds damaged is rebuilt from Chroma,
never trusted; so is one whose paragraph count disagrees with Chroma's after an update.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import uuid
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rag.records import date_number, paragraph_from_record, paragraph_metadata
from rag.schema import Filters, Paragraph, StoreState
from rag.text import fold

if TYPE_CHECKING:
    from rag.store import Store


_INNER_APOSTROPHE = re.compile(r"\w['\u2019]\w")
_IN_CHUNK = 500  # values per SQL IN list
# BM25 as bm25s scored it (its defaults), the scores ``Tuning``'s fusion weights were fitted on.
BM25_K1 = 1.5
BM25_B = 0.75
RESCORED_PER_HIT = 5  # FTS5's best candidates per hit asked for, scored again with those
RESCORED_AT_LEAST = 200


_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE paragraphs(
    rowid INTEGER PRIMARY KEY,
    pid TEXT NOT NULL UNIQUE,
    article_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    source TEXT NOT NULL,
    source_key TEXT NOT NULL,
    date_n INTEGER NOT NULL,
    record TEXT  -- the paragraph as JSON (text and metadata) when it holds quotes, else NULL
);
CREATE INDEX paragraphs_by_article ON paragraphs(article_id, number);
CREATE INDEX paragraphs_by_date ON paragraphs(date_n);
-- Quotes that run over several paragraphs: each paragraph of one, with every other it spans.
CREATE TABLE spans(article_id TEXT NOT NULL, number INTEGER NOT NULL, other INTEGER NOT NULL, pid TEXT NOT NULL);
CREATE INDEX spans_at ON spans(article_id, number);
CREATE INDEX spans_by_pid ON spans(pid);
CREATE VIRTUAL TABLE terms USING fts5(stems, tokenize = "unicode61 remove_diacritics 0 tokenchars '_'");
CREATE VIRTUAL TABLE vocab USING fts5vocab(terms, row);
"""


class KeywordFile:
    """The on-disk index of one store on this machine; one object per file per process."""

    NAME = "keywords.sqlite"
    # Bump when what the file holds, or how text is tokenised (``tokenize``, ``rag.text.fold``),
    # changes: files written before are then rebuilt.
    FORMAT = "5"

    _files: ClassVar[dict[Path, KeywordFile]] = {}
    _files_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, folder: Path, identity: str) -> None:
        if not _writable(folder):  # a read-only cache folder: this process keeps its own copy
            folder = Path(tempfile.gettempdir()) / f"newsrag-keywords-{os.getuid()}" / \
                hashlib.sha1(str(folder).encode()).hexdigest()[:12]
            folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.path = folder / self.NAME
        self.identity = identity  # which store: a copied cache folder from another store is rebuilt
        self._local = threading.local()
        self._opened = 0  # bumped when the file is replaced: threads reopen their connections
        self._inode: int | None = None
        self.checked = False  # SQLite's integrity checks ran on this file, in this process

    @classmethod
    def of(cls, folder: Path, identity: str) -> KeywordFile:
        key = folder.resolve()
        with cls._files_lock:
            found = cls._files.get(key)
            if found is None or found.identity != identity:
                found = cls._files[key] = cls(key, identity)
            return found

    # -- connections ---------------------------------------------------------------------------

    def db(self) -> sqlite3.Connection:
        """This thread's connection to the current file (opened again after a replace)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.opened == self._opened:
            return conn
        if conn is not None:
            conn.close()
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=True)
        self._local.conn, self._local.opened = conn, self._opened
        return conn

    def follow_replacement(self) -> None:
        """Reconnect every thread if another process replaced the file since we opened it."""
        try:
            inode = os.stat(self.path).st_ino
        except OSError:
            inode = None
        if inode != self._inode:
            self._inode = inode
            self._opened += 1
            self.checked = False

    # -- reading the file's own state ----------------------------------------------------------

    def meta(self, verify: bool = False) -> dict[str, str] | None:
        """The file's format, store, epoch and sequence; ``None`` when it is missing, of another
        format or store, or damaged: SQLite's and FTS5's own checks and the rows' digest, run
        when ``verify`` (a store opened anew) or the first time this process reads the file."""
        self.follow_replacement()
        if not self.path.exists():
            return None
        try:
            db = self.db()
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if meta.get("format") != self.FORMAT or meta.get("store") != self.identity:
                return None
            if verify or not self.checked:
                if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    return None
                db.execute("INSERT INTO terms(terms) VALUES('integrity-check')")  # raises when damaged
                digest, tokens = _digest_of(db)  # a changed word or id: SQLite has no checksums
                if f"{digest:x}" != meta.get("digest") or str(tokens) != meta.get("tokens"):
                    return None
                self.checked = True
            return meta
        except sqlite3.DatabaseError:
            return None

    # -- writing -----------------------------------------------------------------------------

    def build(self, store: Store, state: StoreState) -> None:
        """Index every paragraph Chroma holds into a new file, then put it in place atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{self.NAME}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        try:
            db = sqlite3.connect(tmp, isolation_level=None)
            try:
                db.executescript(_SCHEMA)
                db.execute("BEGIN")
                batch: list[Paragraph] = []
                digest = tokens = 0
                for p in itertools.chain(store.iter_paragraphs(), [None]):  # a page at a time
                    if p is not None:
                        batch.append(p)
                    if len(batch) >= 2000 or (p is None and batch):
                        added = _insert(db, batch)
                        digest, tokens = digest ^ added[0], tokens + added[1]
                        batch = []
                _set_meta(db, {"format": self.FORMAT, "store": self.identity, "digest": f"{digest:x}",
                               "tokens": str(tokens)}, state)
                db.execute("COMMIT")
                db.execute("INSERT INTO terms(terms) VALUES('optimize')")
            finally:
                db.close()
            os.replace(tmp, self.path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.follow_replacement()
        self.checked = True  # written by us just now

    def apply(self, base: int, state: StoreState, upserted: Sequence[Paragraph], deleted: Iterable[str]) -> bool:
        """Bring the file from write ``base`` (or later) to ``state``; ``False`` when the file
        is at another epoch or older than ``base``, so the changes do not cover it.

        Idempotent: each change sets a paragraph to what Chroma holds now, so a file another
        process has already brought forward is left as it is."""
        db = self.db()
        db.execute("BEGIN IMMEDIATE")  # one updater at a time, across processes
        try:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
            seq = int(meta.get("seq", -1))
            if meta.get("epoch") != state.epoch or seq < base:
                db.execute("ROLLBACK")
                return False
            if seq < state.seq or meta.get("revision") != state.revision:
                gone = list({*deleted, *(p.paragraph_id for p in upserted)})
                removed, added = _delete(db, gone), _insert(db, upserted)
                digest = int(meta.get("digest", "0"), 16) ^ removed[0] ^ added[0]
                tokens = int(meta.get("tokens", "0")) - removed[1] + added[1]
                _set_meta(db, {"digest": f"{digest:x}", "tokens": str(tokens)}, state)
            db.execute("COMMIT")
            return True
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    # -- reading -----------------------------------------------------------------------------

    def quoted(self, ids: Iterable[str] | None = None) -> dict[str, Paragraph]:
        """The stored paragraphs that hold quotes (of ``ids``, or all)."""
        db = self.db()
        if ids is None:
            rows: Iterable[tuple[str, str]] = db.execute("SELECT pid, record FROM paragraphs WHERE record IS NOT NULL")
        else:
            rows = [row for chunk in _chunks(list(ids)) for row in db.execute(
                f"SELECT pid, record FROM paragraphs WHERE record IS NOT NULL AND pid IN ({_marks(chunk)})", chunk)]
        found = {}
        for pid, record in rows:
            data = json.loads(record)
            found[pid] = paragraph_from_record(pid, data["text"], data["meta"])
        return found


def _row_digest(row: Sequence[Any]) -> int:
    """A 64-bit hash of one paragraph's row and its indexed words."""
    raw = "\x1f".join("" if v is None else str(v) for v in row).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


_ROW = ("SELECT p.pid, p.article_id, p.number, p.source, p.source_key, p.date_n, p.record, t.stems "
        "FROM paragraphs p JOIN terms t ON t.rowid = p.rowid")


def _digest_of(db: sqlite3.Connection, where: str = "", values: Sequence[Any] = ()) -> tuple[int, int]:
    """The XOR of the row digests (order-free, so one write changes it by its own rows alone),
    and how many words the rows hold (BM25's average paragraph length)."""
    digest = tokens = 0
    for row in db.execute(_ROW + where, values):
        digest ^= _row_digest(row)
        tokens += len(row[-1].split())
    return digest, tokens


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _IN_CHUNK] for i in range(0, len(values), _IN_CHUNK)]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _set_meta(db: sqlite3.Connection, extra: dict[str, str], state: StoreState) -> None:
    values = {**extra, "seq": str(state.seq), "epoch": state.epoch, "revision": state.revision}
    db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values.items())


def _delete(db: sqlite3.Connection, ids: list[str]) -> tuple[int, int]:
    """Remove the rows of ``ids``; returns the digest and word count of what was removed."""
    digest = tokens = 0
    for chunk in _chunks(ids):
        part_digest, part_tokens = _digest_of(db, f" WHERE p.pid IN ({_marks(chunk)})", chunk)
        digest, tokens = digest ^ part_digest, tokens + part_tokens
        rowids = [r for (r,) in db.execute(f"SELECT rowid FROM paragraphs WHERE pid IN ({_marks(chunk)})", chunk)]
        db.execute(f"DELETE FROM spans WHERE pid IN ({_marks(chunk)})", chunk)
        for part in _chunks(rowids):
            db.execute(f"DELETE FROM terms WHERE rowid IN ({_marks(part)})", part)
            db.execute(f"DELETE FROM paragraphs WHERE rowid IN ({_marks(part)})", part)
    return digest, tokens


def _insert(db: sqlite3.Connection, paragraphs: Sequence[Paragraph]) -> tuple[int, int]:
    """Add rows for ``paragraphs``; returns the digest and word count of what was added."""
    digest = tokens = 0
    if not paragraphs:
        return digest, tokens
    stems = tokenize([f"{p.title}\n{p.text}" for p in paragraphs])
    for p, words in zip(paragraphs, stems, strict=True):
        record = json.dumps({"text": p.text, "meta": paragraph_metadata(p)}, ensure_ascii=False) if p.quotes else None
        row = (p.paragraph_id, p.article_id, p.number, p.source, fold(p.source), date_number(p.date), record)
        cur = db.execute(
            "INSERT INTO paragraphs(pid, article_id, number, source, source_key, date_n, record) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        text = " ".join(words)
        db.execute("INSERT INTO terms(rowid, stems) VALUES (?, ?)", (cur.lastrowid, text))
        db.executemany("INSERT INTO spans(article_id, number, other, pid) VALUES (?, ?, ?, ?)",
                       [(p.article_id, n, m, p.paragraph_id) for q in p.quotes if len(q.paragraphs) > 1
                        for n in q.paragraphs for m in q.paragraphs if m != n])
        digest ^= _row_digest((*row, text))
        tokens += len(text.split())
    return digest, tokens


_STEMMERS = threading.local()


def tokenize(texts: list[str]) -> list[list[str]]:
    """Each text as the index holds it: folded, split into words of two or more characters,
    English stop words removed, Snowball-stemmed (bm25s's tokeniser, as the index always was)."""
    import bm25s

    stemmer = getattr(_STEMMERS, "stemmer", None)
    if stemmer is None:
        import Stemmer

        stemmer = _STEMMERS.stemmer = Stemmer.Stemmer("english")
    return bm25s.tokenize([fold(t) for t in texts], stopwords="en", stemmer=stemmer,
                          return_ids=False, show_progress=False)


def _match(stems: Iterable[str]) -> str:
    """An FTS5 query matching any of ``stems`` (each quoted, so no word is read as an operator)."""
    return " OR ".join('"' + s.replace('"', '""') + '"' for s in dict.fromkeys(stems) if s)


def _where(filters: Filters | None, alias: str = "p") -> tuple[str, list[Any]]:
    clauses: list[str] = []
    values: list[Any] = []
    if filters is not None:
        if filters.source:
            clauses.append(f"{alias}.source_key = ?")
            values.append(fold(filters.source))
        if filters.since:
            clauses.append(f"{alias}.date_n >= ?")
            values.append(date_number(filters.since))
        if filters.until:
            clauses.append(f"{alias}.date_n <= ?")
            values.append(date_number(filters.until))
        if filters.article_id:
            clauses.append(f"{alias}.article_id = ?")
            values.append(filters.article_id)
    return "".join(f" AND {c}" for c in clauses), values


class KeywordCache:
    """One corpus revision's keyword side: BM25 search and lookups in the shared file, and the
    quoted paragraphs in memory. Questions hold one for their whole answer (``CorpusSnapshot``)."""

    def __init__(self, file: KeywordFile, state: StoreState, quoted: dict[str, Paragraph],
                 base: KeywordCache | None = None, changed: frozenset[str] = frozenset()):
        self.file = file
        self.state = state
        self.revision = state.revision
        self.quoted = quoted  # paragraph id -> paragraph, for every paragraph holding quotes
        # The view this one was brought forward from, and the ids that changed since: so the
        # speaker index redoes those alone (weak: a view never keeps older corpora alive).
        self.base = weakref.ref(base) if base is not None else None
        self.changed = changed
        self._count: int | None = None

    # -- keeping current ---------------------------------------------------------------------

    @classmethod
    def load_or_build(cls, store: Store, state: StoreState, previous: KeywordCache | None = None) -> KeywordCache:
        """The view of ``state``: the file brought forward by the change log when it can be,
        else rebuilt from Chroma; the quoted paragraphs carried over from ``previous``."""
        settings = store.settings
        identity = f"{settings.chroma_url or settings.db.resolve()}|{settings.collection}"
        file = KeywordFile.of(settings.keyword_cache_dir, identity)
        meta = file.meta(verify=previous is None)
        view = None
        try:
            if meta is None or meta.get("epoch") != state.epoch:
                view = None
            elif int(meta["seq"]) == state.seq and meta.get("revision") == state.revision:
                view = cls(file, state, file.quoted())  # as it stands (a store without a change log too)
            elif state.trusted and int(meta["seq"]) <= state.seq:
                view = cls._forward(store, file, state, int(meta["seq"]), previous)
        except sqlite3.DatabaseError:  # damage the checks did not see: rebuilt, not trusted
            view = None
        if view is None or view.count() != store.count():
            file.build(store, state)
            view = cls(file, state, file.quoted())
        return view

    @classmethod
    def _forward(cls, store: Store, file: KeywordFile, state: StoreState, at: int,
                 previous: KeywordCache | None) -> KeywordCache | None:
        reuse = previous is not None and previous.file is file and previous.state.epoch == state.epoch \
            and previous.state.seq <= state.seq
        base = min(at, previous.state.seq) if reuse and previous is not None else at
        found = store.changes_since(base, state.seq)
        if found is None:
            return None
        fetched = store.get(sorted(found.upserted))
        gone = found.deleted | (found.upserted - {p.paragraph_id for p in fetched})
        if not file.apply(base, state, fetched, gone):
            return None
        if not reuse or previous is None:
            return cls(file, state, file.quoted())
        quoted = dict(previous.quoted)
        changed = frozenset(found.upserted | gone)
        for pid in changed:
            quoted.pop(pid, None)
        quoted.update((p.paragraph_id, p) for p in fetched if p.quotes)
        return cls(file, state, quoted, base=previous, changed=changed)

    # -- counts and lookups ------------------------------------------------------------------

    def count(self) -> int:
        """How many paragraphs the index holds."""
        if self._count is None:
            self._count = int(self.file.db().execute("SELECT count(*) FROM paragraphs").fetchone()[0])
        return self._count

    def paragraph_ids(self) -> list[str]:
        """Every indexed paragraph's id."""
        return [pid for (pid,) in self.file.db().execute("SELECT pid FROM paragraphs")]

    def article_count(self) -> int:
        return int(self.file.db().execute("SELECT count(DISTINCT article_id) FROM paragraphs").fetchone()[0])

    def sources(self) -> list[str]:
        return [s for (s,) in self.file.db().execute("SELECT DISTINCT source FROM paragraphs") if s]

    def spanned(self, article_id: str, number: int) -> list[str]:
        """Ids of the article's other paragraphs that a quote in (or into) paragraph ``number``
        runs over, in order: read from the index, so a corpus change costs nothing here."""
        rows = self.file.db().execute(
            "SELECT DISTINCT p.pid, s.other FROM spans s JOIN paragraphs p "
            "ON p.article_id = s.article_id AND p.number = s.other "
            "WHERE s.article_id = ? AND s.number = ? ORDER BY s.other", (article_id, number))
        return [pid for pid, _ in rows]

    def dates_of(self, ids: Sequence[str]) -> dict[str, int]:
        """Each paragraph's date as YYYYMMDD (0 when undated)."""
        found: dict[str, int] = {}
        for chunk in _chunks(list(ids)):
            found.update(self.file.db().execute(
                f"SELECT pid, date_n FROM paragraphs WHERE pid IN ({_marks(chunk)})", chunk).fetchall())
        return found

    def newest_date(self, filters: Filters) -> int | None:
        """The latest YYYYMMDD among the paragraphs inside ``filters`` (0: all undated; None: none)."""
        where, values = _where(filters)
        row = self.file.db().execute(f"SELECT max(p.date_n) FROM paragraphs p WHERE 1{where}", values).fetchone()
        return None if row[0] is None else int(row[0])

    def articles_within(self, articles: Iterable[str], filters: Filters) -> set[str]:
        """Those of ``articles`` with a paragraph inside ``filters``."""
        where, values = _where(filters)
        inside: set[str] = set()
        for chunk in _chunks(sorted(articles)):
            inside.update(a for (a,) in self.file.db().execute(
                f"SELECT DISTINCT p.article_id FROM paragraphs p WHERE p.article_id IN ({_marks(chunk)}){where}",
                [*chunk, *values]))
        return inside

    # -- words ---------------------------------------------------------------------------------

    def stems(self, text: str) -> list[str]:
        """``text``'s words as the index holds them."""
        return tokenize([text])[0]

    def _spelling_stems(self, spellings: str) -> list[str]:
        """The index words of one word's spellings (space-separated), as ``stems``, but a
        spelling with an inner apostrophe only when the word has no plain one: "Severs'k" is
        tokenised "severs" + "k", and "severs" stems to "sever", as "severe" does."""
        words = spellings.split()
        plain = [w for w in words if not _INNER_APOSTROPHE.search(w)]
        return self.stems(" ".join(plain or words))

    def document_frequency(self, stem: str) -> int:
        """How many paragraphs (headline included) hold ``stem``."""
        row = self.file.db().execute("SELECT doc FROM vocab WHERE term = ?", (stem,)).fetchone()
        return int(row[0]) if row else 0

    def has_prefix(self, stem: str) -> bool:
        """Whether some indexed word starts with ``stem``."""
        row = self.file.db().execute("SELECT 1 FROM vocab WHERE term >= ? AND term < ? LIMIT 1",
                                     (stem, stem + "\U0010ffff")).fetchone()
        return row is not None

    def contains(self, text: str) -> bool:
        """Whether any paragraph or headline holds a word of ``text`` (one word's spellings,
        stemmed): a vocabulary lookup, no search."""
        return any(self.document_frequency(s) for s in self._spelling_stems(text) if s)

    def articles_mentioning(self, groups: Sequence[str], needed: int) -> set[str]:
        """Articles whose headline or paragraphs hold at least ``needed`` of ``groups`` (each a
        word with its other spellings, space-separated)."""
        if needed <= 0:
            return set()
        counts: dict[str, int] = {}
        db = self.file.db()
        for group in groups:
            query = _match(self._spelling_stems(group))
            if not query:
                continue
            rows = db.execute("SELECT DISTINCT p.article_id FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
                              "WHERE terms MATCH ?", (query,))
            for (a,) in rows:
                counts[a] = counts.get(a, 0) + 1
        return {a for a, n in counts.items() if n >= needed}

    def matching(self, query: str, limit: int) -> list[str]:
        """Up to ``limit`` paragraphs holding a word of ``query``, best first by FTS5's own BM25:
        for callers that want the set (``rag.attribution``'s topic candidates), not ``search``'s
        exact order, which re-scores every candidate."""
        expression = _match(t for t in self.stems(query) if t)
        if not expression or limit <= 0:
            return []
        rows = self.file.db().execute("SELECT p.pid FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
                                      "WHERE terms MATCH ? ORDER BY terms.rank, p.pid LIMIT ?", (expression, limit))
        return [pid for (pid,) in rows]

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (paragraph id, BM25 score) for ``query`` inside ``filters``.

        FTS5 finds the paragraphs holding a word of the query and ranks them by its own BM25
        (k1 1.2, and an IDF that gives words in over half of the paragraphs almost nothing); the
        best ``RESCORED_PER_HIT`` per hit asked for are then scored as the index always scored
        them, with Lucene's BM25 (k1 1.5, b 0.75, IDF log(1 + (N - df + 0.5) / (df + 0.5)),
        bm25s's default), which the fusion weights were tuned on: FTS5's own order cost our
        labelled set one question in its top 5 (bench/RESULTS.md, live newsroom).
        """
        stems = [t for t in self.stems(query) if t]
        expression = _match(stems)
        if not expression or k <= 0:
            return []
        where, values = _where(filters)
        db = self.file.db()
        rows = db.execute(
            "SELECT p.pid, terms.stems FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
            f"WHERE terms MATCH ?{where} ORDER BY terms.rank, p.pid LIMIT ?",
            [expression, *values, max(k * RESCORED_PER_HIT, RESCORED_AT_LEAST)]).fetchall()
        if not rows:
            return []
        n, average = self.count(), self.average_length()
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5))
               for t in set(stems) if (df := self.document_frequency(t))}
        scored = []
        for pid, text in rows:
            words = text.split()
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / average)
            counts: dict[str, int] = {}
            for w in words:
                if w in idf:
                    counts[w] = counts.get(w, 0) + 1
            score = sum(idf[t] * counts[t] / (norm + counts[t]) for t in stems if t in counts)
            scored.append((pid, score))
        scored.sort(key=lambda kv: (-kv[1], kv[0]))
        return [(pid, s) for pid, s in scored[:k] if s > 0]

    def average_length(self) -> float:
        """Words per indexed paragraph, on average (BM25's length normalisation)."""
        row = self.file.db().execute("SELECT value FROM meta WHERE key = 'tokens'").fetchone()
        return max(int(row[0]) if row else 0, 1) / max(self.count(), 1)
