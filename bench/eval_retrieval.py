"""Retrieval on the labelled set: recall@1/5 and MRR@10 per ``Tuning.fusion``, and the ``dense_weight`` sweep.

``retrieval_scores`` is also how ``encoder.py`` and RealTime QA (``realtimeqa_retrieval.py``) count
a question found: at the rank of the first hit that is (or has merged in) a gold paragraph.
"""

from __future__ import annotations

from bench import report
from bench.datasets.labelled import Question
from bench.variants import mark, tuned

SEARCH_K = 10
GOAL_HYBRID_GAIN = 0.10  # hybrid recall@5 at least 10 points above dense-only


def rank_of(hits: list, gold: frozenset[str]) -> int | None:
    """1-based rank of the first hit that is (or merged in, as a near-duplicate) a gold paragraph."""
    for rank, hit in enumerate(hits, start=1):
        if hit.paragraph.paragraph_id in gold or any(p.paragraph_id in gold for p in hit.also_in):
            return rank
    return None


def retrieval_scores(index: object, asked: list[Question]) -> dict[str, object]:
    ranks = [rank_of(index.search(q.question, k=SEARCH_K, until=q.until or None), q.gold)  # type: ignore[attr-defined]
             for q in asked]
    by_kind: dict[str, list[int | None]] = {}
    for q, r in zip(asked, ranks, strict=True):
        by_kind.setdefault(q.kind, []).append(r)

    def summary(rs: list[int | None]) -> tuple[float, float, float]:
        n = max(len(rs), 1)
        return (sum(1 for r in rs if r == 1) / n, sum(1 for r in rs if r and r <= 5) / n,
                sum(1 / r for r in rs if r) / n)

    return {"all": summary(ranks), "by_kind": {k: summary(v) for k, v in by_kind.items()}, "ranks": ranks}



def retrieval_section(settings: object, asked: list[Question], weights: list[float], misses: bool) -> tuple[str, dict]:
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    results = {}
    for method in (Fusion.DENSE, Fusion.BM25, Fusion.RRF, Fusion.WEIGHTED):
        for prefer in (False, True):
            index = tuned(settings, fusion=method, prefer_quoted=prefer)
            results[method.value + (" + quoted speakers" if prefer else "")] = retrieval_scores(index, asked)
    kinds = sorted({q.kind for q in asked})
    headers = ["retrieval", "recall@1", "recall@5", "MRR@10"] + [f"recall@5 ({k}, {sum(q.kind == k for q in asked)})"
                                                                  for k in kinds]
    rows = []
    for method, r in results.items():
        r1, r5, mrr = r["all"]
        label = method.replace("weighted", f"weighted (Tuning.dense_weight={default.dense_weight})")
        if method == f"{default.fusion.value} + quoted speakers" and default.prefer_quoted:
            label = f"**{label}: the default**"
        rows.append([label, f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}"] + [f"{r['by_kind'][k][1]:.3f}" for k in kinds])
    dense5 = results["dense"]["all"][1]
    default5 = results["weighted + quoted speakers"]["all"][1]
    gain = default5 - dense5
    text = (
        f"{len(asked)} answerable questions; `NewsIndex.open(settings, tuning=Tuning(fusion=m, "
        f"prefer_quoted=p)).search(q, k={SEARCH_K})`; a question counts as found at the rank of the first hit "
        "that is its labelled paragraph (or has it merged in as a near-duplicate). \"+ quoted speakers\" "
        "(`Tuning.prefer_quoted`, default "
        f"{default.prefer_quoted}): when the question asks what a speaker said, paragraphs quoting a speaker "
        f"who fits it gain `Tuning.preferred_bonus` ({default.preferred_bonus}) of the best fused score "
        f"(`Answerer.search`). `Tuning.fusion` defaults to {default.fusion.value}.\n\n" + report.table(headers, rows)
        + f"\n\nThe default (weighted fusion + quoted speakers) recall@5 minus dense-only: {100 * gain:+.1f} points "
        f"(goal >= +{100 * GOAL_HYBRID_GAIN:.0f}: {'met' if gain >= GOAL_HYBRID_GAIN else 'NOT met'}); "
        f"over dense + quoted speakers: {100 * (default5 - results['dense + quoted speakers']['all'][1]):+.1f} points."
    )

    sweep_rows = []
    for w in weights:  # weighted fusion with quoted speakers, as the default runs
        r1, r5, mrr = retrieval_scores(tuned(settings, fusion=Fusion.WEIGHTED, prefer_quoted=True, dense_weight=w),
                                       asked)["all"]
        sweep_rows.append([mark(w, default.dense_weight), f"{r1:.3f}", f"{r5:.3f}", f"{mrr:.3f}"])
    text += (f"\n\n#### `Tuning.dense_weight` sweep (weighted fusion + quoted speakers; default "
             f"{default.dense_weight})\n\n"
             + report.table(["Tuning.dense_weight", "recall@1", "recall@5", "MRR@10"], sweep_rows))
    if misses:
        lines = []
        for method in ("dense", "bm25", "weighted + quoted speakers"):
            for q, r in zip(asked, results[method]["ranks"], strict=True):
                if not r or r > 5:
                    lines.append(f"- {method}: rank {r or '>10'}: {q.question} ({q.title})")
        text += "\n\nQuestions not in the top 5:\n\n" + "\n".join(lines)
    return text, results


