"""Quote marks: which marks pair into quotations, apostrophes that are not marks, quotes across paragraphs."""

from __future__ import annotations

import pytest
from quote_helpers import DIRECT, INDIRECT, only_quote

from ingest.quotes import extract_quotes
from ingest.quotes.marks import find_quote_spans, read_doubled_apostrophes


def test_nested_quote_stays_inside_the_outer_quote() -> None:
    quote = only_quote("\"He told me 'get out now,' and I did,\" said Maria Kovalenko, a resident.")
    assert quote.text == "He told me 'get out now,' and I did"
    assert (quote.speaker, quote.role) == ("Maria Kovalenko", "a resident")


def test_curly_nested_quote_stays_inside_the_outer_quote() -> None:
    quote = only_quote("“They shouted ‘run’ and we ran,” said Olena Bondar.")
    assert (quote.speaker, quote.text) == ("Olena Bondar", "They shouted ‘run’ and we ran")


@pytest.mark.parametrize(
    "sentence",
    [
        "'We can't stay, and Ukraine's army won't either,' said Olena Bondar.",
        "‘We can’t stay, and Ukraine’s army won’t either,’ said Olena Bondar.",
    ],
)
def test_apostrophes_inside_words_are_not_quote_marks(sentence: str) -> None:
    quote = only_quote(sentence)
    assert quote.speaker == "Olena Bondar"
    assert quote.text.startswith("We can") and quote.text.endswith("either")


def test_plural_possessive_outside_a_quote_is_not_a_quote_mark() -> None:
    quote = only_quote("The Ukrainian Armed Forces' withdrawal was a serious blow, officials said.")
    assert (quote.speaker, quote.kind) == ("Officials", INDIRECT)
    assert quote.text == "The Ukrainian Armed Forces' withdrawal was a serious blow"


def test_plural_possessive_inside_a_single_quoted_quote_does_not_end_it() -> None:
    quote = only_quote("'The soldiers' families are waiting for news,' said Olena Bondar.")
    assert quote.text == "The soldiers' families are waiting for news"


def test_plural_possessive_in_reported_speech_stays_in_the_text() -> None:
    quote = only_quote("Ukraine's defence ministry said that the officials' remarks were misleading.")
    assert (quote.speaker, quote.text) == (
        "Ukraine's defence ministry",
        "the officials' remarks were misleading",
    )


def test_decade_abbreviation_is_not_an_opening_quote_mark() -> None:
    quote = only_quote("In the '90s, the town had three factories, Jane Smith said.")
    assert (quote.speaker, quote.text) == ("Jane Smith", "In the '90s, the town had three factories")


def test_quote_reopened_at_the_next_paragraph_is_one_quote() -> None:
    quotes = extract_quotes(
        [
            '"We had sandbags ready," said Mayor Lena Okafor. "Nobody has seen the river move like that.',
            '"What we need now is pumps and engineers."',
        ]
    )
    # News convention: no closing mark at the end of the first paragraph, a new opening mark at
    # the start of the next, and the quotation goes on.
    assert [(q.speaker, q.text, q.paragraphs) for q in quotes] == [
        ("Lena Okafor", "We had sandbags ready", (1,)),
        (
            "Lena Okafor",
            "Nobody has seen the river move like that. What we need now is pumps and engineers.",
            (1, 2),
        ),
    ]


def test_attribution_after_a_quote_that_spans_paragraphs_names_its_speaker() -> None:
    quote = only_quote('"The situation is difficult.', '"But we will hold," said Col. Ivan Petrenko.')
    assert (quote.speaker, quote.role, quote.paragraphs) == ("Ivan Petrenko", "Colonel", (1, 2))
    assert quote.text == "The situation is difficult. But we will hold"


@pytest.mark.parametrize(
    "paragraph",
    [
        "''It is really a powerful book,'' Admiral Harris said.",
        "``It is really a powerful book,'' Admiral Harris said.",
        '"It is really a powerful book," Admiral Harris said.',
    ],
)
def test_doubled_apostrophes_are_double_quote_marks(paragraph: str) -> None:
    quote = only_quote(paragraph)
    assert (quote.kind, quote.text, quote.speaker_as_written) == (DIRECT, "It is really a powerful book", "Admiral Harris")


def test_find_quote_spans_pairs_each_kind_of_mark_and_keeps_the_words_inside() -> None:
    text = "“We will rebuild,” said Okafor. 'Not today,' he added."
    assert [(text[s.start], text[s.end - 1], s.text) for s in find_quote_spans(text)] == [
        ("“", "”", "We will rebuild,"),
        ("'", "'", "Not today,"),
    ]


def test_find_quote_spans_finds_none_in_apostrophes_and_decades() -> None:
    assert find_quote_spans("Ukraine's army won't leave, as in the '90s.") == []


def test_find_quote_spans_runs_on_into_a_paragraph_that_reopens_the_quote() -> None:
    text = '"We had sandbags ready.\n"What we need now is pumps."'
    [span] = find_quote_spans(text)
    assert (span.start, span.end) == (0, len(text))
    assert span.text == "We had sandbags ready. What we need now is pumps."


def test_a_quote_that_never_closes_is_no_span() -> None:
    assert find_quote_spans('He said "we will') == []


def test_doubled_apostrophes_become_double_marks_at_the_same_offsets() -> None:
    paragraph = "''Yes,'' he said. ``No.''"
    read = read_doubled_apostrophes(paragraph)
    assert read == ' "Yes,"  he said.  "No." '
    assert len(read) == len(paragraph)


def test_a_closing_mark_that_opens_a_paragraph_opens_the_quotation() -> None:
    text = "\u201dFear. I am afraid.\u201d \u2015 Edwin G. Monroy\nHe said \u201cno\u201d to that."
    assert [span.text for span in find_quote_spans(text)] == ["Fear. I am afraid.", "no"]
