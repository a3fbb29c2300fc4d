"""One corpus snapshot per question, refreshed when an ingest changes the store."""

from __future__ import annotations

from pathlib import Path

from ingest import ingest
from rag import NewsIndex, Settings


def _article(folder: Path, name: str, speaker: str) -> None:
    (folder / f"{name}.txt").write_text(
        f'Gazette\nNews\n\nThe {name} story\n\n"We will rebuild the {name} bridge," said {speaker}, the mayor.\n',
        encoding="utf-8")


def test_snapshot_is_reused_until_the_corpus_changes(tmp_path: Path, settings: Settings) -> None:
    _article(tmp_path, "first", "Ana Berg")
    ingest([tmp_path], settings)
    index = NewsIndex.open(settings)
    before = index.answerer.snapshot()
    assert index.answerer.snapshot() is before
    assert before.speakers is before.speakers  # built once per snapshot
    later = tmp_path / "later"
    later.mkdir()
    _article(later, "second", "Carl Dunn")
    ingest([later], settings)
    after = index.answerer.snapshot()
    assert after is not before and after.revision != before.revision
    assert "Carl Dunn" in after.speakers.like("Dunn")
    assert "Carl Dunn" not in before.speakers.like("Dunn")  # a question in flight keeps its view


def test_warm_builds_the_speaker_index_a_first_question_would_wait_for(seed_settings: Settings) -> None:
    index = NewsIndex.open(seed_settings).warm()
    snapshot = index.answerer.snapshot()
    assert snapshot._speakers is not None
    assert snapshot.speakers.profile("Denis Pushilin")


def test_unknown_names_are_looked_up_in_every_spelling(seed_index: NewsIndex) -> None:
    snapshot = seed_index.answerer.snapshot()
    assert snapshot.unknown_names(["Siversk", "Lisbon"]) == ["Lisbon"]
