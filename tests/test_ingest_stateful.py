"""Property-based ingest: a Hypothesis state machine edits a folder of articles and checks the store.

In the style of Chroma's own ``chromadb/test/property/`` (``test_embeddings.py``): rules change
the world (add, edit, rename, delete article files; ingest all or one of them, sometimes killed
partway; remove by file or source), and after every step invariants compare the real store,
read back through the real ``Store`` and ``NewsIndex``, with a model of what the files say:

- every paragraph of every current article is stored exactly once, with the text, number,
  metadata (headline, source, date, location, ...) and quotes a fresh ingest would give it, and
  a vector of its current headline + text;
- nothing from a deleted, removed or edited-away version remains (after a completed ingest);
- the keyword (BM25) index and the speaker index answer exactly the stored paragraphs;
- a paragraph whose article, number and text are unchanged keeps its id (its citations hold).

A killed ingest (a progress callback raising, as Ctrl+C would, between writes) must leave each
article either as it was or as the run would leave it, and the same ingest run again must
reach the model exactly.

Fast by default (``make test``: one scripted run through every rule, then 6 fixed random runs
of 20 steps, about 45 s on 2 shared cores). For a long run with fresh random examples each time,
which prints what to paste to replay a failure:

    NEWSRAG_PROPERTY_EXAMPLES=200 .venv/bin/pytest -q -s tests/test_ingest_stateful.py -k keeps_the_store

(100 examples took 12.5 minutes on this 2-core machine shared with other work; the suite's time
limit is off for a long run.)
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ingest import IngestProgress, ingest, remove
from ingest.embed import embed_paragraphs
from ingest.loaders import discover_files, load_file
from ingest.paragraphs import repair_paragraphs
from ingest.pipeline import article_paragraphs
from rag import NewsIndex, NewsragError, Settings
from rag.models import Encoder
from rag.records import embedding_text, file_of
from rag.schema import Paragraph
from rag.store import Store

EXAMPLES = int(os.environ.get("NEWSRAG_PROPERTY_EXAMPLES", "0"))
LONG_RUN = EXAMPLES > 0

# Small pools, so two files sometimes hold the same article (same headline and source, or the
# same URL) and the first file read must win.
SOURCES = ("The Valley Herald", "Kessmouth Post")
SECTIONS = ("Local", "Politics")
TITLES = ("Council Backs Flood Barrier", "Ferry Resumes Night Crossings", "Quarry Expansion Draws Protest",
          "Library Hours Extended")
SPEAKERS = ("Mayor Ana Ruiz", "Tomas Brandt", "Marta Kowal")
PLACES = ("Riverside", "Orlen", "Skarv")
DATES = ("2026-10-01", "2026-10-02")
AUTHORS = ("Ines Farr", "Olav Lind")
# Paragraph shapes: plain, a direct quote, reported speech, a speaker named, a pronoun quoted. ``{m}`` is a word no other paragraph
# version has, so a keyword search for it must find exactly the paragraphs holding it.
SHAPES = (
    "The council met in {place} on Tuesday to discuss item {m}.",
    "\"We will not wait for another flood in {place} {m},\" said {speaker}.",
    "{speaker} said the works in {place} would cost less than planned {m}.",
    # Who "she" is depends on the paragraphs before: an edit there changes this one's quote.
    "{speaker} opened the meeting in {place} {m}.",
    "\"The pier will open in May {m},\" she said.",
)
INTRO, SHE_SAID = 3, 4


@dataclass(frozen=True, slots=True)
class ParagraphSpec:
    shape: int
    speaker: int
    place: int
    marker: str

    def text(self) -> str:
        return SHAPES[self.shape].format(place=PLACES[self.place], speaker=SPEAKERS[self.speaker], m=self.marker)


@dataclass(frozen=True, slots=True)
class ArticleSpec:
    title: int
    source: int
    section: int
    date: int
    author: int
    url: int  # JSONL only: the story's URL, its identity
    paragraphs: tuple[ParagraphSpec, ...]


@dataclass(frozen=True, slots=True)
class FileSpec:
    kind: str  # "txt" (one article) | "jsonl" (one article a line)
    articles: tuple[ArticleSpec, ...]

    def render(self) -> str:
        if self.kind == "txt":
            a = self.articles[0]
            body = "\n\n".join(p.text() for p in a.paragraphs)
            return f"{SOURCES[a.source]}\n{SECTIONS[a.section]}\n\n{TITLES[a.title]}\n\n{body}\n"
        return "".join(json.dumps({
            "title": TITLES[a.title], "source": SOURCES[a.source], "section": SECTIONS[a.section],
            "date": DATES[a.date], "author": AUTHORS[a.author], "url": f"https://wire.test/story/{a.url}",
            "paragraphs": [p.text() for p in a.paragraphs]}) + "\n" for a in self.articles)


paragraph_shapes = st.tuples(st.integers(0, len(SHAPES) - 1), st.integers(0, len(SPEAKERS) - 1),
                             st.integers(0, len(PLACES) - 1))
kill_points = st.tuples(st.sampled_from(["reading", "embedding"]), st.integers(1, 3))
article_heads = st.tuples(*(st.integers(0, len(pool) - 1) for pool in (TITLES, SOURCES, SECTIONS, DATES, AUTHORS)),
                          st.integers(0, 3))


# How often each step ran, printed after the run as Chroma's property tests do: a rule that
# never runs (a precondition never met) would otherwise pass unnoticed.
TRACES: Counter[str] = Counter()


class IngestKilled(BaseException):
    """Stands for Ctrl+C or a kill arriving between two writes (not an ``Exception``: ingest
    must not swallow it)."""


Stored = dict[str, frozenset[Paragraph]]  # article id -> its stored paragraphs


class IngestMachine(RuleBasedStateMachine):
    """A folder of article files, the store they were ingested into, and a model of both."""

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="newsrag-prop-"))
        self.folder = self.root / "articles"
        self.folder.mkdir()
        # batch_size 1: a write chunk is 8 paragraphs, so a run has several and a kill can land
        # between them.
        self.settings = Settings.load(env={}, db=self.root / "db", batch_size=1)
        self.files: dict[str, FileSpec] = {}  # name under folder -> what it holds
        self.expected: dict[str, list[Paragraph]] = {}  # article id -> what the store must hold
        self.killed: tuple[list[Path], Stored] | None = None  # paths of a killed run, store before it
        self.ids_of: dict[tuple[str, int, str], str] = {}  # (article, number, text) -> id ever seen
        self.markers: set[str] = set()
        self.serial = 0
        self.index: NewsIndex | None = None
        self.store = Store.connect(self.settings, create=True)  # the reader the invariants use
        # The store as last read, by revision: every write bumps the revision before it starts,
        # so an unchanged revision is an unchanged store and the slower checks need not rerun.
        self._read: tuple[str, Stored] = ("", {})
        self._indexes_checked = ""

    def teardown(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    # -- making files -----------------------------------------------------------------------

    def _marker(self) -> str:
        self.serial += 1
        marker = f"mk{self.serial:04d}z"
        self.markers.add(marker)
        return marker

    def _paragraph(self, shape: tuple[int, int, int]) -> ParagraphSpec:
        return ParagraphSpec(*shape, marker=self._marker())

    def _article(self, head: tuple[int, ...], shapes: list[tuple[int, int, int]]) -> ArticleSpec:
        """A story as news copy runs: a speaker named first, a pronoun quoted last (so naming
        someone else in any paragraph can change the quote of one that did not change)."""
        speaker, place = shapes[0][1], shapes[0][2]
        shapes = [(INTRO, speaker, place), *shapes, (SHE_SAID, speaker, place)]
        return ArticleSpec(*head, paragraphs=tuple(self._paragraph(s) for s in shapes))

    def _write(self, name: str, spec: FileSpec) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(spec.render(), encoding="utf-8")
        self.files[name] = spec

    def _name(self, kind: str) -> str:
        self.serial += 1
        return f"{'sub/' if self.serial % 3 == 0 else ''}f{self.serial:03d}.{kind}"

    # -- rules: the files -------------------------------------------------------------------

    @initialize()
    def start_empty(self) -> None:
        pass

    @precondition(lambda self: self.killed is None and len(self.files) < 6)
    @rule(kind=st.sampled_from(["txt", "jsonl"]), heads=st.lists(article_heads, min_size=1, max_size=2),
          shapes=st.lists(st.lists(paragraph_shapes, min_size=1, max_size=2), min_size=2, max_size=2))
    def add_file(self, kind: str, heads: list[tuple[int, ...]], shapes: list[list[tuple[int, int, int]]]) -> None:
        heads = heads[:1] if kind == "txt" else heads
        articles = tuple(self._article(head, shapes[i]) for i, head in enumerate(heads))
        self._write(self._name(kind), FileSpec(kind, articles))
        TRACES["add file"] += 1

    @precondition(lambda self: self.killed is None and self.files)
    @rule(pick=st.integers(0, 99), which=st.integers(0, 1), at=st.integers(0, 9), shape=paragraph_shapes,
          edit=st.sampled_from(["change", "insert", "delete", "name another speaker"]))
    def edit_paragraphs(self, pick: int, which: int, edit: str, at: int, shape: tuple[int, int, int]) -> None:
        """Change, insert or delete a paragraph, or name another speaker in one (which changes who
        "she" is in the unchanged paragraphs after it)."""
        name = sorted(self.files)[pick % len(self.files)]
        spec = self.files[name]
        i = which % len(spec.articles)
        paragraphs = list(spec.articles[i].paragraphs)
        at %= len(paragraphs) + (edit == "insert")
        if edit == "change":
            paragraphs[at] = self._paragraph(shape)
        elif edit == "name another speaker":
            old = paragraphs[at]
            paragraphs[at] = self._paragraph((old.shape, (old.speaker + 1 + shape[1] % 2) % len(SPEAKERS), old.place))
        elif edit == "insert":
            paragraphs.insert(at, self._paragraph(shape))
        elif len(paragraphs) > 1:
            del paragraphs[at]
        articles = list(spec.articles)
        articles[i] = replace(articles[i], paragraphs=tuple(paragraphs))
        self._write(name, replace(spec, articles=tuple(articles)))
        TRACES[f"{edit} paragraph"] += 1

    @precondition(lambda self: self.killed is None and self.files)
    @rule(pick=st.integers(0, 99), head=article_heads)
    def edit_headline_and_details(self, pick: int, head: tuple[int, ...]) -> None:
        """A new headline, source, date, author: for a JSONL story (identified by its URL) the
        same article with new details; for a text file (identified by headline and source) a
        new article replacing the old one."""
        name = sorted(self.files)[pick % len(self.files)]
        spec = self.files[name]
        first = spec.articles[0]
        articles = (replace(first, title=head[0], source=head[1], section=head[2], date=head[3], author=head[4]),
                    *spec.articles[1:])
        self._write(name, replace(spec, articles=articles))
        TRACES["new headline and details"] += 1

    @precondition(lambda self: self.killed is None and self.files)
    @rule(pick=st.integers(0, 99))
    def rename_file(self, pick: int) -> None:
        name = sorted(self.files)[pick % len(self.files)]
        spec = self.files.pop(name)
        new = self._name(spec.kind)
        (self.folder / new).parent.mkdir(parents=True, exist_ok=True)
        (self.folder / name).rename(self.folder / new)
        self.files[new] = spec
        TRACES["rename file"] += 1

    @precondition(lambda self: self.killed is None and self.files)
    @rule(pick=st.integers(0, 99))
    def delete_file_then_remove_it(self, pick: int) -> None:
        name = sorted(self.files)[pick % len(self.files)]
        del self.files[name]
        path = self.folder / name
        path.unlink()
        gone = {a for a, ps in self.expected.items() if file_of(ps[0].location) == str(path)}
        TRACES["delete file"] += 1
        if not gone:
            with pytest.raises(NewsragError, match="nothing to remove"):
                remove(self.settings, files=[path])
            return
        TRACES["remove file"] += 1
        report = remove(self.settings, files=[path])
        assert {a.article_id for a in report.articles} == gone
        for article_id in gone:
            del self.expected[article_id]

    @precondition(lambda self: self.killed is None and self.expected)
    @rule(source=st.sampled_from(SOURCES))
    def remove_source(self, source: str) -> None:
        gone = {a for a, ps in self.expected.items() if ps[0].source == source}
        if not gone:
            return
        TRACES["remove source"] += 1
        report = remove(self.settings, sources=[source])
        assert {a.article_id for a in report.articles} == gone
        for article_id in gone:
            del self.expected[article_id]

    # -- rules: ingest ------------------------------------------------------------------------

    # Three ingest rules to six that change files or remove: about one step in three ingests.
    @precondition(lambda self: self.killed is None and self.files)
    @rule()
    def ingest_folder(self) -> None:
        self._run([self.folder], None)

    @precondition(lambda self: self.killed is None and self.files)
    @rule(pick=st.integers(0, 99))
    def ingest_one_file(self, pick: int) -> None:
        self._run([self.folder / sorted(self.files)[pick % len(self.files)]], None)

    @precondition(lambda self: self.killed is None and self.files)
    @rule(one=st.none() | st.integers(0, 99), kill=kill_points)
    def ingest_killed(self, one: int | None, kill: tuple[str, int]) -> None:
        """Killed at the n-th progress report of a stage: while reading files (nothing written
        yet), or while embedding, before the first write chunk (n = 1) or after chunk n - 1."""
        paths = [self.folder] if one is None else [self.folder / sorted(self.files)[one % len(self.files)]]
        self._run(paths, kill)

    @precondition(lambda self: self.killed is not None)
    @rule(kill=st.none() | kill_points)
    def run_killed_ingest_again(self, kill: tuple[str, int] | None) -> None:
        assert self.killed is not None
        self._run(self.killed[0], kill)

    def _run(self, paths: list[Path], kill: tuple[str, int] | None) -> None:
        before = self.killed[1] if self.killed is not None else self._stored()
        seen: Counter[str] = Counter()

        def progress(p: IngestProgress) -> None:
            seen[p.stage] += 1
            if kill is not None and kill == (p.stage, seen[p.stage]):
                raise IngestKilled

        try:
            report = ingest(paths, self.settings, progress=progress)
        except IngestKilled:
            TRACES["ingest killed"] += 1
            self.killed = (paths, before)
            self._check_killed(paths, before)
            return
        assert not report.failed, report.failed
        TRACES["ingest completed" + (" after a kill" if self.killed is not None else "")] += 1
        TRACES["articles updated"] += report.articles_updated
        self.killed = None
        self._expect_ingest(paths)

    def _expect_ingest(self, paths: list[Path]) -> None:
        """The model of a completed ingest of ``paths`` (ingest/pipeline.py's rules, from the files)."""
        self.expected = self._after(paths, self.expected)

    def _after(self, paths: list[Path], expected: dict[str, list[Paragraph]]) -> dict[str, list[Paragraph]]:
        expected = dict(expected)
        produced: dict[str, list[Paragraph]] = {}
        read: set[str] = set()
        for path in discover_files(paths)[0]:
            read.add(str(path))
            for article in load_file(path, max_bytes=1 << 20):
                # The same story in two files: the first file read wins.
                produced.setdefault(article.article_id, article_paragraphs(article, repair_paragraphs(article.paragraphs)))
        # Stories a re-read file no longer holds leave with it.
        for article_id, ps in list(expected.items()):
            if file_of(ps[0].location) in read and article_id not in produced:
                del expected[article_id]
        expected.update(produced)
        return expected

    # -- invariants -----------------------------------------------------------------------------

    def _stored(self) -> Stored:
        revision = self.store.revision()
        if revision != self._read[0] or not revision:
            by_article: dict[str, set[Paragraph]] = {}
            for p in self.store.iter_paragraphs():
                by_article.setdefault(p.article_id, set()).add(p)
            self._read = (revision, {a: frozenset(ps) for a, ps in by_article.items()})
        return self._read[1]

    def _check_killed(self, paths: list[Path], before: Stored) -> None:
        """Each article as it was before the killed run, or as the completed run would leave it."""
        # The model as the run would have left it, from the model before the first killed try.
        after = {a: frozenset(ps) for a, ps in self._after(paths, self.expected).items()}
        stored = self._stored()
        for article_id in set(before) | set(after) | set(stored):
            now = stored.get(article_id, frozenset())
            allowed = (before.get(article_id, frozenset()), after.get(article_id, frozenset()))
            assert now in allowed, f"article {article_id} half-written after a kill: {sorted(p.paragraph_id for p in now)}"

    @invariant()
    def store_matches_the_files(self) -> None:
        if self.killed is not None:
            return
        stored = [p for ps in self._stored().values() for p in ps]
        ids = [p.paragraph_id for p in stored]
        assert len(ids) == len(set(ids))
        numbered = [(p.article_id, p.number) for p in stored]
        assert len(numbered) == len(set(numbered)), "a paragraph stored twice under two ids"
        want = {p.paragraph_id: p for ps in self.expected.values() for p in ps}
        got = {p.paragraph_id: p for p in stored}
        assert set(got) == set(want), (sorted(set(got) - set(want)), sorted(set(want) - set(got)))
        for pid, p in want.items():
            assert got[pid] == p, f"{pid} stored as {got[pid]!r}, files say {p!r}"

    @invariant()
    def citations_of_unchanged_paragraphs_keep_their_ids(self) -> None:
        for ps in self._stored().values():
            for p in ps:
                key = (p.article_id, p.number, p.text)
                assert self.ids_of.setdefault(key, p.paragraph_id) == p.paragraph_id

    @invariant()
    def vectors_are_of_the_current_headline_and_text(self) -> None:
        stored = [p for ps in self._stored().values() for p in ps]
        if not stored:
            return
        vectors = self.store.embeddings([p.paragraph_id for p in stored])
        expected = _vectors_of(stored)
        for p in stored:
            assert _cosine(vectors[p.paragraph_id], expected[p.paragraph_id]) > 0.999, f"{p.paragraph_id}: stale vector"

    @invariant()
    def keyword_and_speaker_indexes_answer_exactly_the_stored_paragraphs(self) -> None:
        stored = {p.paragraph_id: p for ps in self._stored().values() for p in ps}
        if not stored or self._indexes_checked == self._read[0]:
            return
        if self.index is None:
            self.index = NewsIndex.open(self.settings)  # opened once: it must follow every change
        snapshot = self.index.answerer.snapshot()
        keywords = snapshot.keywords
        assert sorted(keywords.paragraph_ids()) == sorted(stored)
        assert keywords.quoted == {pid: p for pid, p in stored.items() if p.quotes}
        for marker in self.markers:
            found = {pid for pid, _ in keywords.search(marker, k=len(stored))}
            assert found == {pid for pid, p in stored.items() if marker in p.text}, marker
        by_speaker: dict[str, set[str]] = {}
        for pid, p in stored.items():
            for q in p.quotes:
                by_speaker.setdefault(q.speaker, set()).add(pid)
        assert {s: set(ids) for s, ids in snapshot.speakers.by_speaker.items()} == by_speaker
        rows = {(r.paragraph.paragraph_id, r.quote.text) for r in self.index.quotes()}
        assert rows == {(pid, q.text) for pid, p in stored.items() for q in p.quotes}
        probe = next(iter(stored.values()))
        nearest = self.index.store.nearest(_vectors_of([probe])[probe.paragraph_id], len(stored) + 5,
                                           self.index.filters())
        assert sorted(p.paragraph_id for p, _ in nearest) == sorted(stored)
        self._indexes_checked = self._read[0]


_VECTORS: dict[str, list[float]] = {}


def _vectors_of(paragraphs: list[Paragraph]) -> dict[str, list[float]]:
    """The real encoder's vector of what each paragraph's vector must be made from (cached by text)."""
    new = {embedding_text(p): p for p in paragraphs if embedding_text(p) not in _VECTORS}
    _VECTORS.update(zip(new, embed_paragraphs(list(new.values()), Encoder()), strict=True))
    return {p.paragraph_id: _VECTORS[embedding_text(p)] for p in paragraphs}


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (math.hypot(*a) * math.hypot(*b))


def _run(machine: Callable[[], IngestMachine], examples: int, steps: int) -> None:
    TRACES.clear()
    run_state_machine_as_test(machine, settings=settings(
        max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
        # Fixed examples in `make test` (the same run every time); random ones in the long run.
        derandomize=not LONG_RUN, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    print("steps run:", dict(sorted(TRACES.items())))


@pytest.mark.timeout(0 if LONG_RUN else 900)  # a long run outlasts the suite's 15-minute limit
def test_ingest_keeps_the_store_equal_to_the_files() -> None:
    _run(IngestMachine, examples=EXAMPLES or 6, steps=20)


def test_every_rule_in_one_scripted_run() -> None:
    """The machine driven through every rule once, checking every invariant after each step,
    as Chroma's ``test_add_then_delete_n_minus_1`` does: Hypothesis's swarm testing leaves some
    rules out of many random runs, and this run must not depend on which."""
    machine = IngestMachine()

    def pick(kind: str) -> int:
        return next(i for i, name in enumerate(sorted(machine.files)) if name.endswith(kind))

    steps: list[Callable[[], None]] = [
        lambda: machine.add_file("txt", [(0, 0, 0, 0, 0, 0)], [[(1, 0, 0), (0, 1, 1)], []]),
        lambda: machine.add_file("jsonl", [(1, 1, 1, 0, 0, 1), (2, 1, 0, 1, 1, 2)], [[(2, 1, 2)], [(1, 2, 0)]]),
        lambda: machine.ingest_killed(None, ("embedding", 2)),  # 14 paragraphs, chunks of 8: one written
        lambda: machine.run_killed_ingest_again(("reading", 1)),
        lambda: machine.run_killed_ingest_again(None),
        lambda: machine.edit_paragraphs(pick("txt"), 0, "name another speaker", 0, (0, 0, 0)),
        lambda: machine.ingest_one_file(pick("txt")),
        lambda: machine.edit_headline_and_details(pick("jsonl"), (3, 0, 1, 1, 1, 0)),
        machine.ingest_folder,
        lambda: machine.rename_file(pick("txt")),
        machine.ingest_folder,
        lambda: machine.edit_paragraphs(pick("jsonl"), 1, "insert", 0, (2, 2, 2)),
        lambda: machine.edit_paragraphs(pick("jsonl"), 1, "delete", 2, (0, 0, 0)),
        lambda: machine.edit_paragraphs(pick("jsonl"), 1, "change", 1, (1, 1, 1)),
        machine.ingest_folder,
        lambda: machine.remove_source(SOURCES[1]),
        machine.ingest_folder,  # the files are still there: their articles come back
        lambda: machine.delete_file_then_remove_it(pick("txt")),
        lambda: machine.add_file("txt", [(2, 1, 0, 0, 0, 0)], [[(0, 2, 2)], []]),
        lambda: machine.delete_file_then_remove_it(pick("txt")),  # never ingested: nothing to remove
    ]
    invariants = (machine.store_matches_the_files, machine.citations_of_unchanged_paragraphs_keep_their_ids,
                  machine.vectors_are_of_the_current_headline_and_text,
                  machine.keyword_and_speaker_indexes_answer_exactly_the_stored_paragraphs)
    TRACES.clear()
    try:
        for step in steps:
            step()
            for check in invariants:
                check()
    finally:
        machine.teardown()
    assert TRACES["ingest killed"] == 2 and TRACES["ingest completed after a kill"] == 1
    assert TRACES["articles updated"] >= 3 and TRACES["remove file"] == 1 and TRACES["remove source"] == 1


# -- what the machine found, pinned as plain tests ---------------------------------------------


def _stored_by_number(settings: Settings) -> list[Paragraph]:
    return sorted(Store.connect(settings).iter_paragraphs(), key=lambda p: p.number)


def test_a_renamed_file_moves_its_articles_location(tmp_path: Path, settings: Settings) -> None:
    """Found by the machine: unchanged paragraphs kept the old path, so their citations pointed
    at a file that no longer exists and `newsrag remove --file NEW` found nothing."""
    folder = tmp_path / "articles"
    folder.mkdir()
    old = folder / "story.txt"
    old.write_text("The Valley Herald\nLocal\n\nCouncil Backs Flood Barrier\n\nThe council met on Tuesday.\n\n"
                   "\"We will not wait for another flood,\" said Mayor Ana Ruiz.\n", encoding="utf-8")
    ingest([folder], settings)
    new = old.rename(folder / "barrier.txt")
    report = ingest([folder], settings)
    assert report.paragraphs_added == 0  # nothing embedded again
    assert {p.location for p in _stored_by_number(settings)} == {str(new)}
    assert len(remove(settings, files=[new]).articles) == 1


def test_new_details_of_a_story_with_a_url_reach_every_paragraph_and_its_vector(
    tmp_path: Path, settings: Settings
) -> None:
    """Found by the machine: a JSONL story keeps its id (its URL) when its headline or date is
    corrected, and so did its unchanged paragraphs keep the old headline, date and vector."""
    story = {"title": "Quarry Expansion Approved", "source": "Regional Wire", "date": "2026-10-01",
             "url": "https://wire.test/quarry", "paragraphs": ["Residents of Orlen marched on Saturday.",
                                                               "The quarry will double in size."]}
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps(story) + "\n", encoding="utf-8")
    ingest([path], settings)
    path.write_text(json.dumps({**story, "title": "Quarry Expansion Rejected", "date": "2026-10-02"}) + "\n",
                    encoding="utf-8")
    ingest([path], settings)
    stored = _stored_by_number(settings)
    assert [(p.title, p.date) for p in stored] == [("Quarry Expansion Rejected", "2026-10-02")] * 2
    vectors = Store.connect(settings).embeddings([p.paragraph_id for p in stored])
    expected = _vectors_of(stored)
    for p in stored:
        assert _cosine(vectors[p.paragraph_id], expected[p.paragraph_id]) > 0.999


def test_an_edited_paragraph_updates_the_quotes_of_the_unchanged_ones_after_it(
    tmp_path: Path, settings: Settings
) -> None:
    """Found by the machine: who "she" is in an unchanged paragraph depends on the paragraphs
    before it; the stored quote kept naming the speaker an edit had taken out."""
    path = tmp_path / "story.txt"
    body = "{first}\n\n\"We will rebuild the pier,\" she said.\n"
    path.write_text("Pier Will Be Rebuilt\n\n" + body.format(first="Mayor Ana Ruiz opened the meeting on Tuesday."),
                    encoding="utf-8")
    ingest([path], settings)
    path.write_text("Pier Will Be Rebuilt\n\n" + body.format(first="Mayor Marta Kowal opened the meeting on Tuesday."),
                    encoding="utf-8")
    ingest([path], settings)
    index = NewsIndex.open(settings)
    assert [r.quote.speaker for r in index.quotes()] == ["Marta Kowal"]
    assert not index.quotes(speaker="Ana Ruiz")
