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
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from rag import models
from rag.chroma import (
    ENCODER_KEY,
    EPOCH_KEY,
    EXTRACTOR_KEY,
    REVISION_KEY,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    Connection,
    Guarded,
    store_failure,
)
from rag.errors import IndexNotFound, NewsragError, StoreError
from rag.keywords import KeywordCache
from rag.records import (
    chroma_where,
    date_number,
    embedding_text,
    paragraph_from_record,
    paragraph_metadata,
    record_signature,
)
from rag.revisions import Revisions, encoder_folder
from rag.schema import CorpusStats, Filters, Paragraph
from rag.settings import Settings
from rag.writelock import write_lock

# The names other modules import from here, kept where they were before the store was split.
__all__ = ["ENCODER_KEY", "EPOCH_KEY", "EXTRACTOR_KEY", "REVISION_KEY", "SCHEMA_KEY", "SCHEMA_VERSION", "Store",
           "date_number", "embedding_text", "record_signature", "write_lock"]

_PAGE = 2000  # records per Chroma get(); bounded memory when reading 100k paragraphs
_NOT_DETAILS = frozenset({"number", "quotes", "n_quotes"})  # what update_details leaves as stored
# Disk an embedded store needs per new paragraph, checked before an ingest writes anything:
# Chroma 1.5 took 8.2 KiB a paragraph for 177-character paragraphs and 10.4 KiB for the demo
# corpus (2.1 MB for 207); twice that leaves room for longer real paragraphs and for the
# write-ahead log, which holds each record until Chroma compacts it.
BYTES_PER_PARAGRAPH = 16 * 1024
SPARE_BYTES = 16 * 1024 * 1024  # SQLite's journal and Chroma's index files rewritten on persist


# Records read per query when reading all of a file's paragraphs (``Store.stored_for``): well
# under SQLite's 32,766 variables, which one read of a large feed's 62,000 paragraphs exceeded.
STORED_PAGE = 5_000


class Store(Revisions):
    """A Chroma collection of paragraphs, reached embedded (``db``) or over HTTP (``chroma_url``).

    Every Chroma call takes its turn at the store's ``Gate`` (``rag.gate``): a read shares it,
    a write has it alone; ``reading()`` and ``writing()`` hold one turn across several calls (a
    whole question; one ingest chunk), so what they read or write is one corpus revision.
    """

    def __init__(self, settings: Settings, connection: Connection):
        self.settings = settings
        self._connection = connection
        self.gate = connection.gate
        self.client = Guarded(lambda: connection.client, settings, self.gate, after_write=connection.forget)
        self.collection = Guarded(lambda: connection.collection(settings.collection), settings, self.gate)
        self._cache: KeywordCache | None = None
        self._cache_lock = threading.Lock()
        self._checked_at = 0.0
        self._generation_seen: str | None = None
        # The encoder of this store's vectors; ``connect`` replaces it with the one the database records.
        self.encoder = models.Encoder(settings.encoder, encoder_folder(settings))

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
        connection = Connection.of(settings)
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
            failure = store_failure(settings, exc)
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

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def stored_for(
        self,
        article_ids: Iterable[str],
        paths: Sequence[str],
        signatures: dict[str, tuple[int, int, int, int]] | None = None,
        *,
        page: int = STORED_PAGE,
    ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """What an ingest must compare against: the stored paragraph ids of each article (empty
        set when new, also filled for articles found only through ``paths``), and the stored
        article ids per source file. One query per 500 articles (a metadata filter costs about
        the same for one value as for 500); a file's records are read ``page`` at a time, since one
        feed may hold tens of thousands of paragraphs and a single read of them all fails inside
        Chroma ("too many SQL variables", over 32,766) and holds them all at once. ``signatures``,
        when given, is filled with each stored paragraph's ``record_signature``."""
        wanted = sorted(set(article_ids))
        files = list(paths)
        file_set = set(files)
        by_article: dict[str, set[str]] = {a: set() for a in wanted}
        by_file: dict[str, set[str]] = {}

        def take(res: Any) -> int:
            for pid, meta in zip(res["ids"], res["metadatas"], strict=True):
                article = str(meta["article_id"])
                by_article.setdefault(article, set()).add(pid)
                if signatures is not None:
                    signatures[pid] = record_signature(meta)
                if str(meta.get("file", "")) in file_set:
                    by_file.setdefault(str(meta["file"]), set()).add(article)
            return len(res["ids"])

        for start in range(0, len(wanted), 500):
            take(self.collection.get(where={"article_id": {"$in": wanted[start : start + 500]}},
                                     include=["metadatas"]))
        for start in range(0, len(files), 500):
            where = {"file": {"$in": files[start : start + 500]}}
            offset = 0
            while take(self.collection.get(where=where, include=["metadatas"], limit=page, offset=offset)) == page:
                offset += page
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
            where=chroma_where(filters),
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
            return  # a server's disk is the server's; a write it refuses is reported by rag.chroma.Guarded
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


