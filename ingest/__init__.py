"""Turn article files into cited-paragraph records in the store: load, repair, quote, embed, write.

    >>> from ingest import ingest, remove
    >>> report = ingest([Path("data")], Settings.load(db="./newsrag-db"))
    >>> remove(Settings.load(db="./newsrag-db"), article_ids=["a1b2c3d4e5f60718"])  # a retraction
"""

from __future__ import annotations

from typing import Any

__all__ = ["IngestProgress", "ingest", "remove"]
_MODULES = {"IngestProgress": "pipeline", "ingest": "pipeline", "remove": "removal"}


def __getattr__(name: str) -> Any:
    # Lazy, so `ingest.loaders` or `ingest.quotes` can be used without loading the embedder.
    if name in _MODULES:
        import importlib

        return getattr(importlib.import_module(f"ingest.{_MODULES[name]}"), name)
    raise AttributeError(name)
