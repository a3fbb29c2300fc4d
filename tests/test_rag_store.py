"""The store against a real `chroma run` server, and the keyword cache's consistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import free_port

from ingest import ingest
from rag import IndexNotFound, NewsIndex, Settings
from rag.store import Store


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
