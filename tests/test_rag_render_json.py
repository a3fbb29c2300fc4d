"""The --json objects: documented fields kept, typed parts added, plain JSON values only."""

from __future__ import annotations

import json

from rag import NewsIndex
from rag.render.json import answer_json, plain, quotes_json, search_json, stats_json


def test_answer_json_keeps_the_documented_fields_and_adds_the_parts(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    obj = json.loads(json.dumps(answer_json(answer)))
    assert obj["question"] == "What did Pushilin say?" and obj["mode"] == "attribution"
    assert obj["answer"] == answer.text
    assert {"n", "article_id", "title", "source", "date", "paragraph", "text", "location", "score"} <= set(
        obj["citations"][0])
    assert {q["speaker"] for q in obj["quotes"]} == {"Denis Pushilin"}
    speaker = obj["speakers"][0]
    assert speaker["speaker"] == "Denis Pushilin" and speaker["total"] == 4  # 3 quotes and "emphasizing the ..."
    assert {s["kind"] for s in speaker["statements"]} == {"direct", "mixed", "indirect"}
    mixed = next(s for s in speaker["statements"] if s["kind"] == "mixed")
    assert mixed["fragments"] == ["buffer zone"]
    assert obj["total_speakers"] == obj["shown_speakers"] == 1 and obj["refusal"] is None


def test_refusal_json_names_its_case(seed_index: NewsIndex) -> None:
    obj = answer_json(seed_index.ask("Why did the army leave Lisbon?"))
    assert obj["mode"] == "none"
    assert obj["refusal"]["reason"] == "not_mentioned" and obj["refusal"]["missing_terms"] == ["Lisbon"]
    assert obj["reason"] and obj["nearest"] == []  # nothing in the corpus shares "Lisbon"


def test_search_quotes_and_stats_are_plain_json(seed_index: NewsIndex) -> None:
    hits = seed_index.search("buffer zone", k=2)
    assert json.loads(json.dumps(search_json("buffer zone", hits)))["hits"][0]["paragraph_id"]
    rows = quotes_json(seed_index.quotes(speaker="Petrova"))["quotes"]
    assert {r["speaker"] for r in rows} == {"Elena Petrova"}
    texts = {p.number: p.text for p in seed_index.article(rows[0]["article_id"])} if rows else {}
    for r in rows:  # each quote's offsets point at its words in its paragraph
        start, end = r["span"]
        assert r["text"].startswith(texts[r["paragraph"]][start:end])
    assert stats_json(seed_index.stats())["sources"] == ["Los Angeles Chronicle"]


def test_plain_turns_enums_and_tuples_into_json_values() -> None:
    from rag import QuoteKind, Statement

    assert plain(Statement(QuoteKind.MIXED, "said", "x", (1, 2), span=(0, 1))) == {
        "kind": "mixed", "cue": "said", "text": "x", "citation_ids": [1, 2], "speaker_as_written": "",
        "fragments": [], "span": [0, 1], "reported_by": "", "content_form": ""}


def test_who_said_what_downloads_as_one_row_per_statement(seed_index: NewsIndex) -> None:
    import csv
    import io

    from rag.render.json import statement_rows, statements_csv

    answer = seed_index.ask("who said what about Seversk?")
    rows = statement_rows(answer)
    assert len(rows) == sum(len(g.statements) for g in answer.speakers)
    assert {r["speaker"] for r in rows} == {g.speaker for g in answer.speakers}
    assert all(r["source"] == "Los Angeles Chronicle" and r["citations"].startswith("[") for r in rows)
    parsed = list(csv.DictReader(io.StringIO(statements_csv(answer))))
    assert [r["text"] for r in parsed] == [r["text"] for r in rows]


def test_csv_cells_never_start_a_spreadsheet_formula() -> None:
    from rag import Answer, AnswerMode, Citation, QuoteKind, SpeakerStatements, Statement
    from rag.render.json import statements_csv

    c = Citation(1, "a1", "=HYPERLINK(\"x\")", "Post", "2026-01-01", 1, "t", "", 0.5)
    answer = Answer("q", AnswerMode.ATTRIBUTION, citations=(c,), speakers=(
        SpeakerStatements("@Someone", "", (Statement(QuoteKind.DIRECT, "said", "=1+1", (1,)),)),))
    text = statements_csv(answer)
    assert "'=HYPERLINK" in text and "'@Someone" in text and "'=1+1" in text


def test_json_renders_a_hand_built_refusal_and_keeps_its_reason_apart_from_the_llm_note() -> None:
    from rag import Answer, AnswerMode, NearestArticle, Refusal, RefusalReason

    refusal = Refusal(RefusalReason.NOT_MENTIONED, "Lisbon", ("Lisbon",),
                      nearest=(NearestArticle("a1", "Port strike", "Gazette", ""),))
    obj = answer_json(Answer("q", AnswerMode.NONE, refusal=refusal))
    assert obj["reason"] == "No article in the corpus mentions Lisbon." and obj["note"] == ""
    assert obj["nearest"] == ["Port strike (Gazette)"] and obj["answer"].startswith(obj["reason"])


def test_a_download_is_named_after_its_question_and_day() -> None:
    from datetime import date

    from rag import Answer, AnswerMode
    from rag.render.json import download_name

    day = date(2026, 12, 7)
    asked = Answer("Who said what about Seversk?", AnswerMode.ATTRIBUTION)
    assert download_name(asked, "csv", day) == "who-said-what-about-seversk-2026-12-07.csv"
    accented = Answer("What did Zoë Okafor say about the café's «closure»?", AnswerMode.ATTRIBUTION)
    assert download_name(accented, "json", day) == "what-did-zoe-okafor-say-about-the-cafe-s-closure-2026-12-07.json"
    long = download_name(Answer("who said what about " + "harbour dredging " * 20, AnswerMode.ATTRIBUTION), "csv", day)
    assert len(long) <= 80 and long.endswith("-dredging-2026-12-07.csv") and long.isascii()
    assert download_name(Answer("Что сказал Пушилин?", AnswerMode.ATTRIBUTION), "csv", day) == "statements-2026-12-07.csv"


def test_readme_names_the_download_columns_as_the_files_have_them() -> None:
    import re
    from pathlib import Path

    from rag.render.json import STATEMENT_COLUMNS

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    described = " ".join(readme.split("one row per statement", 1)[1].split(". ", 1)[0].split())
    assert re.findall(r"`(\w+)`", described) == list(STATEMENT_COLUMNS)
