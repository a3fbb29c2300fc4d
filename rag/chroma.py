"""A store's Chroma side: one client per embedded folder, every call taken in a turn at the
store's gate, and the failures a user fixes outside newsrag (a server gone, a full disk) named.

Also the keys newsrag records in a collection's metadata (schema, encoder, revision, ...), which
the collection is created with here and which ``rag.revisions`` reads and updates.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlparse

from rag import models
from rag.errors import StoreError
from rag.gate import Gate
from rag.settings import Settings

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

class Connection:
    """The process's Chroma client for one store, reopened when another process has written.

    Chroma keeps one client system per path in a process, so an embedded store has one
    ``Connection`` per folder (``of``), registered with its gate: when a turn finds that another
    process wrote, the client is closed and the next call opens a new one, which reads the
    store from disk. A server's HTTP client holds no such state and is never reopened.
    """

    _embedded: ClassVar[dict[Path, Connection]] = {}
    _registry_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, settings: Settings, gate: Gate) -> None:
        self.settings = settings
        self.gate = gate
        self._client: Any = None
        self._collections: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, settings: Settings) -> Connection:
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
                self._client = connect_client(self.settings)
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


WRITES = frozenset({"add", "upsert", "update", "delete", "modify", "create_collection",
                     "get_or_create_collection", "delete_collection"})


class Guarded:
    """The Chroma client or collection of a ``Connection``, each call taken in a turn at the
    gate (``WRITES`` alone, the rest shared) and on the connection's current client, so a
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
        try:
            with self._gate.reading():
                value = getattr(self._resolve(), name)  # resolving a collection may ask the server
        except Exception as exc:
            failure = store_failure(self._settings, exc)
            if failure is None:
                raise
            raise failure from exc
        if not callable(value):
            return value

        def guarded(*args: Any, **kwargs: Any) -> Any:
            turn = self._gate.writing() if name in WRITES else self._gate.reading()
            try:
                with turn:
                    result = getattr(self._resolve(), name)(*args, **kwargs)
                    if name in WRITES and self._after_write is not None:
                        self._after_write()
                    return result
            except Exception as exc:
                failure = store_failure(self._settings, exc)
                if failure is None:
                    raise
                raise failure from exc

        return guarded


_LOW_SPACE_BYTES = 1024 * 1024


def store_failure(settings: Settings, exc: Exception) -> StoreError | None:
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



def connect_client(settings: Settings) -> Any:
    """A Chroma client for the store ``settings`` name (telemetry off: nothing leaves the machine)."""
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
