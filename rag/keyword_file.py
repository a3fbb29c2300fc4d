"""The keyword index's file: BM25 over headline + paragraph in SQLite FTS5, one per store per
machine, built from Chroma and brought forward by the change log (``rag.keywords`` reads it).

What the file holds and how text is tokenised for it (``tokenize``) live here; the per-revision
view a question reads through is ``rag.keywords.KeywordCache``.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rag.records import date_number, paragraph_from_record, paragraph_metadata
from rag.schema import Filters, Paragraph, StoreState
from rag.text import fold

if TYPE_CHECKING:
    from rag.store import Store

IN_CHUNK = 500  # values per SQL IN list: well under SQLite's limit of host parameters (32766)


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
            rows = [row for chunk in chunks(list(ids)) for row in db.execute(
                f"SELECT pid, record FROM paragraphs WHERE record IS NOT NULL AND pid IN ({marks(chunk)})", chunk)]
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


def chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + IN_CHUNK] for i in range(0, len(values), IN_CHUNK)]


def marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


def _set_meta(db: sqlite3.Connection, extra: dict[str, str], state: StoreState) -> None:
    values = {**extra, "seq": str(state.seq), "epoch": state.epoch, "revision": state.revision}
    db.executemany("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", values.items())


def _delete(db: sqlite3.Connection, ids: list[str]) -> tuple[int, int]:
    """Remove the rows of ``ids``; returns the digest and word count of what was removed."""
    digest = tokens = 0
    for chunk in chunks(ids):
        part_digest, part_tokens = _digest_of(db, f" WHERE p.pid IN ({marks(chunk)})", chunk)
        digest, tokens = digest ^ part_digest, tokens + part_tokens
        rowids = [r for (r,) in db.execute(f"SELECT rowid FROM paragraphs WHERE pid IN ({marks(chunk)})", chunk)]
        db.execute(f"DELETE FROM spans WHERE pid IN ({marks(chunk)})", chunk)
        for part in chunks(rowids):
            db.execute(f"DELETE FROM terms WHERE rowid IN ({marks(part)})", part)
            db.execute(f"DELETE FROM paragraphs WHERE rowid IN ({marks(part)})", part)
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


def match_any(stems: Iterable[str]) -> str:
    """An FTS5 query matching any of ``stems`` (each quoted, so no word is read as an operator)."""
    return " OR ".join('"' + s.replace('"', '""') + '"' for s in dict.fromkeys(stems) if s)


def sql_where(filters: Filters | None, alias: str = "p") -> tuple[str, list[Any]]:
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
