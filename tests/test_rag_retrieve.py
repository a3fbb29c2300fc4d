"""Hybrid search: spellings, near-duplicate wire copy, filters, quote context, fusion methods."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest
from rag import Filters, Fusion, NewsIndex, Settings, Tuning


@pytest.mark.parametrize("spelling", ["Siversk", "Сіверськ", "Северск"])
def test_place_names_match_across_spellings(seed_index: NewsIndex, spelling: str) -> None:
    hits = seed_index.search(f"evacuation of civilians in {spelling}", k=3)
    assert any("evacuating civilians" in h.paragraph.text for h in hits)


def test_near_duplicate_wire_paragraphs_collapse_into_one_hit(tmp_path: Path, settings: Settings) -> None:
    wire = "The regional dam at Olvenmoor released water for the first time in six years on Sunday."
    for source, title in (("North Post", "Dam Opens Gates"), ("South Daily", "Olvenmoor Dam Releases Water")):
        (tmp_path / f"{source}.txt").write_text(f"{source}\nNews\n\n{title}\n\n{wire}\n\nMore from {source}.\n",
                                                encoding="utf-8")
    ingest([tmp_path], settings)
    hits = NewsIndex.open(settings).search("Olvenmoor dam water release", k=3)
    assert set(hits[0].sources) == {"North Post", "South Daily"}
    assert sum(1 for h in hits if h.paragraph.text == wire) == 1


def test_filters_apply_to_search(tmp_path: Path, settings: Settings) -> None:
    for source, date in (("North Post", "2026-01-05"), ("South Daily", "2026-03-01")):
        (tmp_path / f"{source}.json").write_text(
            f'{{"title": "Ferry news from {source}", "source": "{source}", "date": "{date}", '
            f'"text": "The Lakeside ferry resumed service, {source} reports."}}', encoding="utf-8")
    ingest([tmp_path], settings)
    index = NewsIndex.open(settings)
    assert {h.paragraph.source for h in index.search("Lakeside ferry", source="south daily")} == {"South Daily"}
    assert {h.paragraph.source for h in index.search("Lakeside ferry", since="2026-02-01")} == {"South Daily"}
    assert {h.paragraph.source for h in index.search("Lakeside ferry", until="2026-02-01")} == {"North Post"}


def test_dense_scores_are_cosine_similarities(seed_index: NewsIndex) -> None:
    import numpy as np

    retriever = seed_index.answerer.retriever
    (paragraph, score), *_ = retriever.dense("buffer zone around Seversk", 1, Filters())
    stored = np.asarray(seed_index.store.embeddings([paragraph.paragraph_id])[paragraph.paragraph_id])
    assert score == pytest.approx(float(stored @ np.asarray(seed_index.store.encoder.embed_query("buffer zone around Seversk"))),
                                  abs=1e-4)


def test_hit_inside_a_two_paragraph_quote_brings_its_neighbour(seed_index: NewsIndex) -> None:
    hits = seed_index.search("the challenge now is for Ukraine to reassert its position", k=1)
    assert hits[0].paragraph.number == 9
    assert [p.number for p in hits[0].context] == [8]
    assert "said Dr. Elena Petrova" in hits[0].context[0].text


def test_extra_spelling_table_extends_the_built_in_one(tmp_path: Path, seed_settings: Settings) -> None:
    table = tmp_path / "variants.json"
    table.write_text('{"groups": [["Seversk", "Sewersk"]]}', encoding="utf-8")
    keywords_alone = Tuning(fusion=Fusion.BM25)
    plain = NewsIndex.open(seed_settings, tuning=keywords_alone)
    extended = NewsIndex.open(seed_settings.replace(variants=str(table)), tuning=keywords_alone)
    assert plain.search("Sewersk", k=5) == []
    assert len(extended.search("Sewersk", k=5)) == 5


def test_broken_spelling_table_names_the_file(tmp_path: Path, seed_settings: Settings) -> None:
    from rag import ConfigError

    table = tmp_path / "variants.json"
    table.write_text("{oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="variants.json"):
        NewsIndex.open(seed_settings.replace(variants=str(table)))


def test_search_for_what_a_speaker_said_prefers_paragraphs_quoting_them(demo_settings: Settings) -> None:
    # The paragraph never says "leader" or "farmers": the quote records know Malinen heads the growers.
    question = "What did the farmers' leader say the water authority should sort out before cutting supplies?"
    quote = "Fix your pipes before you take our water"
    preferring = NewsIndex.open(demo_settings)
    assert any(quote in h.paragraph.text for h in preferring.search(question, k=5))
    plain = NewsIndex.open(demo_settings, tuning=Tuning(prefer_quoted=False))
    assert not any(quote in h.paragraph.text for h in plain.search(question, k=5))


@pytest.mark.parametrize("fusion", list(Fusion))
def test_every_fusion_method_finds_an_exact_phrase(seed_settings: Settings, fusion: Fusion) -> None:
    index = NewsIndex.open(seed_settings, tuning=Tuning(fusion=fusion))
    hits = index.search("expanding a buffer zone around the newly liberated Seversk", k=2)
    assert "buffer zone" in hits[0].paragraph.text


def test_newer_news_wins_a_near_tie_and_until_sets_the_reference_day(tmp_path: Path, settings: Settings) -> None:
    articles = [("South Daily", "2026-01-05", "Lakeside ferry update",
                 "Lakeside ferry crossings run on the spring schedule from Monday, the operator said."),
                ("North Post", "2026-03-02", "Lakeside ferry timetable",
                 "The Lakeside ferry is running on its winter timetable, the operator said.")]
    for source, date, title, text in articles:
        (tmp_path / f"{source}.json").write_text(
            f'{{"title": "{title}", "source": "{source}", "date": "{date}", "text": "{text}"}}', encoding="utf-8")
    ingest([tmp_path], settings)
    question = "When does the Lakeside ferry run this week?"
    no_prior = NewsIndex.open(settings, tuning=Tuning(recency_weight=0, recency_weight_all=0))
    assert [h.paragraph.source for h in no_prior.search(question, k=2)] == ["South Daily", "North Post"]
    index = NewsIndex.open(settings)
    assert [h.paragraph.source for h in index.search(question, k=2)] == ["North Post", "South Daily"]
    # As of January the March report does not exist yet: the older one is the news.
    assert [h.paragraph.source for h in index.search(question, k=2, until="2026-01-31")] == ["South Daily"]
