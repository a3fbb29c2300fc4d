"""The PolNeAR harness (bench/polnear.py): brat parsing, quote kinds, matching; a real split when present.

The parser tests build a tiny split of our own in brat standoff, so they need no PolNeAR data.
The last test runs the dev split when ``NEWSRAG_POLNEAR`` points at a PolNeAR checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bench_helpers import load_harness

from bench import polnear_match
from bench.datasets import polnear as polnear_data
from rag.schema import QuoteKind

polnear = load_harness("polnear")  # the report: polnear_section, goal_figures

ARTICLE = (
    "Mayor Wins Vote\n"
    "\n"
    "“We will rebuild,” Mayor Lena Okafor said. “We always do.”\n"
    "\n"
    "Okafor said the bridge would reopen in May.\n"
)


def _span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    start = text.index(part, after)
    return start, start + len(part)


def _write_split(root: Path) -> Path:
    """A one-article split: the interrupted quote (one attribution, two content fragments) and a
    reported clause, by annotator 0aaa; annotator 0bbb annotated only the second."""
    split = root / "data" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "nyt_2016-10-01_mayor.txt").write_text(ARTICLE, encoding="utf-8")
    first, second = _span(ARTICLE, "“We will rebuild,”"), _span(ARTICLE, "“We always do.”")
    source, cue = _span(ARTICLE, "Mayor Lena Okafor"), _span(ARTICLE, "said")
    source2, cue2 = _span(ARTICLE, "Okafor", cue[1]), _span(ARTICLE, "said", cue[1])
    content2 = _span(ARTICLE, "the bridge would reopen in May")
    lines = [
        f"T1\tSource {source[0]} {source[1]}\tMayor Lena Okafor",
        f"T2\tCue {cue[0]} {cue[1]}\tsaid",
        f"T3\tContent {first[0]} {first[1]};{second[0]} {second[1]}\t“We will rebuild,” “We always do.”",
        f"T4\tAttribution {cue[0]} {cue[1]}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tSource {source2[0]} {source2[1]}\tOkafor",
        f"T6\tCue {cue2[0]} {cue2[1]}\tsaid",
        f"T7\tContent {content2[0]} {content2[1]}\tthe bridge would reopen in May",
        f"T8\tAttribution {cue2[0]} {cue2[1]}\tsaid",
        "E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5",
        "#1\tAnnotatorNotes T7\ta note is ignored",
    ]
    (split / "attributions" / "nyt_2016-10-01_mayor_0aaa.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (split / "attributions" / "nyt_2016-10-01_mayor_0bbb.ann").write_text("\n".join(lines[5:10]) + "\n",
                                                                           encoding="utf-8")
    return split


def test_quote_kind_comes_from_double_quote_marks():
    assert polnear_data.quote_kind(["“We will rebuild,”", "“We always do.”"]) is QuoteKind.DIRECT
    assert polnear_data.quote_kind(["that the plan was “a disgrace”"]) is QuoteKind.MIXED
    assert polnear_data.quote_kind(["the bridge would reopen, the city’s engineers agreed"]) is QuoteKind.INDIRECT
    assert polnear_data.quote_kind(["''It is really a powerful book.''"]) is QuoteKind.DIRECT  # NYT house style


def _gold(source: str, cue: str, content: str, kind: QuoteKind = QuoteKind.INDIRECT):
    return polnear_data.GoldAttribution("a", "E1", source, cue, content, ((0, 1),), ((0, 1),), kind, (1,))


def test_misses_are_sorted_into_the_patterns_the_report_names():
    lemma = polnear_data.make_lemmatizer(frozenset({"said", "wants", "showed", "polls"}))
    pattern = polnear_match.miss_pattern
    assert pattern(_gold("Smith", ":", "we will"), lemma) == "colon or dash"
    assert pattern(_gold("court filings released Monday", "showed", "the aide knew"), lemma) == "non-person source"
    assert pattern(_gold("Smith", "said", 'it was "a mess"', QuoteKind.MIXED), lemma) == "mixed"
    assert pattern(_gold("Smith", "said", "it was a mess"), lemma) == "indirect, speech cue"
    assert pattern(_gold("Smith", "wants", "to win"), lemma) == "indirect, other cue"
    assert pattern(_gold("", "reportedly", "to win"), lemma) == "no source"


def test_first_annotator_is_gold_and_fragments_join(tmp_path: Path):
    split = _write_split(tmp_path)
    files = polnear_data.first_annotator_files(split / "attributions")
    ann, annotators = files["nyt_2016-10-01_mayor"]
    assert (ann.name, annotators) == ("nyt_2016-10-01_mayor_0aaa.ann", 2)

    article = polnear_data.read_article(split / "text" / "nyt_2016-10-01_mayor.txt", ann, annotators)
    direct, reported = article.gold
    assert direct.source == "Mayor Lena Okafor"
    assert direct.content == "“We will rebuild,” “We always do.”"
    assert direct.kind is QuoteKind.DIRECT
    assert reported.kind is QuoteKind.INDIRECT


def test_interrupted_quote_matches_its_one_attribution(tmp_path: Path):
    result = polnear_match.evaluate(_write_split(tmp_path), "dev")
    assert result.articles == 1
    assert not result.spurious
    by_relation = {pair.gold.relation: pair for pair in result.pairs}
    assert len(by_relation["E1"].quotes) == 2
    assert by_relation["E1"].speaker_right


def test_test_split_is_refused(tmp_path: Path):
    with pytest.raises(SystemExit, match="not evaluated here"):
        polnear_data.split_dir(tmp_path, "test")


def test_missing_data_names_what_to_fetch(tmp_path: Path):
    with pytest.raises(SystemExit, match="networkdynamics/PolNeAR"):
        polnear_data.split_dir(tmp_path, "dev")


def test_dev_split_scores_real_articles():
    root = Path(os.environ.get("NEWSRAG_POLNEAR", "/nonexistent"))
    if not any((folder / "attributions").is_dir() for folder in (root / "data" / "dev", root / "dev")):
        pytest.skip("PolNeAR not found: set NEWSRAG_POLNEAR to a checkout of github.com/networkdynamics/PolNeAR "
                    "(it has no licence, so it is not shipped with newsrag)")
    result = polnear_match.evaluate(polnear_data.split_dir(root, "dev"), "dev")
    assert result.articles == 84
    assert result.pairs and result.gold


def test_the_eval_section_reports_a_split_or_says_why_it_is_skipped(tmp_path: Path):
    assert polnear.polnear_section(None).startswith("Skipped: PolNeAR not given")
    assert polnear.polnear_section(tmp_path / "nowhere").startswith("Skipped: no PolNeAR dev split")
    _write_split(tmp_path)
    section = polnear.polnear_section(tmp_path)
    assert section.startswith("## PolNeAR dev") and "| all attributions |" in section
