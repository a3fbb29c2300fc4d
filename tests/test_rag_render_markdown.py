"""Answers as markdown: plain for the terminal, escaped for the chat, built from the parts."""

from __future__ import annotations

from rag import (
    Answer,
    AnswerMode,
    Citation,
    Confidence,
    NearestArticle,
    NewsIndex,
    QuoteKind,
    Refusal,
    RefusalReason,
    Sentence,
    Settings,
    SpeakerStatements,
    Statement,
    Tuning,
)
from rag.render.markdown import (
    answer_chunks,
    answer_markdown,
    answer_text,
    escape_markdown,
    highlight_markdown,
    lead_line,
    left_out_line,
    quoted_spans,
    tentative_lead,
)


def _citation(n: int, text: str) -> Citation:
    return Citation(n, "a1", "Headline", "Gazette", "2026-11-20", n, text, "feed.xml#1", 0.5, f"p{n}")


def _attribution(total_speakers: int = 1, hidden: int = 0) -> Answer:
    group = SpeakerStatements(
        "Ann <i>Lee</i>", "the mayor",
        (Statement(QuoteKind.DIRECT, "said", "Hi *there*", (1,), speaker_as_written="Ann <i>Lee</i>"),), total=3,
    )
    return Answer("q", AnswerMode.ATTRIBUTION, citations=(_citation(1, "Hi *there*, she said."),),
                  speakers=(group,), total_speakers=total_speakers, hidden_statements=hidden, topic="the port")


def test_escape_markdown_leaves_no_markup() -> None:
    escaped = escape_markdown("# Title <img src=x onerror=alert(1)> [a](javascript:x) **b** $x$ :red[c]")
    assert escaped == (
        "\\# Title \\<img src\\=x onerror\\=alert\\(1\\)\\> \\[a\\]\\(javascript\\:x\\) \\*\\*b\\*\\* "
        "\\$x\\$ \\:red\\[c\\]"
    )


def test_attribution_markdown_escapes_article_text_and_keeps_its_own_structure() -> None:
    shown = answer_markdown(_attribution())
    assert "**Ann \\<i\\>Lee\\<\\/i\\>** (the mayor)" in shown
    assert "- Ann \\<i\\>Lee\\<\\/i\\> said\\: \u201cHi \\*there\\*\u201d\\. \\[1\\]" in shown
    assert "\\.\\.\\. showing 1 of 3 statements" in shown


def test_plain_text_is_the_same_layout_unescaped() -> None:
    text = answer_text(_attribution())
    assert text.splitlines()[0] == "Ann <i>Lee</i> is quoted about the port (3 statements):"
    assert "- Ann <i>Lee</i> said: \u201cHi *there*\u201d. [1]" in text


def test_lead_line_and_left_out_line_say_how_many_speakers_are_shown() -> None:
    cut = _attribution(total_speakers=27, hidden=40)
    assert lead_line(cut) == "27 speakers are quoted about the port:"
    assert left_out_line(cut) == "showing 1 of 27 speakers (40 more statements by the others)"
    assert not cut.complete
    assert answer_text(cut).endswith("_Showing 1 of 27 speakers (40 more statements by the others)_")


def test_a_description_starts_the_lead_line_with_a_capital() -> None:
    group = SpeakerStatements("a DPR spokesperson", "", (Statement(QuoteKind.DIRECT, "said", "We act.", (1,)),), 1)
    answer = Answer("q", AnswerMode.ATTRIBUTION, speakers=(group,), total_speakers=1)
    assert lead_line(answer) == "A DPR spokesperson is quoted (1 statement):"
    assert answer.complete and not left_out_line(answer)


def test_extractive_sentences_carry_markers_and_other_sources() -> None:
    answer = Answer("q", AnswerMode.EXTRACTIVE, citations=(_citation(1, "The dam opened."),),
                    sentences=(Sentence("The dam opened.", (1,), also_in=("South Daily",)),))
    assert answer_text(answer) == "The dam opened. [1] (also in South Daily)"
    assert "".join(answer_chunks(answer)) == answer_markdown(answer)


def test_llm_bullets_stay_bullets() -> None:
    answer = Answer("q", AnswerMode.LLM, sentences=(Sentence("One.", (1,), block=0, bullet=True),
                                                   Sentence("Two.", (2,), block=1, bullet=True)))
    assert answer_text(answer) == "- One. [1]\n- Two. [2]"


def test_refusal_shows_its_reason_and_the_nearest_articles() -> None:
    refusal = Refusal(RefusalReason.NOT_MENTIONED, "Lisbon", ("Lisbon",),
                      nearest=(NearestArticle("a1", "Port strike", "Gazette", ""),))
    answer = Answer("q", AnswerMode.NONE, refusal=refusal)
    assert answer_text(answer) == (
        "No article in the corpus mentions Lisbon.\n\nNearest articles in the corpus:\n\n- Port strike (Gazette)")


def test_highlight_bolds_the_quoted_words_only() -> None:
    text = "He said 'This is a major blow,' and left."
    assert highlight_markdown(text, ["This is a major blow,"]) == (
        "He said \\'**This is a major blow**\\,\\' and left\\."
    )


def test_quoted_spans_come_from_the_statements_citing_the_paragraph(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    spans = quoted_spans(answer, answer.citations[0])
    assert "The city is still in the process of evacuating civilians" in spans
    assert all(span in answer.citations[0].text for span in spans)


def test_who_said_what_text_names_each_speaker_once(seed_index: NewsIndex) -> None:
    text = seed_index.ask("who said what about Seversk?").text
    assert text.count("**Denis Pushilin**") == 1
    assert "Pushilin declared that the Russian Armed Forces" in text
    assert "newsrag quotes" not in text


def test_a_citation_label_is_short_and_leaves_out_what_is_unknown() -> None:
    from rag import Citation
    from rag.render.markdown import citation_label

    dated = Citation(3, "a1", "A Very Long Headline About Seversk", "Los Angeles Chronicle", "2026-11-20", 5, "x", "", 0.9)
    assert citation_label(dated) == "[3] LA Chronicle \u00b7 \u00b65 \u00b7 2026-11-20"
    undated = Citation(1, "a2", "Headline", "Kessmouth Gazette", "", 2, "x", "", 0.9)
    assert citation_label(undated) == "[1] Kessmouth Gazette \u00b7 \u00b62"  # no "(Kessmouth Gazette, )"
    unknown = Citation(2, "a3", "Headline", "", "", 1, "x", "", 0.9)
    assert citation_label(unknown) == "[2] unknown source \u00b7 \u00b61"


def test_a_tentative_answer_starts_with_the_lead_line_its_cli_text_prints(demo_settings: Settings) -> None:
    question = "How many displaced Varnholm families are still housed in mobile homes?"
    unsure = NewsIndex.open(demo_settings, tuning=Tuning(refuse_below=0.0, answer_above=5.0)).ask(question)
    sure = NewsIndex.open(demo_settings).ask(question)
    assert unsure.confidence is Confidence.TENTATIVE and sure.confidence is Confidence.ANSWERED
    # ``Answer.text`` is what ``newsrag ask`` prints: the lead line, then the same cited sentences.
    # The flood story is 30 days older than the corpus's newest article, so the lead says so.
    lead = tentative_lead(unsure)
    assert lead == "No paragraph clearly answers this. The closest, from 2026-10-20, 30 days before 2026-11-19:"
    assert unsure.text.startswith(lead + "\n\n")
    assert unsure.text.removeprefix(lead).strip() == sure.text
    assert "No paragraph clearly answers this" not in sure.text
    assert answer_markdown(unsure).startswith(escape_markdown(lead))  # the chat's form, escaped


def test_statements_left_out_of_one_speaker_are_counted_once() -> None:
    text = answer_text(_attribution()).lower()  # every speaker shown, one of three statements
    assert text.count("showing 1 of 3 statements") == 1
    assert not left_out_line(_attribution())
