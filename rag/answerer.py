"""Turning a question into an answer: resolve it, take one corpus snapshot, pick the mode.

Attribution questions go to ``rag.attribution``, "when was that?" and everything else to
``rag.extractive``; the LLM path (``rag.llm``) starts from the extractive answer's hits. Each
question reads the corpus through one ``CorpusSnapshot``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rag import attribution, extractive
from rag.attribution import Limits
from rag.question import Question, QuestionKind, classify, earlier_answers, resolve
from rag.retrieve import Retrieval, Retriever
from rag.schema import Answer, Filters
from rag.snapshot import CorpusSnapshot, SnapshotSource
from rag.store import Store
from rag.tuning import Tuning
from rag.variants import VariantTable


class Answerer:
    """Answers questions from one store, as ``tuning`` says. Shared by threads; holds no user state."""

    def __init__(self, store: Store, variants: VariantTable, tuning: Tuning):
        self.store = store
        self.variants = variants
        self.tuning = tuning
        self.retriever = Retriever(store, variants, tuning)
        self.snapshots = SnapshotSource(store, variants)

    def snapshot(self) -> CorpusSnapshot:
        """The corpus as of now; pass it through every step of one question."""
        return self.snapshots.current()

    def search(self, query: str, k: int, filters: Filters, snapshot: CorpusSnapshot | None = None) -> Retrieval:
        """Hybrid retrieval for ``query``, preferring paragraphs that quote the speaker it asks about.

        "What did Varnholm's mayor say the town needed?" rarely shares words with the paragraph
        that quotes Mayor Okafor; the quote records know she is the mayor.
        """
        snapshot = snapshot or self.snapshot()
        return self.retriever.retrieve(query, k, filters, snapshot.keywords,
                                       prefer=self._quoting(classify(query), snapshot))

    def _quoting(self, asked: Question, snapshot: CorpusSnapshot) -> frozenset[str]:
        """Ids of the paragraphs quoting a speaker who fits the one ``asked`` names (or none)."""
        if not asked.speaker or not self.tuning.prefer_quoted:
            return frozenset()
        return snapshot.speakers.paragraphs_of(snapshot.speakers.like(asked.speaker))

    def answer(
        self, question: str, history: Sequence[object], k: int, filters: Filters, limits: Limits | None = None,
    ) -> tuple[Answer, Retrieval | None]:
        """The answer to ``question`` and, for a factual one, the retrieval it was drawn from."""
        snapshot = self.snapshot()
        asked = resolve(question, history)
        if asked.kind is QuestionKind.WHEN:
            return extractive.when(question, asked, earlier_answers(history)), None
        if asked.kind is QuestionKind.ATTRIBUTION:
            limits = limits or Limits(self.tuning.max_speakers, self.tuning.max_statements_per_speaker)
            return attribution.answer(question, asked, snapshot, self.retriever, k, filters, limits), None
        retrieval = self.search(asked.text, k, filters, snapshot)
        return extractive.answer(question, asked, retrieval, snapshot, self.tuning, filters,
                                 self.store.encoder), retrieval
