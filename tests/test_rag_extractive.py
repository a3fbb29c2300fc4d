"""Extractive answers: sentences copied from the best paragraphs, each cited."""

from __future__ import annotations

from pathlib import Path

from ingest import ingest
from rag import AnswerMode, NewsIndex, Settings
from rag.extractive import answer_type
from rag.tuning import Tuning


def test_extractive_answer_cites_the_sentence_that_answers(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("How did losing the city affect Ukraine's position in talks?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert any("weakened Ukraine's leverage in negotiations" in s.text for s in answer.sentences)
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        assert s.text in by_n[s.citation_ids[0]].text  # copied, never rewritten
    assert {n for s in answer.sentences for n in s.citation_ids} == set(by_n)


def test_answer_text_carries_a_marker_after_every_sentence(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("How did losing the city affect Ukraine's position in talks?")
    for s in answer.sentences:
        assert f"{s.text} [{s.citation_ids[0]}]" in answer.text


def test_paraphrased_question_is_still_answered(demo_index: NewsIndex) -> None:
    # "mobile homes" is the article's "caravans": most of the question's words are still there.
    answer = demo_index.ask("How many displaced Varnholm families are still housed in mobile homes?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert answer.citations


def test_when_was_that_gives_the_dates_of_the_sources(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    follow = seed_index.ask("When was that?", history=[("What did Pushilin say?", first)])
    assert follow.citations and follow.sentences
    assert "Los Angeles Chronicle" in follow.sentences[0].text


def test_why_how_many_and_when_questions_want_their_kind_of_sentence() -> None:
    assert answer_type("Why did the council delay the vote?").search("because the budget was late")
    assert answer_type("How many families were moved?").search("about 300 families")
    assert answer_type("When did the strike start?").search("on Monday")
    assert answer_type("Who leads the union?") is None


def test_a_sentence_pointing_back_is_shown_after_the_one_it_points_to(tmp_path: Path, settings: Settings) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "primary.txt").write_text(
        "Wyoming primary results\n\n"
        "Rep. Liz Cheney of Wyoming lost her primary race on Tuesday. She and nine other House Republicans "
        "voted to impeach former President Donald Trump after the attack on the Capitol.\n\n"
        "Turnout in the state was the highest for a midterm primary in decades, officials said.\n",
        encoding="utf-8")
    assert not ingest([articles], settings).failed
    question = "Which House Republican who voted to impeach Donald Trump lost her primary?"

    answer = NewsIndex.open(settings).ask(question)
    alone = NewsIndex.open(settings, tuning=Tuning(lead_in=False)).ask(question)

    assert alone.sentences[0].text.startswith("She and nine other House Republicans")  # no name in it
    texts = [s.text for s in answer.sentences]
    she = texts.index(alone.sentences[0].text)
    assert texts[she - 1] == "Rep. Liz Cheney of Wyoming lost her primary race on Tuesday."
    assert len(texts) <= Tuning().max_extractive_sentences
