"""A live newsroom: a process keeps asking while other processes ingest and remove articles.

The stress test of issue 19, bounded in time: an open ``NewsIndex`` (this test process) asks in a
loop while `newsrag ingest` runs in another process several times (300 articles in five files)
and `newsrag remove` takes one file's articles out again. No question may fail, every citation
of every answer must exist in the corpus revision the answer was made from (checked inside the
same ``index.reading()`` turn), and at the end the open index answers about the newest article.
Run against the default embedded store and against a real `chroma run`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest import ingest
from rag import AnswerMode, NewsIndex, Settings

TOWNS = ["Varnholm", "Kessmouth", "Brindle", "Oskarby", "Tallowfen", "Marrick", "Dunsholt", "Pellworth",
         "Ashgrove", "Corvale", "Elmstead", "Fennick", "Glenross", "Harrowby", "Ivesham", "Jorvik"]
SUBJECTS = ["ferry", "tramway", "library", "flood barrier", "school meals", "bus lane", "harbour wall",
            "heat pump", "bridge repair", "park lighting", "water meter", "bike hire", "market hall",
            "recycling depot", "sea wall", "cycle path", "youth centre", "solar roof", "clinic", "ring road"]
FIRST = ["Ada", "Bram", "Cora", "Dirk", "Elsa", "Finn", "Greta", "Hugo", "Ines", "Jonas", "Kaja", "Lars"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Novak", "Petrov", "Quast", "Rasmussen", "Sato", "Tamm", "Ulrich",
        "Vidal", "Wendt", "Yilmaz", "Zeller"]

NEWEST = {
    "id": "quellmoor-desalination",
    "title": "Quellmoor opens Europe's first tidal desalination plant",
    "date": "2026-12-06",
    "source": "Wire Desk",
    "text": "The town of Quellmoor opened a tidal desalination plant on Sunday, the first of its kind.\n\n"
            '"Every tide now brings us fresh water," said Ilse Varga, the plant\'s chief engineer.',
}


def _article(i: int) -> dict[str, str]:
    town, subject = TOWNS[i % len(TOWNS)], SUBJECTS[i % len(SUBJECTS)]
    speaker = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
    return {
        "id": f"wire-{i:04d}",
        "title": f"{town} council backs the {subject} plan, story {i}",
        "date": f"2026-{10 + i // 150:02d}-{1 + i % 28:02d}",
        "source": "Wire Desk",
        "text": f"The {town} council voted on Tuesday to pay for the {subject} plan, article number {i}, "
                f"after {3 + i % 9} months of debate over its cost of {10 + i} million crowns.\n\n"
                f'"We have waited long enough for the {subject}," said {speaker}, a councillor in {town}.',
    }


def _feed(folder: Path, name: str, articles: list[dict[str, str]]) -> Path:
    path = folder / name
    path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    return path


def _questions(i: int) -> str:
    town, subject = TOWNS[i % len(TOWNS)], SUBJECTS[i % len(SUBJECTS)]
    speaker = f"{FIRST[i % len(FIRST)]} {LAST[i % len(LAST)]}"
    return [f"who said what about the {subject} plan?", f"What did the {town} council decide?",
            f"What did {speaker} say?", f"How much does the {subject} plan in {town} cost?"][i % 4]


def _writer_script(folder: Path, store: list[str]) -> list[list[str]]:
    """The other process's commands: four ingests of 60 articles, a removal, the newest article."""
    newsrag = str(Path(sys.executable).with_name("newsrag"))
    commands = []
    for n in range(1, 5):
        feed = _feed(folder, f"batch-{n}.jsonl", [_article(i) for i in range(60 * n, 60 * (n + 1))])
        commands.append([newsrag, "ingest", str(feed), *store])
    commands.append([newsrag, "remove", "--file", str(folder / "batch-2.jsonl"), *store])
    commands.append([newsrag, "ingest", str(_feed(folder, "newest.jsonl", [NEWEST])), *store])
    return commands


def _ask_while_writing(index: NewsIndex, commands: list[list[str]], env: dict[str, str]) -> tuple[int, list[str]]:
    """Ask in a loop while ``commands`` run one after another in another process; the problems seen."""
    problems: list[str] = []
    done = threading.Event()
    results: list[subprocess.CompletedProcess[str]] = []

    def write() -> None:
        try:
            for command in commands:
                results.append(subprocess.run(command, capture_output=True, text=True, env=env, timeout=600))
        finally:
            done.set()

    writer = threading.Thread(target=write)
    writer.start()
    asked = 0
    try:
        while not done.is_set():
            question = _questions(asked)
            try:
                with index.reading():
                    answer = index.ask(question)
                    for c in answer.citations:
                        stored = index.neighbours(c.paragraph_id, 0, 0)
                        if [p.text for p in stored] != [c.text]:
                            problems.append(f"{question!r}: citation [{c.n}] {c.paragraph_id} is not in the revision")
            except Exception as exc:  # noqa: BLE001 - every failure is what this test counts
                problems.append(f"{question!r}: {type(exc).__name__}: {exc}")
            asked += 1
    finally:
        writer.join()
    for command, result in zip(commands, results, strict=False):
        if result.returncode != 0:
            problems.append(f"{' '.join(command[1:3])} exited {result.returncode}: {result.stderr[-500:]}")
    return asked, problems


def _newest_answered(index: NewsIndex, within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while True:
        answer = index.ask("What did Ilse Varga say about the desalination plant?")
        if answer.mode is AnswerMode.ATTRIBUTION and any(c.title == NEWEST["title"] for c in answer.citations):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def _run_newsroom(settings: Settings, folder: Path, store_flags: list[str], env: dict[str, str]) -> None:
    first = _feed(folder, "batch-0.jsonl", [_article(i) for i in range(60)])
    report = ingest([first], settings)
    assert report.articles_added == 60 and not report.failed
    index = NewsIndex.open(settings).warm()
    assert index.ask(_questions(0)).citations

    asked, problems = _ask_while_writing(index, _writer_script(folder, store_flags), env)

    assert problems == []
    assert asked >= 10, f"only {asked} questions were asked while the other process wrote"
    assert _newest_answered(index, within_s=5.0), "the open index never answered about the newest article"
    removed = _article(130)["title"]  # batch 2 was removed
    assert all(h.paragraph.title != removed for h in index.search("article number 130", k=5))
    assert _article(250)["title"] in {h.paragraph.title for h in index.search("article number 250", k=5)}
    assert index.stats().articles == 60 * 4 + 1


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    return {**env, **extra}


def test_an_open_index_keeps_answering_while_other_processes_ingest_and_remove(tmp_path: Path) -> None:
    settings = Settings.load(env={}, db=tmp_path / "db")
    _run_newsroom(settings, tmp_path, ["--db", str(settings.db)], _child_env())


def test_the_same_newsroom_on_a_chroma_server(tmp_path: Path, chroma_server: str) -> None:
    cache = tmp_path / "cache"
    settings = Settings.load(env={}, chroma_url=chroma_server, cache_dir=cache)
    _run_newsroom(settings, tmp_path, ["--chroma-url", chroma_server],
                  _child_env(NEWSRAG_CACHE_DIR=str(cache)))


def test_a_question_holds_one_revision_while_a_writer_waits(tmp_path: Path) -> None:
    """A write from another process waits for the reading turn to end, then shows at once."""
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([_feed(tmp_path, "first.jsonl", [_article(i) for i in range(3)])], settings)
    index = NewsIndex.open(settings)
    newsrag = str(Path(sys.executable).with_name("newsrag"))
    feed = _feed(tmp_path, "newest.jsonl", [NEWEST])
    with index.reading():
        writer = subprocess.Popen([newsrag, "ingest", str(feed), "--db", str(settings.db)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_child_env())
        time.sleep(8)  # long enough for the other process to load the encoder and reach its first write
        assert index.stats().articles == 3
        assert writer.poll() is None, "the ingest finished while a reading turn was held"
    assert writer.wait(timeout=120) == 0, writer.stderr.read() if writer.stderr else ""
    assert index.stats().articles == 4


def test_an_index_kept_current_catches_up_before_the_next_question(tmp_path: Path) -> None:
    """The chat's open index reopens Chroma and brings its keyword and speaker indexes forward in
    the background after another process's ingest, so the next question finds them ready."""
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([_feed(tmp_path, "first.jsonl", [_article(i) for i in range(3)])], settings)
    index = NewsIndex.open(settings).warm()
    kept = index.keep_current(every=0.2)
    try:
        newsrag = str(Path(sys.executable).with_name("newsrag"))
        feed = _feed(tmp_path, "newest.jsonl", [NEWEST])
        subprocess.run([newsrag, "ingest", str(feed), "--db", str(settings.db)], check=True,
                       capture_output=True, env=_child_env(), timeout=300)
        deadline = time.monotonic() + 30
        while kept.refreshes == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert kept.refreshes >= 1, "the other process's ingest was not caught up with in the background"
        assert not index.store.gate.outdated()
        answer = index.ask("What did Ilse Varga say about the desalination plant?")
        assert [c.title for c in answer.citations] == [NEWEST["title"]]
    finally:
        kept.stop()
