"""The keyword index: BM25 in a shared SQLite file, brought forward by the change log, rebuilt when it cannot be."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest import ingest
from rag import Filters, Fusion, NewsIndex, Settings, Tuning


def test_keyword_cache_follows_new_ingests(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    index = NewsIndex.open(settings, tuning=Tuning(fusion=Fusion.BM25))  # keyword search alone
    assert index.search("Quellport")[0].paragraph.title == "Harbor Opens"
    (tmp_path / "two.txt").write_text("Mill Closes\n\nThe old mill at Brenwick closed for good.\n", encoding="utf-8")
    ingest([tmp_path / "two.txt"], settings)
    # The same open index (as the app holds it) sees the new article through keyword search.
    assert [h.paragraph.title for h in index.search("Brenwick")] == ["Mill Closes"]


def test_keyword_cache_is_rebuilt_from_chroma_when_deleted(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    NewsIndex.open(settings).search("Quellport")
    shutil.rmtree(settings.keyword_cache_dir)
    assert NewsIndex.open(settings).search("Quellport")[0].paragraph.title == "Harbor Opens"


def test_filters_narrow_keyword_search_and_dates(seed_index: NewsIndex) -> None:
    cache = seed_index.answerer.snapshot().keywords
    assert cache.search("Seversk", 3, Filters(source="los angeles chronicle"))
    assert cache.search("Seversk", 3, Filters(source="Kessmouth Gazette")) == []
    assert cache.search("Seversk", 3, Filters(since="2026-01-01")) == []  # the seed article is undated
    assert cache.newest_date(Filters()) == 0 and cache.newest_date(Filters(since="2026-01-01")) is None


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


def _everything(index: NewsIndex, queries: list[str]) -> dict[str, object]:
    """What the keyword side and the speaker index answer, for comparing two ways of building them."""
    snapshot = index.answerer.snapshot()
    cache = snapshot.keywords
    return {
        "search": {q: cache.search(q, 10) for q in queries},
        "count": cache.count(),
        "quoted": sorted(cache.quoted),
        "speakers": {s: sorted(ids) for s, ids in snapshot.speakers.by_speaker.items()},
        "profiles": snapshot.speakers.profiles,
        "terms": {t: sorted(s) for t, s in snapshot.speakers.by_term.items()},
        "stats": index.stats(),
    }


def test_an_update_from_the_change_log_equals_a_rebuild(tmp_path: Path, settings: Settings) -> None:
    """The open index follows ingests, edits and removals through the change log, and ends up
    holding exactly what a process that builds everything from Chroma holds."""
    from ingest import remove

    data = Path(__file__).resolve().parents[1] / "data" / "txt"
    first, *rest = sorted(data.glob("*.txt"))
    ingest([first], settings)
    index = NewsIndex.open(settings)
    index.ask("who said what about the flood?")  # builds the speaker index, to be carried forward
    built = index.answerer.snapshot().keywords
    ingest(rest[:4], settings)
    edited = tmp_path / "edited.txt"
    edited.write_text(first.read_text(encoding="utf-8").replace("the", "a", 3), encoding="utf-8")
    ingest([edited], settings)
    remove(settings, files=[str(rest[0])])
    queries = ["flood warnings", "water rationing", "mayor said", "port strike", "Seversk"]
    followed = _everything(index, queries)
    assert index.answerer.snapshot().keywords.file is built.file  # brought forward, not rebuilt

    shutil.rmtree(settings.keyword_cache_dir)
    rebuilt = _everything(NewsIndex.open(Settings.load(env={}, db=settings.db)), queries)
    for key in followed:
        assert followed[key] == rebuilt[key], key


def test_a_keyword_index_from_another_store_is_rebuilt(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    NewsIndex.open(settings).search("Quellport")
    other = Settings.load(env={}, db=tmp_path / "other", cache_dir=tmp_path / "shared-cache")
    (tmp_path / "two.txt").write_text("Mill Closes\n\nThe old mill at Brenwick closed for good.\n", encoding="utf-8")
    ingest([tmp_path / "two.txt"], other)
    shutil.copytree(settings.keyword_cache_dir, other.keyword_cache_dir, dirs_exist_ok=True)
    keywords = NewsIndex.open(other).answerer.snapshot().keywords
    assert keywords.search("Quellport", 5) == [] and len(keywords.search("Brenwick", 5)) == 1


def test_a_store_without_a_change_log_is_indexed_once_then_followed(tmp_path: Path, settings: Settings) -> None:
    """A store as a newsrag from before the change log left it: its first logged write starts a
    new epoch, which every open index rebuilds from once; later writes are followed."""
    from rag.changes import LOGGED_REVISION_KEY, SEQ_KEY, log_name
    from rag.store import EPOCH_KEY, Store

    (tmp_path / "one.txt").write_text("Harbor Opens\n\nThe harbor in Quellport opened on Monday.\n", encoding="utf-8")
    ingest([tmp_path / "one.txt"], settings)
    store = Store.connect(settings)
    store.client.delete_collection(log_name(settings.collection))
    old = {k: v for k, v in store.collection.metadata.items() if k not in (SEQ_KEY, LOGGED_REVISION_KEY, EPOCH_KEY)}
    store.collection.modify(metadata=old)
    index = NewsIndex.open(settings)
    assert index.answerer.snapshot().keywords.search("Quellport", 5)
    for name, text in (("two", "Mill Closes\n\nThe old mill at Brenwick closed for good.\n"),
                       ("three", "Ferry Returns\n\nThe ferry to Ostholm sails again.\n")):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        ingest([tmp_path / f"{name}.txt"], settings)
        keywords = index.answerer.snapshot().keywords
        assert keywords.search("Brenwick", 5) and keywords.count() == index.store.count()
    assert keywords.search("Ostholm", 5) and keywords.state.trusted
