"""Quote extraction: who said what, direct or reported, with speakers resolved within the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.quotes import extract_quotes
from rag.schema import Quote, QuoteKind

SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed"
SEED_ARTICLE = SEED / "000_ad981062f02b5f16.txt"

DIRECT, INDIRECT, MIXED = QuoteKind.DIRECT, QuoteKind.INDIRECT, QuoteKind.MIXED


def only_quote(*paragraphs: str) -> Quote:
    quotes = extract_quotes(paragraphs)
    assert len(quotes) == 1, quotes
    return quotes[0]


def said_by(quotes: list[Quote]) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in quotes]


# --- the seed article --------------------------------------------------------------------------


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
        (DIRECT, "said", "Pushilin"),
    ]
    assert {q.role for q in pushilin} == {"the head of the Donetsk People's Republic"}
    assert pushilin[0].text == (
        "the Russian Armed Forces are actively expanding a 'buffer zone' around the newly liberated Seversk"
    )
    assert pushilin[1].text == "The city is still in the process of evacuating civilians"
    assert pushilin[2].text == "But the military situation is now firmly in our favor."
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
    assert len(seed_quotes) == 14


def test_seed_official_quoted_in_the_times_report_is_reported_by_the_times(seed_quotes: list[Quote]) -> None:
    # "The publication highlights that .... 'This is a major blow,' said one anonymous ... official"
    relayed = [(q.speaker, q.text[:20], q.reported_by) for q in seed_quotes if q.reported_by]
    assert relayed == [
        ("an anonymous Western intelligence official", "This is a major blow", "The New York Times"),
        ("an anonymous Western intelligence official", "Seversk was not just", "The New York Times"),
    ]


# --- direct quotes: attribution shapes and quote marks ----------------------------------------


@pytest.mark.parametrize(
    ("sentence", "speaker", "text", "cue"),
    [
        ('"We will rebuild," said Jane Smith.', "Jane Smith", "We will rebuild", "said"),
        ('"We will rebuild," Jane Smith said.', "Jane Smith", "We will rebuild", "said"),
        ('Jane Smith said: "We will rebuild."', "Jane Smith", "We will rebuild.", "said"),
        ('Jane Smith said, "We will rebuild."', "Jane Smith", "We will rebuild.", "said"),
        ("“We will rebuild,” said Jane Smith.", "Jane Smith", "We will rebuild", "said"),
        ("‘We will rebuild,’ said Jane Smith.", "Jane Smith", "We will rebuild", "said"),
        ("'We will rebuild,' said Jane Smith.", "Jane Smith", "We will rebuild", "said"),
        ("'We will rebuild', said Jane Smith.", "Jane Smith", "We will rebuild", "said"),
        ("«We will rebuild», said Jane Smith.", "Jane Smith", "We will rebuild", "said"),
        ('"We will rebuild," Jane Smith told reporters.', "Jane Smith", "We will rebuild", "told reporters"),
        ('"We will rebuild," the ministry said in a statement.', "the ministry", "We will rebuild", "said"),
        ('In a statement, the ministry said: "We will rebuild."', "the ministry", "We will rebuild.", "said"),
        ('Jane Smith told reporters on Monday: "We will rebuild."', "Jane Smith", "We will rebuild.",
         "told reporters"),
        ('"Where will we go?" asked Jane Smith.', "Jane Smith", "Where will we go?", "asked"),
        ('"Glory to Ukraine!" the crowd chanted.', "the crowd", "Glory to Ukraine!", "chanted"),
        ('"We will rebuild," according to Jane Smith.', "Jane Smith", "We will rebuild", "according to"),
    ],
)
def test_direct_quote_is_attributed_in_every_common_shape(
    sentence: str, speaker: str, text: str, cue: str
) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.text, quote.cue, quote.kind) == (speaker, text, cue, DIRECT)
    assert quote.paragraphs == (1,)


def test_quote_text_drops_the_sentence_comma_but_keeps_its_own_punctuation() -> None:
    quotes = extract_quotes(['"Stay," said Jane Smith. "Please stay!"', '"Why?" Smith asked.'])
    assert [q.text for q in quotes] == ["Stay", "Please stay!", "Why?"]


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


# --- quotes that run on ------------------------------------------------------------------------


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


def test_quote_after_a_time_abbreviation_is_still_a_quote() -> None:
    quote = only_quote('Leah Marsh lost her job at 9:15 a.m. "I found out from a password screen," she said.')
    assert (quote.speaker, quote.text) == ("Leah Marsh", "I found out from a password screen")


# --- reported speech ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "cue"),
    [
        ("notes", "notes"),
        ("highlights", "highlights"),
        ("declared", "declared"),
        ("suggests", "suggests"),
        ("reported", "reported"),
        ("warned", "warned"),
        ("claimed", "claimed"),
        ("stated", "stated"),
        ("added", "added"),
        ("argued", "argued"),
        ("insisted", "insisted"),
        ("believes", "believes"),
        ("acknowledged", "acknowledged"),
        ("confirmed", "confirmed"),
        ("has said", "said"),
        ("also said on Monday", "said"),
        ("wrote on Telegram", "wrote"),
    ],
)
def test_reporting_verb_with_that_clause_is_indirect_speech(verb: str, cue: str) -> None:
    quote = only_quote(f"Denis Pushilin {verb} that the city had been evacuated.")
    assert (quote.speaker, quote.kind, quote.cue, quote.text) == (
        "Denis Pushilin",
        INDIRECT,
        cue,
        "the city had been evacuated",
    )


@pytest.mark.parametrize(
    ("sentence", "speaker", "text", "cue"),
    [
        (
            "Varga said the hospital would keep its clinics.",
            "Varga",
            "the hospital would keep its clinics",
            "said",
        ),
        (
            "Varga has said the hospital would keep its clinics.",
            "Varga",
            "the hospital would keep its clinics",
            "said",
        ),
        (
            "The board said in a statement that the changes were necessary.",
            "the board",
            "the changes were necessary",
            "said",
        ),
        ("Smith told reporters on Monday that the army was ready.", "Smith", "the army was ready",
         "told reporters on Monday"),
        (
            "Smith told the crowd outside the town hall that the army was ready.",
            "Smith",
            "the army was ready",
            "told the crowd outside the town hall",
        ),
        (
            "Smith pointed out that the bridge was still standing.",
            "Smith",
            "the bridge was still standing",
            "pointed out",
        ),
        ("Thousands remain displaced, officials said.", "Officials", "Thousands remain displaced", "said"),
        (
            "The bridge, officials said, was destroyed overnight.",
            "Officials",
            "The bridge was destroyed overnight",
            "said",
        ),
        (
            "According to officials, the bridge was destroyed overnight.",
            "Officials",
            "the bridge was destroyed overnight",
            "according to",
        ),
        (
            "The bridge was destroyed overnight, according to local officials.",
            "Local officials",
            "The bridge was destroyed overnight",
            "according to",
        ),
        (
            "The bridge, according to the ministry, was destroyed overnight.",
            "the ministry",
            "The bridge was destroyed overnight",
            "according to",
        ),
        (
            "Smith, who has lived in the city for 30 years, said he would stay.",
            "Smith",
            "he would stay",
            "said",
        ),
        (
            "Sources familiar with the matter said the deal was close.",
            "Sources familiar with the matter",
            "the deal was close",
            "said",
        ),
    ],
)
def test_reported_speech_is_attributed_in_every_common_shape(
    sentence: str, speaker: str, text: str, cue: str
) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.text, quote.cue, quote.kind) == (speaker, text, cue, INDIRECT)


def test_participle_attribution_takes_the_speaker_and_role_before_it() -> None:
    quote = only_quote(
        "The advance was confirmed by the DPR's own statements, with Denis Pushilin, the head of the Donetsk "
        "People's Republic, declaring that the Russian forces are expanding a 'buffer zone' around the city."
    )
    assert (quote.speaker, quote.cue, quote.kind) == ("Denis Pushilin", "declaring", MIXED)
    assert quote.role == "the head of the Donetsk People's Republic"
    assert quote.text == "the Russian forces are expanding a 'buffer zone' around the city"


def test_adding_that_reports_a_second_thing_from_the_same_speaker() -> None:
    quotes = extract_quotes(["'We will win,' John Smith said, adding that the war would end soon."])
    assert [(q.speaker, q.kind, q.cue, q.text) for q in quotes] == [
        ("John Smith", DIRECT, "said", "We will win"),
        ("John Smith", INDIRECT, "adding", "the war would end soon"),
    ]


@pytest.mark.parametrize(
    ("sentence", "cue", "text"),
    [
        (
            "Fiorina was upfront about her distaste for Trump, saying conservatives need to band together.",
            "saying",
            "conservatives need to band together",
        ),
        (
            "Fiorina criticized Trump, adding that conservatives need to band together.",
            "adding",
            "conservatives need to band together",
        ),
        (
            "On Sunday, Fiorina even echoed Cruz, arguing the party would lose in November.",
            "arguing",
            "the party would lose in November",
        ),
        (
            "And then Fiorina went on the attack, warning that the party would lose.",
            "warning",
            "the party would lose",
        ),
    ],
)
def test_participle_after_a_clause_reports_its_subjects_words(sentence: str, cue: str, text: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.kind, quote.cue, quote.text) == ("Fiorina", INDIRECT, cue, text)


def test_participle_after_a_clause_takes_a_quotation() -> None:
    quote = only_quote('Sanders stepped up his criticism, saying at one point, "We have got to do better."')
    assert (quote.speaker, quote.kind, quote.cue, quote.text) == (
        "Sanders",
        DIRECT,
        "saying",
        "We have got to do better.",
    )


def test_participle_after_a_subject_with_an_appositive_keeps_the_role() -> None:
    quote = only_quote(
        "Erin Brockovich, the environmental activist, endorsed the approach Saturday, saying she had not called for a resignation."
    )
    assert (quote.speaker, quote.role, quote.cue) == (
        "Erin Brockovich",
        "the environmental activist",
        "saying",
    )
    assert quote.text == "she had not called for a resignation"


def test_participle_clause_of_a_subject_and_a_quotation_is_mixed() -> None:
    quote = only_quote('Trump attacked Cruz, saying the senator "has not given this issue much thought."')
    assert (quote.speaker, quote.kind, quote.text) == (
        "Trump",
        MIXED,
        'the senator "has not given this issue much thought."',
    )


def test_participle_after_a_comma_inside_a_closing_quote_mark() -> None:
    quote = only_quote(
        'Democrats had sued after Ohio ended what had been called the "Golden Week," saying that the cut hurt voters.'
    )
    assert (quote.speaker, quote.cue, quote.text) == ("Democrats", "saying", "the cut hurt voters")


def test_naming_participle_after_a_clause_quotes_the_subject() -> None:
    quote = only_quote(
        'Early on, Trump attacked Romney, calling him, among other things, "a failed candidate."'
    )
    assert (quote.speaker, quote.kind, quote.cue, quote.text) == (
        "Trump",
        DIRECT,
        "calling",
        "a failed candidate.",
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Trump attacked Cruz, arguing the senator is a liar.",  # "arguing the senator" is not inverted
        "Trump attacked Cruz on Monday, arguing the senator is a liar.",
    ],
)
def test_participle_is_never_an_inverted_attribution(sentence: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.text) == ("Trump", "the senator is a liar")


@pytest.mark.parametrize(
    "sentence",
    [
        "The rally ended early, saying nothing about the vote.",  # no speaker opens the sentence
        "The senator did not speak, asking for the closure to be paused.",  # not a reported clause
    ],
)
def test_participle_without_a_speaking_subject_reports_nothing(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        ("Clinton said it's a great day.", "it's a great day"),
        ("Clinton said people misunderstand Trump.", "people misunderstand Trump"),
        (
            "Clinton said the transition reflects the reality of a campaign.",
            "the transition reflects the reality of a campaign",
        ),
        ("Clinton said Obama wasn't targeting Trump.", "Obama wasn't targeting Trump"),
        ("Clinton said voters want change.", "voters want change"),
        ("Clinton told reporters there's no plan.", "there's no plan"),
    ],
)
def test_bare_clause_after_said_is_reported(sentence: str, text: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.kind, quote.text) == ("Clinton", INDIRECT, text)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clinton said Monday.",
        "Clinton said in a statement.",
        "Clinton said on Twitter.",
        "Clinton said thanks to voters.",
        "'We won,' Clinton said 30 minutes into the debate.",
        "It was the book that Clinton said was written about the incident.",
        "Clinton acknowledged the problems facing voters.",
        "Clinton said the people close to her.",
    ],
)
def test_bare_words_after_said_that_are_no_clause_report_nothing_new(sentence: str) -> None:
    assert [q.kind for q in extract_quotes([sentence])] in ([], [DIRECT])


def test_coordinated_clauses_are_split_between_their_speakers() -> None:
    quotes = extract_quotes(
        ["John Smith said the war would end soon, but Mary Jones warned that it could last years."]
    )
    assert said_by(quotes) == [
        ("John Smith", "the war would end soon"),
        ("Mary Jones", "it could last years"),
    ]


def test_second_verb_of_the_same_subject_reports_a_second_thing() -> None:
    quotes = extract_quotes(
        [
            "Piet Halloran argued that the city had protected pensioners, and noted that fares "
            "would stay lower than in Brennholt."
        ]
    )
    assert [(q.speaker, q.cue, q.text) for q in quotes] == [
        ("Piet Halloran", "argued", "the city had protected pensioners"),
        ("Piet Halloran", "noted", "fares would stay lower than in Brennholt"),
    ]


def test_report_inside_a_report_stays_with_the_outer_speaker() -> None:
    quote = only_quote("The mayor said that residents warned that the dam could fail.")
    assert (quote.speaker, quote.text) == ("the mayor", "residents warned that the dam could fail")


def test_reported_clause_ends_at_a_semicolon() -> None:
    quote = only_quote("Officials said the bridge was safe; residents disagreed.")
    assert quote.text == "the bridge was safe"


def test_according_to_shares_a_sentence_with_another_attribution() -> None:
    quotes = extract_quotes(
        ["According to officials, the bridge was destroyed, and residents said they heard blasts."]
    )
    assert said_by(quotes) == [("Officials", "the bridge was destroyed"), ("Residents", "they heard blasts")]


def test_who_said_reports_for_the_noun_before_it() -> None:
    quote = only_quote("The minister, who said last week that prices would fall, resigned on Friday.")
    assert (quote.speaker, quote.text) == ("the minister", "prices would fall")


def test_quoted_as_saying_names_the_person_quoted() -> None:
    quote = only_quote("John Smith was quoted by TASS as saying that talks would resume.")
    assert (quote.speaker, quote.cue, quote.text) == ("John Smith", "saying", "talks would resume")


def test_which_they_said_reports_for_the_speaker_named_earlier() -> None:
    quotes = extract_quotes(
        [
            "Grants were slow, according to figures released by the town council.",
            "The council blamed the province, which it said had changed its rules twice.",
        ]
    )
    assert [(q.speaker, q.speaker_as_written, q.text) for q in quotes][-1] == (
        "the town council",
        "it",
        "had changed its rules twice",
    )


def test_attribution_after_a_fronted_phrase_reports_the_clause_that_follows() -> None:
    quote = only_quote("To pay for the programme, Voss said, the province would raise its property tax.")
    assert (quote.speaker, quote.text) == (
        "Voss",
        "To pay for the programme, the province would raise its property tax",
    )


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        # a sentence adverb alone before the attribution is not reported
        (
            "Still, Voss said, officials have to decide who gets extra scrutiny.",
            "officials have to decide who gets extra scrutiny",
        ),
        ("Instead, Voss said, the council had booked a room for them.", "the council had booked a room for them"),
        # neither half is a clause on its own
        (
            "It was, Voss said, one of the bitterest failures of the council.",
            "It was one of the bitterest failures of the council",
        ),
        # a subordinate clause leads the reported clause
        (
            "And if the council is dissolved, Voss said, she would consider a run.",
            "And if the council is dissolved, she would consider a run",
        ),
        (
            "The toll is leaning toward a rise, Voss said, because fuel costs more.",
            "The toll is leaning toward a rise, because fuel costs more",
        ),
    ],
)
def test_attribution_between_commas_reports_the_clause_around_it(sentence: str, text: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.kind, quote.text) == ("Voss", INDIRECT, text)


def test_comma_inside_the_closing_mark_ends_a_mixed_clause_before_the_attribution() -> None:
    quote = only_quote('The media are "manipulating and shaping and framing this campaign," Gilmore said.')
    assert (quote.speaker, quote.kind, quote.text) == (
        "Gilmore",
        MIXED,
        'The media are "manipulating and shaping and framing this campaign,"',
    )


def test_weekday_after_said_is_not_reported() -> None:
    quote = only_quote("Voss said Tuesday that the bridge would reopen in the spring.")
    assert (quote.speaker, quote.text) == ("Voss", "the bridge would reopen in the spring")
    quote = only_quote("Voss said Monday night the bridge would reopen in the spring.")
    assert quote.text == "the bridge would reopen in the spring"


def test_that_clause_made_of_one_quotation_is_mixed() -> None:
    quote = only_quote("Voss said that \u201cthe only way to win the district is to knock on doors.\u201d")
    assert (quote.speaker, quote.kind, quote.text) == (
        "Voss",
        MIXED,
        "\u201cthe only way to win the district is to knock on doors.\u201d",
    )


def test_subordinate_attribution_reports_up_to_the_comma() -> None:
    quote = only_quote(
        "While Voss said that journalists cannot have any political affiliation, she appears uneasy about it."
    )
    assert (quote.speaker, quote.text) == ("Voss", "journalists cannot have any political affiliation")


def test_comparison_after_a_reported_clause_is_the_writers() -> None:
    quotes = extract_quotes(
        ["Just 28 percent of voters said they liked the plan, compared with 33 percent last month."]
    )
    assert said_by(quotes) == [("Just 28 percent of voters", "they liked the plan")]


def test_those_surveyed_speak_as_a_poll_share() -> None:
    quotes = extract_quotes(["By big margins, those surveyed say the economy should be the first priority."])
    assert said_by(quotes) == [("those surveyed", "the economy should be the first priority")]


def test_described_as_reports_the_description() -> None:
    quote = only_quote(
        "The budget sets aside 8 million crowns, in what a senior official, speaking on condition of "
        "anonymity, described as a gesture to Kharniv."
    )
    assert (quote.speaker, quote.kind, quote.cue, quote.text) == (
        "a senior official",
        INDIRECT,
        "described as",
        "a gesture to Kharniv",
    )


def test_participle_that_is_not_speech_does_not_cut_the_reported_clause() -> None:
    quote = only_quote(
        "Mayor Piet Halloran said he had written to the board, asking for the closure to be paused."
    )
    assert quote.text == "he had written to the board, asking for the closure to be paused"


@pytest.mark.parametrize(
    "sentence",
    [
        "Smith did not say whether he would stay.",
        "It is believed that the dam was damaged.",
        "This advantage is underscored by the ministry's own statements.",
        "The governor warned residents to stay indoors.",
        "The report said nothing about casualties.",
        "Smith said so.",
    ],
)
def test_sentence_without_attributable_speech_yields_nothing(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


# --- conjoined speakers ------------------------------------------------------------------------


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


def test_conjoined_speakers_are_each_resolved_and_they_continue_the_pair() -> None:
    quotes = extract_quotes(
        [
            "Sen. Ted Cruz met Hillary Clinton on Monday.",
            "Cruz and Mrs. Clinton said the debate had been fair. They added that it ran late.",
            "Sanders and his aides said they would stay in the race.",
        ]
    )
    assert said_by(quotes) == [
        ("Ted Cruz and Hillary Clinton", "the debate had been fair"),
        ("Ted Cruz and Hillary Clinton", "it ran late"),
        ("Sanders and Sanders's aides", "they would stay in the race"),
    ]


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


# --- speakers: resolution and normalisation ----------------------------------------------------


def test_pronoun_resolves_to_the_most_recent_named_person() -> None:
    quotes = extract_quotes(
        [
            "President Volodymyr Zelensky said that the army would hold.",
            "He added that more help was needed.",
            "'We will not give up,' he said.",
        ]
    )
    assert {q.speaker for q in quotes} == {"Volodymyr Zelensky"}
    assert [q.speaker_as_written for q in quotes] == ["President Volodymyr Zelensky", "He", "he"]


def test_she_skips_a_man_named_by_title() -> None:
    quotes = extract_quotes(
        [
            "Mrs. Anna Brown said that the plan was fine.",
            "Mr. John Brown said that it was flawed.",
            "'It will work,' she said.",
        ]
    )
    assert said_by(quotes)[-1] == ("Anna Brown", "It will work")


def test_pronoun_can_point_to_an_unnamed_speaker() -> None:
    quotes = extract_quotes(
        ["A spokesman for the finance department said the rules had changed. 'We have a duty,' he said."]
    )
    assert {q.speaker for q in quotes} == {"a spokesman for the finance department"}


def test_pronoun_points_to_the_person_who_opens_the_sentence() -> None:
    quotes = extract_quotes(
        [
            "Felix Arnaud, the commissioner, said the grant would be reviewed.",
            "Leah Marsh learned she had lost her job from a password screen. 'Nine years,' she said.",
        ]
    )
    assert said_by(quotes)[-1] == ("Leah Marsh", "Nine years")


def test_pronoun_without_anyone_to_point_to_yields_no_quote() -> None:
    assert extract_quotes(['"Leave now," he said.', "It said that the plant was safe."]) == []


def test_surname_resolves_to_the_full_name_introduced_earlier() -> None:
    quotes = extract_quotes(["'We are ready,' said Denis Pushilin.", "'The city is ours,' Pushilin said."])
    assert [(q.speaker, q.speaker_as_written) for q in quotes] == [
        ("Denis Pushilin", "Denis Pushilin"),
        ("Denis Pushilin", "Pushilin"),
    ]


def test_surname_resolves_to_a_full_name_mentioned_outside_any_quote() -> None:
    quotes = extract_quotes(
        ["Volodymyr Zelensky visited the front on Monday.", "Zelensky said the line was stable."]
    )
    assert said_by(quotes) == [("Volodymyr Zelensky", "the line was stable")]


def test_honorific_is_left_out_of_the_resolved_name() -> None:
    quotes = extract_quotes(
        ["Dr. Elena Petrova said that retreats can be costly.", "'There is hope,' Petrova said."]
    )
    assert [(q.speaker, q.speaker_as_written) for q in quotes] == [
        ("Elena Petrova", "Dr. Elena Petrova"),
        ("Elena Petrova", "Petrova"),
    ]
    assert quotes[1].role == ""  # "Dr." is an honorific, not a role


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


def test_appositive_role_is_captured_and_remembered_for_later_quotes() -> None:
    quotes = extract_quotes(
        [
            "'This is a classic retreat,' said Dr. Elena Petrova, a defense expert at the Kyiv Institute.",
            "Petrova said that the line would hold.",
            "'But it will cost us,' she added.",
        ]
    )
    assert {q.role for q in quotes} == {"a defense expert at the Kyiv Institute"}


def test_role_ends_before_a_relative_clause() -> None:
    quote = only_quote(
        "Owen Tate, a crane operator who has worked at the port for 22 years, said he was worried."
    )
    assert (quote.speaker, quote.role) == ("Owen Tate", "a crane operator")


@pytest.mark.parametrize(
    ("sentence", "role"),
    [
        ("“Half my stock is on the dock,” said Noor Haddad, who runs a hardware shop on Harbour Row.",
         "runs a hardware shop on Harbour Row"),
        ("“We will rebuild,” said Ana Berg, who owns the bakery on Quay Street.", "owns the bakery on Quay Street"),
        ("“We were told nothing,” said Ana Berg, who lives near the river.", ""),
    ],
)
def test_what_a_speaker_runs_or_owns_is_their_role(sentence: str, role: str) -> None:
    quote = only_quote(sentence)
    assert quote.speaker in ("Noor Haddad", "Ana Berg")
    assert quote.role == role


@pytest.mark.parametrize(
    ("sentence", "speaker", "role"),
    [
        (
            "Kremlin spokesman Dmitry Peskov said that no decision had been taken.",
            "Dmitry Peskov",
            "Kremlin spokesman",
        ),
        (
            "Dmitry Peskov, Putin's spokesman, said that no decision had been taken.",
            "Dmitry Peskov",
            "Putin's spokesman",
        ),
        (
            "The ministry's spokesman, Igor Konashenkov, said that no decision had been taken.",
            "Igor Konashenkov",
            "the ministry's spokesman",
        ),
        (
            "Greta Hollis of the Riders' Association said that no decision had been taken.",
            "Greta Hollis",
            "of the Riders' Association",
        ),
    ],
)
def test_role_is_found_before_after_or_around_the_name(sentence: str, speaker: str, role: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.role) == (speaker, role)


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


def test_publication_reference_resolves_to_the_publication_quoted_last() -> None:
    quotes = extract_quotes(
        [
            "According to a recent report by The New York Times, the city had fallen.",
            "The newspaper said the retreat was orderly.",
            "The paper noted that casualties were low.",
        ]
    )
    assert {q.speaker for q in quotes} == {"The New York Times"}
    assert [q.speaker_as_written for q in quotes] == ["The New York Times", "The newspaper", "The paper"]


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


def test_definite_description_resolves_to_the_earlier_anonymous_speaker() -> None:
    quotes = extract_quotes(
        ["'It is over,' said one anonymous official.", "The official added that the town was lost."]
    )
    assert {q.speaker for q in quotes} == {"an anonymous official"}


def test_definite_description_resolves_to_the_person_with_that_role() -> None:
    quotes = extract_quotes(
        [
            "The mayor, Jean-Pierre Dubois, said the town would be rebuilt.",
            "'We start tomorrow,' the mayor said.",
        ]
    )
    assert [(q.speaker, q.speaker_as_written, q.role) for q in quotes] == [
        ("Jean-Pierre Dubois", "Jean-Pierre Dubois", "the mayor"),
        ("Jean-Pierre Dubois", "the mayor", "the mayor"),
    ]


def test_definite_description_resolves_to_an_organisation_named_earlier() -> None:
    quotes = extract_quotes(
        ["The Aldermoor Health Board plans to close the ward.", "The board said the change was necessary."]
    )
    assert [(q.speaker, q.speaker_as_written) for q in quotes] == [
        ("the Aldermoor Health Board", "The board")
    ]


def test_organisation_introduced_by_what_it_is_answers_to_that_description() -> None:
    quotes = extract_quotes(
        [
            "Quillon Systems, the Brennholt software company, will cut 420 jobs.",
            "The company told staff that most of the cuts would fall on support teams.",
        ]
    )
    assert [(q.speaker, q.speaker_as_written) for q in quotes] == [("Quillon Systems", "The company")]


def test_curly_apostrophe_in_a_speaker_is_made_straight_but_kept_as_written() -> None:
    quote = only_quote("A senior official in the governor’s office said the money was ready.")
    assert quote.speaker == "a senior official in the governor's office"
    assert quote.speaker_as_written == "A senior official in the governor’s office"


def test_they_and_one_refer_to_the_group_quoted_last() -> None:
    quotes = extract_quotes(
        [
            "Local residents said the water rose within an hour.",
            "They added that nobody had warned them. 'We lost everything,' said one.",
        ]
    )
    assert [q.speaker for q in quotes] == ["Local residents", "Local residents", "one of the local residents"]


# --- what is not a quote -----------------------------------------------------------------------


def test_scare_quote_in_reported_speech_stays_in_its_text_and_is_not_a_quote() -> None:
    # Reported speech carrying quoted words is "mixed": one statement, its fragment kept in place.
    quote = only_quote("Pushilin said the army was expanding a 'buffer zone' around the city.")
    assert (quote.kind, quote.text) == (MIXED, "the army was expanding a 'buffer zone' around the city")


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


def test_a_quotation_of_another_speaker_inside_reported_speech_does_not_make_it_mixed() -> None:
    quotes = extract_quotes(['Quist said she would build flats, a pledge Halloran called "a brochure, not a plan".'])
    assert [q.kind for q in quotes if q.speaker == "Quist"] == [INDIRECT]


@pytest.mark.parametrize(
    "paragraph",
    [
        "The 'special military operation' continues.",
        'The film "Winter on Fire" was screened in the square.',
        'Crowds sang "Chervona Kalyna" in the square.',
        "Officials described the area as a 'buffer zone'.",
        '"We are tired."',
        'The message on the wall was clear: "Leave now."',
        "The city is quiet. No one has been hurt.",
        "He said 'we will",
        "",
    ],
)
def test_quotation_nobody_is_credited_with_yields_nothing(paragraph: str) -> None:
    assert extract_quotes([paragraph]) == []


def test_partial_quote_after_called_is_the_speakers_words() -> None:
    quotes = extract_quotes(
        ['Nadia Quist said she would ask for a vote. She called the rise "a tax on getting to work".']
    )
    assert [(q.kind, q.cue, q.text) for q in quotes] == [
        (INDIRECT, "said", "she would ask for a vote"),
        (DIRECT, "called", "a tax on getting to work"),
    ]


def test_partial_quote_inside_another_speakers_clause_is_its_own_speakers() -> None:
    quotes = extract_quotes(
        ['Quist said she would build 2,000 flats, a pledge Halloran called "a brochure, not a plan".']
    )
    assert [(q.speaker, q.kind, q.text) for q in quotes] == [
        ("Quist", INDIRECT, 'she would build 2,000 flats, a pledge Halloran called "a brochure, not a plan"'),
        ("Halloran", DIRECT, "a brochure, not a plan"),
    ]


def test_empty_article_has_no_quotes() -> None:
    assert extract_quotes([]) == []


def test_paragraph_numbers_follow_the_input_including_blank_paragraphs() -> None:
    quotes = extract_quotes(["No one spoke.", "", "'We will stay,' said Olena Bondar."])
    assert [q.paragraphs for q in quotes] == [(3,)]


def test_quotes_round_trip_through_their_stored_form() -> None:
    quote = only_quote("'We will rebuild,' said Mayor Lena Okafor.")
    assert Quote.from_dict(quote.to_dict()) == quote


# --- speaker phrases of American political copy (extractor version 5) -------------------------


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


# --- second-hand attribution: who relayed a quote (reported_by) --------------------------------


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
