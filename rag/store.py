"""The store: paragraphs, their vectors and quotes in one Chroma collection, read and written directly.

Chroma holds everything the query side needs (text, metadata, quotes as JSON), so a Chroma
server can serve many machines. The BM25 index and the per-paragraph filter arrays are a local
cache rebuilt from Chroma whenever the collection's ``newsrag_revision`` changes; ingest bumps the
revision before and after every write, so a cache can never silently miss a write, even when an
ingest is killed halfway.

Chroma is called directly rather than through llama-index's ``ChromaVectorStore``: dense search
needs the exact cosine (Chroma's cosine distance is ``1 - cos``; the wrapper reports
``exp(-distance)``), metadata filters are plain Chroma ``where`` clauses, and the query path
imports neither llama-index nor anything it pulls in. llama-index stays where it pays: the LLM
clients (``rag.llm``). Stores written through the wrapper before read back unchanged.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

from rag import changes, models
from rag.errors import ConfigError, IndexNotFound, NewsragError, StoreError
from rag.gate import Gate
from rag.keywords import KeywordCache
from rag.records import date_number, embedding_text, paragraph_from_record, paragraph_metadata
from rag.schema import CorpusStats, Filters, Paragraph, StoreState
from rag.settings import Settings
from rag.text import fold

__all__ = ["Store", "date_number", "embedding_text", "record_signature", "write_lock"]

REVISION_KEY = "newsrag_revision"
# Changes when the change log starts again (``rag.changes``): local indexes of another epoch rebuild.
EPOCH_KEY = "newsrag_log_epoch"
SCHEMA_KEY = "newsrag_schema"
SCHEMA_VERSION = "1"
# Which quote extractor wrote the stored quotes (``ingest.quotes.EXTRACTOR_VERSION``): an ingest
# by a newer one re-extracts every stored article's quotes, without embedding anything again.
EXTRACTOR_KEY = "newsrag_extractor"
# Which encoder wrote the vectors (``Settings.encoder``; a store without the key is "torch"): an
# ingest by an encoder of another family is refused, and queries encode as the record says.
ENCODER_KEY = "newsrag_encoder"
_PAGE = 2000  # records per Chroma get(); bounded memory when reading 100k paragraphs
_NOT_DETAILS = frozenset({"number", "quotes", "n_quotes"})  # what update_details leaves as stored
# Disk an embedded store needs per new paragraph, checked before an ingest writes anything:
# Chroma 1.5 took 8.2 KiB a paragraph for 177-character paragraphs and 10.4 KiB for the demo
# corpus (2.1 MB for 207); twice that leaves room for longer real paragraphs and for the
# write-ahead log, which holds each record until Chroma compacts it.
BYTES_PER_PARAGRAPH = 16 * 1024
SPARE_BYTES = 16 * 1024 * 1024  # SQLite's journal and Chroma's index files rewritten on persist

class Store:
    """A Chroma collection of paragraphs, reached embedded (``db``) or over HTTP (``chroma_url``).

    Every Chroma call takes its turn at the store's ``Gate`` (``rag.gate``): a read shares it,
    a write has it alone; ``reading()`` and ``writing()`` hold one turn across several calls (a
    whole question; one ingest chunk), so what they read or write is one corpus revision.
    """

    def __init__(self, settings: Settings, connection: _Connection):
        self.settings = settings
        self._connection = connection
        self.gate = connection.gate
        self.client = _Guarded(lambda: connection.client, settings, self.gate, after_write=connection.forget)
        self.collection = _Guarded(lambda: connection.collection(settings.collection), settings, self.gate)
        self._cache: KeywordCache | None = None
        self._cache_lock = threading.Lock()
        self._checked_at = 0.0
        self._generation_seen: str | None = None
        # The encoder of this store's vectors; ``connect`` replaces it with the one the database records.
        self.encoder = models.Encoder(settings.encoder, _encoder_folder(settings))

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings: Settings, *, create: bool = False,
                make_encoder: Callable[[str, Path], models.Encoder] = models.Encoder) -> Store:
        """Open the store; with ``create`` make it if missing, else raise ``IndexNotFound``.

        The store's ``encoder`` is ``make_encoder(name, folder)`` for the encoder its vectors
        were made by (``Settings.encoder`` when an ingest creates it); benchmarks pass an encoder
        class that caches vectors on disk, as they pass an LLM.
        """
        if not settings.chroma_url and not create and not settings.db.exists():
            raise IndexNotFound(
                f"no newsrag index at {settings.db}; run `newsrag ingest PATH --db {settings.db}` first"
            )
        connection = _Connection.of(settings)
        try:
            if create:
                with connection.gate.writing():
                    connection.create(settings.collection, settings.encoder)
            else:
                with connection.gate.reading():
                    connection.collection(settings.collection)
        except NewsragError:
            raise
        except Exception as exc:  # chromadb raises NotFoundError / ValueError by version
            message = str(exc).lower()
            if not create and ("not exist" in message or "not found" in message):
                raise IndexNotFound(
                    f"{settings.describe_store()} has no collection {settings.collection!r}; "
                    "run `newsrag ingest PATH` first"
                ) from None
            failure = _store_failure(settings, exc)
            if failure is not None:
                raise failure from exc
            raise StoreError(f"could not open collection {settings.collection!r} in "
                             f"{settings.describe_store()}: {exc}") from exc
        store = cls(settings, connection)
        store.encoder = make_encoder(*store._choose_encoder(writing=create))
        return store

    def reading(self) -> contextlib.AbstractContextManager[None]:
        """One read turn across several calls: no process writes until it ends (``rag.gate``)."""
        return self.gate.reading()

    def writing(self) -> contextlib.AbstractContextManager[None]:
        """One write turn across several calls: readers see all of them or none."""
        return self.gate.writing()

    # -- revision: how caches know they are stale ------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        """The collection's metadata as stored now (another process may have changed it)."""
        fresh = self.client.get_collection(  # a fresh handle: a handle keeps the metadata it came with
            self.settings.collection, embedding_function=models.chroma_embedding_function()
        )
        return dict(fresh.metadata or {})

    def revision(self) -> str:
        return str(self._metadata().get(REVISION_KEY, ""))

    def state(self) -> StoreState:
        """Where the store's writes stand now: what the local indexes compare themselves with."""
        metadata = self._metadata()
        return StoreState(str(metadata.get(REVISION_KEY, "")), int(metadata.get(changes.SEQ_KEY, 0)),
                          str(metadata.get(EPOCH_KEY, "")), changes.trusted(metadata))

    def changes_since(self, seq: int, upto: int) -> changes.Changes | None:
        """The paragraph ids written and deleted after write ``seq`` up to ``upto``; ``None``
        when the change log cannot say (pruned, or missing): then rebuild from Chroma."""
        log = self._log(create=False)
        return None if log is None else changes.since(log, seq, upto)

    def _log(self, create: bool) -> Any:
        """The change log's collection, guarded like the paragraphs'; ``None`` when it does not
        exist and ``create`` is false (a store no newsrag with a change log has written)."""
        name = changes.log_name(self.settings.collection)
        if not create:
            try:
                with self.gate.reading():
                    self._connection.log(name, create=False)
            except Exception:  # chromadb raises NotFoundError / ValueError by version
                return None
        return _Guarded(lambda: self._connection.log(name, create), self.settings, self.gate)

    def _log_change(self, upserted: Sequence[str] = (), deleted: Sequence[str] = ()) -> None:
        """Append what a write changed to the change log, in the writer's turn (``rag.changes``)."""
        if not upserted and not deleted:
            return
        metadata = self._metadata()
        seq = int(metadata.get(changes.SEQ_KEY, 0)) + 1
        if changes.SEQ_KEY not in metadata:  # the first logged write: a new epoch, trusted from here
            metadata[EPOCH_KEY] = uuid.uuid4().hex
            metadata[changes.LOGGED_REVISION_KEY] = metadata.get(REVISION_KEY, "")
        changes.record(self._log(create=True), seq, upserted, deleted)
        metadata[changes.SEQ_KEY] = seq
        self.collection.modify(metadata=metadata)

    def extractor_version(self) -> str:
        """The quote extractor version the stored quotes come from ("" before versions were kept)."""
        return str(self._metadata().get(EXTRACTOR_KEY, ""))

    def recorded_encoder(self) -> str:
        """The encoder whose vectors the store holds ("torch" for stores from before it was kept)."""
        return str(self._metadata().get(ENCODER_KEY, "torch"))

    def _choose_encoder(self, writing: bool) -> tuple[str, Path]:
        """The encoder this store embeds with (name, graph folder): the one its stored vectors were encoded by.

        Writing with an encoder whose vectors differ from the recorded one's is refused (an empty
        store takes the new encoder); queries use ``rag.encoders.query_encoder``.
        """
        from rag import encoders

        wanted = self.settings.encoder
        metadata = self._metadata()
        recorded = str(metadata.get(ENCODER_KEY, "torch"))
        if writing and not encoders.compatible(recorded, wanted):
            if self.count() > 0:
                raise ConfigError(
                    f"{self.settings.describe_store()} (collection {self.settings.collection!r}) holds vectors "
                    f"from the {recorded} encoder, and encoder {wanted} makes different ones; ingest with "
                    f"--encoder {recorded} (NEWSRAG_ENCODER={recorded}), or into a new database (another --db "
                    f"or --collection) to use {wanted}"
                )
            self.collection.modify(metadata={**metadata, ENCODER_KEY: wanted})
        name = wanted if writing else encoders.query_encoder(recorded, wanted)
        return name, _encoder_folder(self.settings)

    def bump_revision(self, extractor: str | None = None) -> None:
        """Mark the store changed (caches rebuild); with ``extractor``, record that version too."""
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        # ``modify`` replaces the whole metadata, so keep what is there (the extractor version).
        with self.gate.writing():
            metadata = self._metadata()
            if not changes.trusted(metadata):
                # Written by a newsrag that kept no change log (or never logged): what the log
                # holds may miss writes, so readers rebuild once, from this new epoch on.
                metadata[EPOCH_KEY] = uuid.uuid4().hex
            revision = uuid.uuid4().hex
            metadata.update({SCHEMA_KEY: SCHEMA_VERSION, REVISION_KEY: revision, "newsrag_updated": stamp,
                             changes.LOGGED_REVISION_KEY: revision})
            metadata.setdefault(changes.SEQ_KEY, 0)
            if extractor is not None:
                metadata[EXTRACTOR_KEY] = extractor
            self.collection.modify(metadata=metadata)
            log = self._log(create=False)
            if log is not None:
                changes.prune(log, int(metadata[changes.SEQ_KEY]))

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def stored_for(
        self,
        article_ids: Iterable[str],
        paths: Sequence[str],
        signatures: dict[str, tuple[int, int, int, int]] | None = None,
    ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """What an ingest must compare against: the stored paragraph ids of each article (empty
        set when new, also filled for articles found only through ``paths``), and the stored
        article ids per source file. One query per 500 articles and files: a metadata filter
        costs about the same for one value as for 500, so an unchanged re-ingest is two
        dictionary builds and one round trip. ``signatures``, when given, is filled with each
        stored paragraph's ``record_signature``, from the same round trip."""
        wanted = sorted(set(article_ids))
        files = list(paths)
        file_set = set(files)
        by_article: dict[str, set[str]] = {a: set() for a in wanted}
        by_file: dict[str, set[str]] = {}
        for start in range(0, max(len(wanted), len(files)), 500):
            clauses: list[dict[str, Any]] = []
            if wanted[start : start + 500]:
                clauses.append({"article_id": {"$in": wanted[start : start + 500]}})
            if files[start : start + 500]:
                clauses.append({"file": {"$in": files[start : start + 500]}})
            where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
            res = self.collection.get(where=where, include=["metadatas"])
            for pid, meta in zip(res["ids"], res["metadatas"], strict=True):
                article = str(meta["article_id"])
                by_article.setdefault(article, set()).add(pid)
                if signatures is not None:
                    signatures[pid] = record_signature(meta)
                if str(meta.get("file", "")) in file_set:
                    by_file.setdefault(str(meta["file"]), set()).add(article)
        return by_article, by_file

    def embeddings(self, ids: Sequence[str]) -> dict[str, list[float]]:
        """The stored vector of each paragraph id (missing ids are left out)."""
        if not ids:
            return {}
        res = self.collection.get(ids=list(ids), include=["embeddings"])
        return {pid: list(vector) for pid, vector in zip(res["ids"], res["embeddings"], strict=True)}

    def get(self, ids: Sequence[str]) -> list[Paragraph]:
        if not ids:
            return []
        res = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        by_id = {
            pid: paragraph_from_record(pid, doc, meta)
            for pid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    def article(self, article_id: str) -> list[Paragraph]:
        """All paragraphs of one article, in order."""
        res = self.collection.get(where={"article_id": article_id}, include=["documents", "metadatas"])
        paragraphs = [
            paragraph_from_record(pid, doc, meta)
            for pid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]
        return sorted(paragraphs, key=lambda p: p.number)

    def nearest(self, vector: Sequence[float], k: int, filters: Filters) -> list[tuple[Paragraph, float]]:
        """The ``k`` paragraphs closest to ``vector`` with their cosine similarity, best first."""
        res = self.collection.query(
            query_embeddings=[list(vector)],
            n_results=k,
            where=_where(filters),
            include=["documents", "metadatas", "distances"],
        )
        return [
            (paragraph_from_record(pid, doc, meta), 1.0 - float(distance))
            for pid, doc, meta, distance in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
            )
        ]

    def iter_paragraphs(self, where: dict[str, Any] | None = None) -> Iterator[Paragraph]:
        """Every stored paragraph (matching ``where``), a page at a time."""
        offset = 0
        while True:
            res = self.collection.get(
                where=where, limit=_PAGE, offset=offset, include=["documents", "metadatas"]
            )
            if not res["ids"]:
                return
            for pid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True):
                yield paragraph_from_record(pid, doc, meta)
            offset += len(res["ids"])

    def article_ids(self) -> list[str]:
        """Every stored article's id (metadata only, a page at a time)."""
        found: dict[str, None] = {}
        offset = 0
        while True:
            res = self.collection.get(limit=_PAGE, offset=offset, include=["metadatas"])
            if not res["ids"]:
                return list(found)
            found.update((str(meta["article_id"]), None) for meta in res["metadatas"])
            offset += len(res["ids"])

    def articles(self, article_ids: Sequence[str]) -> dict[str, list[Paragraph]]:
        """The paragraphs of each of a few articles, in order, in one query."""
        res = self.collection.get(where={"article_id": {"$in": list(article_ids)}},
                                  include=["documents", "metadatas"])
        by_article: dict[str, list[Paragraph]] = {}
        for pid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True):
            p = paragraph_from_record(pid, doc, meta)
            by_article.setdefault(p.article_id, []).append(p)
        return {a: sorted(ps, key=lambda p: p.number) for a, ps in by_article.items()}

    def stats(self) -> CorpusStats:
        with self.gate.reading():
            return self._stats()

    def _stats(self) -> CorpusStats:
        cache = self.keyword_cache()
        return CorpusStats(
            articles=cache.article_count(),
            paragraphs=cache.count(),
            quotes=sum(len(p.quotes) for p in cache.quoted.values()),
            sources=tuple(sorted(cache.sources())),
            last_ingest=str(self._metadata().get("newsrag_updated", "")),
        )

    # -- writing ---------------------------------------------------------------------------

    def add(self, paragraphs: Sequence[Paragraph], embeddings: Sequence[Sequence[float]]) -> None:
        """Write paragraphs with their vectors (of ``embedding_text``); an existing id is replaced."""
        if not paragraphs:
            return
        with self.gate.writing():
            self.collection.upsert(
                ids=[p.paragraph_id for p in paragraphs],
                embeddings=[list(e) for e in embeddings],
                documents=[p.text for p in paragraphs],
                metadatas=[paragraph_metadata(p) for p in paragraphs],
            )
            self._log_change(upserted=[p.paragraph_id for p in paragraphs])

    def update_quotes(self, paragraphs: Sequence[Paragraph]) -> None:
        """Store new quote records for paragraphs already stored; text and vectors stay as they are."""
        if paragraphs:
            with self.gate.writing():
                self.collection.update(
                    ids=[p.paragraph_id for p in paragraphs],
                    metadatas=[{"quotes": p.quotes_json(), "n_quotes": len(p.quotes)} for p in paragraphs],
                )
                self._log_change(upserted=[p.paragraph_id for p in paragraphs])

    def update_details(self, paragraphs: Sequence[Paragraph]) -> None:
        """Store new article details (source, date, location, ...) for paragraphs already stored:
        a renamed file, a corrected date. Text, vectors and quotes stay as they are (Chroma
        merges the keys given into the stored metadata)."""
        if paragraphs:
            with self.gate.writing():
                self.collection.update(
                    ids=[p.paragraph_id for p in paragraphs],
                    metadatas=[{k: v for k, v in paragraph_metadata(p).items() if k not in _NOT_DETAILS}
                               for p in paragraphs],
                )
                self._log_change(upserted=[p.paragraph_id for p in paragraphs])

    def check_space(self, paragraphs: int) -> None:
        """Refuse, before anything is written, new paragraphs the disk of an embedded store
        cannot hold: a full disk stops Chroma halfway, with writes in its log that it cannot apply,
        and until space is freed the store cannot even be read (tests/test_faults.py)."""
        if self.settings.chroma_url or paragraphs <= 0:
            return  # a server's disk is the server's; a write it refuses is reported by _Guarded
        free = shutil.disk_usage(self.settings.db).free
        need = paragraphs * BYTES_PER_PARAGRAPH + SPARE_BYTES
        if free < need:
            raise StoreError(
                f"the disk holding {self.settings.db} is nearly full: {free / 2**20:.1f} MiB free, and "
                f"{paragraphs} new paragraphs need about {need / 2**20:.0f} MiB; free some space, then run "
                "`newsrag ingest` again (nothing was written)"
            )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        with self.gate.writing():
            for start in range(0, len(ids), 1000):
                self.collection.delete(ids=ids[start : start + 1000])
            self._log_change(deleted=ids)

    # -- the keyword cache -----------------------------------------------------------------

    def keyword_cache(self) -> KeywordCache:
        """The keyword index for the store as it stands, brought up to date when it has changed.

        Embedded, the store's state is read again only after a write (the gate's generation
        stamp changes with every write turn, in any process); a server's, at most every
        ``Settings.revision_check_s`` seconds (other machines write without our gate), and at once after
        a write from this machine. One question asks for the cache several times. Bringing it up
        to date costs the changed paragraphs (``KeywordCache.load_or_build``).
        """
        with self.gate.reading():
            now = time.monotonic()
            generation = self.gate.generation
            if (
                self._cache is not None
                and generation == self._generation_seen
                and (not self.settings.chroma_url or now - self._checked_at < self.settings.revision_check_s)
            ):
                return self._cache
            state = self.state()
            with self._cache_lock:
                if self._cache is None or self._cache.state != state:
                    self._cache = KeywordCache.load_or_build(self, state, previous=self._cache)
                # Only now: a thread that finds the generation seen takes the cache without the
                # lock, so it must not see it before the cache for that generation is in place.
                self._generation_seen = generation
                self._checked_at = now
                return self._cache


def _encoder_folder(settings: Settings) -> Path:
    from rag import encoders

    return encoders.encoder_folder(settings)


def record_signature(meta: dict[str, Any]) -> tuple[int, int, int, int]:
    """Hashes of what a stored paragraph says besides its text, which its id already covers:
    its headline (part of its vector), its article's other details (source, date, ...), where it
    was read from, and its quotes (which depend on the article's other paragraphs). Ingest
    compares them with the ``paragraph_metadata`` a file gives now, to rewrite what changed
    without re-embedding what did not. Python's own string hash: only compared within one
    process, a fraction of a microsecond each (a SHA-1 of every quote record made an unchanged
    re-ingest of 300 articles 40% slower), and four integers a paragraph to hold."""
    details = tuple(meta.get(name) or "" for name in ("source", "section", "date", "url", "author"))
    return (hash(meta.get("title") or ""), hash(details), hash(meta.get("location") or ""),
            hash(meta.get("quotes") or "[]"))


@contextlib.contextmanager
def write_lock(settings: Settings, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writer at a time per store: a second ingest waits here, told through ``on_wait``.

    Two processes writing one embedded Chroma folder can race (seen: two first ingests into a new
    folder, one failing with "table collections already exists"), and each keeps its own copy of
    the vector index in memory. For a Chroma server the lock is per machine, beside the keyword
    cache; the server itself orders writes that come from several machines.
    """
    import fcntl
    import socket

    if settings.chroma_url:
        path = settings.keyword_cache_dir.with_name(settings.keyword_cache_dir.name + ".write-lock")
    else:
        path = settings.db / ".newsrag-write-lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            if on_wait is not None:
                on_wait(f"waiting for another ingest into {settings.describe_store()} to finish ({holder})")
            fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # only a note for whoever waits; a full disk may refuse it
            lock.seek(0)
            lock.truncate()
            lock.write(f"process {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S')}")
            lock.flush()
        yield  # closing the file releases the lock, also when the process dies


class _Connection:
    """The process's Chroma client for one store, reopened when another process has written.

    Chroma keeps one client system per path in a process, so an embedded store has one
    ``_Connection`` per folder (``of``), registered with its gate: when a turn finds that another
    process wrote, the client is closed and the next call opens a new one, which reads the
    store from disk. A server's HTTP client holds no such state and is never reopened.
    """

    _embedded: ClassVar[dict[Path, _Connection]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: Settings, gate: Gate) -> None:
        self.settings = settings
        self.gate = gate
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> _Connection:
        if settings.chroma_url:
            cache = settings.keyword_cache_dir
            return cls(settings, Gate.for_path(cache.with_name(cache.name + ".gate")))
        key = settings.db.resolve()
        with cls._registry_lock:
            connection = cls._embedded.get(key)
            if connection is None:
                connection = cls._embedded[key] = cls(settings, Gate.for_path(key))
                connection.gate.on_stale(connection.reopen)
            return connection

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = _client(self.settings)
            return self._client

    def collection(self, name: str) -> Any:
        found = self._collections.get(name)
        if found is None:
            found = self.client.get_collection(name, embedding_function=models.chroma_embedding_function())
            self._collections[name] = found
        return found

    def create(self, name: str, encoder: str) -> Any:
        found = self.client.get_or_create_collection(
            name,
            embedding_function=models.chroma_embedding_function(),
            configuration={"hnsw": {"space": "cosine"}},
            metadata={SCHEMA_KEY: SCHEMA_VERSION, ENCODER_KEY: encoder},
        )
        self._collections[name] = found
        return found

    def log(self, name: str, create: bool) -> Any:
        """The change log's collection (``rag.changes``); ``create`` makes it (writers only)."""
        found = self._collections.get(name)
        if found is None:
            ef = models.chroma_embedding_function()  # never called: entries carry their vectors
            found = (self.client.get_or_create_collection(name, embedding_function=ef,
                                                          configuration={"hnsw": {"space": "l2"}})
                     if create else self.client.get_collection(name, embedding_function=ef))
            self._collections[name] = found
        return found

    def forget(self) -> None:
        """Drop the collection handles (a collection was created or deleted through the client)."""
        self._collections = {}

    def reopen(self) -> None:
        """Drop the client (the gate calls this with nobody of this process inside the store)."""
        with self._lock:
            client, self._client = self._client, None
            self._collections = {}
        if client is not None and not self.settings.chroma_url:
            with contextlib.suppress(Exception):
                client.close()


_WRITES = frozenset({"add", "upsert", "update", "delete", "modify", "create_collection",
                     "get_or_create_collection", "delete_collection"})


class _Guarded:
    """The Chroma client or collection of a ``_Connection``, each call taken in a turn at the
    gate (``_WRITES`` alone, the rest shared) and on the connection's current client, so a
    reopened client is used at once. Calls raise ``StoreError`` for what the user fixes outside
    newsrag: a `chroma run` that went away (httpx errors) or a full disk (Chroma's
    InternalError); the message names the store and what to do; other errors pass unchanged.
    An HTTP client reconnects by itself once the server is back, so nothing needs reopening."""

    def __init__(self, resolve: Callable[[], Any], settings: Settings, gate: Gate,
                 after_write: Callable[[], None] | None = None) -> None:
        self._resolve = resolve
        self._settings = settings
        self._gate = gate
        self._after_write = after_write  # e.g. forget collection handles a deleted collection outdates

    def __getattr__(self, name: str) -> Any:
        with self._gate.reading():
            value = getattr(self._resolve(), name)
        if not callable(value):
            return value

        def guarded(*args: Any, **kwargs: Any) -> Any:
            turn = self._gate.writing() if name in _WRITES else self._gate.reading()
            try:
                with turn:
                    result = getattr(self._resolve(), name)(*args, **kwargs)
                    if name in _WRITES and self._after_write is not None:
                        self._after_write()
                    return result
            except Exception as exc:
                failure = _store_failure(self._settings, exc)
                if failure is None:
                    raise
                raise failure from exc

        return guarded


_LOW_SPACE_BYTES = 1024 * 1024


def _store_failure(settings: Settings, exc: Exception) -> StoreError | None:
    """The ``StoreError`` for an unreachable server or a full disk; None for anything else."""
    import errno

    import httpx

    if isinstance(exc, httpx.TransportError):
        return StoreError(
            f"lost the Chroma server at {settings.chroma_url} ({exc}): start `chroma run` there again (or fix "
            "--chroma-url), then retry; an interrupted `newsrag ingest` completes when run again"
        )
    text = str(exc).lower()
    full = "disk is full" in text or "no space left" in text or getattr(exc, "errno", None) == errno.ENOSPC
    if not full and not settings.chroma_url:
        # Chroma reports some writes a full disk stopped only as a failed compaction.
        with contextlib.suppress(OSError):
            full = shutil.disk_usage(settings.db).free < _LOW_SPACE_BYTES
    if not full:
        return None
    where = f"the Chroma server at {settings.chroma_url}" if settings.chroma_url else str(settings.db)
    return StoreError(
        f"the disk holding {where} is full ({exc}): free some space, then retry; an interrupted "
        "`newsrag ingest` completes when run again, and what was stored before is kept"
    )


def _where(filters: Filters) -> dict[str, Any] | None:
    """Chroma's ``where`` clause for ``filters`` (sources compare folded, dates as numbers)."""
    clauses: list[dict[str, Any]] = []
    if filters.source:
        clauses.append({"source_key": fold(filters.source)})
    if filters.since:
        clauses.append({"date_n": {"$gte": date_number(filters.since)}})
    if filters.until:
        clauses.append({"date_n": {"$lte": date_number(filters.until)}})
    if filters.article_id:
        clauses.append({"article_id": filters.article_id})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            client.heartbeat()
            return client
        settings.db.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.db), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(
            f"cannot reach the Chroma store at {settings.describe_store()}: {exc}. "
            + ("Is `chroma run` up at that URL?" if settings.chroma_url else "Check the --db folder.")
        ) from exc
