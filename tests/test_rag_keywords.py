"""The keyword cache: BM25 and filter arrays rebuilt from Chroma whenever the corpus changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest import ingest
from rag import Filters, NewsIndex, Settings


def test_keyword_cache_follows_new_ingests(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    index = NewsIndex.open(settings)
    assert index.search("Quellport")[0].paragraph.title == "Harbor Opens"
    (tmp_path / "two.txt").write_text("Mill Closes\n\nThe old mill at Brenwick closed for good.\n", encoding="utf-8")
    ingest([tmp_path / "two.txt"], settings)
    # The same open index (as the app holds it) sees the new article through keyword search.
    assert index.answerer.retriever.keyword("Brenwick", 5, index.filters(), index.answerer.snapshot().keywords)


def test_keyword_cache_is_rebuilt_from_chroma_when_deleted(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    NewsIndex.open(settings).search("Quellport")
    shutil.rmtree(settings.keyword_cache_dir)
    assert NewsIndex.open(settings).search("Quellport")[0].paragraph.title == "Harbor Opens"


def test_filter_mask_marks_the_paragraphs_inside_the_filters(seed_index: NewsIndex) -> None:
    cache = seed_index.answerer.snapshot().keywords
    assert cache.filter_mask(Filters()) is None
    assert cache.filter_mask(Filters(source="los angeles chronicle")).all()
    assert not cache.filter_mask(Filters(since="2026-01-01")).any()  # the seed article is undated


def test_articles_mentioning_reads_the_postings(seed_index: NewsIndex) -> None:
    cache = seed_index.answerer.snapshot().keywords
    assert len(cache.articles_mentioning(["Seversk Siversk", "buffer"], 2)) == 1
    assert cache.articles_mentioning(["Seversk", "Lisbon"], 2) == set()
    assert cache.contains("evacuating") and not cache.contains("Lisbon")


def test_an_apostrophe_spelling_never_stands_in_for_another_word(tmp_path: Path, settings: Settings) -> None:
    """"Severs'k" is tokenised "severs" + "k" and stemmed "sever", as "severe" is: looked up only
    when the word has no plain spelling, so a storm story does not "mention" Seversk."""
    (tmp_path / "storm.txt").write_text("Storm Hits Coast\n\nA severe storm hit the coast.\n", encoding="utf-8")
    ingest([tmp_path / "storm.txt"], settings)
    index = NewsIndex.open(settings)
    snapshot = index.answerer.snapshot()
    spellings = snapshot.variants.expand("Seversk")
    assert "Severs'k" in spellings  # the variant table does carry the apostrophe spelling
    assert not snapshot.keywords.contains(spellings)
    assert snapshot.keywords.articles_mentioning([spellings], 1) == set()
    assert snapshot.unknown_names(["Seversk"]) == ["Seversk"]
    assert index.ask("who said what about Seversk?").reason == "No article in the corpus mentions Seversk."
