"""End to end: ``extract_quotes`` over whole articles, in reading order, quotes running on between sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
from quote_helpers import DIRECT, INDIRECT, MIXED, only_quote, said_by

from ingest.quotes import extract_quotes
from rag.schema import Quote

SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
# ../shared's seed, else data/'s copy of it (the same article as printed), so CI runs these too.
SEED_ARTICLE = next((p for p in (SEED / "000_ad981062f02b5f16.txt",
                                 Path(__file__).resolve().parents[1] / "data" / "txt" / "los-angeles-chronicle_seversk-withdrawal.txt")
                     if p.is_file()), SEED / "000_ad981062f02b5f16.txt")


@pytest.fixture(scope="module")
def seed_quotes() -> list[Quote]:
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (the shared corpus lives beside the project)")
    blocks = [b.strip() for b in SEED_ARTICLE.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    paragraphs = blocks[2:]  # publication and section, then the headline
    # The paragraph-repair step (not under test here) joins "... said Dr." with "Elena Petrova, ...".
    broken = next(i for i, p in enumerate(paragraphs) if p.endswith("said Dr."))
    paragraphs[broken : broken + 2] = [paragraphs[broken] + " " + paragraphs[broken + 1]]
    return extract_quotes(paragraphs)


def test_seed_article_names_every_speaker_and_no_one_else(seed_quotes: list[Quote]) -> None:
    assert {q.speaker for q in seed_quotes} == {
        "The New York Times",
        "an anonymous Western intelligence official",
        "Denis Pushilin",
        "Local officials",
        "a DPR spokesperson",
        "Military analysts",
        "Elena Petrova",
    }
    assert all(q.speaker and q.text for q in seed_quotes)


def test_seed_new_york_times_is_quoted_by_name_and_as_the_publication(seed_quotes: list[Quote]) -> None:
    times = [q for q in seed_quotes if q.speaker == "The New York Times"]
    assert [(q.speaker_as_written, q.cue, q.kind, q.paragraphs) for q in times] == [
        ("The New York Times", "according to", INDIRECT, (2,)),
        ("The publication", "highlights", INDIRECT, (3,)),
        ("The New York Times", "notes", INDIRECT, (4,)),
    ]
    assert times[0].text.startswith("the city's loss has significantly weakened Ukraine's leverage")
    assert times[0].text.endswith("in the Donetsk People's Republic (DPR)")
    assert times[1].text.startswith("the city's strategic location, nestled near the border with Russia")
    assert times[2].text.startswith("Moscow's continued offensive actions")


def test_seed_anonymous_official_has_two_direct_fragments(seed_quotes: list[Quote]) -> None:
    official = [q for q in seed_quotes if q.speaker == "an anonymous Western intelligence official"]
    assert [(q.text, q.kind, q.paragraphs) for q in official] == [
        ("This is a major blow", DIRECT, (3,)),
        ("Seversk was not just a tactical asset—it was a symbol of resistance.", DIRECT, (3,)),
    ]
    assert {q.speaker_as_written for q in official} == {"one anonymous Western intelligence official"}


def test_seed_pushilin_is_resolved_from_surname_and_keeps_his_role(seed_quotes: list[Quote]) -> None:
    pushilin = [q for q in seed_quotes if q.speaker == "Denis Pushilin"]
    assert [(q.kind, q.cue, q.speaker_as_written) for q in pushilin] == [
        (MIXED, "declaring", "Denis Pushilin"),  # "a 'buffer zone'": his own words inside
        (DIRECT, "said", "Pushilin"),
        (INDIRECT, "emphasizing", "Pushilin"),  # "..., emphasizing the ongoing humanitarian challenges" (parse)
        (DIRECT, "said", "Pushilin"),
    ]
    assert {q.role for q in pushilin} == {"the head of the Donetsk People's Republic"}
    assert pushilin[0].text == (
        "the Russian Armed Forces are actively expanding a 'buffer zone' around the newly liberated Seversk"
    )
    assert pushilin[1].text == "The city is still in the process of evacuating civilians"
    assert pushilin[2].text == "the ongoing humanitarian challenges"
    assert pushilin[3].text == "But the military situation is now firmly in our favor."
    assert {q.paragraphs for q in pushilin} == {(5,)}


def test_seed_scare_quote_is_not_a_quote_of_its_own(seed_quotes: list[Quote]) -> None:
    assert not [q for q in seed_quotes if q.text.strip("'") == "buffer zone"]


def test_seed_collective_and_anonymous_speakers(seed_quotes: list[Quote]) -> None:
    by_speaker = {q.speaker: q for q in seed_quotes}
    assert (by_speaker["Local officials"].cue, by_speaker["Local officials"].kind) == ("reported", INDIRECT)
    assert by_speaker["Local officials"].text.startswith("thousands of residents remain displaced")
    assert (by_speaker["Military analysts"].cue, by_speaker["Military analysts"].kind) == (
        "suggest",
        INDIRECT,
    )
    assert by_speaker["Military analysts"].text.startswith("the withdrawal may have been a calculated move")
    spokesperson = [q for q in seed_quotes if q.speaker == "a DPR spokesperson"]
    assert [q.kind for q in spokesperson] == [DIRECT, DIRECT]
    assert spokesperson[0].text == "We are doing everything we can to ensure the safety of our people"
    assert spokesperson[1].text.startswith("But the reality is that the infrastructure is in ruins")
    assert spokesperson[0].role == ""  # "who requested anonymity" is not a role


def test_seed_petrova_quote_runs_on_into_the_next_paragraph(seed_quotes: list[Quote]) -> None:
    petrova = [q for q in seed_quotes if q.speaker == "Elena Petrova"]
    assert [(q.text, q.paragraphs) for q in petrova] == [
        ("This is a classic example of a strategic retreat", (8,)),
        (
            "But retreats can be costly if they are perceived as weaknesses. The challenge now is for "
            "Ukraine to reassert its position without further concessions.",
            (8, 9),
        ),
    ]
    assert {q.speaker_as_written for q in petrova} == {"Dr. Elena Petrova"}
    assert {q.role for q in petrova} == {"a defense expert at the Kyiv Institute of International Relations"}
    assert {(q.kind, q.cue) for q in petrova} == {(DIRECT, "said")}


def test_seed_quotes_come_in_reading_order(seed_quotes: list[Quote]) -> None:
    assert [q.paragraphs[0] for q in seed_quotes] == sorted(q.paragraphs[0] for q in seed_quotes)
    assert len(seed_quotes) == 15  # 14 from the rules, Pushilin "emphasizing ..." from the parse


def test_seed_official_quoted_in_the_times_report_is_reported_by_the_times(seed_quotes: list[Quote]) -> None:
    # "The publication highlights that .... 'This is a major blow,' said one anonymous ... official"
    relayed = [(q.speaker, q.text[:20], q.reported_by) for q in seed_quotes if q.reported_by]
    assert relayed == [
        ("an anonymous Western intelligence official", "This is a major blow", "The New York Times"),
        ("an anonymous Western intelligence official", "Seversk was not just", "The New York Times"),
    ]


def test_two_paragraph_quote_keeps_speaker() -> None:
    quotes = extract_quotes(
        [
            "'This is a retreat,' said Dr. Elena Petrova. 'But retreats can be costly.",
            "The challenge now is to hold the line.' The fighting continued overnight.",
        ]
    )
    assert [(q.speaker, q.text, q.paragraphs) for q in quotes] == [
        ("Elena Petrova", "This is a retreat", (1,)),
        ("Elena Petrova", "But retreats can be costly. The challenge now is to hold the line.", (1, 2)),
    ]


def test_unattributed_quote_after_a_quote_continues_the_same_speaker() -> None:
    quotes = extract_quotes(["'It is over,' said an official. 'We lost the town.'"])
    assert said_by(quotes) == [("an official", "It is over"), ("an official", "We lost the town.")]
    assert quotes[1].cue == "said"


def test_unattributed_quote_in_the_next_paragraph_continues_the_speaker() -> None:
    quotes = extract_quotes(["'We are surrounded,' one soldier said.", "'We need help.'"])
    assert said_by(quotes) == [("a soldier", "We are surrounded"), ("a soldier", "We need help.")]
    assert quotes[1].paragraphs == (2,)


def test_continuation_does_not_reach_two_paragraphs_back() -> None:
    quotes = extract_quotes(
        ["'We are surrounded,' one soldier said.", "The shelling went on.", "'We need help.'"]
    )
    assert said_by(quotes) == [("a soldier", "We are surrounded")]


def test_quotation_after_a_report_is_not_credited_to_the_report() -> None:
    quotes = extract_quotes(
        ["According to The New York Times, the city has fallen.", "'We are leaving tonight.'"]
    )
    assert said_by(quotes) == [("The New York Times", "the city has fallen")]


def test_split_quote_in_one_sentence_keeps_the_speaker_for_both_halves() -> None:
    quotes = extract_quotes(["“It is the worst day,” said Anna Kovalenko, “since the war began.”"])
    assert said_by(quotes) == [
        ("Anna Kovalenko", "It is the worst day"),
        ("Anna Kovalenko", "since the war began."),
    ]


def test_each_quote_goes_to_its_own_speaker_when_speakers_alternate() -> None:
    quotes = extract_quotes(
        ["'Hold the bridge,' said John Smith. 'We cannot,' said Mary Jones. 'Not today.'"]
    )
    assert said_by(quotes) == [
        ("John Smith", "Hold the bridge"),
        ("Mary Jones", "We cannot"),
        ("Mary Jones", "Not today."),
    ]


def test_quote_then_attribution_in_the_next_sentence() -> None:
    quote = only_quote("'We will never give up.' Mayor Jane Smith said so on Monday.")
    assert (quote.speaker, quote.text, quote.kind) == ("Jane Smith", "We will never give up.", DIRECT)


def test_question_answered_by_a_bare_attribution_goes_to_that_speaker() -> None:
    quotes = extract_quotes(["John Smith said the army would hold. 'Why now?' Mary Jones asked."])
    assert [(q.speaker, q.kind, q.text) for q in quotes] == [
        ("John Smith", INDIRECT, "the army would hold"),
        ("Mary Jones", DIRECT, "Why now?"),
    ]


def test_paragraph_opening_quote_goes_to_the_speaker_of_the_next_sentence() -> None:
    quotes = extract_quotes(
        [
            "'We will fight on,' said John Smith.",
            "'We are tired.' Olena Bondar, a nurse, said she had not slept for three days.",
        ]
    )
    assert said_by(quotes) == [
        ("John Smith", "We will fight on"),
        ("Olena Bondar", "We are tired."),
        ("Olena Bondar", "she had not slept for three days"),
    ]


def test_curly_apostrophe_in_a_speaker_is_made_straight_but_kept_as_written() -> None:
    quote = only_quote("A senior official in the governor’s office said the money was ready.")
    assert quote.speaker == "a senior official in the governor's office"
    assert quote.speaker_as_written == "A senior official in the governor’s office"


@pytest.mark.parametrize(
    "paragraph",
    [
        "The 'special military operation' continues.",
        'The film "Winter on Fire" was screened in the square.',
        '"We are tired."',
        'The message on the wall was clear: "Leave now."',
        "The city is quiet. No one has been hurt.",
        "He said 'we will",
        "",
    ],
)
def test_quotation_nobody_is_credited_with_yields_nothing(paragraph: str) -> None:
    assert extract_quotes([paragraph]) == []


def test_empty_article_has_no_quotes() -> None:
    assert extract_quotes([]) == []


def test_quotes_round_trip_through_their_stored_form() -> None:
    quote = only_quote("'We will rebuild,' said Mayor Lena Okafor.")
    assert Quote.from_dict(quote.to_dict()) == quote
