"""Hybrid retrieval: dense (Chroma through llama-index) + BM25 (bm25s), fused, filtered, deduped.

The fusion method is a setting so ``bench/eval.py`` can compare them on the labelled set; the
default is whichever wins there (see ``bench/RESULTS.md``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from rag import models
from rag.schema import Hit, Paragraph
from rag.store import KeywordCache, Store, date_number
from rag.text import fold
from rag.variants import VariantTable, default_table

FUSION_METHODS = ("weighted", "rrf", "dense", "bm25")
# RRF's k=60 is the constant from Cormack, Clarke & Büttcher (SIGIR 2009).
RRF_K = 60
# Weight of the dense score in the weighted fusion; BM25 scores are divided by the best BM25
# score of the query. On bench/labels 0.9 gives recall@5 0.877 against 0.790 for dense alone
# and 0.802 for plain RRF, which ranks below it; with quoted speakers preferred (the default),
# 0.901 (bench/RESULTS.md, "Retrieval").
DENSE_WEIGHT = 0.9
# "What did the mayor say ...": paragraphs quoting a speaker who fits the question gain this
# share of the best fused score (bench/RESULTS.md, "Retrieval": the quoted-speaker rows).
PREFERRED_BONUS = 0.3
# Candidates fetched from each retriever per requested hit, before fusion and deduplication.
CANDIDATES_PER_HIT = 4
# Two paragraphs whose word 3-gram sets overlap this much are the same wire copy.
NEAR_DUPLICATE_JACCARD = 0.8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Filters:
    """Metadata filters applied in both retrievers."""

    source: str | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    article_id: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.source or self.since or self.until or self.article_id)


@dataclass(frozen=True, slots=True)
class Retrieval:
    """Hits plus the raw signals the answerer uses to decide whether to refuse."""

    hits: tuple[Hit, ...]
    dense_top: float  # best cosine similarity between query and a paragraph (0..1)
    dense_scores: dict[str, float]  # paragraph id -> cosine similarity, for the candidates


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
    def __init__(self, store: Store, variants: VariantTable | None = None, fusion: str = "weighted"):
        if fusion not in FUSION_METHODS:
            raise ValueError(f"fusion must be one of {', '.join(FUSION_METHODS)}")
        self.store = store
        self.variants = variants or default_table()
        self.fusion = fusion
        self._index: Any = None

    def warm(self) -> None:
        """Build the llama-index vector index (it loads a tokenizer) and the keyword index now."""
        self._vector_index()
        self.store.keyword_cache()

    # -- the two retrievers ----------------------------------------------------------------

    def _vector_index(self) -> Any:
        if self._index is None:
            from llama_index.core import VectorStoreIndex

            self._index = VectorStoreIndex.from_vector_store(
                self.store.vector_store, embed_model=models.embed_model()
            )
        return self._index

    def dense(self, query: str, k: int, filters: Filters) -> list[tuple[Paragraph, float]]:
        """Top ``k`` paragraphs by cosine similarity, through llama-index's vector retriever."""
        from llama_index.core.vector_stores import (
            FilterCondition,
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
        )

        conditions = []
        if filters.source:
            conditions.append(MetadataFilter(key="source_key", value=fold(filters.source)))
        if filters.since:
            conditions.append(MetadataFilter(key="date_n", value=date_number(filters.since), operator=FilterOperator.GTE))
        if filters.until:
            conditions.append(MetadataFilter(key="date_n", value=date_number(filters.until), operator=FilterOperator.LTE))
        if filters.article_id:
            conditions.append(MetadataFilter(key="article_id", value=filters.article_id))
        meta_filters = MetadataFilters(filters=conditions, condition=FilterCondition.AND) if conditions else None
        retriever = self._vector_index().as_retriever(similarity_top_k=k, filters=meta_filters)
        from rag.store import paragraph_from_record

        results = []
        from llama_index.core.schema import QueryBundle

        # Embed through our cached query embedding so the answerer reuses the same vector.
        bundle = QueryBundle(query_str=query, embedding=models.embed_query(query))
        for scored in retriever.retrieve(bundle):
            node = scored.node
            # ChromaVectorStore reports exp(-distance); with cosine space, distance = 1 - cos.
            cosine = 1.0 + math.log(max(scored.score or 1e-9, 1e-9))
            results.append((paragraph_from_record(node.node_id, node.get_content(), dict(node.metadata)), cosine))
        return results

    def keyword(self, query: str, k: int, filters: Filters, cache: KeywordCache) -> list[tuple[str, float]]:
        return cache.search(self.variants.expand(query), k, self._mask(cache, filters))

    @staticmethod
    def _mask(cache: KeywordCache, filters: Filters) -> Any:
        if filters.empty:
            return None
        import numpy as np

        mask = np.ones(len(cache.ids), dtype=np.float32)
        if filters.source:
            mask *= cache.source_keys == fold(filters.source)
        if filters.since:
            mask *= cache.dates >= date_number(filters.since)
        if filters.until:
            mask *= cache.dates <= date_number(filters.until)
        if filters.article_id:
            mask *= np.asarray(cache.article_ids, dtype=object) == filters.article_id
        return mask

    # -- fused -------------------------------------------------------------------------------

    def retrieve(
        self, query: str, k: int = 5, filters: Filters | None = None, prefer: Collection[str] = ()
    ) -> Retrieval:
        """The ``k`` best paragraphs for ``query``; those in ``prefer`` (ids of paragraphs that
        quote the speaker a question asks about) gain ``PREFERRED_BONUS`` of the best score."""
        filters = filters or Filters()
        n = max(k * CANDIDATES_PER_HIT, 20)
        cache = self.store.keyword_cache()
        dense_query = self.variants.expand(query) if self.variants.variants_in(query) else query
        dense = [] if self.fusion == "bm25" else self.dense(dense_query, n, filters)
        keyword = [] if self.fusion == "dense" else self.keyword(query, n, filters, cache)
        paragraphs = {p.paragraph_id: p for p, _ in dense}
        dense_scores = {p.paragraph_id: s for p, s in dense}
        fused = fuse(
            [pid for pid, _ in sorted(dense_scores.items(), key=lambda kv: -kv[1])],
            dense_scores,
            keyword,
            self.fusion,
        )
        if prefer and fused:
            bonus = PREFERRED_BONUS * fused[0][1]
            fused = sorted(((pid, s + bonus if pid in prefer else s) for pid, s in fused), key=lambda kv: -kv[1])
        # Only keyword hits that rank near the top need their text: fetch those, and widen the
        # window only when near-duplicates leave fewer than k distinct hits in it.
        window = 2 * k
        while True:
            missing = [pid for pid, _ in fused[:window] if pid not in paragraphs]
            for p in self.store.get(missing):
                paragraphs[p.paragraph_id] = p
            candidates = [Hit(paragraphs[pid], score) for pid, score in fused[:window] if pid in paragraphs]
            hits = collapse_near_duplicates(candidates, k)
            if len(hits) >= k or window >= len(fused):
                break
            window *= 2
        hits = self.with_context(hits, cache)
        return Retrieval(tuple(hits), max(dense_scores.values(), default=0.0), dense_scores)

    def with_context(self, hits: list[Hit], cache: KeywordCache) -> list[Hit]:
        """Attach the neighbouring paragraphs a hit's quotes continue into (or come from)."""
        wanted: dict[str, list[str]] = {}
        for hit in hits:
            p = hit.paragraph
            others = sorted(cache.spans.get((p.article_id, p.number), ()))
            ids = [cache.by_number[(p.article_id, n)] for n in others if (p.article_id, n) in cache.by_number]
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


def fuse(
    dense_order: list[str], dense_scores: dict[str, float], keyword: list[tuple[str, float]], method: str
) -> list[tuple[str, float]]:
    """Combine the two rankings; returns (paragraph id, fused score), best first."""
    if method == "dense" or not keyword:
        return [(pid, dense_scores[pid]) for pid in dense_order]
    if method == "bm25" or not dense_order:
        top = keyword[0][1] if keyword else 1.0
        return [(pid, s / top) for pid, s in keyword]
    scores: dict[str, float] = {}
    if method == "rrf":
        for rank, pid in enumerate(dense_order):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, (pid, _) in enumerate(keyword):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    else:  # weighted: dense cosine and max-normalised BM25, convex combination
        top = keyword[0][1] or 1.0
        floor = min(dense_scores.values(), default=0.0)
        for pid in set(dense_order) | {pid for pid, _ in keyword}:
            scores[pid] = DENSE_WEIGHT * dense_scores.get(pid, floor)
        for pid, s in keyword:
            scores[pid] += (1 - DENSE_WEIGHT) * (s / top)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _shingles(text: str) -> set[tuple[str, ...]]:
    # Copies share their spelling, so no accent folding is needed: lower-casing is enough.
    tokens = _WORD.findall(text.lower())
    return {tuple(tokens[i : i + 3]) for i in range(max(len(tokens) - 2, 1))}


def collapse_near_duplicates(hits: list[Hit], k: int | None = None) -> list[Hit]:
    """Merge hits whose paragraphs are the same copy (e.g. one wire story in two outlets).

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
            if min(size, other_size) < NEAR_DUPLICATE_JACCARD * 0.8 * max(size, other_size):
                continue
            sh = sh if sh is not None else _shingles(hit.paragraph.text)
            other_sh = kept_shingles[i]
            if other_sh is None:
                other_sh = kept_shingles[i] = _shingles(other.paragraph.text)
            union = len(sh | other_sh)
            if union and len(sh & other_sh) / union >= NEAR_DUPLICATE_JACCARD:
                if hit.paragraph.article_id != other.paragraph.article_id:
                    kept[i] = replace(other, also_in=(*other.also_in, hit.paragraph))
                break
        else:
            if not full:
                kept.append(hit)
                kept_sizes.append(size)
                kept_shingles.append(sh)
    return kept
