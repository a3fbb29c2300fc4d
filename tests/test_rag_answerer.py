"""From question to answer: the mode chosen, one snapshot per question, and what the query path imports."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from rag import AnswerMode, Filters, NewsIndex, Settings
from rag.attribution import Limits


def test_attribution_questions_use_the_quote_records(seed_index: NewsIndex) -> None:
    answer, retrieval = seed_index.answerer.answer("What did Pushilin say?", (), 5, Filters(), Limits(10, 6))
    assert answer.mode is AnswerMode.ATTRIBUTION and retrieval is None


def test_factual_questions_return_the_retrieval_they_were_drawn_from(seed_index: NewsIndex) -> None:
    answer, retrieval = seed_index.answerer.answer(
        "How did losing the city affect Ukraine's position in talks?", (), 5, Filters(), Limits(10, 6))
    assert answer.mode is AnswerMode.EXTRACTIVE
    drawn_from = {h.paragraph.paragraph_id for h in retrieval.hits}
    assert {c.paragraph_id for c in answer.citations} <= drawn_from


def test_a_follow_up_is_retrieved_with_the_resolved_question(seed_index: NewsIndex) -> None:
    first = seed_index.ask("What did Pushilin say?")
    _, retrieval = seed_index.answerer.answer("Why was he worried about civilians?", [first], 5, Filters(),
                                              Limits(10, 6))
    assert retrieval is not None
    assert any("Pushilin" in h.paragraph.text for h in retrieval.hits)


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
