"""Turning a question into an answer: take one corpus snapshot, pick the mode, hand it the reads.

The question arrives read once (``rag.question.resolve``: a ``Question`` with its filters);
nothing here reads its wording again. Attribution questions go to ``rag.attribution``, "when
was that?" and everything else to ``rag.extractive``; the LLM (given to the constructor, or
built from the settings) rewrites a factual answer from the extractive answer's hits. A judge
(``rag.judge``, likewise given or built from ``settings.judge``) reranks a factual question's
candidates and scores whether they answer it. Each question reads the corpus through one
``CorpusSnapshot``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from rag import attribution, extractive
from rag.attribution import Limits
from rag.judge import Judge
from rag.keywords import KeywordCache
from rag.question import Question, QuestionKind, earlier_answers
from rag.render.finish import finished
from rag.retrieve import Retrieval, Retriever
from rag.schema import Answer, AnswerMode, Filters, Paragraph, RefusalReason
from rag.settings import Settings
from rag.snapshot import CorpusSnapshot, SnapshotSource
from rag.store import Store
from rag.tuning import Tuning
from rag.variants import VariantTable


class Answerer:
    """Answers questions from one store, as ``tuning`` says. Shared by threads; holds no user state.

    ``llm`` is a llama-index LLM that writes factual answers; without one, it is built from
    ``settings.llm`` on first use (none set: answers stay extractive). ``judge`` likewise, from
    ``settings.judge`` here (a missing folder fails now; its model loads on the first question);
    none set: ``judge`` is ``None`` and retrieval and refusals are exactly as without this option.
    """

    def __init__(self, store: Store, variants: VariantTable, tuning: Tuning, llm: Any = None,
                 settings: Settings | None = None, judge: Judge | None = None):
        self.store = store
        self.variants = variants
        self.tuning = tuning
        self.retriever = Retriever(store, variants, tuning)
        self.snapshots = SnapshotSource(store, variants)
        self._llm = llm
        self._settings = settings
        self.judge = judge if judge is not None or settings is None or not settings.judge else Judge(settings.judge)

    @property
    def llm(self) -> Any:
        """The LLM that writes factual answers, or ``None`` for extractive answers only."""
        if self._llm is None and self._settings is not None and self._settings.llm:
            from rag.llm import build_llm  # the LLM stack is imported only when one is configured

            self._llm = build_llm(self._settings)
        return self._llm

    def snapshot(self) -> CorpusSnapshot:
        """The corpus as of now; pass it through every step of one question."""
        return self.snapshots.current()

    def search(self, asked: Question, k: int, snapshot: CorpusSnapshot | None = None) -> Retrieval:
        """Hybrid retrieval for ``asked`` inside its filters, preferring paragraphs that quote the
        speaker it is about.

        "What did Varnholm's mayor say the town needed?" rarely shares words with the paragraph
        that quotes Mayor Okafor; the quote records know she is the mayor.
        """
        snapshot = snapshot or self.snapshot()
        return self.retriever.retrieve(asked.text, k, asked.filters, snapshot.keywords,
                                       prefer=self._quoting(asked, snapshot), judge=self.judge)

    def _quoting(self, asked: Question, snapshot: CorpusSnapshot) -> frozenset[str]:
        """Ids of the paragraphs quoting a speaker who fits the one ``asked`` names (or none)."""
        if not asked.speaker or not self.tuning.prefer_quoted:
            return frozenset()
        return snapshot.speakers.paragraphs_of(snapshot.speakers.like(asked.speaker))

    def answer(self, asked: Question, history: Sequence[object], k: int, limits: Limits | None = None) -> Answer:
        """The answer to ``asked``, rendered (``Answer.text``) and ready to show.

        One corpus revision per answer; an LLM, which may take minutes, writes outside the
        turn, so ingests are not held up by it (its checks read the paragraphs it was given).
        """
        with self.store.reading():
            answer, retrieval = self.draft(asked, history, k, limits)
        if answer.mode is AnswerMode.EXTRACTIVE and retrieval is not None and self.llm is not None:
            from rag.llm import llm_answer

            answer = llm_answer(asked.question, retrieval, answer, self.llm, self.store.encoder)
        return finished(answer)

    def draft(
        self, asked: Question, history: Sequence[object], k: int, limits: Limits | None = None,
    ) -> tuple[Answer, Retrieval | None]:
        """The answer without an LLM and, for a factual question, the retrieval it was drawn from."""
        snapshot = self.snapshot()
        if asked.kind is QuestionKind.WHEN:
            return extractive.when(asked, earlier_answers(history)), None
        if asked.kind is QuestionKind.ATTRIBUTION:
            limits = limits or Limits(self.tuning.max_speakers, self.tuning.max_statements_per_speaker)
            answer = attribution.answer(asked, snapshot, self._reads(snapshot), self.tuning, k, limits)
            if not (asked.identifies and answer.refusal is not None
                    and answer.refusal.reason in (RefusalReason.UNKNOWN_SPEAKER, RefusalReason.NOBODY_QUOTED)):
                return answer, None
            # Nobody quoted says it; a report in the article's own words may ("Volkswagen plans
            # to phase out ..."), so the question is answered as a factual one.
            asked = replace(asked, kind=QuestionKind.FACT, speaker="", topic="", identifies=False)
        retrieval = self.search(asked, k, snapshot)
        return extractive.answer(asked, retrieval, snapshot, self.tuning, self.store.encoder), retrieval

    def _reads(self, snapshot: CorpusSnapshot) -> attribution.Reads:
        """What attribution reads beyond the snapshot, bound to this question's snapshot."""
        keywords = snapshot.keywords

        def search(text: str, k: int, filters: Filters) -> Retrieval:
            return self.retriever.retrieve(text, k, filters, keywords)

        def paragraphs(at: Collection[tuple[str, int]]) -> dict[tuple[str, int], Paragraph]:
            return _paragraphs_at(self.store, keywords, at)

        return attribution.Reads(search=search, vectors=self.store.embeddings, paragraphs=paragraphs,
                                embed_query=self.store.encoder.embed_query)


def _paragraphs_at(store: Store, keywords: KeywordCache, at: Collection[tuple[str, int]]) -> dict[
        tuple[str, int], Paragraph]:
    """The paragraphs at (article id, number) places, in one read of the store for them all."""
    ids = keywords.paragraph_ids_at(at)
    if not ids:
        return {}
    return {(p.article_id, p.number): p for p in store.get(sorted(ids.values()))}
