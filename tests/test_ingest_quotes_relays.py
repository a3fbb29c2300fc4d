"""Second-hand attribution: the publication that relayed a quote (``Quote.reported_by``)."""

from __future__ import annotations

import pytest

from ingest.quotes import extract_quotes
from rag.schema import Quote


@pytest.mark.parametrize(
    ("paragraph", "speaker", "reported_by"),
    [
        (
            "According to a report by The New York Times, one official said the plant would close.",
            "an official",
            "The New York Times",
        ),
        (
            "According to a recent report by the New York Times, the plant will close, said one official.",
            "an official",
            "The New York Times",
        ),
        ("'It is over,' Bernie Sanders said, according to CNN.", "Bernie Sanders", "CNN"),
        ("According to GMA News, Salceda said the remarks were undeserved.", "Salceda", "GMA News"),
    ],
)
def test_according_to_a_publication_relays_the_other_quotes_of_its_sentence(
    paragraph: str, speaker: str, reported_by: str
) -> None:
    quotes = extract_quotes([paragraph])
    relayed = [q for q in quotes if q.speaker == speaker]
    assert [q.reported_by for q in relayed] == [reported_by]
    # the publication itself, when it is credited with the clause too, relays nothing
    assert all(q.reported_by == "" for q in quotes if q.speaker == reported_by)


def test_unnamed_official_quoted_after_a_publication_reports_is_reported_by_it() -> None:
    quotes = extract_quotes(
        [
            "The Guardian published its findings on Monday.",
            "The newspaper reported that the plant would close. 'It is over,' said a senior official. "
            "'Nobody will reopen it.'",
        ]
    )
    assert [(q.speaker, q.text, q.reported_by) for q in quotes] == [
        ("The Guardian", "the plant would close", ""),
        ("a senior official", "It is over", "The Guardian"),
        ("a senior official", "Nobody will reopen it.", "The Guardian"),
    ]
    assert Quote.from_dict(quotes[1].to_dict()) == quotes[1]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ["'We will rebuild,' said one anonymous official."],  # the article's own reporting
        ["The ministry said the plant would close. 'It is over,' said a senior official."],
        ["'It is over,' a senior official told The Guardian."],  # the article may be the Guardian
        # a named speaker may be answering the report, not quoted in it
        ["The Guardian reported that the plant would close. 'It is over,' Mayor Lena Okafor said."],
        # the next paragraph is the article's own
        ["The Times reported that the plant would close.", "'It is over,' said a senior official."],
        # the article's own source, and a body answering the report
        [
            "Mr. Lewandowski sought to restore the deal, Politico recently reported. But HarperCollins "
            "declined to renew the offer, according to a publishing executive familiar with the talks."
        ],
        [
            "Clinton clinched the nomination, according to The Associated Press. Sanders' campaign "
            "called the report a \"rush to judgment,\" because superdelegates can change their mind."
        ],
    ],
)
def test_quote_no_publication_relays_has_no_reported_by(paragraphs: list[str]) -> None:
    quotes = extract_quotes(paragraphs)
    assert quotes
    assert [q.reported_by for q in quotes] == [""] * len(quotes)
