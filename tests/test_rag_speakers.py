"""Matching the speaker a question names to the speakers quoted in the corpus."""

from __future__ import annotations

from rag import NewsIndex


def speakers_like(index: NewsIndex, wanted: str) -> set[str]:
    return set(index.answerer.snapshot().speakers.like(wanted))


def test_surname_finds_the_full_name(seed_index: NewsIndex) -> None:
    assert speakers_like(seed_index, "Pushilin") == {"Denis Pushilin"}


def test_other_scripts_find_the_same_speaker(seed_index: NewsIndex) -> None:
    assert speakers_like(seed_index, "Пушилин") == {"Denis Pushilin"}


def test_role_words_find_the_speaker(seed_index: NewsIndex) -> None:
    assert "Elena Petrova" in speakers_like(seed_index, "the defense expert")


def test_role_synonyms_from_the_table(demo_index: NewsIndex) -> None:
    # "leader" and "farmers" for the article's "president of the ... Growers' Association".
    assert speakers_like(demo_index, "the farmers' leader")


def test_a_name_nobody_has_matches_nobody(seed_index: NewsIndex) -> None:
    assert speakers_like(seed_index, "Ester Vallin") == set()


def test_profile_holds_names_and_roles(seed_index: NewsIndex) -> None:
    profile = seed_index.answerer.snapshot().speakers.profile("Denis Pushilin")
    assert {"pushilin", "donetsk"} <= profile


def test_paragraphs_of_a_speaker(seed_index: NewsIndex) -> None:
    index = seed_index.answerer.snapshot().speakers
    ids = index.paragraphs_of({"Elena Petrova"})
    numbers = sorted(p.number for p in seed_index.store.get(sorted(ids)))
    assert numbers == [8]
