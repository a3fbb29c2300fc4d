"""From question to answer: the mode chosen, one snapshot per question, and what the query path imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from rag import AnswerMode, NewsIndex, Settings, Tuning


def test_attribution_questions_use_the_quote_records(seed_index: NewsIndex) -> None:
    answer = seed_index.ask("What did Pushilin say?")
    assert answer.mode is AnswerMode.ATTRIBUTION
    quoted = {row.paragraph.paragraph_id for row in seed_index.quotes(speaker="Pushilin")}
    assert answer.speakers and {c.paragraph_id for c in answer.citations} <= quoted


def test_factual_answers_cite_what_search_finds_for_the_question(seed_index: NewsIndex) -> None:
    question = "How did losing the city affect Ukraine's position in talks?"
    answer = seed_index.ask(question, k=5)
    assert answer.mode is AnswerMode.EXTRACTIVE and answer.citations
    found = {h.paragraph.paragraph_id for h in seed_index.search(question, k=5)}
    assert {c.paragraph_id for c in answer.citations} <= found


def test_a_follow_up_is_answered_about_the_speaker_it_refers_to(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    follow = seed_index.ask("Why was he worried about civilians?", [first])
    assert follow.mode is AnswerMode.EXTRACTIVE and follow.speaker == first.speaker
    assert any("Pushilin" in c.text for c in follow.citations)


def test_a_follow_up_about_a_quoted_speaker_prefers_their_paragraphs_as_search_does(
    demo_settings: Settings,
) -> None:
    # The question is read once; "he" is Malinen, so Tuning.prefer_quoted reaches ask() as it
    # reaches search(): the paragraphs quoting him win over the court ruling about the water.
    preferring = NewsIndex.open(demo_settings)
    plain = NewsIndex.open(demo_settings, tuning=Tuning(prefer_quoted=False))
    first = preferring.ask("What did Malinen say?")
    follow_up = "What does he want the water authority to do before cutting supplies?"
    quoting = {row.paragraph.paragraph_id for row in preferring.quotes(speaker="Malinen")}
    assert {c.paragraph_id for c in preferring.ask(follow_up, [first]).citations} <= quoting
    assert not {c.paragraph_id for c in plain.ask(follow_up, [first]).citations} <= quoting


def test_ask_takes_filters_as_one_object_or_as_keywords(seed_index: NewsIndex) -> None:
    # The Seversk story is undated, so a "published from" filter leaves it out.
    question = "Why did the Ukrainian army leave Seversk?"
    by_keywords = seed_index.ask(question, since="2026-10-01")
    by_object = seed_index.ask(question, filters=seed_index.filters(since="2026-10-01"))
    assert by_keywords.mode is by_object.mode is AnswerMode.NONE
    assert by_keywords.refusal == by_object.refusal and by_object.refusal.hidden_by_filters == 1
    assert seed_index.ask(question, filters=seed_index.filters()).mode is AnswerMode.EXTRACTIVE


def test_asking_and_searching_import_no_llm_stack_and_no_llama_index(seed_settings: Settings) -> None:
    # The query path is Chroma, bm25s and the encoder (rag.models, the only module importing
    # sentence-transformers and torch): nothing of llama-index or an LLM client.
    script = textwrap.dedent(f"""
        import sys
        from rag import NewsIndex
        index = NewsIndex.open(db={str(seed_settings.db)!r})
        index.ask("who said what about Seversk?")
        index.ask("How did losing the city affect Ukraine's position in talks?")
        index.search("buffer zone")
        print(sorted(m for m in ("llama_index", "openai", "ollama") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                            check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_only_the_encoder_module_imports_the_model_stack() -> None:
    from pathlib import Path

    rag = Path(__file__).resolve().parents[1] / "rag"
    importing = sorted(p.name for p in rag.rglob("*.py")
                       if "sentence_transformers" in p.read_text(encoding="utf-8")
                       or "import torch" in p.read_text(encoding="utf-8"))
    assert importing == ["models.py"]

