"""Answers on the labelled set: refusals (and the ``refuse_below`` / ``answerability_uncovered`` sweeps),
how sure answers are (``answer.confidence``), and which sentences extractive answers choose.

``refusal_outcomes`` is also what RealTime QA's refusal section (``realtimeqa_refusals.py``) asks
our labelled set, so the two report the same figures alike.
"""

from __future__ import annotations

import statistics
from collections import Counter

from bench import report
from bench.datasets.labelled import Question, norm, read_jsonl
from bench.variants import mark, tuned


def extractive_section(settings: object, misses: bool) -> str:
    """How often an extractive answer's chosen sentences hold the labelled answer, per scorer."""
    from rag.schema import AnswerMode
    from rag.tuning import SentenceScoring, Tuning

    default = Tuning()
    rows_in = read_jsonl("questions.jsonl")
    rows, missed = [], []
    for scoring in (SentenceScoring.LEXICAL, SentenceScoring.EMBEDDING):
        index = tuned(settings, sentence_scoring=scoring)
        extractive = holds = sentences = 0
        for row in rows_in:
            answer = index.ask(row["question"])  # type: ignore[attr-defined]
            if answer.mode is not AnswerMode.EXTRACTIVE:
                continue
            extractive += 1
            sentences += len(answer.sentences)
            ok = norm(row["answer_contains"]) in norm(" ".join(s.text for s in answer.sentences))
            holds += ok
            if not ok and scoring is default.sentence_scoring:
                missed.append(f"- {row['question']} (wanted: {row['answer_contains']!r})")
        rows.append([scoring.value + (" (default)" if scoring is default.sentence_scoring else ""), extractive,
                     f"{holds / max(extractive, 1):.3f} ({holds})", f"{sentences / max(extractive, 1):.2f}"])
    text = (
        "Every labelled question `index.ask` answers extractively; an answer counts when its chosen "
        "sentences (`Answer.sentences`) hold the label's `answer_contains` (whitespace collapsed, case "
        "folded). `lexical` scores a sentence by its paragraph's dense similarity plus its word overlap "
        "with the question (no encoding at question time); `embedding` encodes up to "
        f"`Tuning.max_sentences_embedded` ({default.max_sentences_embedded}) candidate sentences per question "
        "and uses their own cosine instead.\n\n"
        + report.table(["Tuning.sentence_scoring", "extractive answers", "hold the labelled answer",
                        "sentences per answer"], rows)
    )
    if misses and missed:
        text += "\n\nExtractive answers without the labelled answer:\n\n" + "\n".join(missed)
    return text


def refusal_outcomes(index: object, asked: list[Question], unanswerable: list[dict]) -> dict[str, object]:
    from rag.schema import AnswerMode

    refused_bad, states_bad = [], []
    for row in unanswerable:
        answer = index.ask(row["question"])  # type: ignore[attr-defined]
        refused_bad.append(answer.mode is AnswerMode.NONE)
        states_bad.append(answer.confidence.value)
    refused_good, cited_gold, states_good = [], [], []
    for q in asked:
        answer = index.ask(q.question)  # type: ignore[attr-defined]
        refused_good.append(answer.mode is AnswerMode.NONE)
        cited_gold.append(any(c.paragraph_id in q.gold for c in answer.citations))
        states_good.append(answer.confidence.value)
    return {"refused_bad": refused_bad, "refused_good": refused_good, "cited_gold": cited_gold,
            "states_bad": Counter(states_bad), "states_good": Counter(states_good)}


def _three_states(bad: Counter, good: Counter, n_bad: int, n_good: int) -> str:
    """The issue-21 line: how sure the answers are (``answer.confidence``), with its two goals."""
    ok_bad, ok_good = bad["answered"] == 0, good["refused"] == 0
    return (f"How sure (`answer.confidence`): unanswerable {n_bad}: refused {bad['refused']}, tentative "
            f"{bad['tentative']}, answered {bad['answered']} (goal: all refused or tentative: "
            f"{'met' if ok_bad else 'NOT met'}); answerable {n_good}: answered {good['answered']}, tentative "
            f"{good['tentative']}, refused {good['refused']} (goal: none refused: {'met' if ok_good else 'NOT met'}).")


def refusal_section(settings: object, asked: list[Question], thresholds: list[float], misses: bool) -> str:
    from rag.schema import Filters
    from rag.tuning import Tuning

    default = Tuning()
    index = tuned(settings)
    unanswerable = read_jsonl("unanswerable.jsonl")
    outcome = refusal_outcomes(index, asked, unanswerable)
    n_bad, n_good = len(unanswerable), len(asked)
    accuracy = sum(outcome["refused_bad"]) / n_bad
    false_refusal = sum(outcome["refused_good"]) / n_good
    cited = sum(outcome["cited_gold"]) / n_good
    whys = Counter(row["why"] for row in unanswerable)
    why_rows = [[why, n, sum(1 for row, r in zip(unanswerable, outcome["refused_bad"], strict=True)
                             if r and row["why"] == why)] for why, n in sorted(whys.items())]
    kinds = sorted({q.kind for q in asked})
    kind_rows = [[k, sum(q.kind == k for q in asked),
                  sum(r for q, r in zip(asked, outcome["refused_good"], strict=True) if q.kind == k),
                  sum(c for q, c in zip(asked, outcome["cited_gold"], strict=True) if q.kind == k)] for k in kinds]

    answerer = index.answerer  # type: ignore[attr-defined]

    def dense_top(q: str) -> float:
        return answerer.retriever.retrieve(q, 5, Filters(), answerer.snapshot().keywords).dense_top

    tops_bad = [dense_top(row["question"]) for row in unanswerable]
    tops_good = [dense_top(q.question) for q in asked]

    def spread(values: list[float]) -> str:
        qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
        return f"min {min(values):.2f}, quartiles {qs[0]:.2f} / {qs[1]:.2f} / {qs[2]:.2f}, max {max(values):.2f}"

    def sweep(name: str, values: list[float]) -> list[list[object]]:
        rows = []
        for t in values:
            o = refusal_outcomes(tuned(settings, **{name: t}), asked, unanswerable)
            acc, fr = sum(o["refused_bad"]) / n_bad, sum(o["refused_good"]) / n_good
            rows.append([mark(t, getattr(default, name)),
                         f"{acc:.3f} ({sum(o['refused_bad'])}/{n_bad})",
                         f"{fr:.3f} ({sum(o['refused_good'])}/{n_good})",
                         f"{(acc + 1 - fr) / 2:.3f}", f"{sum(o['cited_gold']) / n_good:.3f}"])
        return rows

    sweep_rows = sweep("refuse_below", thresholds)
    uncovered_rows = sweep("answerability_uncovered", [0.0, 0.1, 0.15, 0.2, 0.3, 0.5])
    sweep_header = ["threshold", "refusal accuracy", "false refusals", "balanced accuracy", "cites labelled paragraph"]

    text = (
        f"`index.ask(q)` (default fusion, no LLM) on {n_bad} unanswerable and {n_good} answerable questions. "
        f"Refusal accuracy (unanswerable answered with mode NONE): **{accuracy:.3f}** "
        f"({sum(outcome['refused_bad'])}/{n_bad}); false refusals (answerable answered NONE): "
        f"**{false_refusal:.3f}** ({sum(outcome['refused_good'])}/{n_good}); answers citing the labelled "
        f"paragraph: {cited:.3f}. `Tuning()` defaults: refuse_below = {default.refuse_below}, answer_above = {default.answer_above}, "
        f"answerability_uncovered = {default.answerability_uncovered}.\n\n"
        + _three_states(outcome["states_bad"], outcome["states_good"], n_bad, n_good) + "\n\n"
        + report.table(["unanswerable because", "questions", "refused"], why_rows) + "\n\n"
        + report.table(["answerable kind", "questions", "refused", "cites labelled paragraph"], kind_rows)
        + "\n\nBest dense cosine (`Retrieval.dense_top`) of the whole question: unanswerable "
        f"{spread(tops_bad)}; answerable {spread(tops_good)}.\n\n"
        f"#### `Tuning.refuse_below` sweep (default {default.refuse_below})\n\n"
        + report.table(sweep_header, sweep_rows)
        + "\n\n#### `Tuning.answerability_uncovered` sweep (the weight of the share of the question's "
        "words no hit holds in the answerability; 0 = not counted; default "
        f"{default.answerability_uncovered})\n\n"
        + report.table(sweep_header, uncovered_rows)
    )
    if misses:
        lines = ["Unanswerable questions answered anyway:", ""]
        lines += [f"- ({row['why']}) {row['question']} [dense_top {t:.2f}]"
                  for row, r, t in zip(unanswerable, outcome["refused_bad"], tops_bad, strict=True) if not r]
        lines += ["", "Answerable questions refused:", ""]
        lines += [f"- ({q.kind}) {q.question} [dense_top {t:.2f}]"
                  for q, r, t in zip(asked, outcome["refused_good"], tops_good, strict=True) if r]
        text += "\n\n" + "\n".join(lines)
    return text
