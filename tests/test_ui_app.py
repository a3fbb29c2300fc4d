"""The Streamlit chat through Streamlit's ``AppTest``: the real app script against real indexes.

The app reads ``NEWSRAG_DB`` like ``newsrag ui`` sets it; each test points it at a temp index.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest import ingest
from rag import (
    Answer,
    AnswerMode,
    Confidence,
    Filters,
    NewsIndex,
    QuoteKind,
    Settings,
    SpeakerStatements,
    Statement,
    Tuning,
)
from rag.render.markdown import (
    TENTATIVE_LEAD,
    escape_markdown,
    highlight_markdown,
    lead_line,
    speaker_heading,
)
from rag.render.speech import statement_sentence
from ui.cards import statements_markdown

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "ui" / "app.py")
INJECTION = Path(__file__).parent / "fixtures" / "ui" / "injection.json"
BROKEN_JSON = b'{"title": "Half an article", "paragraphs": [\n'
# Thirteen pilots quoted about the harbour, one of them eight times: more speakers than an answer
# shows (ten), and more statements by one speaker than a card shows (six).
PILOTS = ["Ana Berg", "Carl Dunn", "Eva Falk", "Gus Holm", "Ida Juhl", "Karl Lund", "Mia Nord",
          "Olof Prim", "Rut Sand", "Tor Ulf", "Vera Wik", "Yngve Zorn", "Ulla Sten"]


@pytest.fixture(scope="module")
def mixed_settings(tmp_path_factory: pytest.TempPathFactory, seed_dir: Path) -> Settings:
    """The seed article (undated, Los Angeles Chronicle) plus the dated injection article."""
    settings = Settings.load(env={}, db=tmp_path_factory.mktemp("ui-mixed") / "db")
    report = ingest([seed_dir, INJECTION], settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="module")
def harbour_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("ui-harbour")
    paragraphs = [f'"The harbour needs dredging before winter, point {i}," said {name}, a pilot.'
                  for i, name in enumerate(PILOTS)]
    paragraphs += [f'"The harbour wall needs repair number {i} before the storms," said Ana Berg.'
                   for i in range(7)]
    (folder / "harbour.json").write_text(json.dumps({
        "title": "Everyone Has a View on the Harbour", "source": "Harbour Post", "date": "2026-09-01",
        "paragraphs": paragraphs,
    }), encoding="utf-8")
    settings = Settings.load(env={}, db=folder / "db")
    report = ingest([folder / "harbour.json"], settings)
    assert not report.failed, report.failed
    return settings


def _point_app_at(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    for key in list(os.environ):
        if key.startswith("NEWSRAG_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NEWSRAG_DB", str(db))


def _app(monkeypatch: pytest.MonkeyPatch, db: Path) -> AppTest:
    _point_app_at(monkeypatch, db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    deadline = time.monotonic() + 60
    while _opening(at):  # the page is drawn at once; the index opens behind it
        assert time.monotonic() < deadline, "the index did not open in 60 s"
        time.sleep(0.2)
        at.run()
    assert not at.exception, at.exception
    return at


def _first_turn_sources(n: int) -> str:
    """Where the first answer's ``[n]`` links to: its source ``n`` below it."""
    return f"#src-0-0-{n}"


def _opening(at: AppTest) -> bool:
    return any("Opening the news index" in c.value for c in at.caption)


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def _all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


# -- chat ------------------------------------------------------------------------------------------


def test_who_said_what_shows_each_speaker_once_as_a_card_under_a_lead_line(
    monkeypatch: pytest.MonkeyPatch, seed_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "who said what about Seversk?")
    answer = at.session_state.history[-1]
    assert answer.mode is AnswerMode.ATTRIBUTION and len(answer.speakers) >= 2
    shown = _all_markdown(at)
    assert at.chat_message[1].markdown[0].value == escape_markdown(lead_line(answer))  # above the cards
    assert shown.count("**Denis Pushilin**") == 1 and shown.count("**Elena Petrova**") == 1
    for group in answer.speakers:  # one card each, every statement once
        assert shown.count(statements_markdown(group, _first_turn_sources)) == 1
        for s in group.statements:
            assert shown.count(escape_markdown(statement_sentence(group.speaker, s))) == 1
    assert "newsrag quotes" not in shown and "more statements" not in shown
    assert not [b for b in at.button if b.key and b.key.startswith("show-all-")]  # nothing left out
    assert len(answer.citations) >= 2 and len({c.article_id for c in answer.citations}) == 1
    [label] = [e.label for e in at.expander]  # one story cited many times: named once
    paragraphs = ", ".join(f"\u00b6{n}" for n in sorted({c.paragraph for c in answer.citations}))
    assert label == escape_markdown(f"{answer.citations[0].title} \u00b7 LA Chronicle \u00b7 undated \u00b7 {paragraphs}")
    inside = "\n".join(m.value for m in at.expander[0].markdown)
    for c in answer.citations:  # each cited paragraph inside, under its [n]
        assert f"**\\[{c.n}\\]** *\u00b6{c.paragraph}*" in inside


def test_show_all_asks_again_for_every_speaker_and_statement(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, harbour_settings.db), "Who said what about the harbour?")
    cut = at.session_state.history[-1]
    assert (cut.shown_speakers, cut.total_speakers) == (10, 13)
    captions = [c.value for c in at.caption]
    assert any(c.startswith("showing 10 of 13 speakers") for c in captions)
    assert "showing 6 of 8 statements" in captions  # Ana Berg's card
    assert "newsrag quotes" not in _all_markdown(at)
    at.button(key="show-all-0-0").click().run()
    assert not at.exception, at.exception
    [full] = at.session_state.history  # the turn's answer replaced, not a new turn
    assert full.question == cut.question
    assert {g.speaker for g in full.speakers} == set(PILOTS)
    assert all(len(g.statements) == g.total for g in full.speakers)
    shown = _all_markdown(at)
    assert all(shown.count(f"**{escape_markdown(name)}**") == 1 for name in PILOTS)
    assert all(shown.count(statements_markdown(g, _first_turn_sources)) == 1 for g in full.speakers)
    assert [len(g.statements) for g in full.speakers if g.speaker == "Ana Berg"] == [8]
    assert not [c.value for c in at.caption if c.value.startswith("showing")]
    assert "show-all-0-0" not in {b.key for b in at.button}


def test_show_all_keeps_the_filters_the_turn_was_asked_with(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings
) -> None:
    at = _app(monkeypatch, harbour_settings.db)
    at.date_input(key="since").set_value(date(2026, 8, 1)).run()
    _ask(at, "Who said what about the harbour?")
    at.date_input(key="since").set_value(date(2026, 10, 1)).run()  # would leave nothing to show
    at.button(key="show-all-0-0").click().run()
    assert not at.exception, at.exception
    [full] = at.session_state.history
    assert full.mode is AnswerMode.ATTRIBUTION and full.total_speakers == full.shown_speakers == 13


def test_citation_shows_its_paragraph_and_neighbours_on_request(
    monkeypatch: pytest.MonkeyPatch, seed_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "what did Pushilin say?")
    cited = at.session_state.history[-1].citations[0]
    inside = "\n".join(m.value for m in at.expander[0].markdown)
    assert "Pushilin" in inside and "**" in inside  # the paragraph, quoted words in bold
    assert "this paragraph" not in inside
    at.toggle(key="neighbours-0-0-1").set_value(True).run()
    inside = "\n".join(m.value for m in at.expander[0].markdown)
    assert "*this paragraph*" in inside
    assert f"*paragraph {cited.paragraph - 1}*" in inside and f"*paragraph {cited.paragraph + 1}*" in inside


def test_a_citation_opens_the_whole_article_with_the_cited_paragraphs_marked(
    monkeypatch: pytest.MonkeyPatch, seed_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "who said what about Seversk?")
    answer = at.session_state.history[-1]
    at.toggle(key="whole-neighbours-0-0-1").set_value(True).run()
    inside = [m.value for m in at.expander[0].markdown]
    article = NewsIndex.open(seed_settings).article(answer.citations[0].article_id)
    shown = [line for line in inside if "\u00b6" in line]
    assert len(shown) == len(article)  # every paragraph, in order
    marked = {c.paragraph: c.n for c in answer.citations}
    for p, line in zip(article, shown, strict=True):
        assert f"*\u00b6{p.number}*" in line
        if p.number in marked:  # cited: its [n] first
            assert line.startswith(f"**\\[{marked[p.number]}\\]**"), line
        else:
            assert line.startswith("*\u00b6"), line


def test_follow_up_uses_the_conversation_so_far(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "what did Pushilin say?")
    _ask(at, "what else did he say?")
    first, second = at.session_state.history
    assert len(at.chat_message) == 4  # both turns redrawn: question, answer, question, answer
    assert second.speaker == first.speaker == "Denis Pushilin"
    assert not {q.text for q in first.quotes} & {q.text for q in second.quotes}


def test_refusal_shows_reason_and_nearest_articles(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "What did the mayor of Lisbon say about tourism?")
    answer = at.session_state.history[-1]
    assert answer.mode is AnswerMode.NONE and answer.reason
    shown = _all_markdown(at)
    assert escape_markdown(answer.reason) in shown
    assert all(escape_markdown(title) in shown for title in answer.nearest)
    assert not at.expander  # nothing cited


def test_tentative_answer_is_shown_muted_under_its_lead_line(
    monkeypatch: pytest.MonkeyPatch, seed_settings: Settings
) -> None:
    # The app opens its index with the default Tuning, whose thresholds leave no tentative band
    # until they are fitted; so the turn is asked with a Tuning that makes it tentative and put
    # in the chat's history, which the app draws on its next run like any earlier turn.
    question = "Why did the Ukrainian army leave Seversk?"
    unsure = NewsIndex.open(seed_settings, tuning=Tuning(refuse_below=0.0, answer_above=5.0)).ask(question)
    assert unsure.confidence is Confidence.TENTATIVE and unsure.sentences
    at = _app(monkeypatch, seed_settings.db)
    at.session_state.history = [unsure]
    at.session_state.turn_filters = [Filters()]
    at.run()
    assert not at.exception, at.exception
    muted = "\n".join(c.value for c in at.caption)
    assert escape_markdown(TENTATIVE_LEAD) in muted
    assert escape_markdown(unsure.sentences[0].text) in muted
    assert escape_markdown(unsure.sentences[0].text) not in _all_markdown(at)  # never as a confident answer
    assert at.expander  # its sources are listed as for any answer


def test_tentative_who_said_what_leads_with_a_muted_line(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    # Pushilin is quoted about Seversk, never about wildfires: his cards are the closest, said so.
    at = _ask(_app(monkeypatch, seed_settings.db), "What did Pushilin say about wildfire preparedness in Seversk?")
    answer = at.session_state.history[-1]
    assert answer.mode is AnswerMode.ATTRIBUTION and answer.confidence is Confidence.TENTATIVE
    lead = escape_markdown(lead_line(answer))
    assert lead.startswith("No statement is clearly about")
    assert lead in "\n".join(c.value for c in at.caption)
    assert lead not in _all_markdown(at)


def test_example_question_buttons_ask_the_question(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    at = _app(monkeypatch, seed_settings.db)
    examples = [b for b in at.button if b.key and b.key.startswith("example-")]
    assert examples
    label = examples[0].label
    examples[0].click().run()
    assert [escape_markdown(a.question) for a in at.session_state.history] == [label]
    assert not [b for b in at.button if b.key and b.key.startswith("example-")]


def test_clear_chat_empties_the_conversation(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    at = _ask(_app(monkeypatch, seed_settings.db), "what did Pushilin say?")
    at.button(key="clear").click().run()
    assert at.session_state.history == []
    assert not at.chat_message


def test_sidebar_shows_corpus_stats(monkeypatch: pytest.MonkeyPatch, seed_settings: Settings) -> None:
    at = _app(monkeypatch, seed_settings.db)
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "**1** articles" in sidebar and "quotes" in sidebar
    assert at.selectbox(key="source").options == ["All sources", "Los Angeles Chronicle"]


# -- filters ---------------------------------------------------------------------------------------


def test_source_filter_applies_to_the_next_question(
    monkeypatch: pytest.MonkeyPatch, mixed_settings: Settings
) -> None:
    at = _app(monkeypatch, mixed_settings.db)
    source = "Quillmouth <b>Bulletin</b>"
    at.selectbox(key="source").set_value(source).run()
    _ask(at, "who said what about the ferry terminal?")
    answer = at.session_state.history[-1]
    assert answer.citations and {c.source for c in answer.citations} == {source}
    at.selectbox(key="source").set_value("Los Angeles Chronicle").run()
    _ask(at, "who said what about the ferry terminal?")
    assert source not in {c.source for c in at.session_state.history[-1].citations}


def test_date_filter_applies_to_the_next_question(monkeypatch: pytest.MonkeyPatch, mixed_settings: Settings) -> None:
    at = _app(monkeypatch, mixed_settings.db)
    _ask(at, "who said what about the ferry terminal?")
    assert any(c.date == "2026-10-20" for c in at.session_state.history[-1].citations)
    at.date_input(key="until").set_value(date(2026, 10, 1)).run()
    _ask(at, "who said what about the ferry terminal?")
    assert not any(c.date == "2026-10-20" for c in at.session_state.history[-1].citations)


# -- untrusted article text ----------------------------------------------------------------------


def test_article_html_and_markdown_reach_the_page_escaped(
    monkeypatch: pytest.MonkeyPatch, mixed_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, mixed_settings.db), "who said what about the ferry terminal?")
    for expander in at.expander:
        expander.toggle[0].set_value(True)
    at.run()
    shown = "\n".join([_all_markdown(at), *(e.label for e in at.expander)])
    assert "Oskar Brandt" in shown
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in shown
    for raw in ("<", ">", "](javascript", "[click]", "**nobody", "**Bold", "# heading", "$x"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), shown), raw  # only ever escaped


def test_escape_markdown_leaves_no_markup() -> None:
    escaped = escape_markdown("# Title <img src=x onerror=alert(1)> [a](javascript:x) **b** $x$ :red[c]")
    assert escaped == (
        "\\# Title \\<img src\\=x onerror\\=alert\\(1\\)\\> \\[a\\]\\(javascript\\:x\\) \\*\\*b\\*\\* "
        "\\$x\\$ \\:red\\[c\\]"
    )


def test_speaker_card_keeps_its_own_structure_only() -> None:
    said = Statement(QuoteKind.DIRECT, "said", "Hi *there* [x](javascript:y)", (1, 3))
    group = SpeakerStatements("Ann <i>Lee</i>", "the **mayor**", (said,), total=1)
    answer = Answer("q", AnswerMode.ATTRIBUTION, speakers=(group,), total_speakers=1, topic="the <b>port</b>")
    assert speaker_heading(group, escape_markdown) == "**Ann \\<i\\>Lee\\<\\/i\\>** (the \\*\\*mayor\\*\\*)"
    assert statements_markdown(group) == (
        "- Ann \\<i\\>Lee\\<\\/i\\> said\\: \u201cHi \\*there\\* \\[x\\]\\(javascript\\:y\\)\u201d\\. \\[1\\]\\[3\\]"
    )
    assert escape_markdown(lead_line(answer)) == (
        "Ann \\<i\\>Lee\\<\\/i\\> is quoted about the \\<b\\>port\\<\\/b\\> \\(1 statement\\)\\:"
    )


def test_a_card_asks_for_a_described_speaker_mid_sentence_in_lower_case() -> None:
    def page() -> None:
        from rag import QuoteKind, SpeakerStatements, Statement
        from ui.cards import speaker_card

        said = Statement(QuoteKind.INDIRECT, "reported", "thousands of residents remain displaced", (1,))
        for i, name in enumerate(["Local officials", "Jonas Hallberg"]):
            speaker_card(SpeakerStatements(name, "", (said,), total=1), key=f"card-{i}", on_ask=print)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Everything local officials said", "Everything Jonas Hallberg said"]


def test_who_said_what_under_a_date_filter_says_how_many_undated_articles_it_left_out() -> None:
    def page() -> None:
        from rag import Answer, AnswerMode, Citation, QuoteKind, SpeakerStatements, Statement
        from ui.cards import show_attribution

        said = Statement(QuoteKind.DIRECT, "said", "We will never flood like this again", (1,))
        cited = Citation(1, "a1", "Council Passes Flood Levy", "Varnholm Courier", "2026-11-20", 2,
                         "\"We will never flood like this again,\" said Mayor Lena Okafor.", "levy.txt", 0.9, "p1")
        answer = Answer("What did Lena Okafor say?", AnswerMode.ATTRIBUTION, speaker="Lena Okafor", citations=(cited,),
                        speakers=(SpeakerStatements("Lena Okafor", "mayor", (said,), total=1),),
                        total_speakers=1, undated_hidden=2)
        show_attribution(answer, key="k", on_show_all=print)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception, at.exception
    assert "2 undated articles were left out by the date filter" in " ".join(c.value for c in at.caption)


def test_highlight_bolds_the_quoted_words_only() -> None:
    text = "He said 'This is a major blow,' and left."
    assert highlight_markdown(text, ["This is a major blow,"]) == (
        "He said \\'**This is a major blow**\\,\\' and left\\."
    )


# -- no index; uploads ---------------------------------------------------------------------------


def test_missing_index_page_says_how_to_ingest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = _app(monkeypatch, tmp_path / "nothing-here")
    assert "newsrag ingest" in at.info[0].value
    assert at.code[0].value.startswith("newsrag ingest data/ --db ")
    assert at.file_uploader and not at.chat_input


def test_reloading_after_an_ingest_in_the_terminal_opens_the_chat(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_dir: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "db")
    assert not at.chat_input  # no index yet: the page says how to build one
    ingest([seed_dir], Settings.load(env={}, db=tmp_path / "db"))  # `newsrag ingest` meanwhile
    reloaded = _app(monkeypatch, tmp_path / "db")
    assert reloaded.chat_input  # the failed open was not kept


def test_upload_into_an_empty_index_reports_each_bad_file_then_opens_the_chat(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = _app(monkeypatch, tmp_path / "db")
    at.file_uploader(key="uploads").set_value([
        ("injection.json", INJECTION.read_bytes(), "application/json"),
        ("broken.json", BROKEN_JSON, "application/json"),
        ("notes.pdf", b"%PDF-1.4", "application/pdf"),
    ])
    at.button(key="ingest").click().run()
    assert not at.exception, at.exception
    report = at.session_state.ingest_report
    assert report.articles_added == 1
    assert [f.path for f in report.failed] == ["broken.json"]
    assert report.skipped == ("notes.pdf",)
    errors = "\n".join(e.value for e in at.error)
    assert "broken\\.json" in errors and "db-uploads" not in errors
    assert "notes\\.pdf" in "\n".join(w.value for w in at.warning)
    # The ingested upload is kept beside the database, the refused ones are not.
    assert sorted(p.name for p in (tmp_path / "db-uploads").iterdir()) == ["injection.json"]
    assert at.chat_input  # the index exists now: the chat is open
    _ask(at, "who said what about the ferry terminal?")
    answer = at.session_state.history[-1]
    assert answer.citations
    stored = NewsIndex.open(Settings.load(env={}, db=tmp_path / "db")).article(answer.citations[0].article_id)
    assert {p.location for p in stored} == {str(tmp_path / "db-uploads" / "injection.json")}


def test_an_uploaded_export_with_a_bad_entry_is_kept_and_the_entry_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    export = json.dumps([{"title": "Pier Closed", "text": "The pier closed for repairs."},
                         {"title": "Broken", "text": None}]).encode()
    at = _app(monkeypatch, tmp_path / "db")
    at.file_uploader(key="uploads").set_value(("export.json", export, "application/json"))
    at.button(key="ingest").click().run()
    assert not at.exception, at.exception
    report = at.session_state.ingest_report
    assert report.articles_added == 1
    assert [(f.path, f.entry) for f in report.failed] == [("export.json", 2)]
    errors = "\n".join(e.value for e in at.error)
    assert "Failed 1 entry" in errors and "article 2 \\(\\'Broken\\'\\) has no text" in errors
    assert "db-uploads" not in errors
    # Its first article went in and cites the kept file.
    assert [p.name for p in (tmp_path / "db-uploads").iterdir()] == ["export.json"]


def test_upload_from_the_sidebar_makes_new_paragraphs_searchable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_dir: Path
) -> None:
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([seed_dir], settings)
    at = _app(monkeypatch, settings.db)
    at.file_uploader(key="uploads").set_value(("injection.json", INJECTION.read_bytes(), "application/json"))
    at.button(key="ingest").click().run()
    assert not at.exception, at.exception
    assert at.session_state.ingest_report.articles_added == 1
    assert "Quillmouth <b>Bulletin</b>" in at.selectbox(key="source").options
    _ask(at, "who said what about the ferry terminal?")
    assert "Oskar Brandt" in {q.speaker for q in at.session_state.history[-1].quotes}


def test_an_upload_is_answered_from_the_open_index_and_other_sessions_keep_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="newsrag.ui")
    settings = Settings.load(env={}, db=tmp_path / "db")
    ingest([seed_dir], settings)
    other = _app(monkeypatch, settings.db)  # another browser session, already chatting
    uploader = _app(monkeypatch, settings.db)
    uploader.file_uploader(key="uploads").set_value(("injection.json", INJECTION.read_bytes(), "application/json"))
    uploader.button(key="ingest").click().run()
    assert uploader.session_state.ingest_report.articles_added == 1
    for session in (uploader, other):
        _ask(session, "who said what about the ferry terminal?")
        assert "Oskar Brandt" in {q.speaker for q in session.session_state.history[-1].quotes}
    opened = [r for r in caplog.records if "open and warm" in r.getMessage() and str(settings.db) in r.getMessage()]
    assert len(opened) == 1  # one index for the process, kept through the upload


def test_who_said_what_offers_a_timeline_and_its_statements_as_files(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings, seed_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, harbour_settings.db), "Who said what about the harbour?")
    assert len(at.get("download_button")) == 2  # CSV and JSON
    assert len(at.get("vega_lite_chart")) == 1  # dated statements: a timeline

    at = _ask(_app(monkeypatch, seed_settings.db), "who said what about Seversk?")
    assert len(at.get("download_button")) == 2
    assert not at.get("vega_lite_chart")  # the seed is undated: no timeline, and it says so
    assert any("come from undated articles" in c.value for c in at.caption)


def test_one_speakers_cut_statements_are_counted_once_in_the_chat(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, harbour_settings.db), "What did Ana Berg say about the harbour?")
    answer = at.session_state.history[-1]
    assert [g.speaker for g in answer.speakers] == ["Ana Berg"] and not answer.complete
    counts = [c.value for c in at.caption if "of 8 statements" in c.value]
    assert counts == ["showing 6 of 8 statements"]  # in the card, not again under it
    assert "show-all-0-0" in {b.key for b in at.button}


def test_a_speakers_card_asks_for_everything_they_said(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings
) -> None:
    at = _ask(_app(monkeypatch, harbour_settings.db), "Who said what about the harbour?")
    speakers = [g.speaker for g in at.session_state.history[-1].speakers]
    card = speakers.index("Ana Berg")  # eight statements, six on her card: "showing 6 of 8"
    at.button(key=f"everything-show-all-0-0-{card}").click().run()
    at.run()  # the pending question is asked on the next run
    assert not at.exception, at.exception
    asked = at.session_state.history[-1]
    assert asked.question == "What did Ana Berg say?"
    assert [g.speaker for g in asked.speakers] == ["Ana Berg"]
    assert not [b for b in at.button if b.key and b.key.startswith("everything-show-all-0-1-")]  # already theirs
    # Everything, not another cut answer with its own "Show all" (issue 22).
    assert asked.complete and [len(g.statements) for g in asked.speakers] == [8]
    assert "show-all-0-1" not in {b.key for b in at.button}
    assert not [c.value for c in at.chat_message[-1].caption if c.value.startswith("showing")]


def test_everything_they_said_brings_the_new_answer_into_view(
    monkeypatch: pytest.MonkeyPatch, harbour_settings: Settings
) -> None:
    """The new turn is drawn below the whole chat, so the page is taken to it (the browser test
    checks the scroll itself); a typed question is not."""
    at = _ask(_app(monkeypatch, harbour_settings.db), "Who said what about the harbour?")
    _ask(at, "What did Carl Dunn say?")
    assert not [h for h in at.get("html") if "turn-0-" in h.proto.body]  # typed: the page stays put
    at.button(key="everything-show-all-0-0-0").click().run()
    assert not at.exception, at.exception
    [scroll] = [h.proto.body for h in at.get("html") if "turn-0-" in h.proto.body]
    assert '<div id="turn-0-2"></div><script>' in scroll and "scrollIntoView" in scroll
    at.run()  # drawn once: a later rerun does not pull the page back down
    assert not [h for h in at.get("html") if "turn-0-" in h.proto.body]


def test_sources_name_each_article_once_with_its_date_and_a_link_to_the_original(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    quote = '"The ferry timetable must change before the spring, point {i}," said Nils Okafor, the harbour master.'
    (folder / "ferry.json").write_text(json.dumps({
        "title": "Ferry [Timetable] *Row*", "source": "Harbour Post", "date": "2026-03-04",
        "url": "https://news.example/ferry_(row) now?a=1",
        "paragraphs": [quote.format(i=1), "The council meets on Tuesday.", quote.format(i=2)],
    }), encoding="utf-8")
    (folder / "ferry-2.json").write_text(json.dumps({
        "title": "Ferry Row Goes On", "source": "Harbour Post", "date": "2026-03-09",
        "paragraphs": [quote.format(i=3)],
    }), encoding="utf-8")
    settings = Settings.load(env={}, db=tmp_path / "db")
    assert not ingest([folder], settings).failed
    at = _ask(_app(monkeypatch, settings.db), "What did Nils Okafor say?")
    answer = at.session_state.history[-1]
    assert len(answer.citations) == 3
    labels = [e.label for e in at.expander]
    assert labels == [escape_markdown("Ferry [Timetable] *Row* \u00b7 Harbour Post \u00b7 2026-03-04 \u00b7 \u00b61, \u00b63"),
                      escape_markdown("Ferry Row Goes On \u00b7 Harbour Post \u00b7 2026-03-09 \u00b7 \u00b61")] or \
        labels == [escape_markdown("Ferry Row Goes On \u00b7 Harbour Post \u00b7 2026-03-09 \u00b7 \u00b61"),
                   escape_markdown("Ferry [Timetable] *Row* \u00b7 Harbour Post \u00b7 2026-03-04 \u00b7 \u00b61, \u00b63")]
    linked = next(e for e in at.expander if "Timetable" in e.label)
    assert linked.markdown[0].value == (
        "**[Ferry \\[Timetable\\] \\*Row\\*](https://news.example/ferry_%28row%29%20now?a=1)**")
    unlinked = next(e for e in at.expander if "Goes On" in e.label)
    assert unlinked.markdown[0].value == "**Ferry Row Goes On**"  # a file, not a URL: no link
    for c in answer.citations:  # each [n] still has its anchor before its article
        assert [h for h in at.get("html") if f'id="src-0-0-{c.n}"' in h.proto.body]


def test_the_page_is_laid_out_while_the_index_opens(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A Chroma server that accepts the connection and never answers keeps the index opening."""
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        for key in list(os.environ):
            if key.startswith("NEWSRAG_"):
                monkeypatch.delenv(key)
        monkeypatch.setenv("NEWSRAG_CHROMA_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("NEWSRAG_CACHE_DIR", str(tmp_path / "cache"))
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        assert not at.exception, at.exception
        assert _opening(at)
        assert [h.value for h in at.sidebar.header] == ["Filters", "Corpus"]
        assert at.sidebar.selectbox[0].disabled and all(d.disabled for d in at.sidebar.date_input)
        assert "Ask a question about the articles, or start with one of these:" in _all_markdown(at)
        [box] = at.chat_input
        assert box.disabled and box.placeholder == "Opening the news index..."
