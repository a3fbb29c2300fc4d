"""Shared fixtures: a fresh store per test, and session-wide indexes of the seed and demo corpora.

Everything is real: embedded Chroma in a temp dir, the real embedding model, our real ingest.
"""

from __future__ import annotations

import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

for key, value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ORT_DISABLE_TELEMETRY", "1"),
                   ("ANONYMIZED_TELEMETRY", "False"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(key, value)

from ingest import ingest  # noqa: E402
from rag import NewsIndex, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "seed"
DATA = ROOT / "data"
FIXTURES = Path(__file__).with_name("fixtures")


# data/ carries a copy of the seed article as printed, so the seed's tests also run where
# ../shared is absent (a CI checkout): the shared folder first, else a folder holding that copy.
SEED_COPY = DATA / "txt" / "los-angeles-chronicle_seversk-withdrawal.txt"


@functools.lru_cache(maxsize=1)
def _seed_copy_folder() -> Path:
    """A folder holding only data/'s copy of the seed article (made once per test process)."""
    folder = Path(tempfile.mkdtemp(prefix="newsrag-seed-"))
    shutil.copyfile(SEED_COPY, folder / SEED_COPY.name)
    return folder


def require_seed() -> Path:
    if SEED.is_dir() and any(SEED.iterdir()):
        return SEED
    if SEED_COPY.is_file():
        return _seed_copy_folder()
    pytest.skip(f"seed corpus not found at {SEED} (beside the project in ../shared) nor at {SEED_COPY}")


@pytest.fixture(autouse=True, scope="session")
def _apps_served_on_this_machine() -> None:
    """``AppTest`` runs ui/app.py with no server, so Streamlit's ``server.address`` is unset, which
    the app reads as every interface and refuses without a login (ui/access.py). Tests stand in the
    address `newsrag ui` binds by default; tests of the refusal set another."""
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with the store in this test's temp dir, ignoring any NEWSRAG_* in the environment."""
    return Settings.load(env={}, db=tmp_path / "db")


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    return require_seed()


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Settings:
    settings = Settings.load(env={}, db=tmp_path_factory.mktemp("seed") / "db")
    report = ingest([seed_dir], settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def seed_index(seed_settings: Settings) -> NewsIndex:
    """The seed article (the Seversk story), ingested once per test session."""
    return NewsIndex.open(seed_settings)


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings.load(env={}, db=tmp_path_factory.mktemp("demo") / "db")
    report = ingest([DATA], settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def demo_index(demo_settings: Settings) -> NewsIndex:
    """The project's own demo corpus in data/, ingested once per test session."""
    return NewsIndex.open(demo_settings)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_exe() -> Path:
    """The `chroma` command beside this Python (the venv's), else on PATH; skips the test without one."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        found = shutil.which("chroma")
        if not found:
            pytest.skip("the chroma server command is not installed")
        exe = Path(found)
    return exe


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A real `chroma run` on a free loopback port, stopped after the test."""
    exe = chroma_exe()
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
