"""Statements read back as English: the cue and the content as written, never mangled."""

from __future__ import annotations

import re

import pytest

from rag import NewsIndex, QuoteKind, Statement
from rag.attribution import statement
from rag.render.speech import finite, refusal_message, statement_sentence, subject
from rag.schema import Refusal, RefusalReason

_BAD = [
    (re.compile(r"\bthat (?:The|A|An|This|These|Those|It|Its|There|We|They|He|She|His|Her|Our)\b"), "that The"),
    (re.compile(r"\btold that\b", re.I), "told that"),
    (re.compile(r"\bthat that\b", re.I), "doubled that"),
    (re.compile(r"\bthat[.!?]?$"), "dangling that"),
    (re.compile(r"\baccording to that\b", re.I), "according to that"),
]


def problems(sentence: str) -> list[str]:
    found = [name for pattern, name in _BAD if pattern.search(sentence)]
    if not (sentence[:1].isupper() or sentence[:1].isdigit() or sentence[:1] in "\u201c\"'"):
        found.append("lowercase start")
    return found


def test_every_quote_the_extractor_stores_reads_as_english(demo_index: NewsIndex, seed_index: NewsIndex) -> None:
    shapes: dict[tuple[str, str], str] = {}
    bad = []
    for index in (demo_index, seed_index):
        for row in index.quotes():
            q, p = row.quote, row.paragraph
            sentence = statement_sentence(q.speaker, statement(p, q, ()))
            shapes.setdefault((q.kind.value, q.cue.split()[0] if q.cue else ""), sentence)
            if problems(sentence):
                bad.append((problems(sentence), q.cue, sentence))
    assert not bad, bad
    kinds = {kind for kind, _ in shapes}
    assert {"direct", "indirect"} <= kinds
    assert len(shapes) >= 20  # said, told, according, warned, declaring, shot back, ...


@pytest.mark.parametrize(
    ("kind", "cue", "as_written", "text", "expected"),
    [
        (QuoteKind.INDIRECT, "according to", "The New York Times",
         "the city's loss has significantly weakened Ukraine's leverage",
         "According to The New York Times, the city's loss has significantly weakened Ukraine's leverage."),
        (QuoteKind.INDIRECT, "declaring", "Denis Pushilin",
         "the Russian Armed Forces are actively expanding a 'buffer zone'",
         "Denis Pushilin declared that the Russian Armed Forces are actively expanding a 'buffer zone'."),
        (QuoteKind.INDIRECT, "accused", "Okafor", "the council of ignoring the warnings",
         "Okafor accused the council of ignoring the warnings."),
        (QuoteKind.INDIRECT, "would not say", "The minister", "whether the talks had failed",
         "The minister would not say whether the talks had failed."),
        (QuoteKind.MIXED, "calling", "Halloran", "the decision \u201creckless\u201d",
         "Halloran called the decision \u201creckless\u201d."),
        (QuoteKind.MIXED, "said", "The senator", "the budget would \u201cbankrupt the state.\u201d",
         "The senator said that the budget would \u201cbankrupt the state.\u201d"),
        (QuoteKind.INDIRECT, "said", "Voss", "The sale has however been delayed",
         "Voss said that the sale has however been delayed."),
        (QuoteKind.INDIRECT, "told", "Voss", "members the Tories offered a deal",
         "Voss told members the Tories offered a deal."),
        (QuoteKind.INDIRECT, "warned", "Microsoft", "PC users to update their systems",
         "Microsoft warned PC users to update their systems."),
        (QuoteKind.INDIRECT, "told government", "Abdullah", "departments to put plans in place",
         "Abdullah told government departments to put plans in place."),
        (QuoteKind.INDIRECT, "claims", "He", "that the land was illegally sold",
         "Okafor claims that the land was illegally sold."),
        (QuoteKind.DIRECT, "said", "a DPR spokesperson", "We are doing everything we can",
         "A DPR spokesperson said: \u201cWe are doing everything we can\u201d."),
        (QuoteKind.INDIRECT, "according to", "the board", "Nine of its 14 posts are vacant.",
         "Nine of its 14 posts are vacant, according to the board."),
    ],
)
def test_cue_shapes_read_correctly(kind: QuoteKind, cue: str, as_written: str, text: str, expected: str) -> None:
    sentence = statement_sentence("Lena Okafor", Statement(kind, cue, text, (1,), speaker_as_written=as_written))
    assert sentence == expected
    assert not problems(sentence)


def test_a_second_hand_statement_says_who_reported_it() -> None:
    relayed = Statement(QuoteKind.DIRECT, "said", "This is a major blow", (2,),
                        speaker_as_written="one anonymous Western intelligence official",
                        reported_by="The New York Times")
    assert statement_sentence("one anonymous Western intelligence official", relayed) == (
        "One anonymous Western intelligence official said: \u201cThis is a major blow\u201d "
        "(as reported by The New York Times).")


def test_a_participle_becomes_a_finite_verb_and_nothing_else_changes() -> None:
    assert [finite(c) for c in ("declaring", "noting", "saying", "denying", "telling reporters", "warned",
                                "according to")] == [
        "declared", "noted", "said", "denied", "told reporters", "warned", "according to"]


def test_a_pronoun_speaker_becomes_the_surname() -> None:
    assert subject("Denis Pushilin", "he") == "Pushilin"
    assert subject("Local officials", "they") == "Local officials"
    assert subject("one official", "one official") == "One official"


def test_refusal_names_its_case_and_the_filters() -> None:
    refusal = Refusal(RefusalReason.NOT_MENTIONED, subject="Seversk", missing_terms=("Seversk",),
                      hidden_by_filters=3)
    assert refusal_message(refusal) == (
        "3 articles mention Seversk but are outside your source or date filters; none inside them does.")
    nobody = Refusal(RefusalReason.NOBODY_QUOTED, subject="the mill", hidden_by_filters=1)
    assert refusal_message(nobody) == ("Articles mention the mill, but nobody in them is quoted about it. "
                                       "1 article outside your source or date filters would match.")


def test_a_description_mid_sentence_is_lowered_and_a_name_kept() -> None:
    from rag.render.speech import mid_sentence

    assert mid_sentence("Local officials") == "local officials"
    assert mid_sentence("The Kessmouth Port Authority") == "the Kessmouth Port Authority"
    assert mid_sentence("Jonas Hallberg") == "Jonas Hallberg"
    assert mid_sentence("DPR officials") == "DPR officials"
    assert mid_sentence("Pushilin") == "Pushilin"


def test_a_capital_after_that_never_reads_and_a_name_is_never_lowered() -> None:
    priority = Statement(QuoteKind.INDIRECT, "said", "Priority will be given to fuel bound for flood-hit Varnholm", (1,),
                         speaker_as_written="Hallberg")
    # The source's order, never "said that Priority will be given".
    assert statement_sentence("Jonas Hallberg", priority) == (
        "Priority will be given to fuel bound for flood-hit Varnholm, Hallberg said.")
    okafor = Statement(QuoteKind.INDIRECT, "said", "Okafor will rebuild the bridge by spring", (1,),
                       speaker_as_written="Hallberg")
    # A name said once is still a name: never "said that okafor will rebuild".
    assert statement_sentence("Jonas Hallberg", okafor) == "Okafor will rebuild the bridge by spring, Hallberg said."
    the = Statement(QuoteKind.INDIRECT, "said", "The sale has been delayed", (1,), speaker_as_written="Voss")
    assert statement_sentence("Helena Voss", the) == "Voss said that the sale has been delayed."


def test_a_direct_quote_ending_a_sentence_keeps_its_stop(seed_index: NewsIndex) -> None:
    from rag import Paragraph, Quote

    said = "\u201cThe port will reopen on Monday.\u201d Hallberg said nothing more."
    p = Paragraph("p1", "a1", 1, said, "Port")
    q = Quote("Jonas Hallberg", "Hallberg", "The port will reopen on Monday", QuoteKind.DIRECT, "said", (1,),
              span=(1, 31))
    assert statement_sentence("Jonas Hallberg", statement(p, q, (1,))).endswith("\u201cThe port will reopen on Monday.\u201d")
    # Cut at the comma before "Pushilin said": the sentence still ends, its stop outside the marks.
    answer = seed_index.ask("What did Pushilin say?")
    lines = [statement_sentence(g.speaker, s) for g in answer.speakers for s in g.statements]
    assert any(line.endswith("evacuating civilians\u201d.") for line in lines)
    assert all(line.endswith((".", "!", "?", "\u201d.", ".\u201d", "?\u201d", "!\u201d", "\u2026\u201d")) for line in lines)
