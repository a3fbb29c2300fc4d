"""RealTime QA: refusals and answers (each question asked once, as of its quiz date), the goals' verdicts, the sweep of refusal thresholds, and the misses listed by ``--misses``."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench import report
from bench.datasets.labelled import answerable_questions, demo_settings, read_jsonl
from bench.datasets.realtimeqa import (
    FIGURE_YEAR,
    GOAL_FALSE_REFUSALS,
    GOAL_HOLDS,
    GOAL_REFUSED,
    MAX_SENTENCES,
    Corpus,
    QuizQuestion,
    contains_answer,
)
from bench.datasets.vector_cache import memoised_encoder
from bench.eval_answers import refusal_outcomes
from bench.eval_retrieval import GOAL_HYBRID_GAIN, retrieval_scores
from bench.realtimeqa_retrieval import _pts
from bench.variants import mark, tuned

# --- refusals and answers ------------------------------------------------------------------------------


def answer_words(answer: object) -> str:
    """What the answer itself says: its sentences, or its speakers and their statements (not the
    cited paragraphs, which would hold the passage whether or not the answer does)."""
    parts = [s.text for s in answer.sentences]  # type: ignore[attr-defined]
    for group in answer.speakers:  # type: ignore[attr-defined]
        parts.append(group.speaker)
        parts += [s.text for s in group.statements]
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Asked:
    question: QuizQuestion
    answerable: bool
    mode: str
    reason: str  # the refusal reason, "" when answered
    missing: tuple[str, ...]
    holds: bool  # the answer text holds the correct choice
    sentences: int
    dense_top: float


def ask_all(corpus: Corpus, questions: Sequence[QuizQuestion], answerable: set[str], dense_top: bool = True,
            as_of: bool = True, **changes: object) -> list[Asked]:
    """``index.ask`` every question (``Tuning`` fields as the defaults with ``changes``), as of its
    quiz's date with ``as_of``."""
    from rag.schema import AnswerMode, Filters

    index = tuned(corpus.settings, **changes)
    answerer = index.answerer  # type: ignore[attr-defined]
    results = []
    for q in questions:
        until = q.date if as_of else None
        answer = index.ask(q.question, until=until)  # type: ignore[attr-defined]
        refused = answer.mode is AnswerMode.NONE
        top = answerer.retriever.retrieve(q.question, 5, Filters(until=until), answerer.snapshot().keywords).dense_top \
            if dense_top else float("nan")
        results.append(Asked(
            q, q.qid in answerable, answer.mode.value, answer.refusal.reason.value if refused else "",
            tuple(answer.refusal.missing_terms) if refused else (), (not refused) and contains_answer(
                q.correct, answer_words(answer)), len(answer.sentences), top))
    return results


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    qs = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return f"min {min(values):.2f}, quartiles {qs[0]:.2f} / {qs[1]:.2f} / {qs[2]:.2f}, max {max(values):.2f}"


def refusal_rows(label: str, asked: Sequence[Asked]) -> list[list[object]]:
    good = [a for a in asked if a.answerable]
    bad = [a for a in asked if not a.answerable]
    answered = [a for a in good if not a.reason]
    extractive = [a for a in answered if a.mode == "extractive"]
    bad_answered = [a for a in bad if not a.reason]
    return [[
        label, len(bad), _rate(sum(bool(a.reason) for a in bad), len(bad)),
        _rate(sum(a.holds for a in bad_answered), len(bad_answered)),
        len(good), _rate(sum(bool(a.reason) for a in good), len(good)),
        _rate(sum(a.holds for a in answered), len(answered)),
        f"{statistics.mean(a.sentences for a in extractive):.2f} / {max(a.sentences for a in extractive)}"
        if extractive else "-",
    ]]


def refusal_goals(asked: Sequence[Asked]) -> str:
    good = [a for a in asked if a.answerable]
    bad = [a for a in asked if not a.answerable]
    answered = [a for a in good if not a.reason]
    refused = sum(bool(a.reason) for a in bad) / max(len(bad), 1)
    false = sum(bool(a.reason) for a in good) / max(len(good), 1)
    holds = sum(a.holds for a in answered) / max(len(answered), 1)
    longest = max((a.sentences for a in answered if a.mode == "extractive"), default=0)

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return (f"Goals ({FIGURE_YEAR}): unanswerable refused {100 * refused:.1f}% (>= {100 * GOAL_REFUSED:.0f}%: "
            f"{verdict(refused >= GOAL_REFUSED)}); answerable refused {100 * false:.1f}% "
            f"(<= {100 * GOAL_FALSE_REFUSALS:.0f}%: {verdict(false <= GOAL_FALSE_REFUSALS)}); answered holding the "
            f"correct choice {100 * holds:.1f}% (>= {100 * GOAL_HOLDS:.0f}%: {verdict(holds >= GOAL_HOLDS)}); "
            f"longest extractive answer {longest} sentences (<= {MAX_SENTENCES}: {verdict(longest <= MAX_SENTENCES)}).")


def labelled_figures() -> tuple[list[list[object]], str]:
    """Our labelled set (bench/labels) measured the way ``bench/eval.py`` does: the refusal row
    (unanswerable refused, false refusals) and the line comparing the default with dense only."""
    from rag import NewsIndex
    from rag.tuning import Fusion

    settings, _ = demo_settings(False)
    index = NewsIndex.open(settings, make_encoder=memoised_encoder)
    asked, _ = answerable_questions(list(index.store.iter_paragraphs()))
    unanswerable = read_jsonl("unanswerable.jsonl")
    o = refusal_outcomes(tuned(settings), asked, unanswerable)
    row = ["our labelled set (`bench/labels`)", len(unanswerable), _rate(sum(o["refused_bad"]), len(unanswerable)),
           "-", len(asked), _rate(sum(o["refused_good"]), len(asked)), "-", "-"]
    r5 = {}
    for label, changes in (("dense", {"fusion": Fusion.DENSE, "prefer_quoted": False}),
                           ("dense + quoted speakers", {"fusion": Fusion.DENSE}), ("default", {})):
        r5[label] = retrieval_scores(tuned(settings, **changes), asked)["all"][1]
    gain = r5["default"] - r5["dense"]
    line = (f"Our labelled set ({len(asked)} questions, `bench/eval.py`'s rule): default recall@5 {r5['default']:.3f}, "
            f"dense only {r5['dense']:.3f} ({_pts(gain)} points; goal >= +{100 * GOAL_HYBRID_GAIN:.0f}: "
            f"{'met' if gain >= GOAL_HYBRID_GAIN else 'NOT met'}), dense + quoted speakers "
            f"{r5['dense + quoted speakers']:.3f}.")
    return [row], line


def refusal_sweep(corpus: Corpus, questions: Sequence[QuizQuestion], answerable: set[str], as_of: bool = True) -> str:
    """How the refusal knobs trade refused unanswerable questions against false refusals."""
    from rag.tuning import Tuning

    default = Tuning()
    rows = []
    for name, values in (("refuse_below", (0.45, 0.48, 0.5, 0.52, 0.55)),
                         ("answerability_coverage", (0.3, 0.4, 0.5, 0.6)),
                         ("answerability_uncovered", (0.0, 0.1, 0.2, 0.3))):
        for value in values:
            asked = ask_all(corpus, questions, answerable, dense_top=False, as_of=as_of, **{name: value})
            good = [a for a in asked if a.answerable]
            bad = [a for a in asked if not a.answerable]
            answered = [a for a in good if not a.reason]
            rows.append([f"`{name}` = {mark(value, getattr(default, name))}",
                         _rate(sum(bool(a.reason) for a in bad), len(bad)),
                         _rate(sum(bool(a.reason) for a in good), len(good)),
                         _rate(sum(a.holds for a in answered), len(answered))])
    return report.table(["Tuning field", "unanswerable refused", "answerable refused", "answered holding the choice"],
                        rows)


def refusal_misses(asked_by_year: dict[str, list[Asked]], n: int) -> list[str]:
    lines = []
    for year, asked in asked_by_year.items():
        false = [a for a in asked if a.answerable and a.reason]
        lines += [f"False refusals, {year} ({len(false)}; first {n}):", ""]
        lines += [f"- {a.reason}{' ' + repr(list(a.missing)) if a.missing else ''} [dense_top {a.dense_top:.2f}]: "
                  f"{a.question.question} -- passage: {_clip(a.question.passage)}" for a in false[:n]]
        wrong = [a for a in asked if a.answerable and not a.reason and not a.holds]
        lines += ["", f"Answered without the correct choice, {year} ({len(wrong)}; first {n}):", ""]
        lines += [f"- ({a.mode}) {a.question.question} [answer {a.question.correct!r}]" for a in wrong[:n]]
        kept = [a for a in asked if not a.answerable and not a.reason]
        lines += ["", f"Unanswerable but answered, {year} ({len(kept)}; first {n}):", ""]
        lines += [f"- ({a.mode}{', holds the choice' if a.holds else ''}) [dense_top {a.dense_top:.2f}] "
                  f"{a.question.question}" for a in kept[:n]]
        lines.append("")
    return lines


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
