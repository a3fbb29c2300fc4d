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

    def __init__(self, keywords: KeywordCache, variants: VariantTable):
        self.keywords = keywords
        self.variants = variants
        self._speakers: SpeakerIndex | None = None
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
                    self._speakers = SpeakerIndex(self.keywords, self.variants)
        return self._speakers

    def unknown_names(self, names: list[str]) -> list[str]:
        """Those of ``names`` that no paragraph or headline holds, in any spelling."""
        return [n for n in names if not self.keywords.contains(self.variants.expand(n))]


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
            snapshot = self._current = CorpusSnapshot(keywords, self.variants)
        return snapshot
