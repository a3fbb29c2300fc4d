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


def tuning_changes(items: list[str]) -> dict[str, object]:
    """``--set FIELD=VALUE`` flags as ``Tuning`` changes, each value read as its field's type
    (``fresh_days=7``, ``lead_in=false``, ``fusion=rrf``, ``answerability_age=0.2``); an unknown
    field or a value that is not of its type fails naming both."""
    from dataclasses import fields

    from rag.tuning import Tuning

    tuning = Tuning()
    defaults = {f.name: getattr(tuning, f.name) for f in fields(Tuning)}
    changes: dict[str, object] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or name not in defaults:
            raise ValueError(f"--set {item!r}: give FIELD=VALUE with a Tuning field "
                             f"({', '.join(sorted(defaults))})")
        default = defaults[name]
        try:
            if isinstance(default, bool):
                if text.lower() not in ("true", "false", "1", "0"):
                    raise ValueError(text)
                changes[name] = text.lower() in ("true", "1")
            elif isinstance(default, int):
                changes[name] = int(text)
            elif isinstance(default, float):
                changes[name] = float(text)
            else:  # an Enum (fusion, sentence_scoring): Tuning reads the plain string itself
                changes[name] = type(default)(text)
        except ValueError:
            raise ValueError(f"--set {item!r}: {name} takes {type(default).__name__} values, "
                             f"like its default {default!r}") from None
    return changes
