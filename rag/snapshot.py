"""One consistent view of the corpus per question: revision, keyword index, speaker index.

A question reads the corpus through one ``CorpusSnapshot`` from start to end, so every step
sees the same revision and nothing is fetched twice; the next question takes a newer snapshot
if an ingest has changed the store since (``SnapshotSource``).
"""

from __future__ import annotations

import threading

from rag.keywords import KeywordCache
from rag.speakers import SpeakerIndex
from rag.store import Store
from rag.variants import VariantTable


class CorpusSnapshot:
    """The keyword cache of one corpus revision, with the speaker index built from it on demand."""

    def __init__(self, keywords: KeywordCache, variants: VariantTable, previous: CorpusSnapshot | None = None):
        self.keywords = keywords
        self.variants = variants
        self._speakers: SpeakerIndex | None = None
        # The last revision's speaker index, if it was built: this one is derived from it.
        self._previous = (previous._speakers or previous._previous) if previous is not None else None
        self._lock = threading.Lock()

    @property
    def revision(self) -> str:
        return self.keywords.revision

    @property
    def speakers(self) -> SpeakerIndex:
        """The speaker index of this revision (built on first use: about a second at 100k)."""
        if self._speakers is None:
            with self._lock:
                if self._speakers is None:
                    previous, self._previous = self._previous, None
                    self._speakers = (previous.updated(self.keywords) if previous is not None
                                      else SpeakerIndex(self.keywords, self.variants))
        return self._speakers

    def unknown_names(self, names: list[str]) -> list[str]:
        """Those of ``names`` that no paragraph or headline holds, in any spelling."""
        return [n for n in names if not self.keywords.contains(self.variants.expand(n))]

    def unknown_runs(self, runs: list[str], stem_prefix: int = 0) -> list[str]:
        """Those of ``runs`` (``rag.text.name_runs``) that no paragraph or headline holds.

        A run is known when its last word is (the surname: "Novak Djokovic" in a passage saying
        "Djokovic"; the head: "Stanley Cup"), when its initials are ("International Monetary Fund"
        as "IMF"), or, with ``stem_prefix``, when a stored word starts with its last word's stem
        of at least that many letters or the other way round ("Chile's" and "Chilean").
        """
        unknown = []
        for run in runs:
            words = run.split()
            last = words[-1]
            initials = "".join(w[0] for w in words) if len(words) > 1 else ""
            if self.keywords.contains(self.variants.expand(last)) or (initials and self.keywords.contains(initials)):
                continue
            if stem_prefix and self.shares_stem(last, stem_prefix):
                continue
            unknown.append(run)
        return unknown

    def shares_stem(self, word: str, length: int) -> bool:
        """Whether a stored word and ``word`` (both stemmed) are one a prefix of the other
        (``KeywordCache.shares_stem``)."""
        return self.keywords.shares_stem(word, length)

    def rarity(self, word: str) -> float:
        """The inverse document frequency of ``word`` over paragraphs and headlines (``KeywordCache.rarity``)."""
        return self.keywords.rarity(word)


class SnapshotSource:
    """Hands out the current snapshot, reusing it while the store's revision is unchanged."""

    def __init__(self, store: Store, variants: VariantTable):
        self.store = store
        self.variants = variants
        self._current: CorpusSnapshot | None = None

    def current(self) -> CorpusSnapshot:
        keywords = self.store.keyword_cache()  # re-reads the revision at most every few seconds
        snapshot = self._current
        if snapshot is None or snapshot.keywords is not keywords:
            snapshot = self._current = CorpusSnapshot(keywords, self.variants, previous=snapshot)
        return snapshot
