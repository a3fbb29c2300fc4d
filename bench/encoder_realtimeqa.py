"""Part 4 of the encoder benchmark: recall on RealTime QA's development years, each year's small
corpus ingested by each encoder (``encoder.py --only realtimeqa``).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from bench import report
from bench.encoder_env import GOAL_RECALL_POINTS, OUT


def realtimeqa_recall(root: Path) -> tuple[str, dict[str, dict[str, tuple[float, float, float, float]]]]:
    """Recall@1/5/10 and MRR@10 of the default search on RealTime QA's small corpora, per year and
    per encoder, each corpus ingested by that encoder.

    The corpora, the near-duplicate groups and the gold are ``bench/realtimeqa.py``'s own (its
    ``evaluate`` with the default options): the small corpus of a year is the passages of that
    year's counted questions; a question's passage or any near-duplicate of it (grouped over every
    2022-2023 passage) is a hit; each question is searched as of its quiz date (``until``). Only
    2022 and 2023 are read (``realtimeqa.YEARS``). Returns the markdown and
    ``scores[year][encoder]``.
    """
    from bench.datasets import realtimeqa as rtqa
    from bench.realtimeqa_retrieval import gold_paragraphs, run_retrieval, scores_of
    from ingest.loaders import load_file
    from rag.schema import article_id_for
    from rag.settings import ENCODERS

    cache = OUT / "realtimeqa"
    cache.mkdir(parents=True, exist_ok=True)
    with_passage = [q for q in rtqa.load_questions(root, rtqa.YEARS) if q.passage]
    evaluated = {year: [q for q in with_passage if q.year == year and q.counted] for year in rtqa.YEARS}
    # Titles and ids exactly as the loader makes them, as realtimeqa.evaluate does: every passage
    # written once and read back, for the near-duplicate groups.
    every_record = [rtqa.article_record(q) for q in with_passage]
    probe = cache / "loaded"
    rtqa.write_articles(every_record, probe)
    loaded = [a for path in sorted(probe.glob("*.jsonl")) for a in load_file(path, max_bytes=50_000_000)]
    shutil.rmtree(probe, ignore_errors=True)
    ids = {r["id"]: article_id_for(explicit=r["id"]) for r in every_record}
    if set(ids.values()) != {a.article_id for a in loaded}:
        raise SystemExit("the loader did not read back the RealTime QA passages written (ids differ)")
    groups = rtqa.near_duplicate_groups(loaded)

    scores: dict[str, dict[str, tuple[float, float, float, float]]] = {}
    rows, notes = [], []
    for year in rtqa.YEARS:
        questions = evaluated[year]
        records = [rtqa.article_record(q) for q in questions]
        torch_ranks: list[int | None] = []
        scores[year] = {}
        for encoder in ENCODERS:  # torch first
            corpus = rtqa.build_corpus(f"{year}-small", records, cache, encoder=encoder)
            missing = [r["id"] for r in records if ids[r["id"]] not in corpus.paragraphs]
            if missing:
                notes.append(f"{year}, {encoder}: {len(missing)} passages not stored (e.g. {missing[:3]})")
            ranks = run_retrieval(corpus, questions, gold_paragraphs(questions, corpus, ids, groups))
            torch_ranks = torch_ranks or ranks
            r1, r5, r10, mrr = scores[year][encoder] = scores_of(ranks)
            t1, t5, t10, tmrr = scores[year]["torch"]
            moved = sum(a != b for a, b in zip(torch_ranks, ranks, strict=True))
            rows.append([year, encoder, len(questions), sum(map(len, corpus.paragraphs.values())), f"{r1:.3f}",
                         f"{r5:.3f}", f"{r10:.3f}", f"{mrr:.3f}", _points(r5 - t5), _points(r10 - t10),
                         _points(mrr - tmrr), str(moved)])
    table = report.table(["year", "store written by", "questions", "paragraphs", "recall@1", "recall@5",
                          "recall@10", "MRR@10", "recall@5 - torch (points)", "recall@10 - torch",
                          "MRR@10 - torch", "questions ranked differently from torch"], rows)
    verdicts = []
    for encoder in ENCODERS[1:]:
        worst = max(abs(100 * (scores[y][encoder][1] - scores[y]["torch"][1])) for y in rtqa.YEARS)
        verdicts.append(f"{encoder}: largest recall@5 difference to torch {worst:.1f} points (goal within "
                        f"{GOAL_RECALL_POINTS:.0f}: {'met' if worst <= GOAL_RECALL_POINTS else 'NOT met'})")
    text = (
        f"RealTime QA ({root}), weekly quizzes of {' and '.join(rtqa.YEARS)} only; each year's *small* corpus (the "
        "passages of its counted questions, as `bench/realtimeqa.py` builds it) ingested by each encoder with "
        "`newsrag ingest --encoder ENCODER` into its own store; the default `search(q, k=10)` as of each "
        "question's quiz date; a hit is the question's passage or a near-duplicate of it.\n\n"
        + table + "\n\n" + "; ".join(verdicts) + "."
        + ("\n\n" + "; ".join(notes) + "." if notes else "")
    )
    return text, scores


def _points(x: float) -> str:
    return f"{100 * x:+.1f}"


def realtimeqa_part(path: Path | None) -> tuple[str, dict[str, dict[str, tuple[float, float, float, float]]] | None]:
    """Part 4 as markdown, or the line saying why it was skipped (printed too); with
    ``scores[year][encoder]`` (None when skipped)."""
    from bench.datasets import realtimeqa as rtqa

    try:
        root = rtqa.data_root(path)
    except SystemExit as exc:
        print(f"RealTime QA part skipped: {exc}", file=sys.stderr)
        return f"Skipped: {exc}", None
    start = time.perf_counter()
    text, scores = realtimeqa_recall(root)
    return text + f" ({time.perf_counter() - start:.0f} s with the stores' ingests.)", scores


