"""One entry point for the benchmarks, so a newcomer need not know which script measures what.

    python -m bench                      # list them: the goal each measures, how long it takes here
    python -m bench eval [--write]       # run one; its arguments pass through (NAME --help for them)
    python -m bench report               # rebuild RESULTS.md from bench/history/runs/
    python -m bench record ...           # record a figure measured by hand (python -m bench record --help)

The scripts stay runnable by path (``python bench/eval.py``), as the docs and tests run them.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import records  # noqa: E402
from bench.manual import record_main  # noqa: E402

BENCH = Path(__file__).resolve().parent

# name -> (what it measures, how long it takes on the shared 2-core machine); quick ones first.
BENCHMARKS = {
    "eval": ("retrieval, attribution and refusals on the labelled demo set (bench/labels)", "2-5 min"),
    "attribution": ("PolNeAR dev, acceptance scorer: direct-quote and all-attribution recall, speakers (issue 20)",
                    "1-2 min; --ingest-cost 300: 12 min"),
    "polnear": ("PolNeAR dev by kind, outlet and miss pattern (issue 9's scorer)", "about 1 min"),
    "query": ("search/ask latency against the floor at 1k/10k/100k paragraphs", "2 min at --sizes 1000; 20+ min at 100k"),
    "whosaid": ("who-said-what questions built from PolNeAR's attributions: answered / tentative / refused "
                "(issue 21)", "1 min on dev; 5 min on train the first time"),
    "judge_cost": ("what a cross-encoder judge adds per question (issue 21)", "1 min"),
    "ingest": ("ingest rate vs the bare encoder, re-ingest speed-up, peak RSS", "10-15 min at 300 articles; hours at 10k"),
    "live": ("the first question after another process's ingest (issue 19)", "5-20 min"),
    "realtimeqa": ("retrieval and refusals on RealTime QA 2022-2023 quizzes", "about 10 min with stores cached"),
    "confidence": ("answer/tentative/refuse thresholds fitted on RealTime QA 2022, 2023 reported (issue 21)",
                   "about 4 min with stores cached"),
    "encoder": ("torch vs ONNX encoders: speed, cosine, recall, cold open (issue 12)", "10-30 min"),
    "load": ("32 chat sessions in the real app during an ingest (issue 12)", "2 min at --sessions 4; 15 min at 32"),
    "firstanswer": ("time to the first answer in a fresh chat", "1-2 min"),
    "train_cues": ("trains ingest/quotes/cue_model.json on PolNeAR train; its dev figures", "5-10 min"),
}
QUICK = ("eval", "query --sizes 1000")  # `make bench`: a few minutes on this machine


def listing() -> str:
    """``python -m bench`` with no arguments: one line per benchmark."""
    width = max(map(len, BENCHMARKS))
    lines = ["python -m bench NAME [--write] [args...]  (NAME --help for its arguments)", ""]
    lines += [f"  {name:<{width}}  {what} [{took}]" for name, (what, took) in BENCHMARKS.items()]
    lines += ["", f"  {'report':<{width}}  rebuild bench/RESULTS.md from bench/history/runs/",
              f"  {'record':<{width}}  record a figure measured by hand (a run outside these scripts)",
              "", f"make bench runs the quick set: {'; '.join(QUICK)}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help", "list"):
        print(listing())
        return
    name, rest = args[0], args[1:]
    if name == "report":
        print(f"wrote {records.write_results()}")
        return
    if name == "record":
        record_main(rest)
        return
    if name not in BENCHMARKS:
        raise SystemExit(f"no benchmark {name!r}; `python -m bench` lists them")
    script = BENCH / f"{name}.py"
    sys.argv = [str(script), *rest]  # the script parses its own arguments and names itself in its record
    runpy.run_path(str(script), run_name="__main__")


if __name__ == "__main__":
    main()
