"""What each benchmark files under its goals with --write, on small made-up measurements.

The mapping from a run's measurements to goal figures is what RESULTS.md shows; these check it
without running the benchmarks (minutes to hours each) and that every id is a known goal.
"""

from __future__ import annotations

import math

from bench_helpers import load_harness

from bench import realtimeqa_goals
from bench.goals import GOALS
from bench.polnear_match import Score
from bench.records import Figure

KNOWN = {g.id for g in GOALS}


def test_polnear_files_issue_9s_three_goals() -> None:
    polnear = load_harness("polnear")

    figures = polnear.goal_figures(Score(100, 80, 72, 76), Score(400, 200, 160, 184), 90, 100, "14")

    assert set(figures) == {"polnear-quote-marks-f1", "polnear-all-f1", "polnear-speaker-accuracy"} <= KNOWN
    assert figures["polnear-quote-marks-f1"].met is False  # F1 0.82 < 0.90
    assert figures["polnear-all-f1"].value == round(2 * 0.92 * 0.4 / 1.32, 3) and figures["polnear-all-f1"].met is False
    assert figures["polnear-speaker-accuracy"].value == 0.9 and "v14" in figures["polnear-speaker-accuracy"].text


REPORT = """\
### Retrieval, 2023 (the figure; 300 questions)

#### 2023, small corpus: the passages of the year's counted questions (300 passages, 900 paragraphs)

| table |

Default `Tuning()` minus dense only: recall@5 +0.7 points, MRR@10 +3.3 points (goal >= +3 each: recall@5 NOT met, MRR met). Against ...

#### 2023, large corpus: every 2022-2023 passage (1940 passages, 6000 paragraphs)

Default `Tuning()` minus dense only: recall@5 +2.7 points, MRR@10 +8.1 points (goal >= +3 each: recall@5 NOT met, MRR met). Against ...

### Refusals

Goals (2023): unanswerable refused 70.1% (>= 80%: NOT met); answerable refused 10.7% (<= 5%: NOT met); answered holding the correct choice 90.5% (>= 90%: met); longest extractive answer 3 sentences (<= 3: met).
"""


def test_realtimeqa_reads_its_goals_from_the_report_lines() -> None:
    figures = realtimeqa_goals.goal_figures(REPORT)

    assert set(figures) == {"rtqa-recall-vs-dense", "rtqa-refusals"} <= KNOWN
    recall = figures["rtqa-recall-vs-dense"]
    assert "small corpus +0.7 / +3.3" in recall.text and "large corpus +2.7 / +8.1" in recall.text
    assert recall.met is None and recall.status == "MRR met on 2 of 2, recall@5 on 0 of 2"
    refusals = figures["rtqa-refusals"]
    assert refusals.met is None and "holding met" in refusals.status and "70.1%" in refusals.text
    assert realtimeqa_goals.goal_figures("no figure year here") == {}


def test_confidence_files_both_issue_21_goals_from_the_scores() -> None:
    confidence = load_harness("confidence")
    scored = ([confidence.Scored(True, False, 0.9, True)] * 18 + [confidence.Scored(True, False, 0.2, False)] * 2
              + [confidence.Scored(False, False, 0.8, False)] * 2 + [confidence.Scored(False, False, 0.1, False)] * 8)

    figures = confidence.goal_figures(scored, refuse_below=0.3, answer_above=0.7)

    assert set(figures) == {"answers-rtqa-answerable", "answers-rtqa-unanswerable"} <= KNOWN
    good, bad = figures["answers-rtqa-answerable"], figures["answers-rtqa-unanswerable"]
    assert good.value == 0.1 and good.met is None  # 2 of 20 refused (> 5%); all 18 shown hold the choice
    assert good.status == "refused not met; holding met"
    assert bad.value == 0.2 and bad.met is None and bad.status == "confidently answered not met; refused met"


def test_load_files_its_goal_only_at_32_sessions() -> None:
    load = load_harness("load")

    assert load.goal_figures(4, 1, 4, 0, 2.0, 3.0, 0) == {}
    figure = load.goal_figures(32, 3, 96, 0, 9.6, 23.4, 0)["load-32-sessions"]
    assert "load-32-sessions" in KNOWN and figure.met is True and figure.value == 0
    assert load.goal_figures(32, 3, 95, 1, 9.6, 23.4, 0)["load-32-sessions"].met is False


def test_live_files_the_half_second_goal_only_with_10k_and_100k() -> None:
    live = load_harness("live")

    small = live.goal_figures({1000: 0.04, 10_000: 0.06}, server=False, pause=0)
    full = live.goal_figures({1000: 0.04, 10_000: 0.06, 100_000: 0.31}, server=True, pause=2)

    assert set(small) == {"query-first-question-flat"} and small["query-first-question-flat"].met is False
    assert set(full) == {"query-first-question-after-ingest", "query-first-question-flat"} <= KNOWN
    assert full["query-first-question-after-ingest"].value == 0.31 and full["query-first-question-after-ingest"].met
    assert full["query-first-question-flat"].text.startswith("`chroma run`, asked 2 s later")


def test_encoder_files_what_the_parts_it_ran_measured() -> None:
    encoder = load_harness("encoder")
    speed = {"torch (sentence-transformers, batches of 64)": 1.0, "onnx (fp32)": 3.28,
             "onnx-int8 (u8 weights, per channel, 12 MatMuls fp32)": 3.9}
    rtqa = {"2022": {"torch": (0.9, 0.992, 1.0, 0.93), "onnx": (0.9, 0.992, 1.0, 0.93),
                     "onnx-int8": (0.9, 0.986, 1.0, 0.93)},
            "2023": {"torch": (0.9, 0.986, 1.0, 0.93), "onnx": (0.9, 0.986, 1.0, 0.93),
                     "onnx-int8": (0.9, 0.986, 1.0, 0.93)}}

    assert encoder.goal_figures(None, None, None, 5) == {}
    figures = encoder.goal_figures(speed, rtqa, {"onnx store, encoder onnx": 1.72, "onnx-int8 store, encoder onnx-int8": 2.1}, 7)

    assert set(figures) == {"encoder-default", "encoder-int8-recall", "query-cold-open-10k"} <= KNOWN
    assert figures["encoder-default"].value == 3.28 and figures["encoder-default"].status == "default"
    assert math.isclose(figures["encoder-int8-recall"].value, 0.6) and figures["encoder-int8-recall"].met is True
    assert figures["query-cold-open-10k"].value == 2.1 and figures["query-cold-open-10k"].met is False


def test_judge_cost_stands_beside_the_latest_query_figure() -> None:
    judge_cost = load_harness("judge_cost")
    ask = Figure(value=32.9, text="32.9 ms", met=True)

    assert judge_cost.goal_figures(0.196, 0.211, 20, None, "") == {}
    figure = judge_cost.goal_figures(0.196, 0.211, 20, ask, "2026-12-07 15:30 UTC")["query-ask-p50-no-judge"]
    assert figure.value == 32.9 and figure.met is True
    assert "196 ms" in figure.text and "2026-12-07 15:30 UTC" in figure.text
