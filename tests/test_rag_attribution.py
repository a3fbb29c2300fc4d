"""Who said what: speakers, their statements and the paragraphs that hold them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest
from rag import AnswerMode, Confidence, NewsIndex, QuoteKind, RefusalReason, Settings
from rag.render.json import answer_json
from rag.text import fold


def speakers_of(answer) -> set[str]:
    return {fold(g.speaker) for g in answer.speakers}


def cited_paragraphs(answer, speaker_part: str) -> set[int]:
    by_n = {c.n: c.paragraph for c in answer.citations}
    return {by_n[n] for g in answer.speakers if speaker_part in fold(g.speaker)
            for s in g.statements for n in s.citation_ids[:1]}


def test_who_said_what_about_seversk_names_every_speaker(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("who said what about Seversk?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    names = " | ".join(speakers_of(answer))
    for expected in ("new york times", "intelligence official", "pushilin", "local officials", "spokesperson",
                     "military analysts", "petrova"):
        assert expected in names, f"{expected!r} missing from {names}"
    assert cited_paragraphs(answer, "pushilin") == {5}
    assert cited_paragraphs(answer, "petrova") == {8}
    assert 9 in {c.paragraph for c in answer.citations}  # the quote that runs on into paragraph 9
    pushilin = next(g for g in answer.speakers if g.speaker == "Denis Pushilin")
    assert "head of the Donetsk" in pushilin.role
    assert answer.total_speakers == answer.shown_speakers == 7 and answer.hidden_statements == 0


def test_every_statement_is_in_its_cited_paragraph_at_its_span(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("who said what about Seversk?")
    by_n = {c.n: c for c in answer.citations}
    for group in answer.speakers:
        for s in group.statements:
            cited = by_n[s.citation_ids[0]].text
            assert " ".join(s.text.split()[:5]) in cited
            assert s.span is not None, f"the extractor gave no offsets for {s.text!r}"
            words = cited[s.span[0]:s.span[1]]
            if len(s.citation_ids) == 1:
                assert words == s.text
            else:  # runs on into the next paragraph: the span is its part in the first one
                assert s.text.startswith(words) and s.span[1] == len(cited)


def test_a_quote_running_into_the_next_paragraph_cites_both(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Petrova say?")
    long_one = next(s for s in answer.speakers[0].statements if "reassert" in s.text)
    assert [answer.citations[n - 1].paragraph for n in long_one.citation_ids] == [8, 9]
    # The span is the part in the first paragraph, which the words run to the end of.
    first = answer.citations[long_one.citation_ids[0] - 1].text
    assert long_one.span is not None and long_one.span[1] == len(first)
    assert first[long_one.span[0]:].startswith("But retreats can be costly")


def test_what_did_surname_say_finds_the_full_name(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert speakers_of(answer) == {"denis pushilin"}
    statements = answer.speakers[0].statements
    # Reported speech carrying his own words ("a 'buffer zone'") is mixed, its fragment kept.
    assert any("buffer zone" in s.text and s.kind is QuoteKind.MIXED and s.fragments == ("buffer zone",)
               for s in statements)
    assert any(s.kind is QuoteKind.DIRECT for s in statements)


def test_flat_quotes_follow_the_speaker_groups(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    assert [q.text for q in answer.quotes] == [s.text for s in answer.speakers[0].statements]
    assert {q.speaker for q in answer.quotes} == {"Denis Pushilin"}


def test_broad_topic_shows_the_most_relevant_speakers_and_counts_the_rest(tmp_path: Path, settings: Settings) -> None:
    lines = ["Harbour Post\nPort\n\nEveryone Has a View on the Harbour\n"]
    for i, name in enumerate(["Ana Berg", "Carl Dunn", "Eva Falk", "Gus Holm", "Ida Juhl"]):
        lines.append(f'"The harbour needs dredging before winter, point {i}," said {name}, a pilot.\n')
    (tmp_path / "harbour.txt").write_text("\n".join(lines), encoding="utf-8")
    ingest([tmp_path], settings)
    index = NewsIndex.open(settings)
    answer = index.ask("Who said what about the harbour?", max_speakers=3)
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert (answer.shown_speakers, answer.total_speakers, answer.hidden_statements) == (3, 5, 2)
    assert not answer.complete
    everyone = index.ask("Who said what about the harbour?", show_all=True)
    assert everyone.shown_speakers == 5 and everyone.complete


def test_statements_beyond_the_limit_are_counted(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?", max_statements=1)
    group = answer.speakers[0]
    assert len(group.statements) == 1 and group.total == 4  # 3 quotes and "emphasizing the ongoing ..."


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        # Only the headline names the town, in its other spelling ("Kharniv").
        ("What did the mayor of Charniv vow to do about the planned hospital closure?", "Bohdan Lesko"),
        # "group" for the article's "Riders' Association", "head" for its "chair".
        ("What did the head of the riders' group say about the fare compromise?", "Greta Hollis"),
    ],
)
def test_speaker_described_in_other_words_is_found(demo_index: NewsIndex, question: str, speaker: str) -> None:
    answer = demo_index.ask(question)
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert {g.speaker for g in answer.speakers} == {speaker}


def test_who_said_what_about_a_two_word_topic_needs_both_words(demo_index: NewsIndex) -> None:
    # "The water rose within an hour" is about the flood, not about water rationing.
    answer = demo_index.ask("Who said what about water rationing?")
    speakers = {g.speaker for g in answer.speakers}
    assert "Ivo Brandt" in speakers
    assert "Local residents" not in speakers


def test_speaker_quoted_only_about_something_else_is_refused(demo_index: NewsIndex) -> None:
    # Reinholt is quoted about the flood response in Varnholm, never about the Kessmouth containers.
    answer = demo_index.ask(
        "What did Gen. Tomas Reinholt say about using civil defence personnel to move the relief containers"
        " at Kessmouth?"
    )
    assert answer.mode is AnswerMode.NONE
    assert not answer.citations


def test_description_of_someone_never_quoted_is_still_refused(demo_index: NewsIndex) -> None:
    # Ester Vallin leads the flood review but is never quoted; others in her paragraph are.
    answer = demo_index.ask("What did the retired judge Ester Vallin say about the failures in the flood warning system?")
    assert answer.mode is AnswerMode.NONE
    assert "Ester Vallin" in answer.reason


def test_a_second_hand_statement_names_who_reported_it(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("who said what about Seversk?")
    official = next(g for g in answer.speakers if "intelligence official" in g.speaker)
    assert {s.reported_by for s in official.statements} == {"The New York Times"}
    assert "(as reported by The New York Times)" in answer.text
    times = next(g for g in answer.speakers if g.speaker == "The New York Times")
    assert not any(s.reported_by for s in times.statements)


def _ferry_articles(folder: Path) -> list[Path]:
    """Two papers on one ferry story: the same wire quote in both, and the harbour master's
    surname spelled two ways."""
    import json

    wire = '"The new ferry will cut the crossing to forty minutes," said Ilse Varnum, the port director.'
    stories = {
        "gazette.json": ("Kessmouth Gazette", "2026-09-01", [
            wire, '"The ferry ramp is ready for winter," said Jonas Halberg, the harbour master.']),
        "ledger.json": ("Harbor City Ledger", "2026-09-02", [
            wire, '"The ferry schedule doubles in spring," said Jonas Hallberg, the harbour master.',
            '"We checked the ferry ramp twice," Jonas Hallberg added.']),
    }
    paths = []
    for name, (source, date, paragraphs) in stories.items():
        path = folder / name
        path.write_text(json.dumps({"title": f"New Ferry for Kessmouth ({source})", "source": source,
                                    "date": date, "paragraphs": paragraphs}), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize("order", ["as written", "reversed"])
def test_one_person_one_card_and_wire_copy_once_whatever_the_ingest_order(tmp_path: Path, order: str) -> None:
    paths = _ferry_articles(tmp_path)
    settings = Settings.load(env={}, db=tmp_path / "db")
    for path in paths if order == "as written" else paths[::-1]:
        assert not ingest([path], settings).failed

    answer = NewsIndex.open(settings).ask("Who said what about the ferry?")

    by_speaker = {g.speaker: g for g in answer.speakers}
    assert set(by_speaker) == {"Jonas Hallberg", "Ilse Varnum"}  # the spelling with more quotes is kept
    assert by_speaker["Jonas Hallberg"].variants == ("Jonas Halberg",)
    assert by_speaker["Jonas Hallberg"].total == 3
    [wire] = by_speaker["Ilse Varnum"].statements  # one statement for the syndicated copy...
    assert {answer.citations[n - 1].source for n in wire.citation_ids} == {"Kessmouth Gazette", "Harbor City Ledger"}
    assert by_speaker["Ilse Varnum"].total == 1  # ...counted once


def test_names_a_letter_apart_in_the_first_name_or_with_other_roles_stay_apart(tmp_path: Path) -> None:
    import json

    path = tmp_path / "clinic.json"
    path.write_text(json.dumps({"title": "Clinic Opens", "source": "Harbour Post", "date": "2026-09-01", "paragraphs": [
        '"The clinic opens on Monday," said Maria Lopez, a nurse.',
        '"The clinic needs more staff," said Mario Lopez, a nurse.',
        '"The clinic budget is fixed," said Peter Sandvik, the mayor.',
        '"The clinic is too small," said Peter Sandvig, a retired fisherman.',
    ]}), encoding="utf-8")
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([path], settings)

    answer = NewsIndex.open(settings).ask("Who said what about the clinic?")

    assert speakers_of(answer) == {"maria lopez", "mario lopez", "peter sandvik", "peter sandvig"}
    assert all(not g.variants for g in answer.speakers)


def _okafor_corpus(folder: Path) -> Path:
    """One dated and one undated article quoting Mayor Lena Okafor."""
    folder.mkdir()
    (folder / "varnholm-courier_2026-11-20_levy.txt").write_text(
        "Varnholm Courier\nLocal News\n\nCouncil Passes Flood Levy\n\n"
        "The council passed a flood levy on Thursday.\n\n"
        '"We will never flood like this again," said Mayor Lena Okafor.\n', encoding="utf-8")
    (folder / "okafor-shelter.txt").write_text(
        "Varnholm Courier\nLocal News\n\nMayor Keeps Flood Shelter Open\n\n"
        "The shelter at the town hall will stay open.\n\n"
        '"The shelter stays open all winter," said Mayor Lena Okafor.\n', encoding="utf-8")
    return folder


def test_a_date_filter_says_how_many_undated_articles_it_left_out(tmp_path: Path, settings: Settings) -> None:
    ingest([_okafor_corpus(tmp_path / "corpus")], settings)
    index = NewsIndex.open(settings)

    since = index.ask("What did Lena Okafor say?", since="2026-11-01")
    everything = index.ask("What did Lena Okafor say?")

    assert [q.text for q in since.quotes] == ["We will never flood like this again"]
    assert since.undated_hidden == 1
    assert since.text.endswith("_1 undated article was left out by the date filter._")  # said, never silent
    assert len(everything.quotes) == 2 and everything.undated_hidden == 0
    assert "undated" not in everything.text


def test_a_date_filter_that_leaves_nothing_still_counts_the_undated(tmp_path: Path, settings: Settings) -> None:
    ingest([_okafor_corpus(tmp_path / "corpus")], settings)
    index = NewsIndex.open(settings)

    answer = index.ask("What did Lena Okafor say?", since="2026-12-01")

    assert answer.mode is AnswerMode.NONE
    assert answer.undated_hidden == 1


def test_a_factual_answer_under_a_date_filter_counts_the_undated_articles_too(
        tmp_path: Path, settings: Settings) -> None:
    ingest([_okafor_corpus(tmp_path / "corpus")], settings)
    index = NewsIndex.open(settings)

    answer = index.ask("Will the shelter stay open?", since="2026-11-01")

    assert answer.undated_hidden == 1
    assert answer_json(answer)["undated_hidden"] == 1
    assert "1 undated article was left out by the date filter." in answer.text


def test_a_card_is_headed_by_the_spelling_the_corpus_uses_most(demo_index: NewsIndex) -> None:
    # One quote each here, but the corpus writes "Hallberg" in five paragraphs and "Halberg" in one.
    answer = demo_index.ask("who said what about the union's containers?")
    [group] = [g for g in answer.speakers if g.variants]
    assert (group.speaker, group.variants) == ("Jonas Hallberg", ("Jonas Halberg",))


def test_a_described_speaker_is_found_through_the_sentence_that_describes_them(demo_index: NewsIndex) -> None:
    # No quote calls her a baker: "Petra Sollis, who runs a bakery on Quay Street, waded out ...";
    # "Local residents said ..." in the same paragraph is somebody else.
    answer = demo_index.ask("What did the Quay Street baker say?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert {g.speaker for g in answer.speakers} == {"Petra Sollis"}
    assert answer.confidence is Confidence.ANSWERED


@pytest.mark.parametrize(
    "question",
    ["What did Ester Vallin say?",
     # The sentence naming him quotes the ministry that appointed him, not him.
     "What did the mediator Piotr Salo say about the agreement that ended the Kessmouth strike?",
     # 'Malinen said: "... the same treatment as a bottling plant"': his words describe nobody.
     "What did the owners of the bottling plants in Brennholt say about the water restrictions?"],
)
def test_a_person_named_but_never_quoted_is_refused(demo_index: NewsIndex, question: str) -> None:
    answer = demo_index.ask(question)
    assert answer.mode is AnswerMode.NONE
    assert answer.refusal is not None and answer.refusal.reason is RefusalReason.UNKNOWN_SPEAKER


@pytest.mark.parametrize(
    ("question", "speaker", "unmatched"),
    [
        # Her words about the valley's water, none about wildfires.
        ("What did Governor Voss say about wildfire preparedness in the Calder Valley?", "Helena Voss",
         ("wildfire", "preparedness")),
        # An email about employees that never names Fernline.
        ("What did Quillon Systems say about its former employees setting up Fernline?", "Quillon Systems",
         ("former", "setting", "Fernline")),
    ],
)
def test_quotes_that_only_touch_the_topic_are_a_tentative_answer(
    demo_index: NewsIndex, question: str, speaker: str, unmatched: tuple[str, ...]
) -> None:
    answer = demo_index.ask(question)
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert answer.confidence is Confidence.TENTATIVE
    assert {g.speaker for g in answer.speakers} == {speaker}
    assert answer.unmatched == unmatched
    assert answer.text.startswith(f"No statement is clearly about {answer.topic}, and none of their paragraphs")
    assert answer_json(answer)["confidence"] == "tentative"


@pytest.mark.parametrize(
    "question",
    ["What did Okafor say about the flood?", "Who said what about water rationing?",
     "What did Governor Voss say about the flood defences?",
     # Asked about one person, one word of the topic in their paragraph will do: questions paraphrase.
     "What did the Quay Street baker say about starting over after the water swept through her business?",
     "What did Okafor warn would happen if the river defences are not made higher?"],
)
def test_quotes_about_the_whole_topic_are_answered(demo_index: NewsIndex, question: str) -> None:
    answer = demo_index.ask(question)
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert answer.confidence is Confidence.ANSWERED
