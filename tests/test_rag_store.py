"""The store against a real `chroma run` server, and the keyword cache's consistency."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import ingest
from rag import IndexNotFound, NewsIndex, Settings
from rag.store import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, stopped after the test."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        found = shutil.which("chroma")
        if not found:
            pytest.skip("the chroma server command is not installed")
        exe = Path(found)
    port = free_port()
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma server did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.server
def test_server_mode_ingests_and_answers_from_a_chroma_server(
    tmp_path: Path, chroma_server: str, seed_dir: Path
) -> None:
    settings = Settings.load(env={}, chroma_url=chroma_server, cache_dir=tmp_path / "cache")
    report = ingest([seed_dir], settings)
    assert report.articles_added == 1 and not report.failed
    again = ingest([seed_dir], settings)
    assert again.articles_unchanged == 1 and again.paragraphs_added == 0

    # A second client with an empty cache sees the same corpus: everything lives in Chroma.
    other = settings.replace(cache_dir=tmp_path / "other-cache")
    index = NewsIndex.open(other)
    hits = index.search("buffer zone", k=3)
    assert "buffer zone" in hits[0].paragraph.text
    assert any(row.quote.speaker == "Denis Pushilin" for row in index.quotes(speaker="Pushilin"))


@pytest.mark.server
def test_server_mode_names_the_url_when_the_server_is_down(tmp_path: Path) -> None:
    from rag.errors import StoreError

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="127.0.0.1"):
        Store.connect(Settings.load(env={}, chroma_url=url), create=True)


def test_opening_a_missing_index_says_to_run_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="newsrag ingest"):
        NewsIndex.open(Settings.load(env={}, db=tmp_path / "nothing"))
