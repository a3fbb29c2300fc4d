"""The store: paragraphs, their vectors and quotes in Chroma, plus a rebuildable keyword cache.

Chroma holds everything the query side needs (text, metadata, quotes as JSON), so a Chroma
server can serve many machines. The BM25 index and the per-paragraph filter arrays are a local
cache rebuilt from Chroma whenever the collection's ``newsrag_revision`` changes; ingest bumps the
revision before and after every write, so a cache can never silently miss a write, even when an
ingest is killed halfway.

This is the one place where our ``Paragraph`` records become llama-index nodes and back.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rag import models
from rag.errors import IndexNotFound, StoreError
from rag.schema import Paragraph, Quote
from rag.settings import Settings
from rag.text import fold

REVISION_KEY = "newsrag_revision"
SCHEMA_KEY = "newsrag_schema"
SCHEMA_VERSION = "1"
_PAGE = 2000  # records per Chroma get(); bounded memory when reading 100k paragraphs
# How long a keyword cache is trusted before Chroma's revision stamp is read again: writes by
# other processes (a CLI ingest while the app runs) show up within this time.
REVISION_CHECK_S = 2.0
_LOCAL_WRITES = [0]  # bumped by every write from this process, so its own ingests show at once

# Metadata fields copied verbatim between Paragraph and Chroma.
_TEXT_FIELDS = ("article_id", "title", "source", "section", "date", "url", "author", "location")


def date_number(date: str) -> int:
    """ISO date -> YYYYMMDD integer: Chroma range filters ($gte/$lte) only compare numbers."""
    digits = date[:10].replace("-", "")
    return int(digits) if len(digits) == 8 and digits.isdigit() else 0


def file_of(location: str) -> str:
    """The file part of a location ("feed.xml#3" -> "feed.xml")."""
    return location.split("#", 1)[0]


def paragraph_metadata(p: Paragraph) -> dict[str, Any]:
    meta: dict[str, Any] = {name: getattr(p, name) for name in _TEXT_FIELDS}
    meta.update(
        number=p.number,
        date_n=date_number(p.date),
        file=file_of(p.location),
        n_quotes=len(p.quotes),
        quotes=p.quotes_json(),
        source_key=fold(p.source),
    )
    return meta


def paragraph_from_record(paragraph_id: str, text: str, meta: dict[str, Any]) -> Paragraph:
    quotes = tuple(Quote.from_dict(q) for q in json.loads(meta.get("quotes") or "[]"))
    return Paragraph(
        paragraph_id=paragraph_id,
        number=int(meta.get("number", 0)),
        text=text or "",
        quotes=quotes,
        **{name: str(meta.get(name) or "") for name in _TEXT_FIELDS},
    )


def to_node(p: Paragraph, embedding: Sequence[float]) -> Any:
    """A llama-index ``TextNode`` whose embedding text is headline + paragraph.

    Only the title is visible to the embedder (and to an LLM); ids, quotes and dates are
    bookkeeping that would only blur the vector.
    """
    from llama_index.core.schema import TextNode

    meta = paragraph_metadata(p)
    hidden = [k for k in meta if k != "title"]
    return TextNode(
        id_=p.paragraph_id,
        text=p.text,
        metadata=meta,
        embedding=list(embedding),
        excluded_embed_metadata_keys=hidden,
        excluded_llm_metadata_keys=hidden,
        metadata_template="{key}: {value}",
        text_template="{metadata_str}\n\n{content}",
    )


def embedding_text(p: Paragraph) -> str:
    """Exactly what the embedder sees for a paragraph (the node's EMBED content)."""
    from llama_index.core.schema import MetadataMode

    return to_node(p, ()).get_content(metadata_mode=MetadataMode.EMBED)


def settle_long_lived() -> None:
    """Exempt the objects alive now (a just-built index) from Python's cyclic garbage collector.

    A 100k-paragraph corpus keeps about a million small objects (paragraphs, quotes, speaker
    terms) for the life of the process; every full collection would walk all of them, a pause of
    about a second in the middle of some unlucky question (measured: bench/RESULTS.md, query).
    ``gc.freeze`` skips them; they hold no reference cycles, so reference counting still frees
    them when a newer corpus revision replaces them.
    """
    gc.freeze()


@dataclass(frozen=True, slots=True)
class CorpusStats:
    articles: int
    paragraphs: int
    quotes: int
    sources: tuple[str, ...]
    last_ingest: str  # ISO timestamp of the last ingest that changed something, "" if unknown


class Store:
    """A Chroma collection of paragraphs, reached embedded (``db``) or over HTTP (``chroma_url``)."""

    def __init__(self, settings: Settings, client: Any, collection: Any):
        self.settings = settings
        self.client = client
        self.collection = collection
        self._vector_store: Any = None
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

    @property
    def vector_store(self) -> Any:
        """llama-index's view of the same collection (used for writes and dense retrieval)."""
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self.collection)
        return self._vector_store

    # -- revision: how caches know they are stale ------------------------------------------

    def revision(self) -> str:
        fresh = self.client.get_collection(
            self.settings.collection, embedding_function=models.chroma_embedding_function()
        )
        return str((fresh.metadata or {}).get(REVISION_KEY, ""))

    def bump_revision(self) -> None:
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        self.collection.modify(
            metadata={SCHEMA_KEY: SCHEMA_VERSION, REVISION_KEY: uuid.uuid4().hex, "newsrag_updated": stamp}
        )
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

    def stats(self) -> CorpusStats:
        cache = self.keyword_cache()
        fresh = self.client.get_collection(
            self.settings.collection, embedding_function=models.chroma_embedding_function()
        )
        return CorpusStats(
            articles=len(set(cache.article_ids)),
            paragraphs=len(cache.ids),
            quotes=sum(len(p.quotes) for p in cache.quoted.values()),
            sources=tuple(sorted({s for s in cache.sources if s})),
            last_ingest=str((fresh.metadata or {}).get("newsrag_updated", "")),
        )

    # -- writing ---------------------------------------------------------------------------

    def add(self, paragraphs: Sequence[Paragraph], embeddings: Sequence[Sequence[float]]) -> None:
        """Write paragraphs with their vectors through llama-index's ``ChromaVectorStore``."""
        if not paragraphs:
            return
        nodes = [to_node(p, e) for p, e in zip(paragraphs, embeddings, strict=True)]
        self.vector_store.add(nodes)

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


class KeywordCache:
    """BM25 over headline + paragraph text, with per-paragraph arrays for metadata filters.

    Built with ``bm25s`` (sparse-matrix BM25, ~ms queries at 100k paragraphs) and an English
    Snowball stemmer. Persisted under ``Settings.keyword_cache_dir``; only ever a cache of
    what Chroma holds, keyed by the collection's revision.
    """

    FILE = "cache.json"

    def __init__(
        self,
        revision: str,
        ids: list[str],
        article_ids: list[str],
        numbers: list[int],
        sources: list[str],
        dates: list[int],
        quoted: dict[str, Paragraph],
        retriever: Any,
    ):
        import numpy as np

        self.revision = revision
        self.ids = ids
        self.article_ids = article_ids
        self.numbers = numbers
        self.sources = sources
        self.dates = np.asarray(dates, dtype=np.int64)
        self.source_keys = np.asarray([fold(s) for s in sources], dtype=object)
        self.quoted = quoted  # paragraph id -> paragraph, for every paragraph holding quotes
        self.retriever = retriever
        self._stemmer: Any = None
        self.position = {pid: i for i, pid in enumerate(ids)}
        self.by_number = {(a, n): pid for a, n, pid in zip(article_ids, numbers, ids, strict=True)}
        # (article, paragraph number) -> the other paragraphs its quotes span, both directions.
        self.spans: dict[tuple[str, int], set[int]] = {}
        for p in quoted.values():
            for q in p.quotes:
                if len(q.paragraphs) > 1:
                    for n in q.paragraphs:
                        self.spans.setdefault((p.article_id, n), set()).update(set(q.paragraphs) - {n})

    @staticmethod
    def stemmer() -> Any:
        import Stemmer

        return Stemmer.Stemmer("english")

    @classmethod
    def tokenize(cls, texts: list[str], stemmer: Any, show_progress: bool = False) -> Any:
        import bm25s

        return bm25s.tokenize(
            [fold(t) for t in texts], stopwords="en", stemmer=stemmer, show_progress=show_progress
        )

    @classmethod
    def load_or_build(cls, store: Store, revision: str) -> KeywordCache:
        folder = store.settings.keyword_cache_dir
        try:
            cached = cls._load(folder, revision)
        except Exception:  # a corrupt or foreign cache is just rebuilt
            cached = None
        if cached is not None:
            settle_long_lived()
            return cached
        built = cls._build(store, revision)
        # A read-only cache folder costs a rebuild next time, nothing more.
        with contextlib.suppress(OSError):
            built._save(folder)
        settle_long_lived()
        return built

    @classmethod
    def _build(cls, store: Store, revision: str) -> KeywordCache:
        import bm25s

        ids: list[str] = []
        article_ids: list[str] = []
        numbers: list[int] = []
        sources: list[str] = []
        dates: list[int] = []
        texts: list[str] = []
        quoted: dict[str, Paragraph] = {}
        for p in store.iter_paragraphs():
            ids.append(p.paragraph_id)
            article_ids.append(p.article_id)
            numbers.append(p.number)
            sources.append(p.source)
            dates.append(date_number(p.date))
            texts.append(f"{p.title}\n{p.text}")
            if p.quotes:
                quoted[p.paragraph_id] = p
        retriever = None
        if texts:
            stemmer = cls.stemmer()
            retriever = bm25s.BM25()
            retriever.index(cls.tokenize(texts, stemmer), show_progress=False)
        return cls(revision, ids, article_ids, numbers, sources, dates, quoted, retriever)

    def _save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        tmp.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"))
        payload = {
            "revision": self.revision,
            "ids": self.ids,
            "article_ids": self.article_ids,
            "numbers": self.numbers,
            "sources": self.sources,
            "dates": [int(d) for d in self.dates],
            "quoted": {
                pid: {"text": p.text, "meta": paragraph_metadata(p)} for pid, p in self.quoted.items()
            },
        }
        (tmp / self.FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    @classmethod
    def _load(cls, folder: Path, revision: str) -> KeywordCache | None:
        import bm25s

        path = folder / cls.FILE
        if not path.exists():
            return None
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("revision") != revision:
            return None
        retriever = bm25s.BM25.load(str(folder / "bm25")) if payload["ids"] else None
        quoted = {
            pid: paragraph_from_record(pid, rec["text"], rec["meta"]) for pid, rec in payload["quoted"].items()
        }
        return cls(
            revision,
            payload["ids"],
            payload["article_ids"],
            payload["numbers"],
            payload["sources"],
            payload["dates"],
            quoted,
            retriever,
        )

    def _tokens(self, text: str) -> Any:
        """``text`` tokenised as the index was (one stemmer per cache, not one per query)."""
        if self._stemmer is None:
            self._stemmer = self.stemmer()
        return self.tokenize([text], self._stemmer)

    def contains(self, text: str) -> bool:
        """Whether any paragraph or headline holds a word of ``text`` (stemmed): a dictionary
        lookup, where a BM25 search would score every posting of the word."""
        if self.retriever is None or not self.ids:
            return False
        vocab = self.retriever.vocab_dict
        return any(token and token in vocab for token in self._tokens(text).vocab)

    def articles_mentioning(self, groups: Sequence[str], needed: int) -> set[str]:
        """Articles whose headline or paragraphs hold at least ``needed`` of ``groups`` (each a
        word with its other spellings, space-separated), read off the BM25 postings: no text scan."""
        if self.retriever is None or not self.ids or needed <= 0:
            return set()
        vocab, postings = self.retriever.vocab_dict, self.retriever.scores
        counts: dict[str, int] = {}
        for group in groups:
            articles: set[str] = set()
            for token in self._tokens(group).vocab:
                t = vocab.get(token) if token else None
                if t is not None:
                    docs = postings["indices"][postings["indptr"][t] : postings["indptr"][t + 1]]
                    articles.update(self.article_ids[int(d)] for d in docs)
            for a in articles:
                counts[a] = counts.get(a, 0) + 1
        return {a for a, n in counts.items() if n >= needed}

    def search(self, query: str, k: int, mask: Any = None) -> list[tuple[str, float]]:
        """Top ``k`` (paragraph id, BM25 score) for ``query``; ``mask`` is a 0/1 array over ids."""
        if self.retriever is None or not self.ids:
            return []
        tokens = self._tokens(query)
        if not tokens.vocab or not any(tokens.ids):
            return []
        k = min(k, len(self.ids))
        kwargs: dict[str, Any] = {"k": k, "show_progress": False, "n_threads": 1}
        if mask is not None:
            kwargs["weight_mask"] = mask
        docs, scores = self.retriever.retrieve(tokens, **kwargs)
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if float(s) > 0
        ]
