"""Hybrid retrieval: dense (Chroma) + BM25 (bm25s), fused, filtered, near-duplicates merged.

The fusion method and its weights come from ``rag.tuning.Tuning`` so ``bench/eval.py`` can
compare them on the labelled sets; the defaults are whichever win there (``bench/RESULTS.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from rag.judge import JUDGED_CANDIDATES, Judge
from rag.keywords import KeywordCache
from rag.question import asks_about_now  # the question's wording, read in one place
from rag.records import date_number, day_number
from rag.schema import Filters, Hit, Paragraph
from rag.store import Store
from rag.tuning import Fusion, Tuning
from rag.variants import VariantTable

_WORD = re.compile(r"\w+")


# Candidates fetched from each retriever at the least, however few hits are asked for: fusion
# needs the two lists to overlap, and near-duplicate collapse and filters eat into them.
_MIN_CANDIDATES = 20
# Texts fetched at first for this many times the hits asked for: room for near-duplicates to
# collapse without another round trip; doubled while fewer than ``k`` distinct hits remain.
_FETCH_WINDOW = 2


@dataclass(frozen=True, slots=True)
class Retrieval:
    """Hits plus the raw signals the answerer uses to decide whether to refuse."""

    hits: tuple[Hit, ...]
    dense_top: float  # best cosine similarity between query and a paragraph (0..1)
    dense_scores: dict[str, float]  # paragraph id -> cosine similarity, for the candidates
    as_of: str = ""  # the reference day (ISO): the until filter, else the newest date in the corpus
    # The judge's best score of a (question, paragraph) pair, 0..1 (``rag.judge``); None = no judge.
    judge_top: float | None = None


def parse_date(value: str | date | None, name: str) -> str | None:
    """Normalise a --since/--until value to ISO; raises ``ValueError`` naming the option."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a date; use YYYY-MM-DD") from None


class Retriever:
    """Dense and keyword search over one store, fused as ``tuning`` says."""

    def __init__(self, store: Store, variants: VariantTable, tuning: Tuning):
        self.store = store
        self.variants = variants
        self.tuning = tuning

    def dense(self, query: str, k: int, filters: Filters) -> list[tuple[Paragraph, float]]:
        """Top ``k`` paragraphs by cosine similarity (the query vector is cached for the answerer)."""
        return self.store.nearest(self.store.encoder.embed_query(query), k, filters)

    def keyword(self, query: str, k: int, filters: Filters, cache: KeywordCache) -> list[tuple[str, float]]:
        return cache.search(self.variants.expand(query), k, filters)

    # -- fused -------------------------------------------------------------------------------

    def retrieve(
        self, query: str, k: int, filters: Filters, cache: KeywordCache, prefer: Collection[str] = (),
        judge: Judge | None = None,
    ) -> Retrieval:
        """The ``k`` best paragraphs for ``query``; those in ``prefer`` (ids of paragraphs that
        quote the speaker a question asks about) gain ``Tuning.preferred_bonus`` of the best score.

        With a ``judge`` (``rag.judge``), the fused top ``JUDGED_CANDIDATES`` (at least the
        fetch window) are reordered by its scores, and its best score is ``Retrieval.judge_top``."""
        tuning = self.tuning
        n = max(k * tuning.candidates_per_hit, _MIN_CANDIDATES)
        dense_query = self.variants.expand(query) if self.variants.variants_in(query) else query
        dense = [] if tuning.fusion is Fusion.BM25 else self.dense(dense_query, n, filters)
        keyword = [] if tuning.fusion is Fusion.DENSE else self.keyword(query, n, filters, cache)
        paragraphs = {p.paragraph_id: p for p, _ in dense}
        dense_scores = {p.paragraph_id: s for p, s in dense}
        fused = fuse(
            [pid for pid, _ in sorted(dense_scores.items(), key=lambda kv: -kv[1])],
            dense_scores,
            keyword,
            tuning,
        )
        reference = reference_day(filters, cache)
        fused = self.with_recency(query, fused, reference, cache)
        if prefer and fused:
            bonus = tuning.preferred_bonus * fused[0][1]
            fused = sorted(((pid, s + bonus if pid in prefer else s) for pid, s in fused), key=lambda kv: -kv[1])
        judge_top = None
        if judge is not None and fused:
            fused, judge_top = judged(judge, self.store, query, fused, paragraphs,
                                      max(JUDGED_CANDIDATES, _FETCH_WINDOW * k))
        # Only keyword hits that rank near the top need their text: fetch those, and widen the
        # window only when near-duplicates leave fewer than k distinct hits in it.
        window = _FETCH_WINDOW * k
        while True:
            missing = [pid for pid, _ in fused[:window] if pid not in paragraphs]
            for p in self.store.get(missing):
                paragraphs[p.paragraph_id] = p
            candidates = [Hit(paragraphs[pid], score) for pid, score in fused[:window] if pid in paragraphs]
            hits = collapse_near_duplicates(candidates, k, tuning.near_duplicate_jaccard)
            if len(hits) >= k or window >= len(fused):
                break
            window *= 2
        hits = self.with_context(hits, cache)
        return Retrieval(tuple(hits), max(dense_scores.values(), default=0.0), dense_scores,
                         date.fromordinal(reference).isoformat() if reference is not None else "", judge_top)

    def with_recency(
        self, query: str, fused: list[tuple[str, float]], reference: int | None, cache: KeywordCache
    ) -> list[tuple[str, float]]:
        """Add the recency prior: up to ``recency_weight`` (a question about the present) or
        ``recency_weight_all`` of the best score, for paragraphs dated on the reference day,
        fading over ``recency_days``; undated paragraphs and ones after the reference day get none.

        ``reference`` (``reference_day``, a day number) is the ``until`` filter (a question asked "as of" a date), else the
        newest date in the corpus (inside the filters): news questions are mostly about the latest
        news, and a corpus's "this week" is its newest week, not the reader's calendar.
        """
        tuning = self.tuning
        weight = tuning.recency_weight if asks_about_now(query) else tuning.recency_weight_all
        if not fused or weight <= 0 or reference is None:
            return fused
        bonus = weight * fused[0][1]
        dates = cache.dates_of([pid for pid, _ in fused])
        out = []
        for pid, score in fused:
            day = day_number(dates[pid]) if pid in dates else None
            age = reference - day if day is not None else -1
            out.append((pid, score + bonus * math.exp(-age / tuning.recency_days) if age >= 0 else score))
        return sorted(out, key=lambda kv: -kv[1])

    def with_context(self, hits: list[Hit], cache: KeywordCache) -> list[Hit]:
        """Attach the neighbouring paragraphs a hit's quotes continue into (or come from)."""
        wanted: dict[str, list[str]] = {}
        for hit in hits:
            p = hit.paragraph
            ids = cache.spanned(p.article_id, p.number)
            if ids:
                wanted[p.paragraph_id] = ids
        if not wanted:
            return hits
        fetched = {x.paragraph_id: x for x in self.store.get(sorted({i for ids in wanted.values() for i in ids}))}
        return [
            replace(h, context=tuple(fetched[i] for i in wanted[h.paragraph.paragraph_id] if i in fetched))
            if h.paragraph.paragraph_id in wanted else h
            for h in hits
        ]



def judged(
    judge: Judge, store: Store, query: str, fused: list[tuple[str, float]], paragraphs: dict[str, Paragraph],
    n: int,
) -> tuple[list[tuple[str, float]], float]:
    """The fused top ``n`` reordered by ``judge``, each scored by it (0..1), then the rest in
    fused order with their fused scores; and the judge's best score.

    The judge reads title and paragraph together (a paragraph often leaves its story's subject to
    the headline). Texts the dense search did not return are fetched into ``paragraphs``, the
    caller's, so the hits reuse them.
    """
    top = [pid for pid, _ in fused[:n]]
    for p in store.get([pid for pid in top if pid not in paragraphs]):
        paragraphs[p.paragraph_id] = p
    top = [pid for pid in top if pid in paragraphs]
    scores = judge.score(query, [f"{paragraphs[pid].title}\n{paragraphs[pid].text}" for pid in top])
    ranked = sorted(zip(top, scores, strict=True), key=lambda kv: -kv[1])
    return ranked + fused[n:], ranked[0][1] if ranked else 0.0


def reference_day(filters: Filters, cache: KeywordCache) -> int | None:
    """The day a question is asked as of (an ordinal): the ``until`` filter, else the newest date
    among the paragraphs inside ``filters``; ``None`` for an undated corpus."""
    if filters.until:
        return day_number(date_number(filters.until))
    newest = cache.newest_date(filters)
    return None if newest is None else day_number(newest)




def fuse(
    dense_order: list[str], dense_scores: dict[str, float], keyword: list[tuple[str, float]], tuning: Tuning
) -> list[tuple[str, float]]:
    """Combine the two rankings; returns (paragraph id, fused score), best first."""
    method = tuning.fusion
    if method is Fusion.DENSE or not keyword:
        return [(pid, dense_scores[pid]) for pid in dense_order]
    if method is Fusion.BM25 or not dense_order:
        top = keyword[0][1] if keyword else 1.0
        return [(pid, s / top) for pid, s in keyword]
    scores: dict[str, float] = {}
    if method is Fusion.RRF:
        for rank, pid in enumerate(dense_order):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (tuning.rrf_k + rank + 1)
        for rank, (pid, _) in enumerate(keyword):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (tuning.rrf_k + rank + 1)
    else:  # weighted: dense cosine and max-normalised BM25, convex combination
        top = keyword[0][1] or 1.0
        floor = min(dense_scores.values(), default=0.0)
        # Dense order, then keyword order: equal scores keep a fixed order in every process
        # (a set here made ties depend on PYTHONHASHSEED).
        for pid in dict.fromkeys([*dense_order, *(pid for pid, _ in keyword)]):
            scores[pid] = tuning.dense_weight * dense_scores.get(pid, floor)
        for pid, s in keyword:
            scores[pid] += (1 - tuning.dense_weight) * (s / top)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _shingles(text: str) -> set[tuple[str, ...]]:
    # Copies share their spelling, so no accent folding is needed: lower-casing is enough.
    tokens = _WORD.findall(text.lower())
    return {tuple(tokens[i : i + 3]) for i in range(max(len(tokens) - 2, 1))}


def collapse_near_duplicates(hits: list[Hit], k: int | None = None, jaccard: float = 0.8) -> list[Hit]:
    """Merge hits whose paragraphs are the same copy (e.g. one wire story in two outlets); the
    ``jaccard`` default is ``Tuning.near_duplicate_jaccard``'s, for callers without a ``Tuning``.

    With ``k``, at most ``k`` hits are kept and later hits are only checked for being copies of
    those (so both sources are listed); hits whose word counts differ by more than Jaccard
    allows are never compared. Both keep this linear in the candidates rather than quadratic.
    """
    kept: list[Hit] = []
    kept_sizes: list[int] = []
    kept_shingles: list[set[tuple[str, ...]] | None] = []
    for hit in hits:
        size = len(hit.paragraph.text.split())
        full = k is not None and len(kept) >= k
        sh: set[tuple[str, ...]] | None = None
        for i, other in enumerate(kept):
            other_size = kept_sizes[i]
            # Shingle sets grow with word counts, so copies this far apart in length cannot reach
            # the bar; 0.8 of it leaves room for repeated phrases, which shrink a set.
            if min(size, other_size) < jaccard * 0.8 * max(size, other_size):
                continue
            sh = sh if sh is not None else _shingles(hit.paragraph.text)
            other_sh = kept_shingles[i]
            if other_sh is None:
                other_sh = kept_shingles[i] = _shingles(other.paragraph.text)
            union = len(sh | other_sh)
            if union and len(sh & other_sh) / union >= jaccard:
                if hit.paragraph.article_id != other.paragraph.article_id:
                    kept[i] = replace(other, also_in=(*other.also_in, hit.paragraph))
                break
        else:
            if not full:
                kept.append(hit)
                kept_sizes.append(size)
                kept_shingles.append(sh)
    return kept
