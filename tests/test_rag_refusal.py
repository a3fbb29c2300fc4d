"""Refusals: when the corpus cannot answer, the answer says so, and which case it is."""

from __future__ import annotations

from pathlib import Path

from ingest import ingest
from rag import AnswerMode, NewsIndex, RefusalReason, Settings


def test_absent_subject_is_refused_plainly(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did the mayor of Lisbon say about tourism?")
    assert answer.mode is AnswerMode.NONE
    assert "Lisbon" in answer.reason
    assert answer.refusal.nearest and answer.nearest  # the nearest articles are offered instead
    assert not answer.citations


def test_unknown_name_in_a_factual_question_is_named(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("Why did the army leave Lisbon?")
    assert answer.refusal.reason is RefusalReason.NOT_MENTIONED
    assert answer.refusal.missing_terms == ("Lisbon",)
    assert answer.reason == "No article in the corpus mentions Lisbon."


def test_unrelated_question_gets_no_answer_from_weak_matches(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("what is the best recipe for banana bread")
    assert answer.mode is AnswerMode.NONE
    assert answer.refusal.reason in (RefusalReason.WEAK_MATCHES, RefusalReason.NO_MATCH)


def test_answer_from_paragraphs_that_miss_the_question_is_refused(demo_index: NewsIndex) -> None:
    # The demo corpus has storms and a port at Kessmouth, but no bridge collapsed anywhere.
    answer = demo_index.ask("Which bridge in Kessmouth collapsed during the autumn storms?")
    assert answer.refusal.reason is RefusalReason.WEAK_MATCHES
    assert {"bridge", "collapsed"} <= set(answer.refusal.missing_terms)
    assert "\u201cbridge\u201d" in answer.reason and "\u201ccollapsed\u201d" in answer.reason
    assert answer.nearest


def test_subject_mentioned_but_nobody_quoted(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "mill.txt").write_text(
        "County Gazette\nBusiness\n\nBrenwick Mill Closes After 90 Years\n\n"
        "The Brenwick mill closed on Friday after ninety years of operation.\n\n"
        "Its machinery will be sold at auction next month.\n", encoding="utf-8")
    (tmp_path / "vote.txt").write_text(
        "County Gazette\nPolitics\n\nCouncil Passes Budget\n\n"
        '"This budget keeps libraries open," said council leader Mara Voss.\n', encoding="utf-8")
    ingest([tmp_path], settings)
    answer = NewsIndex.open(settings).ask("Who commented on the Brenwick mill?")
    assert answer.refusal.reason is RefusalReason.NOBODY_QUOTED
    assert answer.refusal.subject == "Brenwick mill"
    assert answer.reason == "Articles mention Brenwick mill, but nobody in them is quoted about it."


def test_follow_up_with_nothing_more_says_so(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    follow = seed_index.ask("What else did he say?", history=[first])
    assert follow.refusal.reason is RefusalReason.NOTHING_MORE
    assert "Denis Pushilin" in follow.reason


def test_when_was_that_with_nothing_cited_before_is_refused() -> None:
    from rag.extractive import when
    from rag.question import resolve

    answer = when("When was that?", resolve("When was that?"), earlier=[])
    assert answer.refusal.reason is RefusalReason.NO_EARLIER_ANSWER
    assert "no earlier answer" in answer.reason


def test_refusal_says_when_filters_hid_the_articles_that_would_answer(seed_index: NewsIndex) -> None:
    # The Seversk story is undated, so a "published from" filter leaves it out.
    answer = seed_index.ask("who said what about Seversk?", since="2026-10-01")
    assert answer.mode is AnswerMode.NONE
    assert answer.refusal.hidden_by_filters == 1
    assert "1 article outside your source or date filters would match" in answer.reason
    assert seed_index.ask("who said what about Seversk?").mode is AnswerMode.ATTRIBUTION
