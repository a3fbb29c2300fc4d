"""Asking questions: attribution, extractive answers, refusals, follow-ups, spellings, filters."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest
from rag import AnswerMode, NewsIndex, Settings
from rag.text import fold


def speakers_of(answer) -> set[str]:
    return {fold(q.speaker) for q in answer.quotes}


def cited_paragraphs(answer, speaker_part: str) -> set[int]:
    by_n = {c.n: c.paragraph for c in answer.citations}
    return {by_n[q.citation] for q in answer.quotes if speaker_part in fold(q.speaker)}


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
    assert "Denis Pushilin" in answer.text and "head of the Donetsk" in answer.text


def test_every_attributed_quote_is_in_its_cited_paragraph(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("who said what about Seversk?")
    by_n = {c.n: c for c in answer.citations}
    for quote in answer.quotes:
        first_words = " ".join(quote.text.split()[:5])
        assert first_words in by_n[quote.citation].text


def test_what_did_surname_say_finds_the_full_name(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert speakers_of(answer) == {"denis pushilin"}
    assert any("buffer zone" in q.text for q in answer.quotes)


def test_speaker_matches_across_scripts(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Пушилин say?")
    assert speakers_of(answer) == {"denis pushilin"}


@pytest.mark.parametrize("spelling", ["Siversk", "Сіверськ", "Северск"])
def test_place_names_match_across_spellings(seed_index: NewsIndex, spelling: str) -> None:
    hits = seed_index.search(f"evacuation of civilians in {spelling}", k=3)
    assert any("evacuating civilians" in h.paragraph.text for h in hits)


def test_extractive_answer_cites_the_sentence_that_answers(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("How did losing the city affect Ukraine's position in talks?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "weakened Ukraine's leverage in negotiations" in answer.text
    assert answer.text.count("[") == len(answer.citations) or answer.citations
    for c in answer.citations:
        assert f"[{c.n}]" in answer.text


def test_absent_subject_is_refused_plainly(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did the mayor of Lisbon say about tourism?")
    assert answer.mode is AnswerMode.NONE
    assert "Lisbon" in answer.reason
    assert answer.nearest  # the nearest articles are listed instead
    assert not answer.citations


def test_unrelated_question_gets_no_answer_from_weak_matches(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("what is the best recipe for banana bread")
    assert answer.mode is AnswerMode.NONE
    assert "weak" in answer.reason.lower() or "no paragraph" in answer.reason.lower()


def test_answer_from_paragraphs_that_miss_the_question_is_refused(demo_index: NewsIndex) -> None:
    # The demo corpus has storms and a port at Kessmouth, but no bridge collapsed anywhere.
    answer = demo_index.ask("Which bridge in Kessmouth collapsed during the autumn storms?")
    assert answer.mode is AnswerMode.NONE
    assert "weak" in answer.reason.lower()
    assert "\u201cbridge\u201d" in answer.reason and "\u201ccollapsed\u201d" in answer.reason
    assert answer.nearest


def test_paraphrased_question_is_still_answered(demo_index: NewsIndex) -> None:
    # "mobile homes" is the article's "caravans": most of the question's words are still there.
    answer = demo_index.ask("How many displaced Varnholm families are still housed in mobile homes?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert answer.citations


def test_subject_mentioned_but_nobody_quoted(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "mill.txt").write_text(
        "County Gazette\nBusiness\n\nBrenwick Mill Closes After 90 Years\n\n"
        "The Brenwick mill closed on Friday after ninety years of operation.\n\n"
        "Its machinery will be sold at auction next month.\n", encoding="utf-8")
    (tmp_path / "vote.txt").write_text(
        "County Gazette\nPolitics\n\nCouncil Passes Budget\n\n"
        '"This budget keeps libraries open," said council leader Mara Voss.\n', encoding="utf-8")
    ingest([tmp_path], settings)
    answer = NewsIndex.open(settings).ask("Who commented on the Brenwick mill?")
    assert answer.mode is AnswerMode.NONE
    assert "nobody" in answer.reason.lower() and "quoted" in answer.reason.lower()


def test_follow_up_what_else_did_he_say_keeps_the_speaker(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say about the buffer zone?")
    follow = seed_index.ask("What else did he say?", history=[first])
    assert follow.mode is AnswerMode.ATTRIBUTION
    assert speakers_of(follow) == {"denis pushilin"}
    assert {q.text for q in follow.quotes}.isdisjoint({q.text for q in first.quotes})


def test_follow_up_and_the_analysts_keeps_the_topic(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say about Seversk?")
    follow = seed_index.ask("And the analysts?", history=[first])
    assert follow.mode is AnswerMode.ATTRIBUTION
    assert all("analysts" in s for s in speakers_of(follow))


def test_follow_up_when_was_that_gives_the_dates_of_the_sources(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    follow = seed_index.ask("When was that?", history=[("What did Pushilin say?", first)])
    assert follow.citations
    assert "Los Angeles Chronicle" in follow.text


def test_near_duplicate_wire_paragraphs_collapse_into_one_hit(tmp_path: Path, settings: Settings) -> None:
    wire = "The regional dam at Olvenmoor released water for the first time in six years on Sunday."
    for source, title in (("North Post", "Dam Opens Gates"), ("South Daily", "Olvenmoor Dam Releases Water")):
        (tmp_path / f"{source}.txt").write_text(f"{source}\nNews\n\n{title}\n\n{wire}\n\nMore from {source}.\n",
                                                encoding="utf-8")
    ingest([tmp_path], settings)
    hits = NewsIndex.open(settings).search("Olvenmoor dam water release", k=3)
    assert hits[0].sources == ("North Post", "South Daily") or set(hits[0].sources) == {"North Post", "South Daily"}
    assert sum(1 for h in hits if h.paragraph.text == wire) == 1


def test_filters_apply_to_search(tmp_path: Path, settings: Settings) -> None:
    for source, date in (("North Post", "2026-01-05"), ("South Daily", "2026-03-01")):
        (tmp_path / f"{source}.json").write_text(
            f'{{"title": "Ferry news from {source}", "source": "{source}", "date": "{date}", '
            f'"text": "The Lakeside ferry resumed service, {source} reports."}}', encoding="utf-8")
    ingest([tmp_path], settings)
    index = NewsIndex.open(settings)
    assert {h.paragraph.source for h in index.search("Lakeside ferry", source="south daily")} == {"South Daily"}
    assert {h.paragraph.source for h in index.search("Lakeside ferry", since="2026-02-01")} == {"South Daily"}
    assert {h.paragraph.source for h in index.search("Lakeside ferry", until="2026-02-01")} == {"North Post"}


def test_hit_inside_a_two_paragraph_quote_brings_its_neighbour(seed_index: NewsIndex) -> None:
    hits = seed_index.search("the challenge now is for Ukraine to reassert its position", k=1)
    assert hits[0].paragraph.number == 9
    assert [p.number for p in hits[0].context] == [8]
    assert "said Dr. Elena Petrova" in hits[0].context[0].text


def test_extra_spelling_table_extends_the_built_in_one(tmp_path: Path, seed_settings: Settings) -> None:
    table = tmp_path / "variants.json"
    table.write_text('{"groups": [["Seversk", "Sewersk"]]}', encoding="utf-8")
    plain = NewsIndex.open(seed_settings)
    extended = NewsIndex.open(seed_settings.replace(variants=str(table)))

    def keyword_hits(index: NewsIndex) -> list:
        return index.retriever.keyword("Sewersk", 5, index.filters(), index.store.keyword_cache())

    assert keyword_hits(plain) == []
    assert len(keyword_hits(extended)) >= 5


def test_broken_spelling_table_names_the_file(tmp_path: Path, seed_settings: Settings) -> None:
    from rag import ConfigError

    table = tmp_path / "variants.json"
    table.write_text("{oops", encoding="utf-8")
    with pytest.raises(ConfigError, match="variants.json"):
        NewsIndex.open(seed_settings.replace(variants=str(table)))


def test_broad_topic_shows_the_most_relevant_speakers_and_counts_the_rest(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rag.answer

    lines = ["Harbour Post\nPort\n\nEveryone Has a View on the Harbour\n"]
    for i, name in enumerate(["Ana Berg", "Carl Dunn", "Eva Falk", "Gus Holm", "Ida Juhl"]):
        lines.append(f'"The harbour needs dredging before winter, point {i}," said {name}, a pilot.\n')
    (tmp_path / "harbour.txt").write_text("\n".join(lines), encoding="utf-8")
    ingest([tmp_path], settings)
    monkeypatch.setattr(rag.answer, "MAX_SPEAKERS", 3)
    answer = NewsIndex.open(settings).ask("Who said what about the harbour?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    assert len({q.speaker for q in answer.quotes}) == 3
    assert "2 more statements about harbour by 2 other speakers" in answer.text


def test_warm_builds_the_indexes_a_first_question_would_wait_for(seed_settings: Settings) -> None:
    index = NewsIndex.open(seed_settings).warm()
    assert index.answerer.speaker_profile("Denis Pushilin")
    assert index.ask("What did Pushilin say?").mode is AnswerMode.ATTRIBUTION


def test_search_for_what_a_speaker_said_prefers_paragraphs_quoting_them(demo_index: NewsIndex) -> None:
    # The paragraph never says "leader" or "farmers": the quote records know Malinen heads the growers.
    question = "What did the farmers' leader say the water authority should sort out before cutting supplies?"
    hits = demo_index.search(question, k=5)
    assert any("Fix your pipes before you take our water" in h.paragraph.text for h in hits)
    demo_index.answerer.prefer_quoted = False
    try:
        hits = demo_index.search(question, k=5)
    finally:
        demo_index.answerer.prefer_quoted = True
    assert not any("Fix your pipes before you take our water" in h.paragraph.text for h in hits)


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
    assert {q.speaker for q in answer.quotes} == {speaker}


def test_description_of_someone_never_quoted_is_still_refused(demo_index: NewsIndex) -> None:
    # Ester Vallin leads the flood review but is never quoted; others in her paragraph are.
    answer = demo_index.ask("What did the retired judge Ester Vallin say about the failures in the flood warning system?")
    assert answer.mode is AnswerMode.NONE
    assert "Ester Vallin" in answer.reason


def test_who_said_what_about_a_two_word_topic_needs_both_words(demo_index: NewsIndex) -> None:
    # "The water rose within an hour" is about the flood, not about water rationing.
    answer = demo_index.ask("Who said what about water rationing?")
    speakers = {q.speaker for q in answer.quotes}
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
