"""``NewsIndex`` beyond asking and searching: the example questions the chat offers."""

from __future__ import annotations

from rag import NewsIndex


def test_example_questions_name_the_seed_story_by_its_place(seed_index: NewsIndex) -> None:
    examples = seed_index.example_questions()
    assert "Who said what about Seversk?" in examples  # not "about Withdrawal": headline case is no name
    assert any(e.startswith("What did ") and e.endswith(" say?") for e in examples)


def test_every_example_question_is_answered(demo_index: NewsIndex) -> None:
    examples = demo_index.example_questions()
    assert len(examples) == 4
    for question in examples:
        answer = demo_index.ask(question)
        assert answer.refusal is None, f"{question!r} is refused: {answer.text}"
        assert answer.citations, question


def test_the_demo_corpus_answers_the_seversk_questions(demo_index: NewsIndex) -> None:
    """`make run` ingests data/: the question the product exists for works out of the box."""
    from rag import AnswerMode

    who = demo_index.ask("who said what about Seversk?")
    assert who.mode is AnswerMode.ATTRIBUTION
    assert {"Denis Pushilin", "Elena Petrova"} <= {g.speaker for g in who.speakers}
    assert {c.source for c in who.citations} == {"Los Angeles Chronicle"}
    pushilin = demo_index.ask("what did Pushilin say?")
    assert [g.speaker for g in pushilin.speakers] == ["Denis Pushilin"]
    siversk = demo_index.ask("who said what about Siversk?")  # the other transliteration
    assert siversk.mode is AnswerMode.ATTRIBUTION, siversk.text
    follow_up = demo_index.ask("what did she say?", history=(demo_index.ask("What did Elena Petrova say?"),))
    assert [g.speaker for g in follow_up.speakers] == ["Elena Petrova"]
    assert "Who said what about Seversk?" in demo_index.example_questions()
