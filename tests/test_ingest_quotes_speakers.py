"""Speaker resolution: surnames, pronouns and definite descriptions mapped to someone named earlier."""

from __future__ import annotations

from quote_helpers import said_by, tokens_of

from ingest.quotes import extract_quotes
from ingest.quotes.phrases import speaker_after
from ingest.quotes.speakers import SpeakerBook


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


def test_appositive_role_is_captured_and_remembered_for_later_quotes() -> None:
    quotes = extract_quotes(
        [
            "'This is a classic retreat,' said Dr. Elena Petrova, a defense expert at the Kyiv Institute.",
            "Petrova said that the line would hold.",
            "'But it will cost us,' she added.",
        ]
    )
    assert {q.role for q in quotes} == {"a defense expert at the Kyiv Institute"}


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
    assert [(q.speaker, q.speaker_as_written) for q in quotes if q.cue == "said"] == [
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


def test_they_and_one_refer_to_the_group_quoted_last() -> None:
    quotes = extract_quotes(
        [
            "Local residents said the water rose within an hour.",
            "They added that nobody had warned them. 'We lost everything,' said one.",
        ]
    )
    assert [q.speaker for q in quotes] == ["Local residents", "Local residents", "one of the local residents"]


def test_which_it_said_is_not_reported_without_its_subject() -> None:
    quotes = extract_quotes(
        [
            "Grants were slow, according to figures released by the town council.",
            "The council blamed the province, which it said had changed its rules twice.",
        ]
    )
    # "which it said had changed its rules twice": the clause's subject is "which" (the province),
    # so "The town council said that had changed its rules twice" would misstate it (issue 20).
    assert all(not q.text.startswith("had changed") for q in quotes)


def test_speaker_book_maps_a_surname_and_a_pronoun_to_the_person_named_in_full() -> None:
    book = SpeakerBook()
    mention = "Mayor Lena Okafor visited the port."
    book.note_mentions(tokens_of(mention), mention)
    resolved = []
    for sentence in ("said Okafor", "said she"):
        phrase = speaker_after(tokens_of(sentence), 1, sentence)
        assert phrase is not None
        resolved.append(book.resolve(phrase, "", False))
    okafor, she = resolved
    assert okafor is she
    assert (okafor.name, okafor.role) == ("Lena Okafor", "Mayor")


def test_a_sent_document_is_its_sender() -> None:
    # v10: "told staff in an email ... . ..., the email said." -> the sender, written as "the email".
    quotes = extract_quotes(
        [
            "Brennholt Software told staff in an email that the Selwyn office would close. "
            "Affected staff would receive three months' pay, the email said."
        ]
    )
    assert [(q.speaker, q.speaker_as_written) for q in quotes] == [
        ("Brennholt Software", "Brennholt Software"),
        ("Brennholt Software", "the email"),
    ]


def test_a_body_named_with_a_possessive_is_the_body() -> None:
    """ "an economist at the Tax Foundation's policy center" names the Tax Foundation: a later
    "The Tax Foundation estimates ..." is its, never a speaker called "the Tax Foundation's"."""
    found = extract_quotes([
        "The policy unit at the more conservative Tax Foundation puts the figure at $498 billion.",
        "'It is more tinkering at the edges,' said Alan Cole, an economist at the Tax Foundation's policy center.",
        "The Tax Foundation estimates that it would cost the Treasury $374 billion over 10 years.",
    ])
    assert [q.speaker for q in found][-1:] == ["Tax Foundation"]
    assert not any(q.speaker.endswith(("'s", "\u2019s")) for q in found)


def test_he_with_no_speaker_or_subject_yet_is_the_person_named_last() -> None:
    quotes = extract_quotes(["If the candidate is Donald Trump, the answer is clear. He said he would not release his tax returns."])

    assert said_by(quotes) == [("Donald Trump", "he would not release his tax returns")]
    assert quotes[0].speaker_as_written == "He"


def test_a_speaker_quoted_last_still_comes_before_a_person_named_since() -> None:
    quotes = extract_quotes(["Senator Ana Ruiz said the bill was dead.", "It would have cost Marco Diaz his seat. She said it would return."])

    assert said_by(quotes) == [("Ana Ruiz", "the bill was dead"), ("Ana Ruiz", "it would return")]


def test_she_is_never_someone_named_later_in_her_own_sentence() -> None:
    quotes = extract_quotes(["The rallies went on. This week she addressed the Women's Agenda, and she said it went well."])

    assert quotes == []


def test_the_body_someone_advises_is_not_that_person() -> None:
    quotes = extract_quotes(["Minyon Moore, a senior adviser to the Clinton campaign, called the remarks "
                             '"a true wake-up call" to his coalition.',
                             "The Clinton campaign said it would send volunteers to Ohio."])

    assert said_by(quotes) == [("Minyon Moore", "a true wake-up call"),
                               ("the Clinton campaign", "it would send volunteers to Ohio")]


def test_a_capitalised_word_opening_a_sentence_is_no_part_of_a_name() -> None:
    quotes = extract_quotes(["Patriot Coal went bankrupt. Unlike Patriot, Mr. Clarke has few investors.",
                             "Patriot signaled that it would make a deal with Mr. Clarke.",
                             "Ann Ellis, a lawyer, was skeptical. Said Ellis: “I don’t get the sense she’s interested.”"])

    assert said_by(quotes) == [("Patriot", "that it would make a deal with Mr. Clarke"),  # never "Unlike Patriot"
                               ("Ann Ellis", "I don’t get the sense she’s interested.")]
    assert quotes[1].cue == "said"


def test_a_question_or_a_former_role_opening_a_sentence_names_no_one() -> None:
    quotes = extract_quotes(["Marco Rubio spoke in Iowa. Does Rubio, like Tilton, oppose abortions? He said he did.",
                             "Former Obama spokesman Robert Gibbs derided the left. Barack Obama said it was unfair.",
                             "Neither Clinton nor Trump backed the deal. Hillary Clinton said she opposes it.",
                             "Rival Hillary Clinton had mocked the complaint."])

    assert said_by(quotes) == [("Marco Rubio", "he did"), ("Barack Obama", "it was unfair"),
                               ("Hillary Clinton", "she opposes it")]


def test_an_adviser_to_someone_is_the_speaker_not_the_someone() -> None:
    quotes = extract_quotes(["The president, advisers to Mr. Obama say, has grown exasperated.",
                             "An aide to the senator said the bill was dead."])

    assert said_by(quotes) == [("Advisers to Mr. Obama", "The president has grown exasperated"),
                               ("an aide to the senator", "the bill was dead")]


def test_a_named_owner_s_document_speaks_as_itself() -> None:
    quotes = extract_quotes(["However, Ivana Trump's brief said the reports were false."])

    assert said_by(quotes) == [("Ivana Trump's brief", "the reports were false")]


def test_an_office_in_the_plural_is_the_role_of_the_names_after_it() -> None:
    [quote] = extract_quotes(["Senators Rubio and Cruz said the bill would fail."])
    assert quote.speaker == "Rubio and Cruz"
    [quote] = extract_quotes(["Reps. Smith and Lee said the vote would be close."])
    assert quote.speaker == "Smith and Lee"


def test_a_news_site_and_a_service_are_no_people() -> None:
    kinds = {q.speaker: q.speaker_kind for q in extract_quotes([
        "Business Insider reported that the deal was off.", "The Air Force said the jet crashed."])}
    assert kinds["the Air Force"] == "org"
    assert kinds["Business Insider"] != "person"


def test_he_is_the_titled_surname_before_him_never_a_heading_in_capitals() -> None:
    [quote] = extract_quotes(["FULL TEXT.", "Mr. Obama signed the measure on Tuesday. He said the new law was a "
                              "historic step for the country."])
    assert (quote.speaker, quote.speaker_as_written) == ("Obama", "He")
