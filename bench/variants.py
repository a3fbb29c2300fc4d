"""A ``NewsIndex`` per ``Tuning`` variant, and how sweep tables mark the default.

Every variant a benchmark compares is a ``rag.tuning.Tuning`` built with ``dataclasses.replace``
and opened as its own ``NewsIndex`` on the same store; nothing is changed in place. The encoder's
outputs are memoised (``bench/datasets/vector_cache.py``), so a sweep re-runs retrieval and the
answer logic without re-encoding the same questions and sentences.
"""

from __future__ import annotations

from dataclasses import replace

from bench.datasets.vector_cache import memoised_encoder


def tuned(settings: object, **changes: object) -> object:
    """A ``NewsIndex`` on the eval store, tuned as the defaults with ``changes`` (``Tuning`` fields)."""
    from rag import NewsIndex
    from rag.tuning import Tuning

    return NewsIndex.open(settings, tuning=replace(Tuning(), **changes), make_encoder=memoised_encoder)


def mark(value: float, default: float) -> str:
    """A swept value as its table shows it, "(default)" after the one `Tuning()` has."""
    return f"{value:.2f}" + (" (default)" if abs(value - default) < 1e-9 else "")




def floats(text: str) -> list[float]:
    """A sweep's values as a flag gives them: ``"0.3,0.4,0.5"``."""
    return [float(x) for x in text.split(",") if x.strip()]
