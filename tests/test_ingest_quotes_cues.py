"""Attribution cues: reporting verbs, "according to" and participles, each crediting its speaker."""

from __future__ import annotations

import pytest
from quote_helpers import DIRECT, INDIRECT, MIXED, only_quote, tokens_of

from ingest.quotes import extract_quotes
from ingest.quotes.cues import find_anchors, verb_at


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
        ("will argue", "will argue"),  # a bare verb keeps its modal: never "Pushilin argue that"
        ("could also argue", "could argue"),
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
        # The hearer runs on over the plural noun its name qualifies, when a new subject follows.
        ("Blair told Labour members the Tories offered a hard right agenda.", "Blair",
         "the Tories offered a hard right agenda", "told Labour members"),
        ("Smith told Reuters prices would rise.", "Smith", "prices would rise", "told Reuters"),
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
    # the clause before may hold a stance of hers too ("was upfront about her distaste for Trump")
    said = [(q.speaker, q.kind, q.text) for q in extract_quotes([sentence]) if q.cue == cue]
    assert said == [("Fiorina", INDIRECT, text)]


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


def test_who_said_reports_for_the_noun_before_it() -> None:
    quote = only_quote("The minister, who said last week that prices would fall, resigned on Friday.")
    assert (quote.speaker, quote.text) == ("the minister", "prices would fall")


def test_quoted_as_saying_names_the_person_quoted() -> None:
    quote = only_quote("John Smith was quoted by TASS as saying that talks would resume.")
    assert (quote.speaker, quote.cue, quote.text) == ("John Smith", "saying", "talks would resume")


@pytest.mark.parametrize(
    "sentence",
    [
        "Smith did not say whether he would stay.",
        "It is believed that the dam was damaged.",
        "This advantage is underscored by the ministry's own statements.",
        "The report said nothing about casualties.",
        "Smith said so.",
    ],
)
def test_sentence_without_attributable_speech_yields_nothing(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


@pytest.mark.parametrize(
    ("sentence", "kind", "cue", "written"),
    [
        ("Okafor said the bridge would hold.", "subject", "said", "Okafor"),
        ("'It holds,' said Mayor Lena Okafor.", "inverted", "said", "Mayor Lena Okafor"),
        ("According to the ministry, the bridge holds.", "according", "according to", "the ministry"),
        ("Okafor told reporters that it holds.", "subject", "told reporters", "Okafor"),
    ],
)
def test_find_anchors_reads_the_cue_and_who_it_credits(sentence: str, kind: str, cue: str, written: str) -> None:
    [anchor] = find_anchors(tokens_of(sentence), sentence)
    assert anchor.phrase is not None
    assert (anchor.kind, anchor.cue, anchor.phrase.written) == (kind, cue, written)


def test_a_reporting_verb_needs_its_particle_and_is_no_noun_after_a_determiner() -> None:
    assert verb_at(tokens_of("He pointed out that"), 1) == ("point", 3)
    assert verb_at(tokens_of("He pointed at it"), 1) is None
    assert verb_at(tokens_of("in the state"), 2) is None


def test_a_name_before_a_colon_and_a_quotation_speaks() -> None:
    # v10: 'Tom Vale: "..."', opening a sentence or after a dash.
    quote = only_quote('Turnout rose on the coast - Tom Vale: "We will rebuild the quay by spring."')
    assert (quote.speaker, quote.kind, quote.text) == ("Tom Vale", DIRECT, "We will rebuild the quay by spring.")
    assert extract_quotes(['The plan: "We will rebuild the quay by spring."']) == []


def test_an_age_after_the_name_is_an_aside() -> None:
    # v10: "Name, 29, a nurse, says ...".
    quote = only_quote("Anna Stone, 29, a nurse, says her biggest worry is rent.")
    assert (quote.speaker, quote.text) == ("Anna Stone", "her biggest worry is rent")


def test_a_pronoun_with_a_verb_s_clitic_is_the_speaker_and_the_clitic_the_verb() -> None:
    """ "She’ll argue": the pronoun resolves to the person before it, never a speaker "She'll"."""
    found = extract_quotes(["Hillary Clinton spoke in Ohio on Monday.",
                            "She’ll argue that the tax plan would help working families."])

    assert [(q.speaker, q.cue, q.text) for q in found] == [
        ("Hillary Clinton", "will argue", "the tax plan would help working families")]


def test_a_clitic_cue_from_the_parse_is_written_out() -> None:
    """ "He’s claiming": the statement reads "is claiming", never "’s claiming"."""
    found = extract_quotes(["Donald Trump spoke at a rally in Ohio.",
                            "He’s claiming that voting fraud is a big problem in this country."])

    assert [(q.speaker, q.cue) for q in found] == [("Donald Trump", "is claiming")]


@pytest.mark.parametrize("parse", [True, False])
def test_a_transcript_quoted_turn_by_turn_gives_each_turn_to_its_speaker(parse: bool) -> None:
    """Each paragraph opens with a mark and the speaker's name and none closes: one turn each,
    never one quotation running on through the next speakers' names."""
    found = extract_quotes([
        "Fox News host Chris Wallace interviewed Mike Pence on Sunday. Partial transcript as follows:",
        '"WALLACE: Let’s start with breaking news on the debate story. Trump tweeted this.',
        '"PENCE: Well, look, she apparently thinks this is an episode of “Shark Tank.” It’s serious business.',
        '"(CROSSTALK.)',
        '"WALLACE: If I may, sir, will Gennifer Flowers be there?',
        '"PENCE: Gennifer Flowers will not be attending the debate tomorrow night."',
    ], parse=parse)

    assert [(q.speaker, q.kind.value, q.cue, q.paragraphs) for q in found] == [
        ("Chris Wallace", "direct", ":", (2,)), ("Mike Pence", "direct", ":", (3,)),
        ("Chris Wallace", "direct", ":", (5,)), ("Mike Pence", "direct", ":", (6,))]
    assert found[1].text == "Well, look, she apparently thinks this is an episode of “Shark Tank.” It’s serious business."


def test_a_dateline_inside_a_quotation_is_no_transcript_turn() -> None:
    [quote] = extract_quotes(['"WASHINGTON: The city is quiet," said Mayor Jane Smith.'])

    assert quote.speaker == "Jane Smith"


def test_a_quotation_introduced_by_a_colon_at_the_end_of_the_paragraph_before_is_the_introducer_s() -> None:
    """News copy sets a long quotation apart: 'He said:' closes one paragraph, the quotation is the next."""
    found = extract_quotes(["Donald Trump answered with the example of Chicago.", "He said:",
                            "“We have a situation where our inner cities are so dangerous.”",
                            "“You walk down the street, you get shot.”"])

    assert [(q.speaker, q.cue, q.paragraphs) for q in found] == [
        ("Donald Trump", "said", (3,)), ("Donald Trump", "said", (4,))]
    assert extract_quotes(["The rules are as follows:", "“No dogs.”"]) == []


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("About 9.9 million single mothers live in the United States, according to federal statistics.",
         "Federal statistics"),
        ("He was the fourth person shot this year, according to a Washington Post database tracking such "
         "deaths.", "a Washington Post database"),
        ("The plan failed, according to The Washington Post.", "The Washington Post"),  # a masthead, not "a post"
    ],
)
def test_according_to_evidence_credits_the_evidence_as_written(sentence: str, speaker: str) -> None:
    [quote] = extract_quotes([sentence])

    assert (quote.speaker, quote.cue) == (speaker, "according to")
