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

import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlparse

from rag import models
from rag.errors import IndexNotFound, StoreError
from rag.keywords import KeywordCache
from rag.records import date_number, embedding_text, paragraph_from_record, paragraph_metadata
from rag.schema import CorpusStats, Filters, Paragraph
from rag.settings import Settings
from rag.text import fold

__all__ = ["Store", "date_number", "embedding_text"]

REVISION_KEY = "newsrag_revision"
SCHEMA_KEY = "newsrag_schema"
SCHEMA_VERSION = "1"
# Which quote extractor wrote the stored quotes (``ingest.quotes.EXTRACTOR_VERSION``): an ingest
# by a newer one re-extracts every stored article's quotes, without embedding anything again.
EXTRACTOR_KEY = "newsrag_extractor"
_PAGE = 2000  # records per Chroma get(); bounded memory when reading 100k paragraphs
# How long a keyword cache is trusted before Chroma's revision stamp is read again: writes by
# other processes (a CLI ingest while the app runs) show up within this time.
REVISION_CHECK_S = 2.0
_LOCAL_WRITES = [0]  # bumped by every write from this process, so its own ingests show at once

class Store:
    """A Chroma collection of paragraphs, reached embedded (``db``) or over HTTP (``chroma_url``)."""

    def __init__(self, settings: Settings, client: Any, collection: Any):
        self.settings = settings
        self.client = client
        self.collection = collection
        self._cache: KeywordCache | None = None
        self._cache_lock = threading.Lock()
        self._checked_at = 0.0
        self._writes_seen = -1

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def connect(cls, settings: Settings, *, create: bool = False) -> Store:
        """Open the store; with ``create`` make it if missing, else raise ``IndexNotFound``."""
        if not settings.chroma_url and not create and not settings.db.exists():
            raise IndexNotFound(
                f"no newsrag index at {settings.db}; run `newsrag ingest PATH --db {settings.db}` first"
            )
        client = _client(settings)
        ef = models.chroma_embedding_function()
        try:
            if create:
                collection = client.get_or_create_collection(
                    settings.collection,
                    embedding_function=ef,
                    configuration={"hnsw": {"space": "cosine"}},
                    metadata={SCHEMA_KEY: SCHEMA_VERSION},
                )
            else:
                collection = client.get_collection(settings.collection, embedding_function=ef)
        except Exception as exc:  # chromadb raises NotFoundError / ValueError by version
            message = str(exc).lower()
            if not create and ("not exist" in message or "not found" in message):
                raise IndexNotFound(
                    f"{settings.describe_store()} has no collection {settings.collection!r}; "
                    "run `newsrag ingest PATH` first"
                ) from None
            raise StoreError(f"could not open collection {settings.collection!r} in "
                             f"{settings.describe_store()}: {exc}") from exc
        return cls(settings, client, collection)

    # -- revision: how caches know they are stale ------------------------------------------

    def _metadata(self) -> dict[str, Any]:
        """The collection's metadata as stored now (another process may have changed it)."""
        fresh = self.client.get_collection(
            self.settings.collection, embedding_function=models.chroma_embedding_function()
        )
        return dict(fresh.metadata or {})

    def revision(self) -> str:
        return str(self._metadata().get(REVISION_KEY, ""))

    def extractor_version(self) -> str:
        """The quote extractor version the stored quotes come from ("" before versions were kept)."""
        return str(self._metadata().get(EXTRACTOR_KEY, ""))

    def bump_revision(self, extractor: str | None = None) -> None:
        """Mark the store changed (caches rebuild); with ``extractor``, record that version too."""
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        # ``modify`` replaces the whole metadata, so keep what is there (the extractor version).
        metadata = self._metadata()
        metadata.update({SCHEMA_KEY: SCHEMA_VERSION, REVISION_KEY: uuid.uuid4().hex, "newsrag_updated": stamp})
        if extractor is not None:
            metadata[EXTRACTOR_KEY] = extractor
        self.collection.modify(metadata=metadata)
        _LOCAL_WRITES[0] += 1

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def stored_for(
        self, article_ids: Iterable[str], paths: Sequence[str]
    ) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """What an ingest must compare against: the stored paragraph ids of each article (empty
        set when new, also filled for articles found only through ``paths``), and the stored
        article ids per source file. One query per 500 articles and files: a metadata filter
        costs about the same for one value as for 500, so an unchanged re-ingest is two
        dictionary builds and one round trip."""
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
        cache = self.keyword_cache()
        return CorpusStats(
            articles=len(set(cache.article_ids)),
            paragraphs=len(cache.ids),
            quotes=sum(len(p.quotes) for p in cache.quoted.values()),
            sources=tuple(sorted({s for s in cache.sources if s})),
            last_ingest=str(self._metadata().get("newsrag_updated", "")),
        )

    # -- writing ---------------------------------------------------------------------------

    def add(self, paragraphs: Sequence[Paragraph], embeddings: Sequence[Sequence[float]]) -> None:
        """Write paragraphs with their vectors (of ``embedding_text``); an existing id is replaced."""
        if not paragraphs:
            return
        self.collection.upsert(
            ids=[p.paragraph_id for p in paragraphs],
            embeddings=[list(e) for e in embeddings],
            documents=[p.text for p in paragraphs],
            metadatas=[paragraph_metadata(p) for p in paragraphs],
        )

    def update_quotes(self, paragraphs: Sequence[Paragraph]) -> None:
        """Store new quote records for paragraphs already stored; text and vectors stay as they are."""
        if paragraphs:
            self.collection.update(
                ids=[p.paragraph_id for p in paragraphs],
                metadatas=[{"quotes": p.quotes_json(), "n_quotes": len(p.quotes)} for p in paragraphs],
            )

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[start : start + 1000])

    # -- the keyword cache -----------------------------------------------------------------

    def keyword_cache(self) -> KeywordCache:
        """The BM25 index and filter arrays for the current revision, rebuilt when stale.

        The revision is re-read from Chroma at most every ``REVISION_CHECK_S`` seconds (one
        question asks for the cache several times), and at once after a write from this process.
        """
        now = time.monotonic()
        if (
            self._cache is not None
            and now - self._checked_at < REVISION_CHECK_S
            and self._writes_seen == _LOCAL_WRITES[0]
        ):
            return self._cache
        self._writes_seen = _LOCAL_WRITES[0]
        revision = self.revision()
        self._checked_at = now
        with self._cache_lock:
            if self._cache is not None and self._cache.revision == revision:
                return self._cache
            self._cache = KeywordCache.load_or_build(self, revision)
            return self._cache


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
