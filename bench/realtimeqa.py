"""Retrieval, refusals and answers on real news: RealTime QA's 2022 and 2023 weekly quizzes.

    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa            # both years
    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa --year 2022 --misses 10
    .venv/bin/python bench/realtimeqa.py --realtimeqa /tmp/realtimeqa --write    # and write the run down

RealTime QA (github.com/realtimeqa/realtimeqa_public; Kasai et al., NeurIPS 2023 Datasets and
Benchmarks) publishes weekly news quizzes from CNN, The Week, USA Today and others: a question,
its choices, the correct one, and the "evidence", the quiz's own few-sentence explanation in
HTML, linking to the article behind it. It states no licence, so it is never copied into this
repository: point ``--realtimeqa`` (or ``NEWSRAG_REALTIMEQA``) at a checkout, or at an unpacked
``git archive HEAD past/2022 past/2023 backnumber/2022``.

Selection is by date, never by a glob over the repository: only the weekly files
``past/<year>/YYYYMMDD_qa.jsonl`` and ``backnumber/<year>/YYYYMMDD_qa.jsonl`` of the years 2022
and 2023 are opened (the cumulative ``YYYYMMDD-YYYYMMDD_qa.jsonl`` copies and the variants are
not), and of those only questions whose ``question_date`` lies in the year asked for. 2022 is
for tuning, 2023 is the reported figure; later years are reserved for acceptance and never read.

A question counts only when the text of its correct choice is in its evidence passage (HTML
removed, case folded, whitespace and quote marks normalised, whole words): many passages do not
hold the answer. Each passage becomes one JSON Lines article (``id``, ``title``, ``text``,
``date``, ``source``, ``url``; one file per quiz date) and goes in through ``newsrag ingest``, as a
user's files would, so loading, paragraphing and metadata are the real ones. The passages have
no headline: ``title`` is left empty and the loader's own fallback (the first sentence) applies,
unless ``--titles url`` makes one from the linked article's URL slug (an experiment). Stores are
cached in ``bench/out/realtimeqa/`` and re-ingested every run (unchanged paragraphs cost nothing).

Measured, per year:

- retrieval recall@1/5/10 and MRR@10 of ``search(q, k=10)`` for every ``Tuning.fusion`` (each
  with every other knob at its default; the default's row is marked), on the *small* corpus
  (the passages of the year's counted questions) and the *large* one (every 2022-2023 passage,
  counted or not); a hit is the question's passage or a near-duplicate of it (same URL, same
  title, or the same text once normalised). Per question type (who / what / when / how many /
  other, from the wh-word of the sentence that asks). 2022 also gets a ``Tuning.dense_weight``
  sweep.
- refusals on one corpus for both years: every 2022-2023 passage, less a seeded random half of
  the near-duplicate groups. Questions whose passage was left out are unanswerable; the rest are
  answerable. ``index.ask(q)`` (no LLM): refusal rate on the unanswerable, false refusals on the
  answerable, and whether each answered question's answer text holds the correct choice, with
  the number of sentences. Our own labelled set (``bench/labels``) is measured beside it.

``realtimeqa_section(path)`` returns the same report for ``bench/eval.py --realtimeqa``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/realtimeqa.py`, this file's folder (which has ingest.py) would shadow `ingest`.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from bench import report  # noqa: E402
from bench.datasets.realtimeqa import (  # noqa: E402
    CACHE,
    FIGURE_YEAR,
    ROOT,
    SEED,
    TUNE_YEAR,
    TYPES,
    YEARS,
    Corpus,
    QuizQuestion,
    _qid_key,
    article_record,
    build_corpus,
    data_root,
    load_questions,
    near_duplicate_groups,
    passage_id,
    write_articles,
)
from bench.realtimeqa_goals import goal_figures  # noqa: E402
from bench.realtimeqa_refusals import (  # noqa: E402
    Asked,
    _clip,
    _spread,
    ask_all,
    labelled_figures,
    refusal_goals,
    refusal_misses,
    refusal_rows,
    refusal_sweep,
)
from bench.realtimeqa_retrieval import (  # noqa: E402
    by_type_table,
    gold_paragraphs,
    retrieval_report,
    weight_sweep,
)
from bench.variants import floats  # noqa: E402

# --- the report ---------------------------------------------------------------------------------------


@dataclass
class Options:
    years: tuple[str, ...] = YEARS
    limit: int = 0  # questions per year (0: all); for quick runs and the tests
    max_distractors: int = -1  # passages beyond the evaluated ones in the large corpus (-1: all)
    titles: str = "none"
    weights: tuple[float, ...] = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
    misses: int = 0
    refusal_sweep: bool = False
    labelled: bool = True
    as_of: bool = True  # each question asked as of its quiz's date (until); False: the whole corpus
    cache: Path = CACHE


@dataclass
class Prepared:
    """The questions evaluated per year and the stores built for them (cached under ``opts.cache``)."""

    every: list[QuizQuestion]
    with_passage: list[QuizQuestion]
    evaluated: dict[str, list[QuizQuestion]]
    corpora: dict[str, Corpus]  # per year (small), "large", and "half" (the refusal corpus)
    ids: dict[str, str]  # passage id -> article id
    groups: dict[str, str]  # article id -> its near-duplicate group
    left_out: set[str]  # passage ids the refusal corpus leaves out: their questions are unanswerable
    large_records: list[dict]
    timings: list[tuple[str, float]]

    def answerable(self, year: str) -> set[str]:
        """The qids of ``year`` whose passage the refusal corpus holds."""
        return {q.qid for q in self.evaluated[year] if passage_id(q) not in self.left_out}


def prepare(root: Path, opts: Options) -> Prepared:
    """Read the questions, build (or reuse) the small, large and refusal corpora."""
    from ingest.loaders import load_file
    from rag.schema import article_id_for

    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()
    every = load_questions(root, YEARS)  # the large corpus is every 2022-2023 passage
    timings.append(("read and clean the questions", time.perf_counter() - clock))
    with_passage = [q for q in every if q.passage]
    evaluated: dict[str, list[QuizQuestion]] = {}
    for year in opts.years:
        counted = [q for q in with_passage if q.year == year and q.counted]
        evaluated[year] = counted[: opts.limit] if opts.limit else counted
    chosen = {q.qid for qs in evaluated.values() for q in qs}
    others = [q for q in with_passage if q.qid not in chosen]
    if opts.max_distractors >= 0:
        others = sorted(random.Random(SEED).sample(others, min(opts.max_distractors, len(others))),
                        key=lambda q: (q.date, _qid_key(q.qid)))
    large_questions = sorted([q for qs in evaluated.values() for q in qs] + others,
                             key=lambda q: (q.date, _qid_key(q.qid)))
    tag = f"-limit{opts.limit}-d{opts.max_distractors}" if opts.limit or opts.max_distractors >= 0 else ""
    tag += "-urltitles" if opts.titles == "url" else ""
    opts.cache.mkdir(parents=True, exist_ok=True)

    # Titles and ids exactly as the loader makes them: write the large corpus once and read it back.
    large_records = [article_record(q, opts.titles) for q in large_questions]
    probe = opts.cache / f"loaded{tag}"
    write_articles(large_records, probe)
    loaded = [a for path in sorted(probe.glob("*.jsonl")) for a in load_file(path, max_bytes=50_000_000)]
    shutil.rmtree(probe, ignore_errors=True)
    ids = {r["id"]: article_id_for(explicit=r["id"]) for r in large_records}
    if set(ids.values()) != {a.article_id for a in loaded}:
        raise SystemExit("the loader did not read back the passages written (ids differ); see ingest/loaders.py")
    groups = near_duplicate_groups(loaded)

    corpora: dict[str, Corpus] = {}
    for year in opts.years:
        records = [article_record(q, opts.titles) for q in evaluated[year]]
        corpora[year] = build_corpus(f"{year}-small{tag}", records, opts.cache)
        timings.append((f"ingest the {year} small corpus ({len(records)} passages)", corpora[year].ingest_s))
    corpora["large"] = build_corpus(f"large{tag}", large_records, opts.cache)
    timings.append((f"ingest the large corpus ({len(large_records)} passages)", corpora["large"].ingest_s))

    # The refusal corpus: every passage of the large one, less a seeded random half of the groups.
    by_group: dict[str, list[str]] = defaultdict(list)
    for record in large_records:
        by_group[groups[ids[record["id"]]]].append(record["id"])
    order = sorted(by_group)
    random.Random(SEED).shuffle(order)
    left_out = {pid for g in order[: len(order) // 2] for pid in by_group[g]}
    half_records = [r for r in large_records if r["id"] not in left_out]
    corpora["half"] = build_corpus(f"half{tag}", half_records, opts.cache)
    timings.append((f"ingest the refusal corpus ({len(half_records)} passages)", corpora["half"].ingest_s))
    return Prepared(every, with_passage, evaluated, corpora, ids, groups, left_out, large_records, timings)


def evaluate(root: Path, opts: Options) -> str:
    """Everything, as markdown."""
    prep = prepare(root, opts)
    every, with_passage, evaluated, corpora = prep.every, prep.with_passage, prep.evaluated, prep.corpora
    ids, groups, left_out, large_records, timings = prep.ids, prep.groups, prep.left_out, prep.large_records, prep.timings
    missing = [(c.name, r["id"]) for c in corpora.values() for r in c.records if ids[r["id"]] not in c.paragraphs]
    parts = [intro(every, with_passage, evaluated, corpora, groups, opts)]
    if missing:
        parts.append(f"**{len(missing)} passages were not stored** (e.g. {missing[:3]}); figures below miss them.")

    miss_lines: list[str] = []
    for year in opts.years:
        questions = evaluated[year]
        role = "the figure" if year == FIGURE_YEAR else "for tuning" if year == TUNE_YEAR else ""
        parts.append(f"### Retrieval, {year} ({role}; {len(questions)} questions)")
        for key, what in (("small", "small corpus: the passages of the year's counted questions"),
                          ("large", "large corpus: every 2022-2023 passage")):
            corpus = corpora[year if key == "small" else key]
            gold = gold_paragraphs(questions, corpus, ids, groups)
            clock = time.perf_counter()
            text, ranks, _ = retrieval_report(corpus, questions, gold, opts.as_of)
            timings.append((f"retrieval, {year}, {key} corpus ({len(ranks)} variants x {len(questions)} questions)",
                            time.perf_counter() - clock))
            parts.append(f"#### {year}, {what} ({corpus.size} passages, {sum(map(len, corpus.paragraphs.values()))} "
                         f"paragraphs)\n\n{text}\n\nBy question type:\n\n{by_type_table(questions, ranks)}")
            if year == TUNE_YEAR and opts.weights:
                clock = time.perf_counter()
                parts.append(f"`Tuning.dense_weight` sweep, {year}, {key} corpus (weighted fusion, other fields default):\n\n"
                             + weight_sweep(corpus, questions, gold, opts.weights, opts.as_of))
                timings.append((f"dense_weight sweep, {year}, {key} corpus", time.perf_counter() - clock))
            if opts.misses and key == "large":
                default_label = next(label for label in ranks if "the default" in label)
                dense_label = next(label for label in ranks if label.startswith("dense"))
                lost = [(q, ranks[default_label][i], ranks[dense_label][i]) for i, q in enumerate(questions)
                        if not ranks[default_label][i] or ranks[default_label][i] > 5]
                miss_lines += [f"Retrieval, {year} large corpus: {len(lost)} questions outside the default's top 5 "
                               f"(first {opts.misses}; rank default / dense):", ""]
                miss_lines += [f"- {r or '>10'} / {d or '>10'}: {q.question} [answer {q.correct!r}] -- passage: "
                               f"{_clip(q.passage)}" for q, r, d in lost[: opts.misses]]
                miss_lines.append("")

    clock = time.perf_counter()
    half = corpora["half"]
    asked_by_year = {year: ask_all(half, evaluated[year], {q.qid for q in evaluated[year] if passage_id(q) not in left_out},
                                   as_of=opts.as_of) for year in opts.years}
    timings.append((f"ask, refusal corpus ({sum(map(len, asked_by_year.values()))} questions)",
                    time.perf_counter() - clock))
    parts.append(refusal_part(asked_by_year, half, len(large_records), opts))
    if opts.refusal_sweep and TUNE_YEAR in opts.years:
        clock = time.perf_counter()
        answerable = {q.qid for q in evaluated[TUNE_YEAR] if passage_id(q) not in left_out}
        parts.append(f"Refusal knobs on {TUNE_YEAR} (the refusal corpus; one field changed at a time):\n\n"
                     + refusal_sweep(half, evaluated[TUNE_YEAR], answerable, opts.as_of))
        timings.append((f"refusal sweep, {TUNE_YEAR}", time.perf_counter() - clock))
    if opts.misses:
        miss_lines += refusal_misses(asked_by_year, opts.misses)

    parts.append("### Timings\n\n" + report.table(["step", "seconds"], [[s, f"{t:.1f}"] for s, t in timings]))
    if miss_lines:
        parts.append("### Misses\n\n" + "\n".join(miss_lines).strip())
    return "\n\n".join(parts)


def intro(every: list[QuizQuestion], with_passage: list[QuizQuestion], evaluated: dict[str, list[QuizQuestion]],
          corpora: dict[str, Corpus], groups: dict[str, str], opts: Options) -> str:
    rows = []
    for year in YEARS:
        n_all = sum(q.year == year for q in every)
        n_passage = sum(q.year == year for q in with_passage)
        n_counted = sum(q.year == year and q.counted for q in with_passage)
        used = len(evaluated.get(year, []))
        kinds = Counter(q.kind for q in evaluated.get(year, []))
        rows.append([year, n_all, n_passage, n_counted, used if year in evaluated else "(distractors only)",
                     ", ".join(f"{k} {kinds[k]}" for k in TYPES if kinds[k]) or "-"])
    sources = Counter(q.source for qs in evaluated.values() for q in qs)
    ingest_line = "; ".join(
        f"{c.name}: {c.summary.get('articles_added', 0)} articles added, "
        f"{c.summary.get('paragraphs_added', 0) + c.summary.get('paragraphs_updated', 0)} paragraphs embedded, "
        f"{c.ingest_s:.0f} s" for c in corpora.values())
    return (
        f"Machine: {report.machine()}; load average at the start {report.load_average()}. RealTime QA weekly "
        f"files of {', '.join(YEARS)} only (`past/<year>/YYYYMMDD_qa.jsonl`, `backnumber/<year>/...`), questions "
        "selected by `question_date`; a question counts when its correct choice is in its evidence passage "
        "(HTML removed, whole words, case and quote marks normalised).\n\n"
        + report.table(["year", "questions", "with a passage", "correct choice in passage", "evaluated",
                        "types evaluated"], rows)
        + f"\n\nEvaluated questions by quiz: {', '.join(f'{s} {n}' for s, n in sources.most_common())}. "
        f"Passages are ingested with `newsrag ingest DIR --json` as JSON Lines articles (title "
        f"{'from the URL slug' if opts.titles == 'url' else 'empty: the loader uses the first sentence'}; date "
        "of the linked article when its URL has one, else the quiz's); near-duplicate groups (same URL, title or "
        f"normalised text): {len(set(groups.values()))} for {len(groups)} passages. Stores in "
        f"`{_shown(opts.cache)}`: {ingest_line}."
        + (f" Limited run: {opts.limit} questions per year, {opts.max_distractors} distractors."
           if opts.limit or opts.max_distractors >= 0 else "")
    )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def refusal_part(asked_by_year: dict[str, list[Asked]], half: Corpus, total: int, opts: Options) -> str:
    rows = []
    for year, asked in asked_by_year.items():
        rows += refusal_rows(f"RealTime QA {year}" + (" (the figure)" if year == FIGURE_YEAR else ""), asked)
    labelled_line = ""
    if opts.labelled:
        labelled_rows, labelled_line = labelled_figures()
        rows += labelled_rows
    headers = ["questions", "unanswerable", "refused", "answered anyway, holding the correct choice", "answerable",
               "refused (false refusals)", "answered, holding the correct choice", "sentences (mean / max)"]
    text = (
        f"One corpus for both years: the {total} passages of the large corpus less a random half (seed {SEED}) of "
        f"their near-duplicate groups: {half.size} passages kept. A question is unanswerable when its passage was "
        "left out. `index.ask(q)` with the default `Tuning()`, no LLM; an answer holds the correct choice when its "
        "own text (sentences, or speakers and statements) does. \"Answered anyway, holding the correct choice\": "
        "another passage answered it.\n\n" + report.table(headers, rows)
    )
    if FIGURE_YEAR in asked_by_year:
        text += "\n\n" + refusal_goals(asked_by_year[FIGURE_YEAR])
    if labelled_line:
        text += "\n\n" + labelled_line
    reason_rows = []
    every = [a for asked in asked_by_year.values() for a in asked]
    reasons = sorted({a.reason for a in every if a.reason})
    for year, asked in asked_by_year.items():
        good = Counter(a.reason for a in asked if a.answerable and a.reason)
        bad = Counter(a.reason for a in asked if not a.answerable and a.reason)
        reason_rows += [[year, r, good[r], bad[r]] for r in reasons]
    modes = Counter((a.mode, a.answerable) for a in every)
    text += ("\n\nRefusal reasons (`answer.refusal.reason`):\n\n"
             + report.table(["year", "reason", "answerable (false refusals)", "unanswerable"], reason_rows)
             + "\n\nAnswer modes, answerable / unanswerable: "
             + ", ".join(f"{m} {modes[(m, True)]} / {modes[(m, False)]}" for m in sorted({m for m, _ in modes}))
             + f".\n\nBest dense cosine (`Retrieval.dense_top`): answerable {_spread([a.dense_top for a in every if a.answerable])}; "
             f"unanswerable {_spread([a.dense_top for a in every if not a.answerable])}.")
    return "### Refusals and answers\n\n" + text


def realtimeqa_section(path: Path | str | None, **options: object) -> str:
    """The RealTime QA report for ``bench/eval.py``, or one line saying why it was skipped."""
    try:
        root = data_root(path)
    except SystemExit as exc:
        return f"Skipped: {exc}"
    text = evaluate(root, Options(labelled=False, **options))  # type: ignore[arg-type]
    return re.sub(r"^(#{3,}) ", r"#\1 ", text, flags=re.M)  # under eval.py's "### RealTime QA"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--realtimeqa", type=Path, default=os.environ.get("NEWSRAG_REALTIMEQA") or None,
                        help="RealTime QA checkout or unpacked archive of past/2022, past/2023 (and backnumber/2022) "
                             "(default: $NEWSRAG_REALTIMEQA)")
    parser.add_argument("--year", choices=YEARS, action="append",
                        help=f"evaluate this year's questions (repeatable; default both, {FIGURE_YEAR} is the figure)")
    parser.add_argument("--limit", type=int, default=0, help="evaluate only the first N counted questions per year")
    parser.add_argument("--max-distractors", type=int, default=-1,
                        help="cap the passages the large corpus adds beyond the evaluated ones (default: all)")
    parser.add_argument("--titles", choices=("none", "url"), default="none",
                        help="passage titles: none (the loader's first-sentence fallback) or words of the URL slug")
    parser.add_argument("--weights", default="0.5,0.6,0.7,0.8,0.85,0.9,0.95",
                        help=f"Tuning.dense_weight values to sweep on {TUNE_YEAR} ('' for none)")
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="list N false refusals (with their reason), wrong answers and retrieval misses per year")
    parser.add_argument("--refusal-sweep", action="store_true",
                        help=f"also sweep Tuning.refuse_below and the answerability weights on {TUNE_YEAR} (~6 min)")
    parser.add_argument("--no-labelled", action="store_true", help="skip our labelled set's figures")
    parser.add_argument("--no-as-of", action="store_true",
                        help="search the whole corpus for every question instead of as of its quiz's date")
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the stores are kept (default bench/out/realtimeqa)")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    root = data_root(args.realtimeqa)
    opts = Options(years=tuple(sorted(set(args.year or YEARS))), limit=args.limit,
                   max_distractors=args.max_distractors, titles=args.titles,
                   weights=tuple(floats(args.weights)), misses=args.misses, refusal_sweep=args.refusal_sweep,
                   labelled=not args.no_labelled, as_of=not args.no_as_of, cache=args.cache)
    start = time.perf_counter()
    body = evaluate(root, opts) + f"\n\nTotal {time.perf_counter() - start:.0f} s."
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section('RealTime QA 2022-2023', body, goal_figures(body))}")


if __name__ == "__main__":
    main()
