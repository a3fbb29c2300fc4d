"""Shared fixtures: a fresh store per test, and session-wide indexes of the seed and demo corpora.

Everything is real: embedded Chroma in a temp dir, the real embedding model, our real ingest.
"""

from __future__ import annotations

import os
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


def require_seed() -> Path:
    if not SEED.is_dir() or not any(SEED.iterdir()):
        pytest.skip(f"shared seed corpus not found at {SEED} (it lives beside the project in ../shared)")
    return SEED


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
