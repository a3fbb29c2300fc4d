"""Paragraph vectors: headline + paragraph through all-MiniLM-L6-v2, in batches."""

from __future__ import annotations

from collections.abc import Sequence

from rag import models
from rag.schema import Paragraph
from rag.store import embedding_text


def embed_paragraphs(paragraphs: Sequence[Paragraph], batch_size: int = 64) -> list[list[float]]:
    """One unit vector per paragraph, embedding exactly the text the store's node exposes."""
    if not paragraphs:
        return []
    return models.embed_texts([embedding_text(p) for p in paragraphs], batch_size=batch_size)
