"""Sentence units: sentences never cut inside a quotation, and the tokens the rules read."""

from __future__ import annotations

from quote_helpers import only_quote, tokens_of

from ingest.quotes.marks import find_quote_spans
from ingest.quotes.sentences import sentence_units
from rag.text import split_sentences


def test_quote_after_a_time_abbreviation_is_still_a_quote() -> None:
    quote = only_quote('Leah Marsh lost her job at 9:15 a.m. "I found out from a password screen," she said.')
    assert (quote.speaker, quote.text) == ("Leah Marsh", "I found out from a password screen")


def test_a_quotation_is_one_token_and_its_full_stops_cut_no_sentence() -> None:
    tokens = tokens_of("'We will rebuild. We will stay,' said Dr. Elena Petrova.")
    assert ["<Q>" if t.is_quote else t.text for t in tokens] == ["<Q>", "said", "Dr.", "Elena", "Petrova", "."]


def test_a_sentence_whose_quotation_runs_on_spans_two_paragraphs() -> None:
    text = "'We will rebuild.\n'We will stay,' said Okafor. The river rose."
    units = sentence_units(text, [0, text.index("\n") + 1], find_quote_spans(text))
    assert [(u.paragraph, ["<Q>" if t.is_quote else t.text for t in u.tokens]) for u in units] == [
        (0, ["<Q>", "said", "Okafor", "."]),
        (1, ["The", "river", "rose", "."]),
    ]


def test_abbreviations_numbers_possessives_and_compounds_are_one_token_each() -> None:
    tokens = tokens_of("The U.S. sent 1,150 of Ukraine's 67-year-old Forces' tanks.")
    assert [t.text for t in tokens] == [
        "The", "U.S.", "sent", "1,150", "of", "Ukraine's", "67-year-old", "Forces'", "tanks", ".",
    ]
    assert [t.text for t in tokens if t.is_possessive] == ["Ukraine's", "Forces'"]


def test_no_abbreviates_a_number_only_before_one() -> None:
    assert split_sentences("Asked whether he would run, the answer was no. He said he was done.") == [
        "Asked whether he would run, the answer was no.", "He said he was done."]
    assert split_sentences("He lives at No. 10 Downing Street. It is old.") == [
        "He lives at No. 10 Downing Street.", "It is old."]
