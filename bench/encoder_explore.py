"""Encoder variants tried on the way to ``onnx-int8`` and rejected (``encoder.py --explore``).

Kept as a small named experiment so the figures in ``bench/history/2026-11.md`` can be reproduced:
signed int8 weights, every MatMul quantised, onnxruntime's BERT fusions, and padded batches on
intra-op threads (the sentence-transformers way), each named by what differs from the product.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np


class _Batched:
    """An ONNX graph run the sentence-transformers way: length-sorted padded batches, one session
    with intra-op threads = cores (the alternative to ``OnnxEncoder``'s one text per call)."""

    def __init__(self, path: Path, batch_size: int = 32):
        import onnxruntime as ort

        from rag.encoders import OnnxEncoder, _cores

        self.batch_size = batch_size
        self.tokenizer = OnnxEncoder(path, workers=1).tokenizer
        options = ort.SessionOptions()
        options.intra_op_num_threads = _cores()
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], **_: Any) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for r, i in enumerate(rows):
                ids[r, : len(encodings[i].ids)] = encodings[i].ids
                mask[r, : len(encodings[i].ids)] = 1
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            weights = mask[..., None].astype(np.float32)
            vectors = (hidden * weights).sum(1) / np.clip(weights.sum(1), 1e-9, None)
            out[rows] = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return out


def _variant_graphs(folder: Path) -> dict[str, Path]:
    """The graphs ``--explore`` compares, built once into ``folder`` (each a few seconds)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    from rag import encoders, models

    fp32 = encoders.ensure_model(folder, "onnx", models.export_onnx)
    graphs = {"fp32": fp32, "int8": encoders.ensure_model(folder, "onnx-int8", models.export_onnx)}
    fused = folder / "fp32-bert-fused.onnx"
    if not fused.exists():
        model = optimizer.optimize_model(str(fp32), model_type="bert", num_heads=12, hidden_size=384,
                                         optimization_options=FusionOptions("bert"), opt_level=0, use_gpu=False)
        model.save_model_to_file(str(fused))
    graphs["fp32 fused"] = fused
    for name, source, weight in (("int8 s8", fp32, QuantType.QInt8), ("int8 fused", fused, QuantType.QUInt8)):
        target = folder / f"{name.replace(' ', '-')}.onnx"
        if not target.exists():  # every weight MatMul quantised, as the first trials did
            quantize_dynamic(str(source), str(target), op_types_to_quantize=["MatMul"], per_channel=True,
                             weight_type=weight, extra_options={"DefaultTensorType": 1})
        graphs[name] = target
    every = folder / "int8-every-matmul.onnx"
    if not every.exists():
        encoders.quantise(fp32, every, keep=())
    graphs["int8 every MatMul"] = every
    return graphs


def tried_encoders(folder: Path) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Label -> encode function of each rejected variant, its graph built once into ``folder``."""
    from rag import encoders

    graphs = _variant_graphs(folder)
    return {
        "tried: int8 with every weight MatMul quantised (none kept fp32)":
            encoders.OnnxEncoder(graphs["int8 every MatMul"]).encode,
        "tried: int8 with s8 weights (u8s8 kernel), every MatMul": encoders.OnnxEncoder(graphs["int8 s8"]).encode,
        "tried: int8 after BERT fusions (Attention, SkipLayerNorm, BiasGelu), every MatMul":
            encoders.OnnxEncoder(graphs["int8 fused"]).encode,
        "tried: fp32 with BERT fusions": encoders.OnnxEncoder(graphs["fp32 fused"]).encode,
        "tried: the onnx-int8 graph in padded batches of 32, intra-op threads = cores": _Batched(graphs["int8"]).encode,
        "tried: the onnx graph in padded batches of 32, intra-op threads = cores": _Batched(graphs["fp32"]).encode,
    }
