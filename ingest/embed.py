"""Paragraph vectors: headline + paragraph through all-MiniLM-L6-v2, in batches.

The encoder is the store's (``store.encoder``, built by ``Store.connect`` from the database's
recorded encoder family, or the setting for a new database), so vectors never mix.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.models import Encoder
from rag.records import embedding_text
from rag.schema import Paragraph


def embed_paragraphs(paragraphs: Sequence[Paragraph], encoder: Encoder, batch_size: int = 64) -> list[list[float]]:
    """One unit vector per paragraph, of exactly the text ``rag.records.embedding_text`` gives."""
    if not paragraphs:
        return []
    # One call for the whole chunk: sentence-transformers sorts its inputs by length before
    # batching, so a batch pads little (bench/history/: 61% -> 95% of the bare encoder's rate
    # once batches stopped being cut before that sort); the ONNX encoders spread the chunk's
    # texts over the cores, one text per call.
    return encoder.embed_texts([embedding_text(p) for p in paragraphs], batch_size=batch_size)
