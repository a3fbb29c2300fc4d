"""Reported content: the clause an attribution introduces, where it ends, and when it is mixed."""

from __future__ import annotations

import pytest
from quote_helpers import DIRECT, INDIRECT, MIXED, only_quote, said_by

from ingest.quotes import extract_quotes
from ingest.quotes.article import ArticleText, Said
from ingest.quotes.content import read_unit
from ingest.quotes.cues import Anchor
from ingest.quotes.sentences import sentence_units
from rag.schema import QuoteKind


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
        "Clinton said the people close to her.",
    ],
)
def test_bare_words_after_said_that_are_no_clause_report_nothing_new(sentence: str) -> None:
    assert [q.kind for q in extract_quotes([sentence])] in ([], [DIRECT])


def test_weekday_after_said_is_not_reported() -> None:
    quote = only_quote("Voss said Tuesday that the bridge would reopen in the spring.")
    assert (quote.speaker, quote.text) == ("Voss", "the bridge would reopen in the spring")
    quote = only_quote("Voss said Monday night the bridge would reopen in the spring.")
    assert quote.text == "the bridge would reopen in the spring"


def test_coordinated_clauses_are_split_between_their_speakers() -> None:
    quotes = extract_quotes(
        ["John Smith said the war would end soon, but Mary Jones warned that it could last years."]
    )
    assert said_by(quotes) == [
        ("John Smith", "the war would end soon"),
        ("Mary Jones", "it could last years"),
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
        (
            "Instead, Voss said, the council had booked a room for them.",
            "the council had booked a room for them",
        ),
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


def test_scare_quote_in_reported_speech_stays_in_its_text_and_is_not_a_quote() -> None:
    # Reported speech carrying quoted words is "mixed": one statement, its fragment kept in place.
    quote = only_quote("Pushilin said the army was expanding a 'buffer zone' around the city.")
    assert (quote.kind, quote.text) == (MIXED, "the army was expanding a 'buffer zone' around the city")


def test_a_quotation_of_another_speaker_inside_reported_speech_does_not_make_it_mixed() -> None:
    quotes = extract_quotes(
        ['Quist said she would build flats, a pledge Halloran called "a brochure, not a plan".']
    )
    assert [q.kind for q in quotes if q.speaker == "Quist"] == [INDIRECT]


def test_partial_quote_after_called_is_mixed_with_what_was_called_so() -> None:
    quotes = extract_quotes(
        ['Nadia Quist said she would ask for a vote. She called the rise "a tax on getting to work".']
    )
    assert [(q.kind, q.cue, q.text) for q in quotes] == [
        (INDIRECT, "said", "she would ask for a vote"),
        (MIXED, "called", 'the rise "a tax on getting to work"'),
    ]


@pytest.mark.parametrize(
    ("sentence", "text"),
    [
        (
            'Quist called the rise "a tax on getting to work" for thousands of commuters.',
            'the rise "a tax on getting to work" for thousands of commuters',
        ),
        (
            'Quist described the deal as "a gift to the port owners" in a speech.',
            'the deal as "a gift to the port owners" in a speech',
        ),
    ],
)
def test_quotation_naming_an_object_reports_the_object_and_the_rest_of_the_sentence(
    sentence: str, text: str
) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.kind, quote.text) == ("Quist", MIXED, text)


def test_quotation_right_after_called_stays_direct() -> None:
    quote = only_quote('Quist called "a tax on getting to work" the worst idea.')
    assert (quote.kind, quote.text) == (DIRECT, "a tax on getting to work")


def test_partial_quote_inside_another_speakers_clause_is_its_own_speakers() -> None:
    quotes = extract_quotes(
        ['Quist said she would build 2,000 flats, a pledge Halloran called "a brochure, not a plan".']
    )
    assert [(q.speaker, q.kind, q.text) for q in quotes] == [
        ("Quist", INDIRECT, 'she would build 2,000 flats, a pledge Halloran called "a brochure, not a plan"'),
        ("Halloran", DIRECT, "a brochure, not a plan"),
    ]


def _read(paragraph: str) -> tuple[list[Said], list[Anchor]]:
    article = ArticleText([paragraph])
    [unit] = sentence_units(article.text, article.starts, article.spans)
    return read_unit(article, unit)


def test_read_unit_ties_a_reported_clause_to_its_attribution() -> None:
    said, anchors = _read("Okafor said the bridge would hold.")
    assert [(s.kind, s.text, s.anchor) for s in said] == [(INDIRECT, "the bridge would hold", anchors[0])]


def test_read_unit_leaves_a_quotation_standing_alone_without_an_attribution() -> None:
    said, anchors = _read('"We need help."')
    assert anchors == []
    assert [(s.kind, s.text, s.anchor) for s in said] == [(DIRECT, "We need help.", None)]


@pytest.mark.parametrize(
    ("sentence", "speaker", "kind", "text"),
    [
        # v10: a document shows or finds what follows, a noun phrase or a clause.
        (
            "The survey found that 43 percent of renters back the levy.",
            "The survey",
            INDIRECT,
            "43 percent of renters back the levy",
        ),
        (
            "A new Halden poll shows Ruiz with a six-point lead among women.",
            "A new Halden poll",
            INDIRECT,
            "Ruiz with a six-point lead among women",
        ),
        (
            "Ruiz leads Vale by six points, the poll found.",
            "the poll",
            INDIRECT,
            "Ruiz leads Vale by six points",
        ),
        # v10: a question or a request, with whom it was put to.
        (
            "Ana Ruiz asked the mayor whether the ferry would run in May.",
            "Ana Ruiz",
            INDIRECT,
            "whether the ferry would run in May",
        ),
        (
            "Ana Ruiz urged tenants not to sign the new leases, and left.",
            "Ana Ruiz",
            INDIRECT,
            "tenants not to sign the new leases",
        ),
        (
            "Ana Ruiz accused Vale of misleading voters about the ferry.",
            "Ana Ruiz",
            INDIRECT,
            "Vale of misleading voters about the ferry",
        ),
        (
            "Ana Ruiz called on the council to delay the vote until May.",
            "Ana Ruiz",
            INDIRECT,
            "the council to delay the vote until May",
        ),
        (
            "Ana Ruiz called for a ban on trucks in the old town.",
            "Ana Ruiz",
            INDIRECT,
            "a ban on trucks in the old town",
        ),
        # v10: "announced" takes a bare clause like "said".
        (
            "Ana Ruiz announced the ferry would resume on Friday.",
            "Ana Ruiz",
            INDIRECT,
            "the ferry would resume on Friday",
        ),
        # v10: a contraction is a finite verb ("shouldn't", "don't").
        (
            "Vale said members of the board shouldn't vote on the levy.",
            "Vale",
            INDIRECT,
            "members of the board shouldn't vote on the levy",
        ),
        # v10: a pronoun subject whose verb is inside the quotation.
        (
            'Vale said he "cannot walk down the quay" without being stopped.',
            "Vale",
            MIXED,
            'he "cannot walk down the quay" without being stopped',
        ),
        # v10: a quotation opening the sentence, continued by the writer, then ", said X".
        (
            '"This will test every ferry crew" on the river, said Ana Ruiz.',
            "Ana Ruiz",
            MIXED,
            '"This will test every ferry crew" on the river',
        ),
        # v10: a word or two the speaker called something, with what was called so.
        ('Ana Ruiz called the levy "reckless."', "Ana Ruiz", MIXED, 'the levy "reckless."'),
        (
            'Ana Ruiz called the vote a "turning point" for the port.',
            "Ana Ruiz",
            MIXED,
            'the vote a "turning point" for the port',
        ),
        # v10: "according to" after a clause whose verb only looks finite ("leads").
        (
            "Ruiz leads Vale by six points, according to the institute.",
            "the institute",
            INDIRECT,
            "Ruiz leads Vale by six points",
        ),
    ],
)
def test_v10_shapes(sentence: str, speaker: str, kind: QuoteKind, text: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker_as_written, quote.kind, quote.text) == (speaker, kind, text)


def test_a_verb_of_finding_needs_a_document_and_a_request_needs_someone_asked() -> None:
    assert extract_quotes(["Vale found the keys in the ferry office on Monday."]) == []
    assert extract_quotes(["Vale asked for the closure to be paused."]) == []


@pytest.mark.parametrize(
    ("sentence", "speaker", "text"),
    [
        # Finite forms that no closed list holds: "leads", "grows", "spoke" (from the word lexicon).
        (
            "The governor announced the state leads the nation in new jobs.",
            "the governor",
            "the state leads the nation in new jobs",
        ),
        (
            "Analysts predicted the senator's lead over his rivals grows after the debate.",
            "Analysts",
            "the senator's lead over his rivals grows after the debate",
        ),
        (
            "Clinton said the head of the state party leads the effort.",
            "Clinton",
            "the head of the state party leads the effort",
        ),
        (
            "Clinton said the head of the state party spoke to the donors.",
            "Clinton",
            "the head of the state party spoke to the donors",
        ),
        (
            "The state leads the nation in new jobs, the governor announced.",
            "the governor",
            "The state leads the nation in new jobs",
        ),
    ],
)
def test_bare_clause_with_a_lexicon_verb_form_is_reported(sentence: str, speaker: str, text: str) -> None:
    quote = only_quote(sentence)
    assert (quote.speaker, quote.kind, quote.text) == (speaker, INDIRECT, text)


@pytest.mark.parametrize(
    "sentence",
    [
        "Clinton said of prospects for the bill in the Senate.",  # "prospects" is no subject
        "The senator said were the failures of the last government.",
        "Clinton said 30 minutes into the debate.",
        "Ruiz conceded defeat in a speech at his campaign headquarters.",  # a plural noun, not "headquarters"
    ],
)
def test_words_not_opening_a_subject_are_no_bare_clause(sentence: str) -> None:
    assert extract_quotes([sentence]) == []


def test_as_a_speaker_put_it_credits_what_comes_before_or_after() -> None:
    quotes = extract_quotes([
        'The main requirement is a "lawful source of investment income," as a Homeland Security memo put it.',
        "The main requirement is a lawful source of income, as a Homeland Security memo said on Monday.",
        'Mayor Ann Lee put it bluntly: "We are finished." They put it on the table.',
    ], parse=False)

    assert said_by(quotes) == [
        ("a Homeland Security memo", 'The main requirement is a "lawful source of investment income,"'),
        ("a Homeland Security memo", "The main requirement is a lawful source of income"),
        ("Ann Lee", "We are finished."),
    ]
    assert [q.cue for q in quotes] == ["put it", "said", "put it"]


def test_a_pollster_pair_joined_by_a_slash_is_one_source() -> None:
    quotes = extract_quotes(["Clinton leads among black voters, according to a New York Times/CBS News poll released "
                             "last week."], parse=False)

    assert said_by(quotes) == [("a New York Times/CBS News poll", "Clinton leads among black voters")]


def test_according_to_names_its_source_whatever_the_noun() -> None:
    quotes = extract_quotes(["Trump received 37 percent, according to the results.",
                             "He returned on Wednesday and said little, according to an attendee.",
                             "Clinton broke the law, according to Andrew McCarthy, who prosecuted the bombers.",
                             "The plan failed, according to him."], parse=False)

    assert said_by(quotes) == [("the results", "Trump received 37 percent"),
                               ("an attendee", "He returned on Wednesday and said little"),
                               ("Andrew McCarthy", "Clinton broke the law")]


def test_a_finding_reported_with_that_is_its_finders() -> None:
    quotes = extract_quotes(["The researchers found that areas hit by trade shocks moved to the right.",
                             "Mr. Romney found it difficult in 2012 to overcome a defeat."], parse=False)

    assert said_by(quotes) == [("the researchers", "areas hit by trade shocks moved to the right")]


def test_that_before_a_verb_is_the_clause_s_own_subject() -> None:
    quotes = extract_quotes(["Asked about his attacks, Chris Christie said that was a natural part of the race.",
                             "The council blamed the province, which it said had changed its rules twice.",
                             "Barack Obama says that wasn’t the first time he had to talk to the families."])

    assert said_by(quotes) == [("Chris Christie", "that was a natural part of the race"),  # never "had changed ..."
                               ("Barack Obama", "that wasn’t the first time he had to talk to the families")]


def test_one_word_before_an_interrupting_attribution_opens_the_clause() -> None:
    quotes = extract_quotes(["Mike Pence spoke. Loyalty, he noted, has long been a core tenet of the party.",
                             "Yes, he said, it was. Loyalty, he said."], parse=False)

    assert said_by(quotes) == [("Mike Pence", "Loyalty has long been a core tenet of the party")]


def test_a_participle_after_a_negated_verb_takes_the_sentence_s_subject() -> None:
    quotes = extract_quotes(["Jeff Weaver didn't seem impressed on Tuesday, telling reporters, “A lot of people said "
                             "the governor should step down.”"], parse=False)

    assert said_by(quotes) == [("Jeff Weaver", "A lot of people said the governor should step down.")]


def test_whoever_a_plain_speech_verb_follows_speaks() -> None:
    quotes = extract_quotes(["As a phone rang, the announcer said, “It’s 3 a.m., and your children are safe.”",
                             '"Mark, you are a total loser!" the note says.',
                             "The ad's narrator says the plan failed.",
                             "The state added the additional week after the ruling.",
                             "“We lost,” said the tired old farmer."], parse=False)

    assert said_by(quotes) == [("the announcer", "It’s 3 a.m., and your children are safe."),
                               ("the note", "Mark, you are a total loser!"),
                               ("the ad's narrator", "the plan failed"),
                               ("the tired old farmer", "We lost")]


def test_an_attribution_often_made_is_still_made() -> None:
    quotes = extract_quotes(["Barack Obama spoke. Climate change, Mr. Obama often says, is the greatest threat.",
                             "Jobs depend on exports to Mexico, one slide says."], parse=False)

    assert said_by(quotes) == [("Barack Obama", "Climate change is the greatest threat"),
                               ("one slide", "Jobs depend on exports to Mexico")]


def test_going_on_to_say_is_the_same_speaker_saying_more() -> None:
    quotes = extract_quotes(['"It is insane," Bernie Sanders said, going on to say that the birther issue was a '
                             "distraction."], parse=False)

    assert said_by(quotes) == [("Bernie Sanders", "It is insane"),
                               ("Bernie Sanders", "the birther issue was a distraction")]
