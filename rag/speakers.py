"""Which quoted speakers fit the speaker a question names: by name, spelling, role or description.

Built once per corpus revision from the stored quote records (``SpeakerIndex.build``): each
speaker's profile is every word the corpus uses for them (names as written, resolved name,
roles, role synonyms from ``roles.json``), indexed by word, so matching costs a few set
operations even with hundreds of thousands of speakers.
"""

from __future__ import annotations

import json
import re
import sys
from functools import lru_cache
from pathlib import Path

from rag.keywords import KeywordCache
from rag.schema import Quote
from rag.text import content_terms, mostly_in, names_in
from rag.variants import VariantTable

ROLE_TABLE = Path(__file__).with_name("roles.json")


@lru_cache(maxsize=1)
def role_synonyms() -> dict[str, tuple[str, ...]]:
    """Word -> its group in ``roles.json`` ("leader" -> head, chief, chair, president, ...)."""
    groups = json.loads(ROLE_TABLE.read_text(encoding="utf-8"))["groups"]
    return {word: tuple(group) for group in groups for word in group}


class SpeakerIndex:
    """Speaker profiles, their inverted word index, and the paragraphs quoting each speaker."""

    def __init__(self, cache: KeywordCache, variants: VariantTable):
        self.cache = cache
        self.variants = variants
        profiles: dict[str, set[str]] = {}
        by_speaker: dict[str, list[str]] = {}
        for pid, p in cache.quoted.items():
            for q in p.quotes:
                profiles.setdefault(q.speaker, set()).update(self._terms(q))
                ids = by_speaker.setdefault(q.speaker, [])
                if not ids or ids[-1] != pid:
                    ids.append(pid)
        by_term: dict[str, set[str]] = {}
        for speaker, terms in profiles.items():
            for term in terms:
                by_term.setdefault(term, set()).add(speaker)
        self.profiles = {k: frozenset(v) for k, v in profiles.items()}
        self.by_term = by_term
        self.by_speaker = by_speaker

    def _terms(self, q: Quote) -> set[str]:
        """The words a quote gives its speaker's profile: names as written, resolved, role."""
        canonical = self.variants.canonical
        synonyms = role_synonyms()
        terms: set[str] = set()
        for text in (q.speaker, q.speaker_as_written, q.role):
            for term in content_terms(text):
                terms.add(sys.intern(canonical(term)))  # one string per word, not one per quote
                terms.update(synonyms.get(term, ()))
        return terms

    def updated(self, cache: KeywordCache) -> SpeakerIndex:
        """This index for a newer revision, redoing only the speakers of paragraphs that changed.

        A view brought forward from this index's own view lists what changed; otherwise paragraphs
        compare by identity (a view carries over the objects of those that did not change,
        ``KeywordCache.load_or_build``). This index stays as it was, for questions still reading
        the older revision."""
        old, new = self.cache.quoted, cache.quoted
        if cache.base is not None and cache.base() is self.cache:  # one step: the view knows what changed
            removed = {pid for pid in cache.changed if pid in old}
            added = [pid for pid in cache.changed if pid in new]
        else:
            removed = {pid for pid, p in old.items() if new.get(pid) is not p}
            added = [pid for pid, p in new.items() if old.get(pid) is not p]
        affected = {q.speaker for pid in removed for q in old[pid].quotes}
        affected.update(q.speaker for pid in added for q in new[pid].quotes)
        index = SpeakerIndex.__new__(SpeakerIndex)
        index.cache, index.variants = cache, self.variants
        index.by_speaker = dict(self.by_speaker)
        index.profiles = dict(self.profiles)
        index.by_term = dict(self.by_term)
        copied: set[str] = set()

        def term_set(term: str) -> set[str]:
            if term not in copied:
                index.by_term[term] = set(index.by_term.get(term, ()))
                copied.add(term)
            return index.by_term[term]

        fresh: dict[str, list[str]] = {}
        for pid in added:
            for q in new[pid].quotes:
                ids = fresh.setdefault(q.speaker, [])
                if not ids or ids[-1] != pid:
                    ids.append(pid)
        for speaker in affected:
            ids = [pid for pid in self.by_speaker.get(speaker, ()) if pid not in removed] + fresh.get(speaker, [])
            terms: set[str] = set()
            for pid in dict.fromkeys(ids):
                terms.update(t for q in new[pid].quotes if q.speaker == speaker for t in self._terms(q))
            for term in self.profiles.get(speaker, frozenset()) - terms:
                term_set(term).discard(speaker)
                if not index.by_term[term]:
                    del index.by_term[term]
                    copied.discard(term)
            for term in terms:
                term_set(term).add(speaker)
            if ids:
                index.by_speaker[speaker] = list(dict.fromkeys(ids))
                index.profiles[speaker] = frozenset(terms)
            else:
                index.by_speaker.pop(speaker, None)
                index.profiles.pop(speaker, None)
        return index

    def profile(self, speaker: str) -> frozenset[str]:
        """Every word the corpus uses for ``speaker``, by spelling group.

        So "Varnholm's mayor" finds Lena Okafor although no single quote calls her that ("Mayor
        Lena Okafor", "Okafor, the Varnholm mayor"), and Пушилин finds Pushilin.
        """
        return self.profiles.get(speaker, frozenset())

    def paragraphs_of(self, speakers: frozenset[str] | set[str] | list[str]) -> frozenset[str]:
        """Ids of the paragraphs quoting any of ``speakers``."""
        return frozenset(pid for name in speakers for pid in self.by_speaker.get(name, ()))

    def like(self, wanted: str) -> frozenset[str]:
        """Resolved speakers whose profile fits ``wanted``, found through the term index.

        Every name (capitalised word) ``wanted`` gives must match, in some spelling; so must the
        descriptive words ("the head of the water authority"), or two thirds of them when there
        are four or more.
        """
        canonical = self.variants.canonical
        cleaned = re.sub(r"^(?:the|a|an)\s+", "", wanted.strip(), flags=re.I)
        wanted_terms = frozenset(canonical(t) for t in content_terms(cleaned))
        if not wanted_terms:
            return frozenset()
        names = [frozenset(canonical(t) for t in content_terms(n)) for n in names_in("x " + cleaned)]
        names = [n for n in names if n]
        if names:
            candidates = self._with_any(names[0])
            for name in names[1:]:
                candidates &= self._with_any(name)
        else:
            candidates = self._with_any(wanted_terms)
        found = frozenset(s for s in candidates if mostly_in(wanted_terms, wanted_terms & self.profiles[s]))
        if found or not names:
            return found
        return self._described_with_place(wanted_terms, names)

    def _with_any(self, terms: frozenset[str]) -> set[str]:
        return set().union(*(self.by_term.get(t, ()) for t in terms))

    def _described_with_place(self, wanted_terms: frozenset[str], names: list[frozenset[str]]) -> frozenset[str]:
        """Speakers fitting "the mayor of Charniv" through the headline they are quoted under.

        Articles often name the place only in the headline ("Mayor Bohdan Lesko told the
        crowd..." under "...Kharniv Hospital..."). Asked only when no profile holds the names; the
        descriptive words ("mayor") must still fit the speaker's own profile, so a bare person's
        name ("Ester Vallin") never matches someone else quoted under a headline naming them.
        """
        descriptive = wanted_terms - frozenset().union(*names)
        if not descriptive:
            return frozenset()
        canonical = self.variants.canonical
        found = set()
        for speaker in self._with_any(descriptive):
            profile = self.profiles[speaker]
            if not mostly_in(descriptive, descriptive & profile):
                continue
            headlines = {
                canonical(t) for pid in self.by_speaker.get(speaker, ())
                for t in content_terms(self.cache.quoted[pid].title)
            }
            if all(n & (profile | headlines) for n in names):
                found.add(speaker)
        return frozenset(found)
