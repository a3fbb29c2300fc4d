"""What a question asks, and how follow-ups carry the speaker and topic over."""

from __future__ import annotations

import pytest

from rag import AnswerMode, NewsIndex, RefusalReason
from rag.question import QuestionKind, classify, resolve
from rag.text import fold


@pytest.mark.parametrize(
    ("question", "speaker", "topic"),
    [
        ("who said what about Seversk?", "", "Seversk"),
        ("What did Pushilin say about the buffer zone?", "Pushilin", "buffer zone"),
        ("Which officials commented on the ferry terminal?", "officials", "ferry terminal"),
        ("How did the union react to the automation plan?", "the union", "automation plan"),
        ("According to whom, was the strike illegal?", "", "was the strike illegal"),
        ("Quotes from Okafor about the flood", "Okafor", "flood"),
    ],
)
def test_attribution_questions_name_their_speaker_and_topic(question: str, speaker: str, topic: str) -> None:
    asked = classify(question)
    assert asked.kind is QuestionKind.ATTRIBUTION
    assert (asked.speaker, asked.topic) == (speaker, topic)


def test_other_questions_are_factual() -> None:
    asked = classify("Why did the Ukrainian army leave Seversk?")
    assert asked.kind is QuestionKind.FACT and not asked.speaker


def test_what_did_people_say_asks_about_nobody_in_particular() -> None:
    assert classify("What did people say about the flood?").speaker == ""


def test_follow_up_what_else_did_he_say_keeps_the_speaker(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say about the buffer zone?")
    follow = seed_index.ask("What else did he say?", history=[first])
    assert follow.mode is AnswerMode.ATTRIBUTION
    assert {fold(g.speaker) for g in follow.speakers} == {"denis pushilin"}
    assert {q.text for q in follow.quotes}.isdisjoint({q.text for q in first.quotes})


def test_what_else_did_he_say_after_who_said_what_means_a_person_not_a_newspaper(seed_index: NewsIndex) -> None:
    first = seed_index.ask("who said what about Seversk?")
    assert first.speakers[0].speaker == "The New York Times"  # quoted first, but no "he"

    follow = seed_index.ask("what else did he say?", history=[first])

    first_person = next(g.speaker for g in first.speakers if g.kind == "person")
    assert first_person == "Denis Pushilin"
    # Everything Pushilin said is in the first answer already: more of him is all there is to ask.
    assert (follow.speaker, follow.refusal.reason, follow.refusal.subject) == (
        "Denis Pushilin", RefusalReason.NOTHING_MORE, "Denis Pushilin")
    assert "New York Times" not in follow.text


def test_speakers_of_an_answer_say_what_they_are(seed_index: NewsIndex) -> None:
    kinds = {g.speaker: g.kind for g in seed_index.ask("who said what about Seversk?").speakers}

    assert kinds["The New York Times"] == "publication"
    assert kinds["Denis Pushilin"] == kinds["Elena Petrova"] == "person"
    assert kinds["Military analysts"] == "group"


def test_they_may_mean_a_publication(seed_index: NewsIndex) -> None:
    first = seed_index.ask("who said what about Seversk?")

    assert resolve("what else did they say?", [first]).speaker == "The New York Times"


def test_follow_up_and_the_analysts_keeps_the_topic(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say about Seversk?")
    asked = resolve("And the analysts?", [first])
    assert (asked.kind, asked.speaker, asked.topic) == (QuestionKind.ATTRIBUTION, "the analysts", "Seversk")
    follow = seed_index.ask("And the analysts?", history=[first])
    assert all("analysts" in fold(g.speaker) for g in follow.speakers)


def test_follow_up_when_was_that_is_asked_of_the_last_answer(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    asked = resolve("When was that?", [("What did Pushilin say?", first)])
    assert asked.kind is QuestionKind.WHEN and asked.speaker == "Denis Pushilin"


def test_pronoun_in_a_factual_follow_up_becomes_the_last_speaker(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    asked = resolve("Where was he speaking?", [first])
    assert (asked.text, asked.speaker) == ("Where was Denis Pushilin speaking?", "Denis Pushilin")


def test_a_question_is_read_once_into_its_terms_names_and_wanted_answer() -> None:
    asked = resolve("Why did Mayor Okafor close the Varnholm shelters this week?")
    assert asked.names == ("Mayor Okafor", "Varnholm")
    assert {"okafor", "varnholm"} <= asked.terms and "why" not in asked.terms
    assert [word for word, _ in asked.words][:3] == ["Mayor", "Okafor", "close"]
    assert asked.wanted is not None and asked.wanted.search("because the river rose")
    assert asked.about_now
    plain = resolve("Who leads the union?")
    assert plain.wanted is None and not plain.about_now and plain.names == ()



def test_a_question_giving_what_was_said_asks_who_said_it() -> None:
    asked = classify("Which automaker said it plans to stop selling petrol cars in the US?")
    assert asked.kind is QuestionKind.ATTRIBUTION and asked.identifies
    assert not classify("Which officials commented on the ferry terminal?").identifies  # statements about it
    assert classify("Who said the bridge was unsafe?").identifies


def test_who_said_it_is_answered_from_the_report_when_no_quote_names_the_description(tmp_path) -> None:
    # Nobody described as an automaker is quoted, so the quotes cannot answer; the article's own
    # sentence does (it was refused as an unknown speaker before).
    from ingest import ingest
    from rag import Settings

    (tmp_path / "cars.txt").write_text(
        "Motor Weekly\nBusiness\n\nCarmaker To End Petrol Sales\n\n"
        "Volkswagen plans to stop selling petrol cars in the US within ten years, the company said on "
        "Monday, as it moves its American lineup to electric models.\n", encoding="utf-8")
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([tmp_path / "cars.txt"], settings)
    answer = NewsIndex.open(settings).ask("Which automaker said it plans to stop selling petrol cars in the US?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "Volkswagen" in answer.text
