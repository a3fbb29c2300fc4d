"""Refusals: when the corpus cannot answer, the answer says so, and which case it is."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ingest import ingest
from rag import AnswerMode, Confidence, NewsIndex, RefusalReason, Settings, Tuning
from rag.text import name_runs


def test_absent_subject_is_refused_plainly(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did the mayor of Lisbon say about tourism?")
    assert answer.mode is AnswerMode.NONE
    assert "Lisbon" in answer.reason
    assert not answer.nearest  # no article shares the subject: none is offered as if it were a lead
    assert not answer.citations


def test_unknown_name_in_a_factual_question_is_named(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("Why did the army leave Lisbon?")
    assert answer.refusal.reason is RefusalReason.NOT_MENTIONED
    assert answer.refusal.missing_terms == ("Lisbon",)
    assert answer.reason == "No article in the corpus mentions Lisbon."


def test_unrelated_question_gets_no_answer_from_weak_matches(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("what is the best recipe for banana bread")
    assert answer.mode is AnswerMode.NONE
    assert answer.refusal.reason in (RefusalReason.WEAK_MATCHES, RefusalReason.NO_MATCH)


def test_the_guard_keeps_close_paragraphs_holding_little_of_the_question_tentative(
        demo_index: NewsIndex) -> None:
    # Flood stories about Varnholm come close in meaning (cosine 0.73), but none mentions house
    # prices: the score alone answers (the default); with the guard set, the answer is tentative.
    question = "How much have house prices in Varnholm fallen since the flood?"
    answer = demo_index.ask(question)
    assert answer.answerability is not None and answer.answerability >= Tuning().answer_above
    assert answer.confidence is Confidence.ANSWERED
    guarded = NewsIndex.open(demo_index.settings, tuning=Tuning(sure_coverage=0.35)).ask(question)
    assert guarded.confidence is Confidence.TENTATIVE
    assert guarded.sentences == answer.sentences  # the same closest sentences, marked


def test_answer_from_paragraphs_that_miss_the_question_is_unsure_and_names_what_is_missing(
        demo_index: NewsIndex) -> None:
    # The demo corpus has storms and a port at Kessmouth, but no bridge collapsed anywhere: the
    # closest paragraphs score under the fitted refusal threshold, and the refusal names the words.
    question = "Which bridge in Kessmouth collapsed during the autumn storms?"
    refused = demo_index.ask(question)
    assert refused.refusal.reason is RefusalReason.WEAK_MATCHES
    assert {"bridge", "collapsed"} <= set(refused.refusal.missing_terms)
    assert "\u201cbridge\u201d" in refused.reason and "\u201ccollapsed\u201d" in refused.reason
    assert refused.nearest

    # Under a lower refusal threshold it is tentative: the closest sentences, cited, under a lead
    # line naming what they never mention, and never a confident answer.
    lenient = NewsIndex.open(demo_index.settings, tuning=Tuning(refuse_below=0.0))
    answer = lenient.ask(question)
    assert answer.confidence is Confidence.TENTATIVE
    assert {"bridge", "collapsed"} <= set(answer.unmatched)
    lead = answer.text.split("\n", 1)[0]
    assert lead.startswith("No paragraph clearly answers this, and the closest never mention")
    assert "\u201cbridge\u201d" in lead and "\u201ccollapsed\u201d" in lead and answer.citations


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
    assert answer.refusal.reason is RefusalReason.NOBODY_QUOTED
    assert answer.refusal.subject == "Brenwick mill"
    assert answer.reason == "Articles mention Brenwick mill, but nobody in them is quoted about it."


def test_follow_up_with_nothing_more_says_so(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    follow = seed_index.ask("What else did he say?", history=[first])
    assert follow.refusal.reason is RefusalReason.NOTHING_MORE
    assert "Denis Pushilin" in follow.reason


def test_when_was_that_with_nothing_cited_before_is_refused(seed_index: NewsIndex) -> None:
    first = seed_index.ask("Who said what about Lisbon?")  # refused: nothing cited to date
    answer = seed_index.ask("When was that?", [first])
    assert answer.refusal.reason is RefusalReason.NO_EARLIER_ANSWER
    assert "no earlier answer" in answer.reason


def test_refusal_says_when_filters_hid_the_articles_that_would_answer(seed_index: NewsIndex) -> None:
    # The Seversk story is undated, so a "published from" filter leaves it out.
    answer = seed_index.ask("who said what about Seversk?", since="2026-10-01")
    assert answer.mode is AnswerMode.NONE
    assert answer.refusal.hidden_by_filters == 1
    assert answer.reason == ("1 article mentions Seversk but is outside your source or date filters; "
                             "none inside them does.")
    assert seed_index.ask("who said what about Seversk?").mode is AnswerMode.ATTRIBUTION


# -- names and weak matches on quiz-style questions (made-up articles) ---------------------------

QUIZ_ARTICLES = {
    "ferry.txt": ("Harbour Post\nCrime\n\nGold Found In Coat Lining\n\n"
                  "Customs officers at Kessport harbour found four kilograms of gold sewn into the lining of a "
                  "traveller's coat as she boarded the overnight ferry, the border agency said on Tuesday.\n"),
    "visa.txt": ("Court Wire\nSport\n\nTennis Star Released\n\n"
                 "Varga was detained at the airport in Melbourne after her visa was cancelled, and a judge later "
                 "ordered her release so she could play in the tournament.\n"),
    "bees.txt": ("Valley Times\nWorld\n\nBeekeepers Protest\n\n"
                 "Chilean beekeepers brought ten thousand bees to the steps of the presidential palace to protest "
                 "against the government's response to a failing honey industry.\n"),
    "growth.txt": ("Money Desk\nEconomy\n\nGrowth Forecast Cut\n\n"
                   "The IMF expects the Freedonian economy to shrink next year, the slowest growth of any large "
                   "economy it forecasts.\n"),
}


@pytest.fixture(scope="module")
def quiz_index(tmp_path_factory: pytest.TempPathFactory) -> NewsIndex:
    folder = tmp_path_factory.mktemp("quiz")
    for name, text in QUIZ_ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = Settings.load(env={}, db=folder / "db")
    ingest([folder / name for name in QUIZ_ARTICLES], settings)
    return NewsIndex.open(settings)


def test_names_are_runs_of_capitalised_words() -> None:
    assert name_runs("Tennis champion Novak Djokovic has been the subject of a row in which country?") == [
        "Novak Djokovic"]  # a lone sentence-opening word is no name
    assert name_runs("Punxsutawney Phil saw his shadow on Groundhog Day! What does this mean?") == [
        "Punxsutawney Phil", "Groundhog Day"]
    assert name_runs("Which character did M&M's add this week?") == []  # one letter, "&" pieces
    assert name_runs("AT&T and Verizon will delay 5G where?") == ["Verizon"]
    assert name_runs("Why did the army leave Lisbon?") == ["Lisbon"]


def test_a_name_is_known_by_its_surname_initials_or_adjective(quiz_index: NewsIndex) -> None:
    snapshot = quiz_index.answerer.snapshot()
    assert snapshot.unknown_runs(["Mirela Varga", "International Monetary Fund", "Chile", "Oslo"], 5) == ["Oslo"]
    assert snapshot.unknown_runs(["Chile"], 0) == ["Chile"]  # without the shared-stem rule


def test_first_name_the_passage_does_not_repeat_is_no_refusal(quiz_index: NewsIndex) -> None:
    answer = quiz_index.ask("Tennis champion Mirela Varga was detained in which city after her visa was cancelled?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "Melbourne" in answer.text


def test_adjective_form_of_a_country_is_a_mention(quiz_index: NewsIndex) -> None:
    answer = quiz_index.ask("What did demonstrators bring to the steps of Chile's presidential palace?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "bees" in answer.text


def test_initials_are_a_mention(quiz_index: NewsIndex) -> None:
    answer = quiz_index.ask("According to the International Monetary Fund, which economy will grow the slowest?")
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "Freedonian" in answer.text


def test_context_name_the_answering_passage_omits_is_no_refusal(quiz_index: NewsIndex) -> None:
    question = "Where did customs officers find gold hidden on a traveller boarding a ferry to Oslo?"
    answer = quiz_index.ask(question)
    assert answer.mode is AnswerMode.EXTRACTIVE
    assert "lining" in answer.text
    # The old rule (any unknown name refuses) said "No article in the corpus mentions Oslo".
    strict = NewsIndex.open(quiz_index.settings, tuning=Tuning(not_mentioned_share=0.001, context_name_similarity=1.01))
    assert strict.ask(question).refusal.missing_terms == ("Oslo",)


def test_subject_in_no_article_is_still_not_mentioned(quiz_index: NewsIndex) -> None:
    answer = quiz_index.ask("Why did Zorbania close its embassy?")
    assert answer.refusal.reason is RefusalReason.NOT_MENTIONED
    assert answer.refusal.missing_terms == ("Zorbania",)
    # Beside a name the corpus knows, the unknown one goes on to the weak-match checks: still refused.
    beside = quiz_index.ask("Why did Zorbania close its embassy in Kessport?")
    assert beside.refusal.reason is RefusalReason.WEAK_MATCHES


def test_chatty_words_are_forgiven_only_when_the_paragraph_is_close(quiz_index: NewsIndex) -> None:
    question = ("Amid the glitz and glamour of a busy holiday weekend, what did customs officers at Kessport "
                "harbour find sewn into the lining of a traveller's coat?")
    forgiven = quiz_index.ask(question)
    assert forgiven.mode is AnswerMode.EXTRACTIVE and forgiven.confidence is Confidence.ANSWERED
    checked = NewsIndex.open(quiz_index.settings, tuning=Tuning(answerability_uncovered=1.0)).ask(question)
    # Counted in full, the chatty words ("glitz", "glamour", about half the question) weigh it down.
    assert checked.answerability is not None and forgiven.answerability is not None
    assert checked.answerability < forgiven.answerability - 0.3


def test_unrelated_question_about_known_words_is_a_weak_match(quiz_index: NewsIndex) -> None:
    answer = quiz_index.ask("Which airline cancelled thousands of flights over the holiday weekend?")
    assert answer.refusal.reason is RefusalReason.WEAK_MATCHES


def test_nearest_articles_are_offered_only_when_they_share_the_subject(demo_index: NewsIndex) -> None:
    strict = NewsIndex.open(demo_index.settings, tuning=Tuning(refuse_below=0.6, answer_above=0.6))
    answer = strict.ask("Which bridge in Kessmouth collapsed during the autumn storms?")
    assert answer.refusal is not None and answer.nearest
    for nearest in answer.refusal.nearest:
        text = " ".join(p.text for p in demo_index.article(nearest.article_id)) + nearest.title
        assert "Kessmouth" in text, nearest.title
    unrelated = demo_index.ask("who said what about Atlantis?")
    assert unrelated.refusal is not None and not unrelated.nearest


def test_who_said_what_about_something_no_article_names_says_so(demo_index: NewsIndex) -> None:
    """Not "only weak matches": the subject is in no article at all, and the refusal says that."""
    answer = demo_index.ask("who said what about Atlantis?")
    assert answer.refusal.reason is RefusalReason.NOT_MENTIONED
    assert answer.reason == "No article in the corpus mentions Atlantis."
    assert not answer.nearest


def _ferry_corpus(folder: Path, settings: Settings) -> NewsIndex:
    (folder / "ferry.json").write_text(
        '{"title": "Lakeside ferry to resume crossings", "source": "North Post", "date": "2026-01-05", '
        '"text": "The Lakeside ferry will resume crossings on Monday after repairs to its hull, the operator said."}',
        encoding="utf-8")
    ingest([folder], settings)
    return NewsIndex.open(settings)


def test_a_question_about_this_week_is_not_answered_from_old_news(tmp_path: Path, settings: Settings) -> None:
    index = _ferry_corpus(tmp_path, settings)
    question = "When will the Lakeside ferry resume crossings this week?"
    # As of the article's own week it answers...
    assert index.ask(question).mode is AnswerMode.EXTRACTIVE
    # ...two months later the same article is old news, and the refusal says so with its date.
    answer = index.ask(question, until="2026-03-02")
    assert answer.refusal.reason is RefusalReason.NOTHING_RECENT
    assert answer.refusal.as_of == "2026-03-02"
    assert answer.reason.startswith("No recent article answers this")
    assert "2026-01-05" in answer.reason
    # A question that does not ask about the present still gets the old article.
    assert index.ask("When did the Lakeside ferry resume crossings?", until="2026-03-02").mode is AnswerMode.EXTRACTIVE


# -- how sure an answer is -----------------------------------------------------------------------

_ANSWERABLE = "How many displaced Varnholm families are still housed in mobile homes?"


def test_answerability_between_the_two_thresholds_gives_a_tentative_extractive_answer(
    demo_settings: Settings,
) -> None:
    sure = NewsIndex.open(demo_settings, tuning=Tuning(refuse_below=0.0, answer_above=0.0)).ask(_ANSWERABLE)
    unsure = NewsIndex.open(demo_settings, tuning=Tuning(refuse_below=0.0, answer_above=5.0)).ask(_ANSWERABLE)
    strict = NewsIndex.open(demo_settings, tuning=Tuning(refuse_below=5.0, answer_above=5.0)).ask(_ANSWERABLE)

    assert sure.mode is unsure.mode is AnswerMode.EXTRACTIVE
    assert sure.confidence is Confidence.ANSWERED
    assert unsure.confidence is Confidence.TENTATIVE
    assert unsure.sentences == sure.sentences and unsure.citations == sure.citations  # the closest, still cited
    assert strict.mode is AnswerMode.NONE and strict.confidence is Confidence.REFUSED
    assert strict.refusal.reason is RefusalReason.WEAK_MATCHES


def test_default_thresholds_answer_an_answerable_question_and_refuse_an_absent_subject(demo_index: NewsIndex) -> None:
    assert demo_index.ask(_ANSWERABLE).confidence is Confidence.ANSWERED
    absent = demo_index.ask("What did the mayor of Lisbon say about tourism?")
    assert absent.mode is AnswerMode.NONE and absent.confidence is Confidence.REFUSED


def test_who_said_what_and_when_answers_keep_their_own_rules(demo_settings: Settings) -> None:
    unsure = NewsIndex.open(demo_settings, tuning=Tuning(refuse_below=0.0, answer_above=5.0))
    quoted = unsure.ask("who said what about the flood?")
    assert quoted.mode is AnswerMode.ATTRIBUTION and quoted.confidence is Confidence.ANSWERED
    factual = unsure.ask(_ANSWERABLE)
    dated = unsure.ask("When was that?", history=[factual])
    assert dated.mode is AnswerMode.EXTRACTIVE and dated.confidence is Confidence.ANSWERED


def test_a_refusal_names_the_subject_as_the_user_wrote_it(demo_index: NewsIndex) -> None:
    for question in ("Who won the 2022 World Cup?", "Who said what about the 2022 World Cup?"):
        answer = demo_index.ask(question)
        assert answer.refusal is not None and answer.refusal.reason is RefusalReason.NOT_MENTIONED
        assert answer.text == "No article in the corpus mentions the 2022 World Cup."


GOLD_QUESTION = "What did customs officers at Kessport harbour find in the lining of a coat?"


@pytest.fixture(scope="module")
def gold_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One article dated 2026-03-03 that answers ``GOLD_QUESTION``: asked as of later days."""
    folder = tmp_path_factory.mktemp("gold")
    article = {"title": "Gold Found In Coat Lining", "source": "Harbour Post", "date": "2026-03-03",
               "paragraphs": ["Customs officers at Kessport harbour found four kilograms of gold sewn into the "
                              "lining of a traveller's coat as she boarded the overnight ferry."]}
    (folder / "gold.json").write_text(json.dumps(article), encoding="utf-8")
    settings = Settings.load(env={}, db=folder / "db")
    ingest([folder / "gold.json"], settings)
    return settings


def test_a_question_asked_long_after_its_evidence_needs_stronger_evidence(gold_settings: Settings) -> None:
    # News questions ask about the latest news: the same paragraph, a year older than the day asked
    # about, answers less surely (rag.evidence.staleness), and not at all when the knob is off.
    index = NewsIndex.open(gold_settings)
    fresh, year_on = index.ask(GOLD_QUESTION, until="2026-03-03"), index.ask(GOLD_QUESTION, until="2027-03-03")
    assert fresh.confidence is Confidence.ANSWERED and "gold" in fresh.text
    assert fresh.answerability is not None and year_on.answerability is not None
    assert year_on.answerability == pytest.approx(fresh.answerability - 0.1 * math.log1p(365 / 7))
    ageless = NewsIndex.open(gold_settings, tuning=Tuning(answerability_age=0)).ask(GOLD_QUESTION, until="2027-03-03")
    assert ageless.answerability == pytest.approx(fresh.answerability)


def test_a_tentative_answer_says_how_old_its_closest_paragraph_is(gold_settings: Settings) -> None:
    unsure = NewsIndex.open(gold_settings, tuning=Tuning(refuse_below=-9.0, answer_above=9.0))  # all tentative
    year_on = unsure.ask(GOLD_QUESTION, until="2027-03-03")
    assert year_on.confidence is Confidence.TENTATIVE
    assert (year_on.closest_date, year_on.as_of) == ("2026-03-03", "2027-03-03")
    assert year_on.text.startswith(
        "No paragraph clearly answers this. The closest, from 2026-03-03, 365 days before 2027-03-03:")
    days_on = unsure.ask(GOLD_QUESTION, until="2026-03-05")  # this week's news: its age is no reason
    assert days_on.confidence is Confidence.TENTATIVE and not days_on.closest_date
    assert days_on.text.startswith("No paragraph clearly answers this. The closest:")
