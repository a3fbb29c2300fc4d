"""The article text: quote words as the paragraph has them, paragraph numbers and spans (``Quote.span``)."""

from __future__ import annotations

from ingest.quotes import extract_quotes
from ingest.quotes.article import ArticleText


def test_quote_text_drops_the_sentence_comma_but_keeps_its_own_punctuation() -> None:
    quotes = extract_quotes(['"Stay," said Jane Smith. "Please stay!"', '"Why?" Smith asked.'])
    assert [q.text for q in quotes] == ["Stay", "Please stay!", "Why?"]


def test_paragraph_numbers_follow_the_input_including_blank_paragraphs() -> None:
    quotes = extract_quotes(["No one spoke.", "", "'We will stay,' said Olena Bondar."])
    assert [q.paragraphs for q in quotes] == [(3,)]


def _spanned(paragraphs: list[str]) -> list[tuple[str, str]]:
    """(kind, the paragraph's own words at the quote's span) for each quote found."""
    out = []
    for q in extract_quotes(paragraphs):
        assert q.span is not None, f"no offsets for {q.text!r}"
        out.append((q.kind.value, paragraphs[q.paragraphs[0] - 1][q.span[0] : q.span[1]]))
    return out


def test_each_quote_records_where_its_words_are_in_the_paragraph() -> None:
    assert _spanned(["'We will  rebuild,' said Mayor Lena Okafor. She said the bridge would reopen by spring."]) == [
        ("direct", "We will  rebuild"),  # the paragraph's own spacing, without the comma before the mark
        ("indirect", "the bridge would reopen by spring"),
    ]


def test_an_aside_inside_reported_speech_stays_inside_its_span() -> None:
    paragraph = "Sanders met voters. A new campaign manager, Sanders said, could set a new tone for the campaign."
    [(kind, words)] = _spanned([paragraph])
    assert kind == "indirect"
    assert words == "A new campaign manager, Sanders said, could set a new tone for the campaign"


def test_doubled_apostrophes_and_a_quote_running_on_are_spanned_in_their_first_paragraph() -> None:
    paragraphs = ["''Yes,'' the senator said.", '"We start here.', '"And we end here," she added.']
    assert _spanned(paragraphs) == [("direct", "Yes"), ("direct", "We start here.")]


def test_span_maps_back_to_the_paragraph_as_the_caller_wrote_it() -> None:
    paragraphs = ["  'We  will rebuild,'   said Okafor."]
    article = ArticleText(paragraphs)
    [quotation] = article.spans
    start, end = article.span(quotation.start + 1, quotation.end - 1)
    assert paragraphs[0][start:end] == "We  will rebuild"


def test_paragraphs_numbers_the_paragraphs_a_stretch_of_text_covers() -> None:
    article = ArticleText(["One.", "Two.", "Three."])
    assert article.text == "One.\nTwo.\nThree."
    assert article.paragraphs(0, 4) == (1,)
    assert article.paragraphs(2, 7) == (1, 2)


def test_a_sentence_ending_in_doubled_apostrophes_ends_there() -> None:
    quotes = extract_quotes(["The Times reported that her statement was ''not in line with our editorial policy.'' "
                             "The network said it would send Martin to Crimea."])

    assert [(q.speaker, q.text) for q in quotes] == [
        ("The Times", 'her statement was "not in line with our editorial policy."'),
        ("the network", "it would send Martin to Crimea"),
    ]
