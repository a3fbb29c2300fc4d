"""The keyword side of search: BM25 over headline + paragraph, and per-paragraph filter arrays.

A local cache of what Chroma holds, keyed by the collection's revision stamp and rebuilt from
Chroma whenever that changes (see ``rag.store``); never the source of truth.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.records import date_number, paragraph_from_record, paragraph_metadata
from rag.schema import Filters, Paragraph
from rag.text import fold

if TYPE_CHECKING:
    from rag.store import Store


_INNER_APOSTROPHE = re.compile(r"\w['\u2019]\w")


def settle_long_lived() -> None:
    """Exempt the objects alive now (a just-built index) from Python's cyclic garbage collector.

    A 100k-paragraph corpus keeps about a million small objects (paragraphs, quotes, speaker
    terms) for the life of the process; every full collection would walk all of them, a pause of
    about a second in the middle of some unlucky question (measured: bench/RESULTS.md, query).
    ``gc.freeze`` skips them; they hold no reference cycles, so reference counting still frees
    them when a newer corpus revision replaces them.
    """
    gc.freeze()


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _bm25s_version() -> str:
    """The saved arrays are bm25s's own format: another version of it rebuilds the cache."""
    import bm25s

    return str(bm25s.__version__)


class KeywordCache:
    """BM25 over headline + paragraph text, with per-paragraph arrays for metadata filters.

    Built with ``bm25s`` (sparse-matrix BM25, ~ms queries at 100k paragraphs) and an English
    Snowball stemmer. Persisted under ``Settings.keyword_cache_dir``; only ever a cache of
    what Chroma holds, keyed by the collection's revision.
    """

    FILE = "cache.json"
    # Written last: the format, the corpus revision and a SHA-256 of every other file. A cache
    # without it (an older newsrag), of another format, or whose files do not match it (truncated,
    # garbled, half copied) is rebuilt from Chroma, never read: a damaged BM25 array loads without
    # error and silently ranks the wrong paragraphs (tests/test_faults.py). Hashing costs about
    # 0.1 s per 100 MB on load, against a rebuild of seconds to minutes.
    MANIFEST = "manifest.json"
    # Bump when what a cache holds, or how its text is tokenised (``tokenize``, ``rag.text.fold``),
    # changes: caches written before are then rebuilt.
    FORMAT = 2

    def __init__(
        self,
        revision: str,
        ids: list[str],
        article_ids: list[str],
        numbers: list[int],
        sources: list[str],
        dates: list[int],
        quoted: dict[str, Paragraph],
        retriever: Any,
    ):
        import numpy as np

        self.revision = revision
        self.ids = ids
        self.article_ids = article_ids
        self.numbers = numbers
        self.sources = sources
        self.dates = np.asarray(dates, dtype=np.int64)
        self.source_keys = np.asarray([fold(s) for s in sources], dtype=object)
        self.quoted = quoted  # paragraph id -> paragraph, for every paragraph holding quotes
        self.retriever = retriever
        self._stemmer: Any = None
        self.position = {pid: i for i, pid in enumerate(ids)}
        self.by_number = {(a, n): pid for a, n, pid in zip(article_ids, numbers, ids, strict=True)}
        # (article, paragraph number) -> the other paragraphs its quotes span, both directions.
        self.spans: dict[tuple[str, int], set[int]] = {}
        for p in quoted.values():
            for q in p.quotes:
                if len(q.paragraphs) > 1:
                    for n in q.paragraphs:
                        self.spans.setdefault((p.article_id, n), set()).update(set(q.paragraphs) - {n})

    @staticmethod
    def stemmer() -> Any:
        import Stemmer

        return Stemmer.Stemmer("english")

    @classmethod
    def tokenize(cls, texts: list[str], stemmer: Any, show_progress: bool = False) -> Any:
        import bm25s

        return bm25s.tokenize(
            [fold(t) for t in texts], stopwords="en", stemmer=stemmer, show_progress=show_progress
        )

    @classmethod
    def load_or_build(cls, store: Store, revision: str) -> KeywordCache:
        folder = store.settings.keyword_cache_dir
        try:
            cached = cls._load(folder, revision)
        except Exception:  # a corrupt or foreign cache is just rebuilt
            cached = None
        if cached is not None:
            settle_long_lived()
            return cached
        built = cls._build(store, revision)
        # A read-only cache folder costs a rebuild next time, nothing more.
        with contextlib.suppress(OSError):
            built._save(folder)
        settle_long_lived()
        return built

    @classmethod
    def _build(cls, store: Store, revision: str) -> KeywordCache:
        import bm25s

        ids: list[str] = []
        article_ids: list[str] = []
        numbers: list[int] = []
        sources: list[str] = []
        dates: list[int] = []
        texts: list[str] = []
        quoted: dict[str, Paragraph] = {}
        for p in store.iter_paragraphs():
            ids.append(p.paragraph_id)
            article_ids.append(p.article_id)
            numbers.append(p.number)
            sources.append(p.source)
            dates.append(date_number(p.date))
            texts.append(f"{p.title}\n{p.text}")
            if p.quotes:
                quoted[p.paragraph_id] = p
        retriever = None
        if texts:
            stemmer = cls.stemmer()
            retriever = bm25s.BM25()
            retriever.index(cls.tokenize(texts, stemmer), show_progress=False)
        return cls(revision, ids, article_ids, numbers, sources, dates, quoted, retriever)

    def _save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
        tmp.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"))
        payload = {
            "revision": self.revision,
            "ids": self.ids,
            "article_ids": self.article_ids,
            "numbers": self.numbers,
            "sources": self.sources,
            "dates": [int(d) for d in self.dates],
            "quoted": {
                pid: {"text": p.text, "meta": paragraph_metadata(p)} for pid, p in self.quoted.items()
            },
        }
        (tmp / self.FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        manifest = {"format": self.FORMAT, "bm25s": _bm25s_version(), "revision": self.revision,
                    "files": {str(f.relative_to(tmp)): _sha256(f) for f in sorted(tmp.rglob("*")) if f.is_file()}}
        (tmp / self.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)

    @classmethod
    def _load(cls, folder: Path, revision: str) -> KeywordCache | None:
        import bm25s

        path = folder / cls.FILE
        if not (folder / cls.MANIFEST).exists() or not path.exists():
            return None
        manifest = json.loads((folder / cls.MANIFEST).read_text(encoding="utf-8"))
        if (manifest.get("format"), manifest.get("bm25s"), manifest.get("revision")) != (
            cls.FORMAT, _bm25s_version(), revision
        ):
            return None
        files = manifest["files"]
        if cls.FILE not in files or any(_sha256(folder / name) != digest for name, digest in files.items()):
            return None  # damaged since it was written
        payload = json.loads(path.read_text(encoding="utf-8"))
        if payload.get("revision") != revision:
            return None
        retriever = bm25s.BM25.load(str(folder / "bm25")) if payload["ids"] else None
        quoted = {
            pid: paragraph_from_record(pid, rec["text"], rec["meta"]) for pid, rec in payload["quoted"].items()
        }
        return cls(
            revision,
            payload["ids"],
            payload["article_ids"],
            payload["numbers"],
            payload["sources"],
            payload["dates"],
            quoted,
            retriever,
        )

    def _tokens(self, text: str) -> Any:
        """``text`` tokenised as the index was (one stemmer per cache, not one per query)."""
        if self._stemmer is None:
            self._stemmer = self.stemmer()
        return self.tokenize([text], self._stemmer)

    def _spelling_tokens(self, spellings: str) -> Any:
        """The index tokens of one word's spellings (space-separated), as ``_tokens``, but a
        spelling with an inner apostrophe only when the word has no plain one: "Severs'k" is
        tokenised "severs" + "k", and "severs" stems to "sever", as "severe" does."""
        words = spellings.split()
        plain = [w for w in words if not _INNER_APOSTROPHE.search(w)]
        return self._tokens(" ".join(plain or words)).vocab

    def contains(self, text: str) -> bool:
        """Whether any paragraph or headline holds a word of ``text`` (one word's spellings,
        stemmed): a dictionary lookup, where a BM25 search would score every posting of the word."""
        if self.retriever is None or not self.ids:
            return False
        vocab = self.retriever.vocab_dict
        return any(token and token in vocab for token in self._spelling_tokens(text))

    def articles_mentioning(self, groups: Sequence[str], needed: int) -> set[str]:
        """Articles whose headline or paragraphs hold at least ``needed`` of ``groups`` (each a
        word with its other spellings, space-separated), read off the BM25 postings: no text scan."""
        if self.retriever is None or not self.ids or needed <= 0:
            return set()
        vocab, postings = self.retriever.vocab_dict, self.retriever.scores
        counts: dict[str, int] = {}
        for group in groups:
            articles: set[str] = set()
            for token in self._spelling_tokens(group):
                t = vocab.get(token) if token else None
                if t is not None:
                    docs = postings["indices"][postings["indptr"][t] : postings["indptr"][t + 1]]
                    articles.update(self.article_ids[int(d)] for d in docs)
            for a in articles:
                counts[a] = counts.get(a, 0) + 1
        return {a for a, n in counts.items() if n >= needed}

    def filter_mask(self, filters: Filters) -> Any:
        """A 0/1 array over ``ids``: 1 where the paragraph is inside ``filters`` (``None``: no filters)."""
        if filters.empty:
            return None
        import numpy as np

        mask = np.ones(len(self.ids), dtype=np.float32)
        if filters.source:
            mask *= self.source_keys == fold(filters.source)
        if filters.since:
            mask *= self.dates >= date_number(filters.since)
        if filters.until:
            mask *= self.dates <= date_number(filters.until)
        if filters.article_id:
            mask *= np.asarray(self.article_ids, dtype=object) == filters.article_id
        return mask

    def search(self, query: str, k: int, mask: Any = None) -> list[tuple[str, float]]:
        """Top ``k`` (paragraph id, BM25 score) for ``query``; ``mask`` is a 0/1 array over ids."""
        if self.retriever is None or not self.ids:
            return []
        tokens = self._tokens(query)
        if not tokens.vocab or not any(tokens.ids):
            return []
        k = min(k, len(self.ids))
        kwargs: dict[str, Any] = {"k": k, "show_progress": False, "n_threads": 1}
        if mask is not None:
            kwargs["weight_mask"] = mask
        docs, scores = self.retriever.retrieve(tokens, **kwargs)
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if float(s) > 0
        ]
