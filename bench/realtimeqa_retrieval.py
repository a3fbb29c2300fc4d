"""RealTime QA: recall@1/5/10 and MRR@10 of every fusion, asked as of each quiz date, per question type, and the dense-weight sweep."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bench import report
from bench.datasets.labelled import Question
from bench.datasets.realtimeqa import (
    GOAL_GAIN,
    TYPES,
    Corpus,
    QuizQuestion,
    passage_id,
)
from bench.eval_retrieval import retrieval_scores
from bench.variants import mark, tuned


def scores_of(ranks: Sequence[int | None]) -> tuple[float, float, float, float]:
    """recall@1, recall@5, recall@10, MRR@10."""
    n = max(len(ranks), 1)
    return (sum(1 for r in ranks if r == 1) / n, sum(1 for r in ranks if r and r <= 5) / n,
            sum(1 for r in ranks if r and r <= 10) / n, sum(1 / r for r in ranks if r) / n)


def gold_paragraphs(questions: Sequence[QuizQuestion], corpus: Corpus, ids: dict[str, str],
                    groups: dict[str, str]) -> dict[str, frozenset[str]]:
    """Question id -> the corpus's paragraphs of its passage and of that passage's near-duplicates."""
    members: dict[str, list[str]] = defaultdict(list)
    for aid in corpus.paragraphs:
        members[groups.get(aid, aid)].append(aid)
    gold = {}
    for q in questions:
        aid = ids[passage_id(q)]
        gold[q.qid] = frozenset(pid for other in members.get(groups.get(aid, aid), [aid])
                                for pid in corpus.paragraphs.get(other, ()))
    return gold


NO_PRIOR = {"recency_weight": 0.0, "recency_weight_all": 0.0}
DENSE_WITH_PRIOR = "dense + the recency prior"
DEFAULT_WITHOUT_PRIOR = "the default without the recency prior"


def _fusions() -> list[tuple[str, dict]]:
    """The rows of a retrieval table: each retriever alone (no prior: the model's own ranking), each
    fusion as the default runs it, and the recency prior on dense / off the default, to show which
    part of the default's gain is the fusion's and which the prior's."""
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    rows: list[tuple[str, dict]] = [("dense only", {"fusion": Fusion.DENSE, **NO_PRIOR}),
                                    ("BM25 only", {"fusion": Fusion.BM25, **NO_PRIOR})]
    for method in (Fusion.RRF, Fusion.WEIGHTED):
        label = {"rrf": f"RRF (k={default.rrf_k})", "weighted": f"weighted (dense_weight={default.dense_weight})"}[
            method.value]
        rows.append((label + (" **(the default)**" if method is default.fusion else ""), {"fusion": method}))
    rows.append((DENSE_WITH_PRIOR, {"fusion": Fusion.DENSE}))
    rows.append((DEFAULT_WITHOUT_PRIOR, dict(NO_PRIOR)))
    return rows


def run_retrieval(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                  as_of: bool = True, **changes: object) -> list[int | None]:
    """Ranks of each question's passage; with ``as_of`` each is searched as of its quiz's date
    (``until``), as a reader that week would: the corpus then held no later news."""
    index = tuned(corpus.settings, **changes)
    asked = [Question(q.question, q.kind, q.qid, gold[q.qid], q.date if as_of else "") for q in questions]
    return retrieval_scores(index, asked)["ranks"]


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def retrieval_report(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                     as_of: bool = True) -> tuple[str, dict[str, list[int | None]], dict[str, bool]]:
    """The fusion table for one corpus, the goal lines, and the ranks per variant."""
    from rag.tuning import Tuning

    ranks = {label: run_retrieval(corpus, questions, gold, as_of, **changes) for label, changes in _fusions()}
    rows = [[label, *(f"{x:.3f}" for x in scores_of(r))] for label, r in ranks.items()]
    dense = scores_of(next(r for label, r in ranks.items() if label.startswith("dense")))
    default_label = next(label for label in ranks if "the default" in label)
    default = scores_of(ranks[default_label])
    gain5, gain_mrr = default[1] - dense[1], default[3] - dense[3]
    met = {"recall@5": gain5 >= GOAL_GAIN, "MRR": gain_mrr >= GOAL_GAIN}
    text = (
        report.table(["retrieval (`Tuning.fusion`)", "recall@1", "recall@5", "recall@10", "MRR@10"], rows)
        + f"\n\nDefault `Tuning()` minus dense only: recall@5 {_pts(gain5)} points, MRR@10 {_pts(gain_mrr)} points "
        f"(goal >= +{100 * GOAL_GAIN:.0f} each: recall@5 {'met' if met['recall@5'] else 'NOT met'}, "
        f"MRR {'met' if met['MRR'] else 'NOT met'}). Against {DENSE_WITH_PRIOR}: recall@5 "
        f"{_pts(default[1] - scores_of(ranks[DENSE_WITH_PRIOR])[1])}, MRR@10 "
        f"{_pts(default[3] - scores_of(ranks[DENSE_WITH_PRIOR])[3])} points (the fusion's own share). "
        f"{'Every question is searched as of its quiz date (`until`). ' if as_of else 'No date filter. '}"
        f"Rows keep the other `Tuning` fields at their defaults (prefer_quoted={Tuning().prefer_quoted}; recency "
        f"prior {Tuning().recency_weight} / {Tuning().recency_weight_all} over {Tuning().recency_days:g} days)."
    )
    return text, ranks, met


def by_type_table(questions: Sequence[QuizQuestion], ranks: dict[str, list[int | None]]) -> str:
    labels = [label for label in ranks if label in ("dense only", "BM25 only") or "the default**" in label]
    headers = ["question type", "questions"]
    for label in labels:
        short = label.split(" (")[0].split(" **")[0] + (" (default)" if "the default" in label else "")
        headers += [f"R@5 {short}", f"MRR {short}"]
    rows = []
    for kind in TYPES:
        idx = [i for i, q in enumerate(questions) if q.kind == kind]
        if not idx:
            continue
        row: list[object] = [kind, len(idx)]
        for label in labels:
            _, r5, _, mrr = scores_of([ranks[label][i] for i in idx])
            row += [f"{r5:.3f}", f"{mrr:.3f}"]
        rows.append(row)
    return report.table(headers, rows)


def weight_sweep(corpus: Corpus, questions: Sequence[QuizQuestion], gold: dict[str, frozenset[str]],
                 weights: Sequence[float], as_of: bool = True) -> str:
    from rag.tuning import Fusion, Tuning

    default = Tuning()
    rows = []
    for w in weights:
        r = scores_of(run_retrieval(corpus, questions, gold, as_of, fusion=Fusion.WEIGHTED, dense_weight=w))
        rows.append([mark(w, default.dense_weight), *(f"{x:.3f}" for x in r)])
    return report.table(["Tuning.dense_weight", "recall@1", "recall@5", "recall@10", "MRR@10"], rows)
