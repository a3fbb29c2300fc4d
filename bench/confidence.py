"""How sure an answer is: fit the two answerability thresholds on RealTime QA 2022, report 2023.

    .venv/bin/python bench/confidence.py --realtimeqa DIR [--write]
    .venv/bin/python bench/confidence.py --realtimeqa DIR --set answerability_uncovered=0.3   # a variant

Every question of each year is asked once, as of its quiz date, on the refusal corpus of
``bench/realtimeqa.py`` (the large corpus less a seeded half of its passages: a question whose
passage was left out is unanswerable), with nothing refused by the answerability score and every
score answering (``Tuning(refuse_below=-inf, answer_above=-inf)``): its score
(``Answer.answerability``) is recorded, and whether the guard (``rag.refusal.guards``: too little of
the question in the best paragraphs) held it back to tentative. The states any pair of thresholds
gives follow from those exactly as ``rag.refusal`` decides them, so one run per year measures every
pair. The thresholds are fitted to the score alone, the guard applies on top of them:

- ``refuse_below``: the highest score that refuses at most 5% of 2022's answerable questions
  (questions refused by the other rules, e.g. a name the corpus never mentions, count too);
- ``answer_above``: the lowest score that answers confidently at most 15% of 2022's unanswerable ones.

2023 is the figure; 2024 onwards is never opened. Our labelled set (``bench/labels``) is asked
with the fitted thresholds as a check. About 4 minutes with the stores cached.
"""

from __future__ import annotations

import sys
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402

from bench import report  # noqa: E402
from bench.datasets import realtimeqa as rtqa  # noqa: E402
from bench.datasets.labelled import answerable_questions, demo_settings, read_jsonl  # noqa: E402
from bench.realtimeqa import Options, prepare  # noqa: E402
from bench.realtimeqa_refusals import answer_words  # noqa: E402
from bench.variants import tuned, tuning_changes  # noqa: E402

MAX_ANSWERABLE_REFUSED = 0.05  # the bar for refuse_below, fitted on 2022
MAX_UNANSWERABLE_ANSWERED = 0.15  # the bar for answer_above, fitted on 2022
GOAL_HOLDS = 0.90  # answered or tentative answers to answerable questions holding the correct choice
GOAL_REFUSED = 0.55  # unanswerable questions refused


@dataclass(frozen=True, slots=True)
class Scored:
    """One question asked with the score deciding nothing: what the thresholds then decide."""

    answerable: bool
    refused_by_rule: bool  # refused whatever the thresholds (no such name, nothing recent, ...)
    score: float | None  # the answerability; None where it decides nothing (who said what, when)
    holds: bool  # the answer's own words hold the correct choice
    guarded: bool = False  # ``rag.refusal.guards``: never answered confidently, whatever the score
    # Where no score decides (who said what, a fresh paragraph on a question about the present):
    # the state the answer came with; a who-said-what answer may be tentative by its own rules.
    fixed: str = "answered"

    def state(self, refuse_below: float, answer_above: float) -> str:
        """As ``rag.refusal`` decides it: its own rule (``confidence_of``), not a copy of it."""
        from rag.refusal import confidence_of
        from rag.tuning import Tuning

        if self.refused_by_rule:
            return "refused"
        if self.score is None:
            return self.fixed
        return confidence_of(self.score, Tuning(refuse_below=refuse_below, answer_above=answer_above),
                             self.guarded).value


def score_all(corpus: rtqa.Corpus, questions: list[rtqa.QuizQuestion], answerable: set[str],
              changes: dict[str, object] | None = None) -> list[Scored]:
    """Each question's score with nothing decided by it; ``changes``: other ``Tuning`` fields (``--set``)."""
    from rag.schema import AnswerMode, Confidence

    # Every score answers, so an answer left tentative is one the guard holds back.
    index = tuned(corpus.settings, **(changes or {}), refuse_below=-math.inf, answer_above=-math.inf)
    out = []
    for q in questions:
        answer = index.ask(q.question, until=q.date)  # type: ignore[attr-defined]
        refused = answer.mode is AnswerMode.NONE
        out.append(Scored(q.qid in answerable, refused, answer.answerability,
                          not refused and rtqa.contains_answer(q.correct, answer_words(answer)),
                          guarded=answer.answerability is not None and answer.confidence is Confidence.TENTATIVE,
                          fixed=answer.confidence.value))
    return out


def fit(scored: list[Scored]) -> tuple[float, float]:
    """(refuse_below, answer_above) meeting the two bars on ``scored``, each as far as the bar allows."""
    good = [s for s in scored if s.answerable]
    bad = [s for s in scored if not s.answerable]
    allowed = math.floor(MAX_ANSWERABLE_REFUSED * len(good)) - sum(s.refused_by_rule for s in good)
    good_scores = sorted(s.score for s in good if not s.refused_by_rule and s.score is not None)
    # Refusing below the (allowed + 1)-th lowest score refuses exactly ``allowed`` of them.
    refuse_below = good_scores[allowed] if 0 <= allowed < len(good_scores) else -math.inf
    room = math.floor(MAX_UNANSWERABLE_ANSWERED * len(bad)) - sum(
        1 for s in bad if not s.refused_by_rule and s.score is None and s.fixed == "answered")  # whatever the score
    bad_scores = sorted((s.score for s in bad if not s.refused_by_rule and s.score is not None), reverse=True)
    # Answering at or above just over the (room + 1)-th highest score answers ``room`` of them.
    answer_above = math.nextafter(bad_scores[room], math.inf) if 0 <= room < len(bad_scores) else math.inf
    # Rounded to 3 places away from the questions they were fitted to: down for refuse_below (refusing
    # no more), up for answer_above (answering none more confidently); round() could admit one.
    down, up = math.floor(refuse_below * 1000) / 1000, math.ceil(max(answer_above, refuse_below) * 1000) / 1000
    return down, max(up, down)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part})" if whole else "-"


def rows(label: str, scored: list[Scored], refuse_below: float, answer_above: float) -> list[object]:
    good = [s for s in scored if s.answerable]
    bad = [s for s in scored if not s.answerable]
    gs = [s.state(refuse_below, answer_above) for s in good]
    bs = [s.state(refuse_below, answer_above) for s in bad]
    shown = [s for s, st in zip(good, gs, strict=True) if st != "refused"]
    return [label, len(good), _share(gs.count("answered"), len(good)), _share(gs.count("tentative"), len(good)),
            _share(gs.count("refused"), len(good)), _share(sum(s.holds for s in shown), len(shown)), len(bad),
            _share(bs.count("answered"), len(bad)), _share(bs.count("tentative"), len(bad)),
            _share(bs.count("refused"), len(bad))]


def goals(scored: list[Scored], refuse_below: float, answer_above: float) -> str:
    good = [s for s in scored if s.answerable]
    bad = [s for s in scored if not s.answerable]
    gs = [s.state(refuse_below, answer_above) for s in good]
    bs = [s.state(refuse_below, answer_above) for s in bad]
    shown = [s for s, st in zip(good, gs, strict=True) if st != "refused"]
    figures = [
        ("answerable refused", gs.count("refused") / len(good), "<=", MAX_ANSWERABLE_REFUSED),
        ("answered or tentative holding the correct choice", sum(s.holds for s in shown) / max(len(shown), 1), ">=",
         GOAL_HOLDS),
        ("unanswerable confidently answered", bs.count("answered") / len(bad), "<=", MAX_UNANSWERABLE_ANSWERED),
        ("unanswerable refused", bs.count("refused") / len(bad), ">=", GOAL_REFUSED),
    ]
    return "; ".join(f"{name} {100 * v:.1f}% ({op} {100 * bar:.0f}%: "
                     f"{'met' if (v <= bar if op == '<=' else v >= bar) else 'NOT met'})" for name, v, op, bar in figures)


def goal_figures(scored: list[Scored], refuse_below: float, answer_above: float) -> dict[str, report.Figure]:
    """Issue 21's goals on the figure year (``scored``) with the thresholds fitted on the tuning year."""
    good = [s for s in scored if s.answerable]
    bad = [s for s in scored if not s.answerable]
    gs = [s.state(refuse_below, answer_above) for s in good]
    bs = [s.state(refuse_below, answer_above) for s in bad]
    shown = [s for s, st in zip(good, gs, strict=True) if st != "refused"]
    refused = gs.count("refused") / max(len(good), 1)
    holds = sum(s.holds for s in shown) / max(len(shown), 1)
    answered = bs.count("answered") / max(len(bad), 1)
    refused_bad = bs.count("refused") / max(len(bad), 1)
    fitted = f"thresholds {refuse_below} / {answer_above} fitted on {rtqa.TUNE_YEAR}"
    ok_refused, ok_holds = refused <= MAX_ANSWERABLE_REFUSED, holds >= GOAL_HOLDS
    ok_answered, ok_refused_bad = answered <= MAX_UNANSWERABLE_ANSWERED, refused_bad >= GOAL_REFUSED

    def both(first: str, a: bool, second: str, b: bool) -> tuple[bool | None, str]:
        return (a, "") if a == b else (None, f"{first} {'met' if a else 'not met'}; {second} {'met' if b else 'not met'}")

    met_good, status_good = both("refused", ok_refused, "holding", ok_holds)
    met_bad, status_bad = both("confidently answered", ok_answered, "refused", ok_refused_bad)
    return {
        "answers-rtqa-answerable": report.Figure(
            round(refused, 3), f"refused **{100 * refused:.1f}%** of {len(good)}; shown answers holding the choice "
            f"**{100 * holds:.1f}%** ({fitted})", met_good, status_good),
        "answers-rtqa-unanswerable": report.Figure(
            round(answered, 3), f"answered confidently **{100 * answered:.1f}%** of {len(bad)}, tentative "
            f"{100 * bs.count('tentative') / max(len(bad), 1):.1f}%, refused **{100 * refused_bad:.1f}%** ({fitted})",
            met_bad, status_bad),
    }


def labelled(refuse_below: float, answer_above: float, changes: dict[str, object] | None = None) -> str:
    """Our labelled set asked with the fitted thresholds: the 20 unanswerable and 81 answerable."""
    from collections import Counter

    settings, _ = demo_settings(False)
    index = tuned(settings, **(changes or {}), refuse_below=refuse_below, answer_above=answer_above)
    asked, _ = answerable_questions(list(index.store.iter_paragraphs()))  # type: ignore[attr-defined]
    unanswerable = read_jsonl("unanswerable.jsonl")
    bad = Counter(index.ask(row["question"]).confidence.value for row in unanswerable)  # type: ignore[attr-defined]
    good = Counter(index.ask(q.question).confidence.value for q in asked)  # type: ignore[attr-defined]
    ok = bad["answered"] == 0 and good["refused"] == 0
    return (f"Our labelled set with these thresholds: unanswerable {len(unanswerable)}: refused {bad['refused']}, "
            f"tentative {bad['tentative']}, answered {bad['answered']}; answerable {len(asked)}: answered "
            f"{good['answered']}, tentative {good['tentative']}, refused {good['refused']} (goal: no unanswerable "
            f"answered, no answerable refused: {'met' if ok else 'NOT met'}).")


def section(root: Path, opts: Options, changes: dict[str, object] | None = None) -> tuple[str, dict[str, report.Figure]]:
    """The report, and the goal figures of the figure year when it was asked (``changes``: ``Tuning``
    fields other than the defaults, for a variant; its figures are then no goal's)."""
    from rag.tuning import Tuning

    start = time.perf_counter()
    prep = prepare(root, opts)
    half = prep.corpora["half"]
    scored = {year: score_all(half, prep.evaluated[year], prep.answerable(year), changes) for year in opts.years}
    refuse_below, answer_above = fit(scored[rtqa.TUNE_YEAR])
    default = replace(Tuning(), **(changes or {}))
    before = 0.5  # the single threshold (min_answerability) the two replaced: refused below, answered above
    headers = ["questions", "answerable", "answered", "tentative", "refused", "shown holding the choice",
               "unanswerable", "answered", "tentative", "refused"]
    table = []
    for year, s in scored.items():
        table.append(rows(f"{year}, fitted ({refuse_below} / {answer_above})", s, refuse_below, answer_above))
        if (default.refuse_below, default.answer_above) != (refuse_below, answer_above):
            table.append(rows(f"{year}, defaults ({default.refuse_below} / {default.answer_above})", s,
                              default.refuse_below, default.answer_above))
        table.append(rows(f"{year}, one threshold ({before}), as before", s, before, before))
    lines = [
        f"Machine: {report.machine()}; load average at the start {report.load_average()}. The refusal corpus of "
        f"`bench/realtimeqa.py` ({half.size} passages), each question asked as of its quiz date, no LLM, no judge. "
        f"Fitted on {rtqa.TUNE_YEAR}: `refuse_below` = {refuse_below} (at most {100 * MAX_ANSWERABLE_REFUSED:.0f}% of "
        f"answerable refused), `answer_above` = {answer_above} (at most {100 * MAX_UNANSWERABLE_ANSWERED:.0f}% of "
        f"unanswerable answered confidently). A shown answer (answered or tentative) holds the choice when its own "
        "words do." + (f" Variant: `Tuning` with {changes}." if changes else ""),
        report.table(headers, table),
    ]
    figures = {}
    if rtqa.FIGURE_YEAR in scored and not changes:
        figures = goal_figures(scored[rtqa.FIGURE_YEAR], refuse_below, answer_above)
        lines.append(f"Goals ({rtqa.FIGURE_YEAR}, fitted thresholds): "
                     + goals(scored[rtqa.FIGURE_YEAR], refuse_below, answer_above) + ".")
    if opts.labelled:
        lines.append(labelled(refuse_below, answer_above, changes))
    lines.append(f"Total {time.perf_counter() - start:.0f} s.")
    return "\n\n".join(lines), figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realtimeqa", type=Path, default=os.environ.get("NEWSRAG_REALTIMEQA") or None)
    parser.add_argument("--cache", type=Path, default=rtqa.CACHE)
    parser.add_argument("--no-labelled", action="store_true", help="skip our labelled set")
    parser.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE",
                        help="a Tuning field for a variant (repeatable), e.g. answerability_uncovered=0.3")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    try:
        changes = tuning_changes(args.set)
    except ValueError as exc:
        parser.error(str(exc))
    body, figures = section(rtqa.data_root(args.realtimeqa), replace(Options(), cache=args.cache,
                                                             labelled=not args.no_labelled), changes)
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section('answer confidence on RealTime QA 2022-2023', body, figures)}")


if __name__ == "__main__":
    main()
