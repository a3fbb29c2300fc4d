"""Encoder benchmark: torch vs the ONNX encoders (``Settings.encoder``) on real paragraphs.

    .venv/bin/python bench/encoder.py --polnear /tmp/polnear     # print the figures
    .venv/bin/python bench/encoder.py --polnear /tmp/polnear --explore --write   # + variants, written down
    .venv/bin/python bench/encoder.py --only realtimeqa --realtimeqa /tmp/realtimeqa
    .venv/bin/python bench/encoder.py --only open-10k --polnear /tmp/polnear

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
4. The same on RealTime QA's development years (``--realtimeqa DIR`` or ``NEWSRAG_REALTIMEQA``;
   skipped, saying why, without it): each year's small corpus as ``bench/realtimeqa.py`` builds it,
   ingested by each encoder, searched as of each quiz date; recall@1/5/10 and MRR@10 per year,
   and the difference to torch. Only 2022 and 2023 are read. Goal: recall@5 within 1 point.
5. ``--open-10k``: a cold ``from rag import NewsIndex``, ``NewsIndex.open`` and first ``search``
   in a fresh Python per run on about 10,000 PolNeAR train paragraphs (stores built once into
   ``bench/out/encoder/open10k-*``), with the ONNX encoders and torch, interleaved, medians; and
   whether torch was imported. Goal: <= 2 s with ONNX queries. When missed, ``-X importtime`` and
   cProfile say where the time goes.

``--only PART`` runs one part (repeatable), e.g. ``--only realtimeqa`` or ``--only open-10k``.

The PolNeAR test split is never read; only ``train`` is named (``bench.datasets.polnear.split_dir``).

Each part is its own module: ``encoder_speed.py`` (1; the rejected variants of ``--explore`` in
``encoder_explore.py``), ``encoder_demo.py`` (2, 3), ``encoder_realtimeqa.py`` (4), ``encoder_open.py``
(5); what they share is ``encoder_env.py``. This module runs the parts asked for and writes the run down.
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
import shutil  # noqa: E402

from bench import report  # noqa: E402
from bench.encoder_demo import QUESTION, cold_ask, demo_databases, recall  # noqa: E402
from bench.encoder_env import GOAL_ASK_RATIO, GOAL_OPEN_S, GOAL_RECALL_POINTS, OUT  # noqa: E402
from bench.encoder_open import OPEN_PARAGRAPHS, open_part  # noqa: E402
from bench.encoder_realtimeqa import realtimeqa_part  # noqa: E402
from bench.encoder_speed import DEFAULT, throughput_section  # noqa: E402

PARTS = ("throughput", "ask", "recall", "realtimeqa", "open-10k")


def goal_figures(speed: dict[str, float] | None, rtqa: dict[str, dict[str, tuple[float, ...]]] | None,
                 cold_open: dict[str, float] | None, open_rounds: int) -> dict[str, report.Figure]:
    """The goals the parts run measured, for the run's record (``bench/goals.py``): the default
    encoder's speed (part 1), onnx-int8's recall on RealTime QA (part 4), the cold open (part 5)."""
    figures = {}
    if speed is not None:
        ratio = speed[DEFAULT]
        figures["encoder-default"] = report.Figure(
            round(ratio, 2), f"`onnx` (the default): {ratio:.2f}x torch's paragraphs/s on real text (cosine in the run's table)",
            None, "default")
    if rtqa:
        years = sorted(rtqa)
        worst = max(abs(100 * (rtqa[y]["onnx-int8"][1] - rtqa[y]["torch"][1])) for y in years)
        per_year = ", ".join(f"{y} " + " / ".join(f"{rtqa[y][e][1]:.3f}" for e in ("torch", "onnx", "onnx-int8"))
                             for y in years)
        figures["encoder-int8-recall"] = report.Figure(
            round(worst, 1), f"RealTime QA small corpora, default search as of the quiz date: recall@5 {per_year} "
            f"(torch / onnx / onnx-int8); largest onnx-int8 difference {worst:.1f} points", worst <= GOAL_RECALL_POINTS)
    if cold_open:
        worst = max(cold_open.values())
        figures["query-cold-open-10k"] = report.Figure(
            round(worst, 2), " / ".join(f"{s:.2f}" for s in cold_open.values())
            + f" s ({'; '.join(cold_open)}; medians of {open_rounds} interleaved cold processes)", worst <= GOAL_OPEN_S)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR"),
                        help="PolNeAR checkout (its train split is read; default $NEWSRAG_POLNEAR, else "
                             "/tmp/polnear if present, else data/ and the seed)")
    parser.add_argument("--realtimeqa", type=Path, default=os.environ.get("NEWSRAG_REALTIMEQA") or None,
                        help="RealTime QA checkout (past/2022, past/2023; default $NEWSRAG_REALTIMEQA): recall on "
                             "its small corpora per encoder; skipped, saying why, without it")
    parser.add_argument("--open-10k", action="store_true",
                        help=f"also time a cold NewsIndex.open + first search on {OPEN_PARAGRAPHS:,} PolNeAR "
                             "paragraphs (builds the stores once, several minutes)")
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only this part (repeatable); default: throughput, ask, recall, realtimeqa "
                             "and, with --open-10k, open-10k")
    parser.add_argument("--paragraphs", type=int, default=600, help="real paragraphs encoded per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved repeats of the throughput runs")
    parser.add_argument("--chunk", type=int, default=100, help="paragraphs per timed call")
    parser.add_argument("--ask-repeats", type=int, default=5, help="interleaved repeats of each cold ask")
    parser.add_argument("--open-rounds", type=int, default=5, help="interleaved rounds of the cold opens")
    parser.add_argument("--explore", action="store_true", help="also time the variants tried on the way")
    parser.add_argument("--fresh", action="store_true", help="rebuild the graphs and demo databases")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    parts = set(args.only or [p for p in PARTS if p != "open-10k" or args.open_10k])
    polnear = args.polnear
    if polnear is None and Path("/tmp/polnear/data/train").is_dir():
        polnear = Path("/tmp/polnear")
    if args.fresh:
        shutil.rmtree(OUT, ignore_errors=True)

    sections = [f"Machine: {report.machine()}; load average at start {report.load_average()}."]
    speed = rtqa_scores = cold_open = None
    if "throughput" in parts:
        text, speed = throughput_section(polnear, args)
        sections.append(text)
    if parts & {"ask", "recall"}:
        dbs = demo_databases()
        if "ask" in parts:
            ask, ask_ratios = cold_ask(dbs, args.ask_repeats)
            onnx_ask = min(v for k, v in ask_ratios.items() if "onnx" in k)
            sections.append(
                f"### Cold `newsrag ask` on the demo corpus\n\n`{QUESTION}`, {args.ask_repeats} interleaved runs "
                "each, after one untimed run each (keyword cache and ONNX graphs in place).\n\n"
                f"{ask}\n\nBest ONNX path: {onnx_ask:.2f}x the floor (goal <= {GOAL_ASK_RATIO}x: "
                f"{'met' if onnx_ask <= GOAL_ASK_RATIO else 'NOT met'}).")
        if "recall" in parts:
            recall_table, recalls = recall(dbs)
            points = 100 * (recalls["onnx-int8"] - recalls["torch"])
            sections.append(
                f"### Retrieval on the labelled set\n\n{recall_table}\n\n"
                f"onnx-int8 recall@5 minus torch: {points:+.1f} points (goal within {GOAL_RECALL_POINTS:.0f}: "
                f"{'met' if abs(points) <= GOAL_RECALL_POINTS else 'NOT met'}).")
    if "realtimeqa" in parts:
        text, rtqa_scores = realtimeqa_part(args.realtimeqa)
        sections.append("### Retrieval on RealTime QA 2022-2023, per encoder\n\n" + text)
    if "open-10k" in parts:
        text, cold_open = open_part(polnear, args.open_rounds)
        sections.append(f"### Cold `NewsIndex.open` + first `search` at {OPEN_PARAGRAPHS // 1000}k paragraphs\n\n" + text)
    body = "\n\n".join(sections)
    print(body)
    if args.write:
        figures = goal_figures(speed, rtqa_scores, cold_open, args.open_rounds)
        print(f"\nappended to {report.append_section('Encoder: torch vs ONNX', body, figures)}")


if __name__ == "__main__":
    main()
