"""Tuning: one frozen object per index; experiments build new ones."""

from __future__ import annotations

import dataclasses

import pytest

from rag import Fusion, NewsIndex, SentenceScoring, Settings, Tuning


def test_every_knob_says_why_it_has_its_default() -> None:
    # Each field is declared with its own reason (``_tuned``): a knob added as a bare default,
    # or one reason pasted onto two knobs, fails here.
    missing = [f.name for f in dataclasses.fields(Tuning) if len(f.metadata.get("why", "")) <= 20]
    assert missing == []
    reasons = list(Tuning.explain().values())
    assert len(set(reasons)) == len(reasons)


def test_tuning_is_frozen_and_replaced_not_changed() -> None:
    tuning = Tuning()
    with pytest.raises(dataclasses.FrozenInstanceError):
        tuning.dense_weight = 0.5  # type: ignore[misc]
    lighter = dataclasses.replace(tuning, dense_weight=0.5)
    assert (tuning.dense_weight, lighter.dense_weight) == (0.9, 0.5)


def test_plain_strings_become_enums() -> None:
    tuning = Tuning(fusion="rrf", sentence_scoring="embedding")
    assert tuning.fusion is Fusion.RRF and tuning.sentence_scoring is SentenceScoring.EMBEDDING
    with pytest.raises(ValueError):
        Tuning(fusion="best")


def test_two_indexes_in_one_process_keep_their_own_tuning(seed_settings: Settings) -> None:
    few = NewsIndex.open(seed_settings, tuning=Tuning(max_speakers=2))
    default = NewsIndex.open(seed_settings)
    question = "who said what about Seversk?"
    assert few.ask(question).shown_speakers == 2
    assert default.ask(question).shown_speakers == 7
