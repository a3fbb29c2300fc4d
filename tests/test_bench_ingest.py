"""The ingest benchmark's real-text path (bench/ingest.py --real), on the seed so it cannot rot.

PolNeAR is used only where ``NEWSRAG_POLNEAR`` points at a checkout; the end-to-end run uses the
seed alone (varied copies of it), which is enough to exercise every step: corpus writing, the
interleaved encode/ingest pairs, the ingest children and their peak RSS, and resuming a kept store.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from bench import ingest_goals, ingest_real
from bench.ingest_child import ingest_in_child
from ingest.loaders import load_file


def test_copies_of_an_article_get_new_ids_and_texts(seed_dir: Path, tmp_path: Path) -> None:
    source = sorted(seed_dir.glob("*.txt"))[:1]
    ingest_real.write_real_corpus(source, 3, tmp_path)

    articles = [load_file(path, max_bytes=10_000_000)[0] for path in sorted(tmp_path.glob("*.txt"))]

    assert len({a.article_id for a in articles}) == 3
    assert len({a.paragraphs for a in articles}) == 3
    assert articles[0].paragraphs == load_file(source[0], max_bytes=10_000_000)[0].paragraphs


def test_resumed_corpus_keeps_files_already_written(seed_dir: Path, tmp_path: Path) -> None:
    source = sorted(seed_dir.glob("*.txt"))[:1]
    ingest_real.write_real_corpus(source, 2, tmp_path)
    first = sorted(tmp_path.glob("*.txt"))[1].read_text(encoding="utf-8")

    assert ingest_real.write_real_corpus(source, 3, tmp_path) == 1
    assert sorted(tmp_path.glob("*.txt"))[1].read_text(encoding="utf-8") == first


def test_missing_polnear_is_skipped_with_a_reason(tmp_path: Path) -> None:
    sources = ingest_real.real_sources(tmp_path / "no-polnear")

    assert any("PolNeAR skipped" in note and "no-polnear" in note for note in sources.notes)
    assert all("no-polnear" not in str(path) for path in sources.files)


@pytest.mark.skipif(not os.environ.get("NEWSRAG_POLNEAR"), reason="NEWSRAG_POLNEAR not set (PolNeAR checkout)")
def test_polnear_sources_are_its_train_split_only() -> None:
    sources = ingest_real.real_sources(Path(os.environ["NEWSRAG_POLNEAR"]))

    polnear_files = [p for p in sources.files if p.parent.name == "text"]
    assert polnear_files
    assert all(p.parent.parent.name == "train" for p in polnear_files)


def test_rss_slope_is_least_squares_over_sizes() -> None:
    assert ingest_real.rss_slope([(100, 1000.0), (200, 1010.0), (300, 1020.0)]) == pytest.approx(0.1)
    assert ingest_real.rss_slope([(100, 1000.0)]) == 0.0


def test_real_run_reports_ratio_tokens_and_rss_and_resumes(seed_dir: Path, tmp_path: Path) -> None:
    args = argparse.Namespace(polnear=None, articles=3, keep=tmp_path, ratio_articles=2, repeats=1,
                              rss_sizes=[], batch_size=16, encoder="onnx")

    body, figures = ingest_real.run_real(args)

    assert "PolNeAR skipped" in body
    assert "encoder `onnx` (torch imported by the ingest child: no)" in body
    assert "tokens per paragraph" in body and "(b) / (a), interleaved" in body
    assert "| 3 |" in body  # the full-size row of the peak-RSS table
    assert set(figures) == {"ingest-vs-encoder"}  # peak RSS at 10k is filed only when measured there
    stored = ingest_in_child(tmp_path / "corpus", tmp_path / "db", 16, 3)
    assert stored["paragraphs"] == 0
    assert stored["unchanged_articles"] == 3


def test_goal_figures_file_the_ratio_speedup_and_only_a_measured_10k_peak() -> None:
    small = ingest_goals.goal_figures("300 synthetic articles", 0.85, cpu_ratio=0.93, speedup=176.0)
    at_goal = ingest_goals.goal_figures("10000 real articles", 0.95, rss_at_goal_mib=790.0)

    assert set(small) == {"ingest-vs-encoder", "ingest-reingest-speedup"}
    assert small["ingest-vs-encoder"].met is None and "met per CPU second" in small["ingest-vs-encoder"].status
    assert small["ingest-reingest-speedup"].value == 176 and small["ingest-reingest-speedup"].met is True
    assert at_goal["ingest-vs-encoder"].met is True
    assert at_goal["memory-ingest-10k"].value == 790 and at_goal["memory-ingest-10k"].met is True
