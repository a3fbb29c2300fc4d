"""Quality on the labelled demo corpus: retrieval per fusion method, attribution, refusals, sentences.

    .venv/bin/python bench/eval.py                # print the tables
    .venv/bin/python bench/eval.py --write        # and write the run down (bench/history/, RESULTS.md)
    .venv/bin/python bench/eval.py --misses       # also list every missed quote and question

Labels: ``bench/labels/`` (format in its README). The demo corpus ``data/`` lives in
``bench/out/eval-db-<hash>/``, keyed by a hash of the code that shapes the stored record format;
every run re-ingests ``data/`` into it (content-derived ids: only changed paragraphs are
embedded) with a fingerprint of the quote extractor's code as its version, so a changed extractor
re-reads the quotes without embedding anything again.

Every variant is a ``rag.tuning.Tuning`` (``dataclasses.replace(Tuning(), dense_weight=w)``) with
which a new ``NewsIndex`` is opened on the same store; nothing is changed in place and nothing in
``rag/`` is edited. The tables name the ``Tuning`` field and mark its default. The encoder's
outputs are memoised in this process (the model is deterministic), so the sweeps re-run retrieval
and the answer logic without re-encoding the same questions and sentences.

The labelled set and its store: ``bench/datasets/labelled.py``; each table: ``eval_retrieval.py``,
``eval_attribution.py``, ``eval_answers.py``; this module runs them and writes the run down.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/eval.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402

from bench import report  # noqa: E402
from bench.datasets.labelled import LABELS, answerable_questions, demo_settings  # noqa: E402
from bench.datasets.vector_cache import memoised_encoder  # noqa: E402
from bench.eval_answers import extractive_section, refusal_section  # noqa: E402
from bench.eval_attribution import attribution_section  # noqa: E402
from bench.eval_retrieval import GOAL_HYBRID_GAIN, retrieval_section  # noqa: E402
from bench.variants import floats  # noqa: E402


def realtimeqa_report(path: Path | None) -> str:
    """The RealTime QA section (``bench/realtimeqa.py``), or one line saying why it was skipped."""
    import os

    from bench.realtimeqa import realtimeqa_section

    return realtimeqa_section(path or os.environ.get("NEWSRAG_REALTIMEQA"))


def polnear_report(path: Path | None) -> str:
    """The PolNeAR dev section (``bench/polnear.py``), or one line saying why it was skipped."""
    import os

    from bench.polnear import polnear_section

    return polnear_section(path or os.environ.get("NEWSRAG_POLNEAR"))


def goal_figures(retrieval: dict, f1: float, refusals: str) -> dict[str, report.Figure]:
    """The goals this run measures, for its record (``bench/goals.py``)."""
    dense5, default5 = retrieval["dense"]["all"][1], retrieval["weighted + quoted speakers"]["all"][1]
    gain = 100 * (default5 - dense5)
    figures = {
        "retrieval-hybrid-recall5": report.Figure(
            round(gain, 1), f"{default5:.3f} vs {dense5:.3f}: {gain:+.1f} points (the default: weighted + quoted speakers)",
            gain >= 100 * GOAL_HYBRID_GAIN),
        "attribution-labelled-f1-0.9": report.Figure(round(f1, 3), f"{f1:.3f}", f1 >= 0.9),
        "attribution-labelled-f1-0.95": report.Figure(
            round(f1, 3), f"{f1:.3f} (the seed's seven speakers are checked by tests, not here)", f1 >= 0.95),
    }
    sure = re.search(r"How sure \(`answer.confidence`\): (.*?)\.?$", refusals, re.M)
    if sure:
        figures["answers-labelled-confidence"] = report.Figure(None, sure.group(1), "NOT met" not in sure.group(1))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", default="0.3,0.4,0.5,0.6,0.7,0.75,0.8,0.85,0.9,0.95,1.0",
                        help="Tuning.dense_weight values to sweep")
    parser.add_argument("--thresholds", default="0.35,0.4,0.45,0.5,0.55,0.6",
                        help="Tuning.refuse_below values to sweep")
    parser.add_argument("--misses", action="store_true", help="list missed questions and quotes")
    parser.add_argument("--rebuild", action="store_true", help="re-ingest data/ even if a cached store matches")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    parser.add_argument("--polnear", type=Path, default=None,
                        help="PolNeAR checkout for the attribution-on-real-news section (bench/polnear.py, dev "
                             "split; default $NEWSRAG_POLNEAR; skipped, saying why, without one)")
    parser.add_argument("--realtimeqa", type=Path, default=None,
                        help="RealTime QA checkout for its section (bench/realtimeqa.py; default $NEWSRAG_REALTIMEQA; "
                             "skipped, saying why, without one)")
    args = parser.parse_args()
    for name in ("questions.jsonl", "unanswerable.jsonl", "quotes.jsonl", "README.md"):
        if not (LABELS / name).exists():
            raise SystemExit(f"{LABELS / name} is missing; the labelled set lives in bench/labels/")

    from rag import NewsIndex

    settings, how = demo_settings(args.rebuild)  # a rebuilt eval db takes its vectors from the cache
    index = NewsIndex.open(settings, make_encoder=memoised_encoder)
    paragraphs = list(index.store.iter_paragraphs())
    asked, problems = answerable_questions(paragraphs)
    start = time.perf_counter()
    retrieval, scores = retrieval_section(settings, asked, floats(args.weights), args.misses)
    attribution, f1 = attribution_section(index, args.misses)
    refusals = refusal_section(settings, asked, floats(args.thresholds), args.misses)
    extractive = extractive_section(settings, args.misses)
    body = (
        f"Machine: {report.machine()}. Demo corpus `data/`: {len({p.article_id for p in paragraphs})} articles, "
        f"{len(paragraphs)} paragraphs ({how}). Labels: `bench/labels/` "
        f"({len(asked)} usable answerable questions). Evaluated in {time.perf_counter() - start:.0f} s.\n\n"
        + (("Label problems:\n\n" + "\n".join(f"- {p}" for p in problems) + "\n\n") if problems else "")
        + "### Retrieval\n\n" + retrieval + "\n\n### Attribution\n\n" + attribution
        + "\n\n### Refusals\n\n" + refusals + "\n\n### Extractive answers\n\n" + extractive
    )
    body += "\n\n### Attribution on real news (PolNeAR dev)\n\n" + polnear_report(args.polnear).replace("## PolNeAR dev\n\n", "")
    body += "\n\n### RealTime QA\n\n" + realtimeqa_report(args.realtimeqa)
    print(body)
    if args.write:
        figures = goal_figures(scores, f1, refusals)
        print(f"\nappended to {report.append_section('eval on the labelled demo corpus', body, figures)}")


if __name__ == "__main__":
    main()
