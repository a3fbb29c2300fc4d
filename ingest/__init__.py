"""Turn article files into cited-paragraph records in the store: load, repair, quote, embed, write.

    >>> from ingest import ingest
    >>> report = ingest([Path("data")], Settings.load(db="./newsrag-db"))
"""

from __future__ import annotations

from typing import Any

__all__ = ["IngestProgress", "ingest"]


def __getattr__(name: str) -> Any:
    # Lazy, so `ingest.loaders` or `ingest.quotes` can be used without loading the embedder.
    if name in __all__:
        from ingest import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
