"""The keyword side of search: BM25 over headline + paragraph in SQLite FTS5, kept on disk and
brought up to date with the paragraphs that changed.

A local index of what Chroma holds, never the source of truth. One file per store per machine
(``Settings.keyword_cache_dir``/``keywords.sqlite``), shared by every process there: its pages
live once in the operating system's page cache instead of once per process as a Python copy
(issue 19 measured the in-memory bm25s index at 1.9 GiB of a 2.84 GiB query process at 300k
paragraphs), and an ingest costs the next question the changed paragraphs, read from the change
log (``rag.changes``), instead of a rebuild of the whole corpus in every process (2 s at 10k,
37 s at 100k). SQLite FTS5 is in Python's standard library, ranks by BM25 and updates
incrementally; the text goes in already tokenised and stemmed as before (``tokenize``: folded,
English stop words out, Snowball stems), so a word matches as it always did.

What processes keep in memory is the per-revision view (``KeywordCache``): the paragraphs that
hold quotes (the speaker index and quote listings read them) and which paragraphs a quote spans.
A file of another format, another store, or that SQLite finds damaged is rebuilt from Chroma,
never trusted; so is one whose paragraph count disagrees with Chroma's after an update.
"""

from __future__ import annotations

import math
import re
import sqlite3
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rag.keyword_file import KeywordFile, chunks, marks, match_any, sql_where, tokenize
from rag.schema import Filters, Paragraph, StoreState

if TYPE_CHECKING:
    from rag.store import Store


_INNER_APOSTROPHE = re.compile(r"\w['\u2019]\w")
# BM25 as bm25s scored it (its defaults), the scores ``Tuning``'s fusion weights were fitted on.
BM25_K1 = 1.5
BM25_B = 0.75
RESCORED_PER_HIT = 5  # FTS5's best candidates per hit asked for, scored again with those
RESCORED_AT_LEAST = 200


class KeywordCache:
    """One corpus revision's keyword side: BM25 search and lookups in the shared file, and the
    quoted paragraphs in memory. Questions hold one for their whole answer (``CorpusSnapshot``)."""

    def __init__(self, file: KeywordFile, state: StoreState, quoted: dict[str, Paragraph],
                 base: KeywordCache | None = None, changed: frozenset[str] = frozenset()):
        self.file = file
        self.state = state
        self.revision = state.revision
        self.quoted = quoted  # paragraph id -> paragraph, for every paragraph holding quotes
        # The view this one was brought forward from, and the ids that changed since: so the
        # speaker index redoes those alone (weak: a view never keeps older corpora alive).
        self.base = weakref.ref(base) if base is not None else None
        self.changed = changed
        self._count: int | None = None

    # -- keeping current ---------------------------------------------------------------------

    @classmethod
    def load_or_build(cls, store: Store, state: StoreState, previous: KeywordCache | None = None) -> KeywordCache:
        """The view of ``state``: the file brought forward by the change log when it can be,
        else rebuilt from Chroma; the quoted paragraphs carried over from ``previous``."""
        settings = store.settings
        identity = f"{settings.chroma_url or settings.db.resolve()}|{settings.collection}"
        file = KeywordFile.of(settings.keyword_cache_dir, identity)
        meta = file.meta(verify=previous is None)
        view = None
        try:
            if meta is None or meta.get("epoch") != state.epoch:
                view = None
            elif int(meta["seq"]) == state.seq and meta.get("revision") == state.revision:
                view = cls(file, state, file.quoted())  # as it stands (a store without a change log too)
            elif state.trusted and int(meta["seq"]) <= state.seq:
                view = cls._forward(store, file, state, int(meta["seq"]), previous)
        except sqlite3.DatabaseError:  # damage the checks did not see: rebuilt, not trusted
            view = None
        if view is None or view.count() != store.count():
            file.build(store, state)
            view = cls(file, state, file.quoted())
        return view

    @classmethod
    def _forward(cls, store: Store, file: KeywordFile, state: StoreState, at: int,
                 previous: KeywordCache | None) -> KeywordCache | None:
        reuse = previous is not None and previous.file is file and previous.state.epoch == state.epoch \
            and previous.state.seq <= state.seq
        base = min(at, previous.state.seq) if reuse and previous is not None else at
        found = store.changes_since(base, state.seq)
        if found is None:
            return None
        fetched = store.get(sorted(found.upserted))
        gone = found.deleted | (found.upserted - {p.paragraph_id for p in fetched})
        if not file.apply(base, state, fetched, gone):
            return None
        if not reuse or previous is None:
            return cls(file, state, file.quoted())
        quoted = dict(previous.quoted)
        changed = frozenset(found.upserted | gone)
        for pid in changed:
            quoted.pop(pid, None)
        quoted.update((p.paragraph_id, p) for p in fetched if p.quotes)
        return cls(file, state, quoted, base=previous, changed=changed)

    # -- counts and lookups ------------------------------------------------------------------

    def count(self) -> int:
        """How many paragraphs the index holds."""
        if self._count is None:
            self._count = int(self.file.db().execute("SELECT count(*) FROM paragraphs").fetchone()[0])
        return self._count

    def paragraph_ids(self) -> list[str]:
        """Every indexed paragraph's id."""
        return [pid for (pid,) in self.file.db().execute("SELECT pid FROM paragraphs")]

    def article_count(self) -> int:
        return int(self.file.db().execute("SELECT count(DISTINCT article_id) FROM paragraphs").fetchone()[0])

    def sources(self) -> list[str]:
        return [s for (s,) in self.file.db().execute("SELECT DISTINCT source FROM paragraphs") if s]

    def spanned(self, article_id: str, number: int) -> list[str]:
        """Ids of the article's other paragraphs that a quote in (or into) paragraph ``number``
        runs over, in order: read from the index, so a corpus change costs nothing here."""
        rows = self.file.db().execute(
            "SELECT DISTINCT p.pid, s.other FROM spans s JOIN paragraphs p "
            "ON p.article_id = s.article_id AND p.number = s.other "
            "WHERE s.article_id = ? AND s.number = ? ORDER BY s.other", (article_id, number))
        return [pid for pid, _ in rows]

    def paragraph_ids_at(self, at: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The id of the paragraph at each (article id, paragraph number) place, those indexed:
        one query per ``_IN_CHUNK`` articles, where a lookup per place would read once each."""
        wanted = set(at)
        found: dict[tuple[str, int], str] = {}
        for chunk in chunks(sorted({a for a, _ in wanted})):
            rows = self.file.db().execute(
                f"SELECT article_id, number, pid FROM paragraphs WHERE article_id IN ({marks(chunk)})", chunk)
            found.update(((a, n), pid) for a, n, pid in rows if (a, n) in wanted)
        return found

    def dates_of(self, ids: Sequence[str]) -> dict[str, int]:
        """Each paragraph's date as YYYYMMDD (0 when undated)."""
        found: dict[str, int] = {}
        for chunk in chunks(list(ids)):
            found.update(self.file.db().execute(
                f"SELECT pid, date_n FROM paragraphs WHERE pid IN ({marks(chunk)})", chunk).fetchall())
        return found

    def newest_date(self, filters: Filters) -> int | None:
        """The latest YYYYMMDD among the paragraphs inside ``filters`` (0: all undated; None: none)."""
        where, values = sql_where(filters)
        row = self.file.db().execute(f"SELECT max(p.date_n) FROM paragraphs p WHERE 1{where}", values).fetchone()
        return None if row[0] is None else int(row[0])

    def articles_within(self, articles: Iterable[str], filters: Filters) -> set[str]:
        """Those of ``articles`` with a paragraph inside ``filters``."""
        where, values = sql_where(filters)
        inside: set[str] = set()
        for chunk in chunks(sorted(articles)):
            inside.update(a for (a,) in self.file.db().execute(
                f"SELECT DISTINCT p.article_id FROM paragraphs p WHERE p.article_id IN ({marks(chunk)}){where}",
                [*chunk, *values]))
        return inside

    def undated(self, articles: Iterable[str]) -> set[str]:
        """Those of ``articles`` that carry no date (stored as 0), which no date range holds."""
        found: set[str] = set()
        for chunk in chunks(sorted(articles)):
            found.update(a for (a,) in self.file.db().execute(
                f"SELECT DISTINCT article_id FROM paragraphs WHERE article_id IN ({marks(chunk)}) AND date_n = 0",
                chunk))
        return found

    # -- words ---------------------------------------------------------------------------------

    def stems(self, text: str) -> list[str]:
        """``text``'s words as the index holds them."""
        return tokenize([text])[0]

    def _spelling_stems(self, spellings: str) -> list[str]:
        """The index words of one word's spellings (space-separated), as ``stems``, but a
        spelling with an inner apostrophe only when the word has no plain one: "Severs'k" is
        tokenised "severs" + "k", and "severs" stems to "sever", as "severe" does."""
        words = spellings.split()
        plain = [w for w in words if not _INNER_APOSTROPHE.search(w)]
        return self.stems(" ".join(plain or words))

    def document_frequency(self, stem: str) -> int:
        """How many paragraphs (headline included) hold ``stem``."""
        row = self.file.db().execute("SELECT doc FROM vocab WHERE term = ?", (stem,)).fetchone()
        return int(row[0]) if row else 0

    def has_prefix(self, stem: str) -> bool:
        """Whether some indexed word starts with ``stem``."""
        row = self.file.db().execute("SELECT 1 FROM vocab WHERE term >= ? AND term < ? LIMIT 1",
                                     (stem, stem + "\U0010ffff")).fetchone()
        return row is not None

    def shares_stem(self, word: str, length: int) -> bool:
        """Whether a stored word and ``word`` (both stemmed) are one a prefix of the other, the
        shorter of at least ``length`` letters ("chile"/"chilean", "lanka"/"lankan")."""
        for stem in (t for t in self.stems(word) if t and len(t) >= length):
            if self.has_prefix(stem):
                return True
            if any(self.document_frequency(stem[:n]) for n in range(length, len(stem))):
                return True
        return False

    def rarity(self, word: str) -> float:
        """The inverse document frequency of ``word`` (its rarest stem) over paragraphs and
        headlines: ``log((N + 1) / (df + 0.5))``, the highest value for a word no paragraph holds."""
        n = self.count()
        stems = [t for t in self.stems(word) if t]
        if not n or not stems:
            return 0.0
        df = min(self.document_frequency(t) for t in stems)
        return math.log((n + 1) / (df + 0.5))

    def contains(self, text: str) -> bool:
        """Whether any paragraph or headline holds a word of ``text`` (one word's spellings,
        stemmed): a vocabulary lookup, no search."""
        return any(self.document_frequency(s) for s in self._spelling_stems(text) if s)

    def articles_mentioning(self, groups: Sequence[str], needed: int) -> set[str]:
        """Articles whose headline or paragraphs hold at least ``needed`` of ``groups`` (each a
        word with its other spellings, space-separated)."""
        if needed <= 0:
            return set()
        counts: dict[str, int] = {}
        db = self.file.db()
        for group in groups:
            query = match_any(self._spelling_stems(group))
            if not query:
                continue
            rows = db.execute("SELECT DISTINCT p.article_id FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
                              "WHERE terms MATCH ?", (query,))
            for (a,) in rows:
                counts[a] = counts.get(a, 0) + 1
        return {a for a, n in counts.items() if n >= needed}

    def matching(self, query: str, limit: int) -> list[str]:
        """Up to ``limit`` paragraphs holding a word of ``query``, best first by FTS5's own BM25:
        for callers that want the set (``rag.attribution``'s topic candidates), not ``search``'s
        exact order, which re-scores every candidate."""
        expression = match_any(t for t in self.stems(query) if t)
        if not expression or limit <= 0:
            return []
        rows = self.file.db().execute("SELECT p.pid FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
                                      "WHERE terms MATCH ? ORDER BY terms.rank, p.pid LIMIT ?", (expression, limit))
        return [pid for (pid,) in rows]

    def search(self, query: str, k: int, filters: Filters | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (paragraph id, BM25 score) for ``query`` inside ``filters``.

        FTS5 finds the paragraphs holding a word of the query and ranks them by its own BM25
        (k1 1.2, and an IDF that gives words in over half of the paragraphs almost nothing); the
        best ``RESCORED_PER_HIT`` per hit asked for are then scored as the index always scored
        them, with Lucene's BM25 (k1 1.5, b 0.75, IDF log(1 + (N - df + 0.5) / (df + 0.5)),
        bm25s's default), which the fusion weights were tuned on: FTS5's own order cost our
        labelled set one question in its top 5 (bench/history/, live newsroom).
        """
        stems = [t for t in self.stems(query) if t]
        expression = match_any(stems)
        if not expression or k <= 0:
            return []
        where, values = sql_where(filters)
        db = self.file.db()
        rows = db.execute(
            "SELECT p.pid, terms.stems FROM terms JOIN paragraphs p ON p.rowid = terms.rowid "
            f"WHERE terms MATCH ?{where} ORDER BY terms.rank, p.pid LIMIT ?",
            [expression, *values, max(k * RESCORED_PER_HIT, RESCORED_AT_LEAST)]).fetchall()
        if not rows:
            return []
        n, average = self.count(), self.average_length()
        idf = {t: math.log(1 + (n - df + 0.5) / (df + 0.5))
               for t in set(stems) if (df := self.document_frequency(t))}
        scored = []
        for pid, text in rows:
            words = text.split()
            norm = BM25_K1 * (1 - BM25_B + BM25_B * len(words) / average)
            counts: dict[str, int] = {}
            for w in words:
                if w in idf:
                    counts[w] = counts.get(w, 0) + 1
            score = sum(idf[t] * counts[t] / (norm + counts[t]) for t in stems if t in counts)
            scored.append((pid, score))
        scored.sort(key=lambda kv: (-kv[1], kv[0]))
        return [(pid, s) for pid, s in scored[:k] if s > 0]

    def average_length(self) -> float:
        """Words per indexed paragraph, on average (BM25's length normalisation)."""
        row = self.file.db().execute("SELECT value FROM meta WHERE key = 'tokens'").fetchone()
        return max(int(row[0]) if row else 0, 1) / max(self.count(), 1)
