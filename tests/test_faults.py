"""Faults the store must survive, with real parts: a `chroma run` server stopped and started
again, a keyword cache damaged on disk, two ingest processes at once, a disk that fills up.

The invariant after every fault: once the cause is gone, a re-run leaves the store holding each
paragraph of the files exactly once (compared with what the files hold, read by our loaders),
and nothing stored before the fault is lost or changed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import chroma_exe
from streamlit.testing.v1 import AppTest

from ingest import ingest
from ingest.loaders import discover_files, load_file
from ingest.pipeline import article_paragraphs
from rag import NewsIndex, Settings, StoreError
from rag.keywords import KeywordFile
from rag.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "ui" / "app.py")
TOWNS = ["Aldermoor", "Brennholt", "Charniv", "Dunmore", "Eskvale", "Fennick", "Graythorn", "Holloway"]
NAMES = ["Ana Berg", "Carl Dunn", "Eva Falk", "Gus Holm", "Ida Juhl", "Karl Lund", "Mia Nord", "Olof Prim"]
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ORT_DISABLE_TELEMETRY": "1",
           "ANONYMIZED_TELEMETRY": "False", "TOKENIZERS_PARALLELISM": "false"}


def write_articles(folder: Path, desk: str, articles: int, paragraphs: int) -> Path:
    """``articles`` JSON articles of ``paragraphs`` quoted paragraphs each, every text distinct."""
    folder.mkdir(parents=True, exist_ok=True)
    for a in range(articles):
        town = TOWNS[a % len(TOWNS)]
        texts = [
            f'"The {desk} council in {town} must repair bridge {a}-{i} before the winter storms," said '
            f"{NAMES[(a + i) % len(NAMES)]}, who has chaired the roads committee for {i + 2} years."
            for i in range(paragraphs)
        ]
        (folder / f"{desk}-{a:03d}.json").write_text(json.dumps({
            "title": f"{desk.title()} bridges report {a}: {town}", "source": f"{desk.title()} Post",
            "date": "2026-10-01", "paragraphs": texts}), encoding="utf-8")
    return folder


def expected(*folders: Path) -> dict[str, str]:
    """Paragraph id -> text of everything the files hold, read by the ingest's own loaders."""
    files, _ = discover_files(list(folders))
    return {p.paragraph_id: p.text for path in files for article in load_file(path, max_bytes=10**7)
            for p in article_paragraphs(article)}


def stored(settings: Settings) -> dict[str, str]:
    """Paragraph id -> text of what the store holds, each (article, paragraph number) at most once."""
    paragraphs = list(Store.connect(settings).iter_paragraphs())
    slots = [(p.article_id, p.number) for p in paragraphs]
    assert len(slots) == len(set(slots)), "a paragraph is stored twice"
    return {p.paragraph_id: p.text for p in paragraphs}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(OFFLINE, PYTHONPATH=str(ROOT), **extra)
    return env


def newsrag(*args: str, **env: str) -> subprocess.Popen[str]:
    """The real `newsrag` command in its own process (its errors and progress on stderr)."""
    return subprocess.Popen([sys.executable, "-m", "ui.cli", *args], cwd=ROOT, env=_env(**env), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ChromaServer:
    """A real `chroma run` on one port and data folder that a test can stop and start again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        exe = chroma_exe()
        self.proc = subprocess.Popen(
            [str(exe), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=_env())
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                assert self.proc.poll() is None, "chroma run exited"
                assert time.monotonic() < deadline, "chroma run did not start within 60 s"
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def chroma(tmp_path: Path) -> Any:
    server = ChromaServer(tmp_path / "server-data")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# -- the Chroma server goes away -------------------------------------------------------------------


@pytest.mark.server
def test_server_stopped_mid_ingest_names_the_url_and_a_rerun_completes(tmp_path: Path, chroma: ChromaServer) -> None:
    import chromadb

    folder = write_articles(tmp_path / "articles", "harbour", 20, 5)
    cache = str(tmp_path / "cache")
    # Small batches: one write per ~32 paragraphs, so the server can be stopped between two writes.
    proc = newsrag("ingest", str(folder), "--chroma-url", chroma.url, "--batch-size", "4", NEWSRAG_CACHE_DIR=cache)
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma.port,
                                 settings=chromadb.config.Settings(anonymized_telemetry=False))
    deadline = time.monotonic() + 180
    while True:  # stop the server as soon as the first paragraphs are in
        assert proc.poll() is None, f"the ingest ended before any write was seen: {proc.communicate()}"
        assert time.monotonic() < deadline, "no paragraph was written within 180 s"
        try:
            if client.get_collection("newsrag").count() > 0:
                break
        except Exception:  # the collection is not made yet
            pass
        time.sleep(0.05)
    chroma.stop()
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 1, stderr
    assert chroma.url in stderr and "Traceback" not in stderr
    assert "newsrag ingest" in stderr  # says what to do

    chroma.start()
    settings = Settings.load(env={}, chroma_url=chroma.url, cache_dir=tmp_path / "cache", batch_size=4)
    report = ingest([folder], settings)
    assert not report.failed and report.paragraphs_added + report.paragraphs_unchanged == 100
    assert report.articles_unchanged > 0  # what landed before the stop was kept, not written again
    assert stored(settings) == expected(folder)


@pytest.mark.server
def test_queries_fail_clearly_while_the_server_is_down_and_recover(
    tmp_path: Path, chroma: ChromaServer, seed_dir: Path
) -> None:
    settings = Settings.load(env={}, chroma_url=chroma.url, cache_dir=tmp_path / "cache")
    assert not ingest([seed_dir], settings).failed
    index = NewsIndex.open(settings)
    hits = [h.paragraph.paragraph_id for h in index.search("buffer zone", k=3)]
    answer = index.ask("who said what about Seversk?")

    chroma.stop()
    with pytest.raises(StoreError, match=chroma.url):
        index.search("buffer zone", k=3)
    with pytest.raises(StoreError, match=chroma.url):
        index.ask("who said what about Seversk?")

    chroma.start()  # the same process and index object, no reopening
    assert [h.paragraph.paragraph_id for h in index.search("buffer zone", k=3)] == hits
    assert index.ask("who said what about Seversk?").citations == answer.citations


@pytest.mark.server
def test_a_collection_looked_up_while_the_server_is_down_fails_clearly(
    tmp_path: Path, chroma: ChromaServer, seed_dir: Path
) -> None:
    """After a write that creates or deletes a collection, its handle is looked up again on the
    next call: that lookup asks the server too, and must fail as clearly as the call itself (an
    ingest stopped mid-way once died there with httpx's traceback)."""
    settings = Settings.load(env={}, chroma_url=chroma.url, cache_dir=tmp_path / "cache")
    assert not ingest([seed_dir], settings).failed
    index = NewsIndex.open(settings)
    count = index.store.collection.count()
    index.store._connection.forget()  # what a create_collection through the client does
    chroma.stop()
    with pytest.raises(StoreError, match=chroma.url):
        index.store.collection.count()
    chroma.start()
    assert index.store.collection.count() == count


@pytest.mark.server
def test_the_chat_shows_the_server_outage_and_recovers_without_a_restart(
    tmp_path: Path, chroma: ChromaServer, seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings.load(env={}, chroma_url=chroma.url, cache_dir=tmp_path / "cache")
    assert not ingest([seed_dir], settings).failed
    for key in list(os.environ):
        if key.startswith("NEWSRAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSRAG_CHROMA_URL", chroma.url)
    monkeypatch.setenv("NEWSRAG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSRAG_REVISION_CHECK_S", "0")  # the server is asked at once after it stops
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    deadline = time.monotonic() + 60
    while any("Opening the news index" in c.value for c in at.caption):
        assert time.monotonic() < deadline, "the index did not open in 60 s"
        time.sleep(0.2)
        at.run()
    at.chat_input[0].set_value("who said what about Seversk?").run()
    assert not at.exception and not at.error and len(at.session_state.history) == 1

    chroma.stop()
    at.run()
    assert not at.exception, at.exception
    assert at.error and chroma.url in at.error[0].value.replace("\\", "")
    assert not at.chat_input

    chroma.start()
    at.button(key="retry").click().run()  # the same app process: the cached index reconnects
    assert not at.exception and not at.error
    assert at.chat_input and len(at.session_state.history) == 1  # the conversation survived
    at.chat_input[0].set_value("who said what about Seversk?").run()
    assert not at.exception and not at.error and len(at.session_state.history) == 2


# -- the keyword cache damaged on disk -------------------------------------------------------------

QUERIES = ["water rationing", "port strike", "hospital closure", "flood warnings", "Quillon jobs"]


def _keyword_answers(settings: Settings) -> dict[str, Any]:
    """What the keyword side answers, read through a freshly opened index (so from the disk cache)."""
    index = NewsIndex.open(settings)
    cache = index.store.keyword_cache()
    return {
        "bm25": {q: [pid for pid, _ in cache.search(q, 5)] for q in QUERIES},
        "search": {q: [h.paragraph.paragraph_id for h in index.search(q, k=5)] for q in QUERIES},
        "quotes": sorted((row.quote.speaker, row.paragraph.paragraph_id) for row in index.quotes(about="flood")),
        "stats": index.stats().paragraphs,
    }


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip_bytes(path: Path) -> None:
    """Garble an eighth of the file from its middle on: damage that keeps the file's length."""
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    for i in range(middle, middle + max(len(raw) // 8, 16)):
        raw[i % len(raw)] ^= 0x5A
    path.write_bytes(bytes(raw))


def _index_file(folder: Path) -> Path:
    return folder / KeywordFile.NAME


def _swap_two_ids(folder: Path, settings: Settings) -> None:
    """A valid SQLite file with plausible content, wrong: two paragraphs' ids trade places."""
    with sqlite3.connect(_index_file(folder)) as db:
        (first, a), (last, b) = db.execute("SELECT rowid, pid FROM paragraphs ORDER BY rowid LIMIT 1").fetchone(), \
            db.execute("SELECT rowid, pid FROM paragraphs ORDER BY rowid DESC LIMIT 1").fetchone()
        db.execute("UPDATE paragraphs SET pid = ? WHERE rowid = ?", (f"tmp-{a}", first))
        db.execute("UPDATE paragraphs SET pid = ? WHERE rowid = ?", (a, last))
        db.execute("UPDATE paragraphs SET pid = ? WHERE rowid = ?", (b, first))
    db.close()


def _one_word_changed(folder: Path, settings: Settings) -> None:
    """An indexed word rewritten in place through SQLite itself: every structure stays valid."""
    with sqlite3.connect(_index_file(folder)) as db:
        rowid, stems = db.execute("SELECT rowid, stems FROM terms WHERE stems LIKE '%flood%' LIMIT 1").fetchone()
        db.execute("UPDATE terms SET stems = ? WHERE rowid = ?", (stems.replace("flood", "harbour"), rowid))
    db.close()


def _older_format(folder: Path, settings: Settings) -> None:
    """The index as another format of newsrag wrote it, under the same corpus state."""
    with sqlite3.connect(_index_file(folder)) as db:
        db.execute("UPDATE meta SET value = '2' WHERE key = 'format'")
    db.close()


DAMAGE = {
    "file truncated": lambda f, _: _truncate(_index_file(f)),
    "file emptied": lambda f, _: _index_file(f).write_bytes(b""),
    "file garbled": lambda f, _: _flip_bytes(_index_file(f)),
    "file missing": lambda f, _: _index_file(f).unlink(),
    "ids swapped": _swap_two_ids,
    "a word changed": _one_word_changed,
    "written by another format": _older_format,
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_keyword_cache_is_rebuilt_never_read_wrong(
    tmp_path: Path, demo_settings: Settings, damage: str
) -> None:
    db = tmp_path / "db"
    shutil.copytree(demo_settings.db, db, ignore=shutil.ignore_patterns("newsrag-cache"))
    settings = Settings.load(env={}, db=db, cache_dir=tmp_path / "cache")
    truth = _keyword_answers(settings)  # built from Chroma and saved to the cache folder
    folder = settings.keyword_cache_dir
    assert _index_file(folder).is_file()

    DAMAGE[damage](folder, settings)
    assert _keyword_answers(settings) == truth  # the damage is noticed and the cache rebuilt
    assert _keyword_answers(settings) == truth  # and the rebuilt cache was saved whole


# -- two ingests into one database at once ---------------------------------------------------------


def test_two_ingests_into_one_database_at_once_both_land(tmp_path: Path) -> None:
    first = write_articles(tmp_path / "first", "harbour", 8, 5)
    second = write_articles(tmp_path / "second", "railway", 8, 5)
    db = tmp_path / "db"  # not made yet: both processes would create it
    procs = [newsrag("ingest", str(folder), "--db", str(db), "--batch-size", "4") for folder in (first, second)]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "articles 8 added" in stdout
    # One waited for the other and said so.
    assert any("waiting for another ingest" in stderr for _, stderr in outputs), [e[-500:] for _, e in outputs]
    assert stored(Settings.load(env={}, db=db)) == expected(first, second)


# -- the disk fills up -----------------------------------------------------------------------------

# Run inside a private mount namespace on a small tmpfs, in fresh processes: a real full disk
# (ENOSPC from the kernel), which neither touches the machine's disks nor needs them to be full.
DISK_DRIVER = textwrap.dedent('''
    import json, os, shutil, sys, traceback
    from pathlib import Path
    from ingest import ingest
    from rag import NewsIndex, Settings, StoreError
    from rag.store import Store

    step, mount, articles, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    settings = Settings.load(env={}, db=mount / "db", batch_size=4)

    def fill(leave):
        """Take all but ``leave`` bytes of the filesystem, as another program writing would."""
        with open(mount / "filler", "ab", buffering=0) as f:
            try:
                os.posix_fallocate(f.fileno(), 0, max(shutil.disk_usage(mount).free - leave, 1))
            except OSError:
                pass
            while leave == 0:  # to the last block
                try:
                    f.write(b"x" * 4096)
                except OSError:
                    break

    def snapshot():
        paragraphs = {p.paragraph_id: p.text for p in Store.connect(settings).iter_paragraphs()}
        hits = [h.paragraph.paragraph_id for h in NewsIndex.open(settings).search("bridge storms", k=5)]
        return {"paragraphs": paragraphs, "hits": hits}

    def attempt(**kwargs):
        try:
            report = ingest([articles], settings, **kwargs)
        except StoreError as exc:
            return {"error": "StoreError", "message": str(exc)}
        except Exception as exc:
            return {"error": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}
        return {"error": None, "failed": len(report.failed)}

    result = {}
    if step == "nearly-full":  # the disk is all but full before the ingest starts
        fill(256 * 1024)
        result["ingest"] = attempt()
        result["after"] = snapshot()  # with the disk still full
    elif step == "fills-up":  # another program fills the disk while the ingest writes
        def progress(p):
            if p.stage == "embedding" and p.paragraphs_done and not (mount / "filler").exists():
                fill(0)
        result["ingest"] = attempt(progress=progress)
    elif step == "freed":  # space freed again
        result["after"] = snapshot()
        result["rerun"] = attempt()
        result["final"] = snapshot()
    out.write_text(json.dumps(result))
''')


def _namespace_tmpfs_available() -> bool:
    try:
        done = subprocess.run(["unshare", "--mount", "--map-root-user", "sh", "-c",
                               "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || mount -t tmpfs -o size=1m "
                               "tmpfs /tmp"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def test_a_full_disk_fails_the_ingest_clearly_and_keeps_the_store(tmp_path: Path) -> None:
    if not _namespace_tmpfs_available():
        pytest.skip("cannot mount a small tmpfs in a private mount namespace here (unshare)")
    before = write_articles(tmp_path / "before", "harbour", 6, 5)
    after = write_articles(tmp_path / "after", "railway", 12, 5)
    base = Settings.load(env={}, db=tmp_path / "base-db", batch_size=4)
    assert not ingest([before], base).failed
    truth = {"paragraphs": stored(base),
             "hits": [h.paragraph.paragraph_id for h in NewsIndex.open(base).search("bridge storms", k=5)]}

    mount = tmp_path / "small-disk"
    mount.mkdir()
    driver = tmp_path / "driver.py"
    driver.write_text(DISK_DRIVER, encoding="utf-8")
    py = f"{sys.executable} {driver}"
    script = f"""
        set -e
        mount -t tmpfs -o size=160m tmpfs {mount}
        cp -a {base.db} {mount}/db
        cd {ROOT}
        {py} nearly-full {mount} {after} {tmp_path}/nearly-full.json
        rm -f {mount}/filler
        {py} fills-up {mount} {after} {tmp_path}/fills-up.json
        rm -f {mount}/filler
        {py} freed {mount} {after} {tmp_path}/freed.json
    """
    done = subprocess.run(["unshare", "--mount", "--map-root-user", "bash", "-c", script], env=_env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    nearly_full = json.loads((tmp_path / "nearly-full.json").read_text())
    fills_up = json.loads((tmp_path / "fills-up.json").read_text())
    freed = json.loads((tmp_path / "freed.json").read_text())

    # Too little space to start: refused before writing anything; the store answers as before.
    assert nearly_full["ingest"]["error"] == "StoreError", nearly_full["ingest"]
    assert "full" in nearly_full["ingest"]["message"] and str(mount) in nearly_full["ingest"]["message"]
    assert nearly_full["after"] == truth

    # The disk fills while the ingest writes: a clear error, naming the folder.
    assert fills_up["ingest"]["error"] == "StoreError", fills_up["ingest"]
    assert "full" in fills_up["ingest"]["message"] and str(mount) in fills_up["ingest"]["message"]

    # Space freed: everything stored before is intact, every new article is whole or absent,
    # and a re-run completes with each paragraph stored once.
    held = freed["after"]["paragraphs"]
    assert truth["paragraphs"].items() <= held.items()
    new = expected(after)
    by_article: dict[str, set[str]] = {}
    for pid in new:
        by_article.setdefault(pid.split("-p")[0], set()).add(pid)
    for ids in by_article.values():
        assert ids <= held.keys() or not ids & held.keys(), "an article was half written"
    assert freed["rerun"] == {"error": None, "failed": 0}
    assert freed["final"]["paragraphs"] == {**truth["paragraphs"], **new}
