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
