"""Speaker phrases: names, titles, organisations, descriptions, poll shares and pairs as speakers."""

from __future__ import annotations

import pytest
from quote_helpers import DIRECT, INDIRECT, only_quote, said_by, tokens_of

from ingest.quotes import extract_quotes
from ingest.quotes.phrases import speaker_after
from rag.schema import QuoteKind


def test_office_title_becomes_the_role() -> None:
    quote = only_quote("'We will rebuild,' said Mayor Lena Okafor.")
    assert (quote.speaker, quote.speaker_as_written, quote.role) == (
        "Lena Okafor",
        "Mayor Lena Okafor",
        "Mayor",
    )


def test_abbreviated_military_title_is_spelled_out_when_no_appositive_gives_a_role() -> None:
    quote = only_quote("'We are ready,' said Gen. Oleksandr Syrskyi.")
    assert (quote.speaker, quote.role) == ("Oleksandr Syrskyi", "General")


@pytest.mark.parametrize(
    ("speaker_as_written", "speaker", "role"),
    [
        ("U.S. Secretary of State Antony Blinken", "Antony Blinken", "U.S. Secretary of State"),
        (
            "European Commission President Ursula von der Leyen",
            "Ursula von der Leyen",
            "European Commission President",
        ),
        ("UN Secretary-General Antonio Guterres", "Antonio Guterres", "UN Secretary-General"),
        ("Lt. Gen. Kyrylo Budanov", "Kyrylo Budanov", "Lieutenant General"),
        ("Mayor Lena Okafor of Varnholm", "Lena Okafor", "Mayor of Varnholm"),
    ],
)
def test_titles_before_a_name_become_the_role(speaker_as_written: str, speaker: str, role: str) -> None:
    quote = only_quote(f"{speaker_as_written} said the strike had been planned for months.")
    assert (quote.speaker, quote.speaker_as_written, quote.role) == (speaker, speaker_as_written, role)


def test_age_and_hyphenated_words_stay_in_a_description() -> None:
    quote = only_quote("'I have never seen anything like it,' said the 67-year-old retired teacher.")
    assert quote.speaker == "the 67-year-old retired teacher"


def test_publication_keeps_the_capital_the_of_its_masthead() -> None:
    quote = only_quote("The city had fallen, according to the Wall Street Journal.")
    assert quote.speaker == "The Wall Street Journal"


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("The Kremlin said in a statement that the talks had stalled.", "the Kremlin"),
        ("In a statement, the ministry said the talks had stalled.", "the ministry"),
        ("NATO warned that the talks had stalled.", "NATO"),
        ("Reuters reported that the talks had stalled.", "Reuters"),
        (
            "The Institute for the Study of War said the talks had stalled.",
            "the Institute for the Study of War",
        ),
    ],
)
def test_institutions_are_speakers(sentence: str, speaker: str) -> None:
    assert only_quote(sentence).speaker == speaker


@pytest.mark.parametrize(
    ("sentence", "speaker", "written"),
    [
        (
            "Military analysts suggest that the withdrawal was planned.",
            "Military analysts",
            "Military analysts",
        ),
        ("The withdrawal was planned, military analysts said.", "Military analysts", "military analysts"),
        ("Residents said that the water had been cut off.", "Residents", "Residents"),
        (
            "Experts at the Kyiv Institute argued that sanctions were working.",
            "Experts at the Kyiv Institute",
            "Experts at the Kyiv Institute",
        ),
    ],
)
def test_collective_speakers_are_written_without_article_and_capitalised(
    sentence: str, speaker: str, written: str
) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.speaker_as_written) == (speaker, written)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "'This is a blow,' said one anonymous Western intelligence official.",
            "an anonymous Western intelligence official",
        ),
        ("'This is a blow,' said a DPR spokesperson, who requested anonymity.", "a DPR spokesperson"),
        ("'This is a blow,' said one Ukrainian official.", "a Ukrainian official"),
        ("'This is a blow,' said an EU diplomat, speaking on condition of anonymity.", "an EU diplomat"),
        (
            "A senior official in the governor's office, who spoke on condition of anonymity, said the "
            "money was ready.",
            "a senior official in the governor's office",
        ),
    ],
)
def test_anonymous_speakers_get_a_readable_indefinite_name(sentence: str, speaker: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.role) == (speaker, "")


@pytest.mark.parametrize(
    ("paragraphs", "speaker", "written", "text", "kind"),
    [
        (["Halloran and Quist said that the debate had been fair."], "Halloran and Quist",
         "Halloran and Quist", "the debate had been fair", INDIRECT),
        (["Sanders and Clinton both said that the race was close."], "Sanders and Clinton",
         "Sanders and Clinton", "the race was close", INDIRECT),
        (["'We will win,' Smith and Jones said."], "Smith and Jones", "Smith and Jones", "We will win", DIRECT),
        (["'We will win,' said Smith and Jones."], "Smith and Jones", "Smith and Jones", "We will win", DIRECT),
        (["Both Smith and Jones said the plan would fail."], "Smith and Jones", "Smith and Jones",
         "the plan would fail", INDIRECT),
        (["The plan would fail, according to Smith and Jones."], "Smith and Jones", "Smith and Jones",
         "The plan would fail", INDIRECT),
        (["Sen. Bernie Sanders and Hillary Clinton said that the debate was fair."],
         "Bernie Sanders and Hillary Clinton", "Sen. Bernie Sanders and Hillary Clinton", "the debate was fair",
         INDIRECT),
        (["The mayor and the governor said the plan would fail."], "the mayor and the governor",
         "The mayor and the governor", "the plan would fail", INDIRECT),
        (["Attorneys and legal experts said the appeal would fail."], "Attorneys and legal experts",
         "Attorneys and legal experts", "the appeal would fail", INDIRECT),
        (["Two senators wrote that the bill was dead."], "Two senators", "Two senators", "the bill was dead",
         INDIRECT),
    ],
)
def test_conjoined_speakers_speak_as_one(
    paragraphs: list[str], speaker: str, written: str, text: str, kind: QuoteKind
) -> None:
    quote = only_quote(*paragraphs)
    assert (quote.speaker, quote.speaker_as_written, quote.text, quote.kind) == (speaker, written, text, kind)


@pytest.mark.parametrize(
    "sentence",
    [
        # one person with two roles, not two speakers
        "The Vermont senator and Democratic presidential candidate said the plan would fail.",
        "Republican lobbyist and Trump adviser Charlie Black said the plan would fail.",
        # a list: which of them is not clear from "and" alone
        "Cruz, Rubio and Kasich said the plan would fail.",
        # "and" after an object, not a conjoined subject
        "Trump attacked Cruz and Rubio said the plan would fail.",
    ],
)
def test_conjunction_that_is_not_a_pair_of_speakers_yields_nothing(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


@pytest.mark.parametrize(
    ("subject", "speaker", "role"),
    [
        ("Sen. Bernie Sanders (I-Vt.)", "Bernie Sanders", "Senator"),
        ("Gov. Phil Bryant (R)", "Phil Bryant", "Governor"),
        ("Rep. Gregory Meeks (D-N.Y.)", "Gregory Meeks", "Representative"),
        ("Sen. Rand Paul, R-Ky.,", "Rand Paul", "Senator"),
        ("former President Bill Clinton", "Bill Clinton", "former President"),
        ("Retired neurosurgeon Ben Carson", "Ben Carson", "Retired neurosurgeon"),
        ("GOP front-runner Donald Trump", "Donald Trump", "GOP front-runner"),
        ("State Department spokesman John Kirby", "John Kirby", "State Department spokesman"),
        (
            "Marlon Marshall, Clinton's director of state campaigns and political engagement,",
            "Marlon Marshall",
            "Clinton's director of state campaigns and political engagement",
        ),
        ("Bill Bruch, a Washington state delegate,", "Bill Bruch", "a Washington state delegate"),
    ],
)
def test_party_tags_former_titles_and_role_nouns_around_a_name(subject: str, speaker: str, role: str) -> None:
    quote = only_quote(f"{subject} said that the plan would fail.")
    assert (quote.speaker, quote.role, quote.text) == (speaker, role, "the plan would fail")


@pytest.mark.parametrize(
    ("subject", "speaker"),
    [
        ("The State Department", "the State Department"),
        ("The retired neurosurgeon", "the retired neurosurgeon"),
        ("One Trump confidant", "a Trump confidant"),
        ("The NFL legend", "the NFL legend"),
        ("A third source", "a third source"),
        ("Several Democrats", "several Democrats"),
        ("Law enforcement officials", "Law enforcement officials"),
        ("A school spokesman", "a school spokesman"),
        ("75 percent of Democrats", "75 percent of Democrats"),
        ("Almost half of respondents", "Almost half of respondents"),
        ("47 percent", "47 percent"),
        ("About four in 10", "About four in 10"),
        ("Seventy-four percent", "Seventy-four percent"),
    ],
)
def test_descriptions_groups_and_poll_shares_speak(subject: str, speaker: str) -> None:
    quote = only_quote(f"{subject} said that the plan would fail.")
    assert (quote.speaker, quote.kind) == (speaker, INDIRECT)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clinton won every county in the state.",  # "state" after "the" is a noun, not a reporting verb
        "Turnout rose 5 percent of the time.",
        "The plan, which is 40 percent complete, will fail.",
    ],
)
def test_nouns_and_figures_are_not_speakers(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


def test_those_surveyed_speak_as_a_poll_share() -> None:
    quotes = extract_quotes(["By big margins, those surveyed say the economy should be the first priority."])
    assert said_by(quotes) == [("those surveyed", "the economy should be the first priority")]


@pytest.mark.parametrize(
    ("words", "kind", "name", "role"),
    [
        ("Dr. Elena Petrova", "person", "Elena Petrova", ""),
        ("Mayor Lena Okafor", "person", "Lena Okafor", "Mayor"),
        ("one anonymous official", "description", "an anonymous official", ""),
        ("the New York Times", "publication", "The New York Times", ""),
        ("47 percent", "description", "47 percent", ""),
        ("Smith and Jones", "group", "Smith and Jones", ""),
    ],
)
def test_speaker_after_reads_the_phrase_and_normalises_its_name(words: str, kind: str, name: str, role: str) -> None:
    sentence = f"said {words}."
    phrase = speaker_after(tokens_of(sentence), 1, sentence)
    assert phrase is not None
    assert (phrase.kind, phrase.name, phrase.role, phrase.written) == (kind, name, role, words)


def test_a_document_speaks_but_not_over_its_author() -> None:
    # v10: "a new poll", "records" are speakers; "a statement from X" is X's, "the board's own figures" the board's.
    assert said_by(extract_quotes(["The ferry lost money last year, records show."])) == [
        ("Records", "The ferry lost money last year")
    ]
    assert said_by(extract_quotes(["A statement from the Harbour Board said the quay would reopen in May."])) == [
        ("the Harbour Board", "the quay would reopen in May")
    ]
    assert said_by(extract_quotes(["Nine posts are vacant, according to the board's own figures."])) == [
        ("the board", "Nine posts are vacant")
    ]
