"""What a store records about itself in its collection's metadata, and how caches use it.

The revision stamp (bumped before and after every write, so a cache can never miss one), the
change log's sequence and epoch (``rag.changes``: caches catch up by the difference), the quote
extractor and the encoder that wrote the store. ``Store`` takes these methods from ``Revisions``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag import changes, models
from rag.chroma import (
    ENCODER_KEY,
    EPOCH_KEY,
    EXTRACTOR_KEY,
    REVISION_KEY,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    Guarded,
)
from rag.errors import ConfigError
from rag.schema import StoreState
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.chroma import Connection
    from rag.gate import Gate


class Revisions:
    """The store's record of itself: its revision and change log, its extractor and encoder.

    A part of ``rag.store.Store``, which provides the attributes declared here.
    """

    settings: Settings
    gate: Gate
    client: Any
    collection: Any
    _connection: Connection

    def count(self) -> int:
        raise NotImplementedError  # ``Store.count``

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
        return Guarded(lambda: self._connection.log(name, create), self.settings, self.gate)

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
        return name, encoder_folder(self.settings)

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


def encoder_folder(settings: Settings) -> Path:
    """Where the store's ONNX graphs are cached (``rag.encoders.encoder_folder``)."""
    from rag import encoders

    return encoders.encoder_folder(settings)
