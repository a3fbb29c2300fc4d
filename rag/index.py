"""``NewsIndex``: the one object scripts, the CLI and the Streamlit app ask questions through."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rag.answerer import Answerer
from rag.attribution import Limits
from rag.errors import ConfigError, IndexNotFound
from rag.judge import Judge
from rag.models import Encoder
from rag.question import resolve
from rag.records import within
from rag.retrieve import parse_date
from rag.schema import Answer, CorpusStats, Filters, Hit, Paragraph, StoredQuote
from rag.settings import Settings
from rag.store import Store
from rag.topic import Topic
from rag.tuning import Tuning
from rag.variants import VariantTable, default_table

_log = logging.getLogger(__name__)


@dataclass
class KeptCurrent:
    """The background refresh ``NewsIndex.keep_current`` started: how often it ran; ``stop()`` ends it."""

    stopped: threading.Event = field(default_factory=threading.Event)
    refreshes: int = 0  # times another process's write was caught up with before a question

    def stop(self) -> None:
        self.stopped.set()


class NewsIndex:
    """An opened news index. Safe to share between threads for reading (one per process).

    >>> index = NewsIndex.open(db="./newsrag-db")
    >>> index.ask("who said what about Seversk?").mode
    <AnswerMode.ATTRIBUTION: 'attribution'>
    """

    def __init__(self, store: Store, settings: Settings, llm: Any = None, tuning: Tuning | None = None,
                 judge: Judge | None = None):
        self.store = store
        self.settings = settings
        self.tuning = tuning or (Tuning.archive() if settings.questions == "archive" else Tuning())
        variants = default_table()
        if settings.variants:
            variants = variants.merged(VariantTable.load(Path(settings.variants).expanduser()))
        # ``llm``: a llama-index LLM; None = built from settings.llm on first use. ``judge``: a
        # ``rag.judge.Judge``; None = built from settings.judge (empty: no judge).
        self.answerer = Answerer(store, variants, self.tuning, llm=llm, settings=settings, judge=judge)
        self._freeze = False  # whether ``warm`` was asked to freeze (a server's index)

    @classmethod
    def open(
        cls,
        settings: Settings | None = None,
        *,
        db: str | Path | None = None,
        chroma_url: str | None = None,
        collection: str | None = None,
        llm: Any = None,
        tuning: Tuning | None = None,
        make_encoder: Callable[[str, Path], Encoder] = Encoder,
        judge: Judge | None = None,
    ) -> NewsIndex:
        """Open an existing index; raises ``IndexNotFound`` (saying to ingest) if it is missing or empty.

        Give either ``settings`` or the store's ``db`` / ``chroma_url`` / ``collection`` (read by
        ``Settings.load``, which refuses ``db`` beside ``chroma_url``); both is a ``ConfigError``,
        not a silent choice of one. ``tuning`` replaces the measured defaults
        (``rag.tuning.Tuning``), e.g. for an experiment. ``judge`` replaces the one
        ``settings.judge`` names (``rag.judge.Judge``); a judge folder that does not exist fails here.
        """
        given = [name for name, value in (("db", db), ("chroma_url", chroma_url), ("collection", collection))
                 if value is not None]
        if settings is not None and given:
            raise ConfigError(f"give either settings or {', '.join(given)} to NewsIndex.open, not both; "
                              f"use settings.replace({given[0]}=...) to change one")
        if settings is None:
            settings = Settings.load(db=db, chroma_url=chroma_url, collection=collection)
        store = Store.connect(settings, make_encoder=make_encoder)
        if store.count() == 0:
            raise IndexNotFound(
                f"the index at {settings.describe_store()} is empty; run `newsrag ingest PATH` first"
            )
        return cls(store, settings, llm=llm, tuning=tuning, judge=judge)

    def reading(self) -> AbstractContextManager[None]:
        """Hold one corpus revision across several calls: ingests and removals by any process
        wait until the block ends (each call holds one by itself already).

        >>> with index.reading():
        ...     answer = index.ask("who said what about Seversk?")
        ...     cited = index.neighbours(answer.citations[0].paragraph_id, 0, 0)   # still there
        """
        return self.store.reading()

    def warm(self, freeze: bool = False) -> NewsIndex:
        """Build now what the first question would otherwise wait for; returns ``self``.

        Loads the embedding model (and the judge's, if one is configured), then the keyword index
        and the speaker index for the current corpus revision (built, or read from the local
        cache), and Chroma's vector index. Servers
        call this at start-up so no user pays for it; ``keep_current`` calls it after each write.

        With ``freeze``, the objects alive afterwards are exempted from Python's cyclic garbage
        collector (``gc.freeze``): a 100k-paragraph corpus keeps hundreds of thousands of small
        objects (quoted paragraphs, quotes, speaker terms) for the life of the process, and every
        full collection would walk all of them, a pause of about a second in the middle of some
        unlucky question at 100k paragraphs (bench/history/, query). They hold no reference
        cycles, so reference counting still frees them when a newer revision replaces them. The
        freeze takes in every object of the process, the host's included, so only a process that
        is a newsrag server asks for it (the chat, ``ui/app.py``); a library call never does.
        """
        vector = self.store.encoder.embed_query("warm up")
        if self.answerer.judge is not None:
            self.answerer.judge.load()
        with self.store.reading():
            self.answerer.snapshot().speakers  # noqa: B018 - built now, not on the first question
            self.store.nearest(vector, 1, Filters())  # Chroma loads its vector index on the first query
        if freeze:
            import gc

            self._freeze = True  # ``keep_current`` warms again after each write: frozen again too
            gc.freeze()
        return self

    def keep_current(self, every: float = 1.0) -> KeptCurrent:
        """Bring this open index forward in the background whenever another process writes, so
        the next question does not pay for it; ``stop()`` the handle it returns to end it.

        After another process's ingest, the first read here reopens the embedded Chroma client and
        loads its vector index again (0.17 s at 100k paragraphs, growing with the corpus), brings
        the keyword index forward and updates the speaker index (``warm``). A chat has seconds
        between an ingest and the next question: this thread spends them instead of the user.
        Each tick reads one small file (the gate's generation stamp, changed by every write on
        this machine); on a server, which other machines write to, the store's state is read as
        well, at most every ``Settings.revision_check_s`` seconds.
        """
        handle = KeptCurrent()
        seen = [self.store.keyword_cache()]

        def loop() -> None:
            said = ""  # a store that stays unreachable is reported once, not every second
            while not handle.stopped.wait(every):
                try:
                    if self.store.gate.outdated() or (
                        self.settings.chroma_url and self.store.keyword_cache() is not seen[0]
                    ):
                        self.warm(freeze=self._freeze)
                        seen[0] = self.store.keyword_cache()
                        handle.refreshes += 1
                    said = ""
                except Exception as exc:  # the next question meets the same error and reports it
                    if str(exc) != said:
                        said = str(exc)
                        _log.warning("could not bring the index at %s forward: %s", self.settings.describe_store(), exc)

        threading.Thread(target=loop, name="newsrag-keep-current", daemon=True).start()
        return handle

    # -- retrieval --------------------------------------------------------------------------

    @staticmethod
    def filters(
        source: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        article_id: str | None = None,
    ) -> Filters:
        try:
            return Filters(source or None, parse_date(since, "since"), parse_date(until, "until"), article_id)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    def search(
        self,
        query: str,
        k: int | None = None,
        source: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        article_id: str | None = None,
    ) -> list[Hit]:
        """The ``k`` best paragraphs for ``query`` (hybrid dense + BM25), near-duplicates merged."""
        if not query.strip():
            raise ConfigError("the search query is empty")
        asked = resolve(query, filters=self.filters(source, since, until, article_id))
        with self.store.reading():  # one corpus revision, however many reads it takes
            return list(self.answerer.search(asked, k or self.settings.k).hits)

    # -- answers ----------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: Sequence[Any] = (),
        k: int | None = None,
        source: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
        max_speakers: int | None = None,
        max_statements: int | None = None,
        show_all: bool = False,
        filters: Filters | None = None,
    ) -> Answer:
        """Answer ``question`` with ``[n]`` citations; ``history`` is the earlier turns (Answers).

        Without an LLM the answer is attribution ("who said what") or extractive; with
        ``NEWSRAG_LLM`` set (or an ``llm`` given to ``open``), non-attribution questions are
        written by the LLM and checked sentence by sentence against the paragraphs it cites. An
        attribution answer shows at most ``max_speakers`` speakers with ``max_statements``
        statements each (defaults from ``Tuning``) and counts the rest; when
        ``answer.complete`` is false, ask again with ``show_all=True`` to see everyone and
        everything they said. ``filters`` (``NewsIndex.filters(...)``) is the same as
        ``source``/``since``/``until``; give one or the other.

        The question is read once (``rag.question.resolve``) into a ``Question``, with its
        filters and what it carries over from ``history``, and that is what answers it.
        """
        question = " ".join(question.split())
        if not question:
            raise ConfigError("the question is empty")
        if filters is not None and (source or since or until):
            raise ConfigError("give filters= or source/since/until, not both")
        asked = resolve(question, history, filters or self.filters(source, since, until))
        limits = Limits(sys.maxsize, sys.maxsize) if show_all else Limits(
            max_speakers or self.tuning.max_speakers, max_statements or self.tuning.max_statements_per_speaker)
        return self.answerer.answer(asked, history, k or self.settings.k, limits)

    @property
    def llm(self) -> Any:
        """The LLM answering factual questions (given to ``open`` or built from settings), or ``None``."""
        return self.answerer.llm

    # -- quotes, articles, stats ---------------------------------------------------------------

    def quotes(
        self,
        about: str | None = None,
        speaker: str | None = None,
        source: str | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> list[StoredQuote]:
        """Every stored quote matching the filters (all of them with none), in article order.

        ``about`` matches as "who said what about X" does (``rag.topic.Topic``): the quote, its
        paragraph or its headline names X.
        """
        filters = self.filters(source, since, until)
        with self.store.reading():
            return self._quotes(about, speaker, filters)

    def _quotes(self, about: str | None, speaker: str | None, filters: Filters) -> list[StoredQuote]:
        snapshot = self.answerer.snapshot()
        topic = Topic(about or "", snapshot.variants.expand, strict=not speaker).find_articles(snapshot.keywords)
        fitting = snapshot.speakers.like(speaker) if speaker else None
        rows = []
        for p in sorted(snapshot.keywords.quoted.values(), key=lambda p: (p.date, p.article_id, p.number)):
            if not within(p, filters):
                continue
            for q in p.quotes:
                if fitting is not None and q.speaker not in fitting:
                    continue
                if topic and not any(topic.in_text(t, p.article_id) for t in (q.text, p.text, p.title)):
                    continue
                rows.append(StoredQuote(q, p))
        return rows

    def article(self, article_id: str) -> list[Paragraph]:
        """All paragraphs of an article, in order."""
        return self.store.article(article_id)

    def neighbours(self, paragraph_id: str, before: int = 1, after: int = 1) -> list[Paragraph]:
        """The paragraph with its neighbours, for reading a quote that continues."""
        with self.store.reading():
            found = self.store.get([paragraph_id])
            if not found:
                return []
            p = found[0]
            return [x for x in self.store.article(p.article_id) if p.number - before <= x.number <= p.number + after]

    def stats(self) -> CorpusStats:
        return self.store.stats()

    def example_questions(self, limit: int = 4) -> list[str]:
        """Questions built from the corpus itself: its most quoted speakers and what they talk about."""
        counts: dict[str, int] = {}
        titles: dict[str, int] = {}
        texts: dict[str, list[str]] = {}
        with self.store.reading():
            quoted = list(self.answerer.snapshot().keywords.quoted.values())
        for p in quoted:
            titles[p.title] = titles.get(p.title, 0) + len(p.quotes)
            texts.setdefault(p.title, []).append(p.text)
            for q in p.quotes:
                if q.speaker[:1].isupper() and len(q.speaker.split()) >= 2 and q.speaker.split()[0][0].isupper():
                    counts[q.speaker] = counts.get(q.speaker, 0) + 1
        questions = [f"What did {s} say?" for s, _ in sorted(counts.items(), key=lambda kv: -kv[1])[: limit // 2]]
        for title, _ in sorted(titles.items(), key=lambda kv: -kv[1]):
            if len(questions) >= limit:
                break
            subject = _subject(title, texts[title])
            if subject:
                questions.append(f"Who said what about {subject}?")
        return questions[:limit]


def _subject(title: str, paragraphs: list[str]) -> str:
    """What a headline is about, as a question can name it: the headline's proper name that its
    article's text mentions most, capitalised inside a sentence ("Seversk" from "Ukrainian
    Withdrawal from Seversk Weakens ...": headline case capitalises every word, the text does not).
    """
    import re

    body = " ".join(paragraphs)
    best, best_count = "", 1  # a name the text mentions once is not what the article is about
    for run in re.findall(r"\b[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*", title):
        words = run.split()
        for size in range(len(words), 0, -1):  # "Port Authority" before "Port"
            for start in range(len(words) - size + 1):
                name = " ".join(words[start : start + size])
                count = len(re.findall(rf"(?<![.!?:] )(?<!^)\b{re.escape(name)}\b", body))
                if count > best_count or (count == best_count and best and len(name) > len(best)):
                    best, best_count = name, count
    return best
