"""Paragraph vectors: headline + paragraph through all-MiniLM-L6-v2, in batches."""

from __future__ import annotations

from collections.abc import Sequence

from rag import models
from rag.records import embedding_text
from rag.schema import Paragraph


def embed_paragraphs(paragraphs: Sequence[Paragraph], batch_size: int = 64) -> list[list[float]]:
    """One unit vector per paragraph, embedding exactly the text the store's node exposes."""
    if not paragraphs:
        return []
    texts = [embedding_text(p) for p in paragraphs]
    # Length-sorted batches pad far less: llama-index hands sentence-transformers one batch at
    # a time, so its own length sort cannot help (bench/RESULTS.md: 61% -> 95% of the bare
    # encoder's rate).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    vectors = models.embed_texts([texts[i] for i in order], batch_size=batch_size)
    result: list[list[float]] = [[] for _ in texts]
    for position, i in enumerate(order):
        result[i] = vectors[position]
    return result
