"""When a text is about a topic: all words of a short topic, spellings counted once."""

from __future__ import annotations

from rag import NewsIndex
from rag.topic import Topic
from rag.variants import default_table

expand = default_table().expand


def test_a_two_word_topic_needs_both_words() -> None:
    topic = Topic("water rationing", expand)
    assert topic.in_text("Water rationing starts on Monday.")
    assert not topic.in_text("The water rose within an hour.")


def test_one_word_is_enough_when_a_speaker_narrows_the_quotes() -> None:
    assert Topic("water rationing", expand, strict=False).in_text("The water rose within an hour.")


def test_other_spellings_count_as_the_same_word() -> None:
    topic = Topic("Seversk", expand)
    assert topic.in_text("Fighting near Siversk continued.")
    assert len(topic.groups) == 1


def test_a_word_in_an_article_holding_the_rest_counts(seed_index: NewsIndex) -> None:
    topic = Topic("Seversk withdrawal", expand).find_articles(seed_index.answerer.snapshot().keywords)
    article = next(iter(topic.articles))
    assert topic.in_text("The withdrawal was costly.", article)
    assert not topic.in_text("The withdrawal was costly.", "some-other-article")


def test_an_empty_topic_is_about_nothing() -> None:
    topic = Topic("the", expand)
    assert not topic and not topic.in_text("the the the")
