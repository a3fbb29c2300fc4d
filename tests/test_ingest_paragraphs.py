"""Repairing paragraphs split mid-sentence, on hand-made shapes and on the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load_file
from ingest.paragraphs import repair_paragraphs

SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
# ../shared's seed, else data/'s copy of it (the same article as printed), so CI runs these too.
SEED_ARTICLE = next((p for p in (SEED / "000_ad981062f02b5f16.txt",
                                 Path(__file__).resolve().parents[1] / "data" / "txt" / "los-angeles-chronicle_seversk-withdrawal.txt")
                     if p.is_file()), SEED / "000_ad981062f02b5f16.txt")


def test_paragraph_ending_in_dr_is_joined_to_the_name_that_follows() -> None:
    repaired = repair_paragraphs([
        "'This is a classic example of a strategic retreat,' said Dr.",
        "Elena Petrova, a defense expert. 'But retreats can be costly.",
    ])

    assert repaired == (
        "'This is a classic example of a strategic retreat,' said Dr. Elena Petrova, a defense expert. "
        "'But retreats can be costly.",
    )


@pytest.mark.parametrize("title", ["Mr.", "Mrs.", "Ms.", "Prof.", "Gen.", "Sen.", "Gov.", "Lt.", "Rep."])
def test_every_title_that_precedes_a_name_forces_a_join(title: str) -> None:
    repaired = repair_paragraphs([f"The plan was announced by {title}", "Harris on Monday."])

    assert repaired == (f"The plan was announced by {title} Harris on Monday.",)


def test_title_inside_parentheses_or_after_a_quote_still_joins() -> None:
    assert repair_paragraphs(["He thanked (Gen.", "Ortiz) for his service."]) == (
        "He thanked (Gen. Ortiz) for his service.",
    )


def test_chain_of_broken_paragraphs_becomes_one() -> None:
    repaired = repair_paragraphs(["The bill was written by Sen.", "Maria Lopez and Rep.", "Tom Ward in May."])

    assert repaired == ("The bill was written by Sen. Maria Lopez and Rep. Tom Ward in May.",)


def test_paragraph_opening_in_lower_case_continues_the_one_before() -> None:
    repaired = repair_paragraphs([
        "The council approved the",
        "budget on Tuesday, officials said.",
        "The vote was 6-3.",
    ])

    assert repaired == ("The council approved the budget on Tuesday, officials said.", "The vote was 6-3.")


def test_lower_case_continuation_after_a_comma_or_semicolon_is_joined() -> None:
    assert repair_paragraphs(["Crews worked through the night,", "officials said."]) == (
        "Crews worked through the night, officials said.",
    )
    assert repair_paragraphs(["The road reopened;", "the bridge did not."]) == (
        "The road reopened; the bridge did not.",
    )


def test_brand_name_with_lower_case_first_letter_starts_its_own_paragraph() -> None:
    paragraphs = ["Apple reported strong quarterly sales.", "iPhone revenue rose 6 percent.",
                  "eBay also beat forecasts."]

    assert repair_paragraphs(paragraphs) == tuple(paragraphs)


@pytest.mark.parametrize(
    "ending",
    [
        "The aid package came from the U.S.",
        "The deal was signed by Acme Inc.",
        "The meeting ended at 9 p.m.",
        "Roads, bridges, schools, etc.",
        "He moved to 14 Harbor St.",
    ],
)
def test_abbreviation_that_can_end_a_sentence_does_not_force_a_join(ending: str) -> None:
    paragraphs = [ending, "Officials in Kyiv welcomed it on Friday."]

    assert repair_paragraphs(paragraphs) == tuple(paragraphs)


def test_paragraph_without_a_full_stop_before_a_capitalised_one_is_left_alone() -> None:
    paragraphs = ["What happens next", "The council will vote again in March.", "KYIV, Ukraine —",
                  "Air raid sirens sounded across the capital overnight."]

    assert repair_paragraphs(paragraphs) == tuple(paragraphs)


@pytest.mark.parametrize(
    ("opening", "continuation"),
    [
        ("'We will rebuild,' the mayor said. 'It will take years.", "'But we will do it.'"),
        ("“We will rebuild,” the mayor said. “It will take years.", "“But we will do it.”"),
        ('"We will rebuild," the mayor said. "It will take years.', '"but we will do it."'),
    ],
)
def test_quote_continued_across_paragraphs_is_not_joined(opening: str, continuation: str) -> None:
    assert repair_paragraphs([opening, continuation]) == (opening, continuation)


def test_paragraph_after_a_title_that_opens_a_quote_is_not_joined() -> None:
    paragraphs = ["The hearing was chaired by Sen.", "“Order,” she said."]

    assert repair_paragraphs(paragraphs) == tuple(paragraphs)


def test_lower_case_paragraph_after_a_colon_is_a_list_item_not_a_break() -> None:
    paragraphs = ["The measures include:", "higher fees for parking;", "a new bus lane on Elm Street."]

    assert repair_paragraphs(paragraphs) == (
        "The measures include:",
        "higher fees for parking; a new bus lane on Elm Street.",
    )


def test_empty_paragraphs_are_dropped_and_do_not_block_a_join() -> None:
    assert repair_paragraphs(["  ", "The award went to Dr.", "", "   ", "Amara Osei.  "]) == (
        "The award went to Dr. Amara Osei.",
    )


def test_intact_paragraphs_come_back_unchanged_as_a_tuple() -> None:
    paragraphs = ["The ferry adds a 9 p.m. sailing.", "It starts Monday, the Port Authority said."]

    assert repair_paragraphs(paragraphs) == tuple(paragraphs)
    assert repair_paragraphs([]) == ()


@pytest.mark.skipif(not SEED_ARTICLE.is_file(), reason=f"seed corpus not found at {SEED}")
def test_seed_article_loads_and_its_broken_paragraph_is_mended() -> None:
    [article] = load_file(SEED_ARTICLE, max_bytes=25 * 1024 * 1024)

    repaired = repair_paragraphs(article.paragraphs)

    assert article.source == "Los Angeles Chronicle"
    assert article.section == "National News"
    assert article.title == (
        "Ukrainian Withdrawal from Seversk Weakens Negotiation Leverage, "
        "Alters Eastern Ukraine Conflict Dynamics"
    )
    # 12 paragraphs in the file (after publication, section and headline); "said Dr." / "Elena
    # Petrova" is the one split, and the quote that runs on into "The challenge now ..." is not.
    assert len(article.paragraphs) == 12
    assert len(repaired) == 11
    [analysts] = [p for p in repaired if p.startswith("Military analysts suggest")]
    assert analysts.endswith(
        "said Dr. Elena Petrova, a defense expert at the Kyiv Institute of International Relations. "
        "'But retreats can be costly if they are perceived as weaknesses."
    )
    assert repaired[repaired.index(analysts) + 1].startswith("The challenge now is for Ukraine")
