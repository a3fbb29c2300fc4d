"""bench/RESULTS.md is generated from the run records; a run written down lands in history, records and the page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import records, report
from bench.__main__ import BENCHMARKS
from bench.goals import AREAS, GOALS

ROOT = Path(__file__).resolve().parents[1]


def test_results_page_is_the_generated_one():
    assert records.RESULTS.read_text(encoding="utf-8") == records.render(records.load_runs()), (
        "bench/RESULTS.md differs from its records: run `python -m bench report`")


def test_results_page_is_short_and_shows_every_goal():
    page = records.RESULTS.read_text(encoding="utf-8")
    assert len(page.splitlines()) < 300
    for goal in GOALS:
        assert goal.wording.replace("|", "\\|") in page
    assert {g.area for g in GOALS} <= {key for key, _ in AREAS}


def test_every_hand_kept_figure_is_in_a_record_with_its_source():
    """The table kept by hand until 2026-12-07 (history/hand-kept-goals.md): each row's figure survives."""
    table = (records.HISTORY / "hand-kept-goals.md").read_text(encoding="utf-8")
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| goal |")]
    texts = [fig.text for run in records.load_runs() for fig in run.figures.values()]
    assert len(rows) >= 40
    for row in rows:
        _, figure, _, source = [c.strip() for c in row.strip()[1:-1].split("|")]
        assert any(figure in t and source in t for t in texts), row[:80]


def test_every_record_links_to_its_history_section():
    links = records.section_links(records.HISTORY)
    for run in records.load_runs():
        for heading in run.sections:
            assert heading in links, f"{run.id}: no section {heading!r} in bench/history/"


def test_a_written_run_lands_in_history_records_and_the_page(tmp_path, monkeypatch):
    for name in ("HISTORY", "RUNS", "RESULTS"):
        monkeypatch.setattr(records, name, tmp_path / getattr(records, name).relative_to(records.BENCH))
    records.HISTORY.mkdir()
    goal = GOALS[0]
    fig = records.Figure(value=0.5, text="half of them", met=False)
    report.append_section("a test run", "Some table.", {goal.id: fig}, benchmark="eval")
    report.append_section("a later run", "Nothing measured.", benchmark="query")
    (run_a, run_b) = records.load_runs()
    assert run_a.figures == {goal.id: fig} and run_b.figures == {}
    assert run_a.command.startswith("python -m bench ")
    month = next(records.HISTORY.glob("*.md"))
    assert "## a test run: " in month.read_text(encoding="utf-8")
    page = records.RESULTS.read_text(encoding="utf-8")
    assert re.search(r"\| half of them \| \*\*not met\*\* \| \d{4}-\d\d-\d\d \d\d:\d\d UTC: \[a test run\]\(history/", page)


def test_a_figure_measured_by_hand_is_recorded(tmp_path):
    """`python -m bench record`, in a copy of bench/ so the real records stay as they are."""
    subprocess.run(["cp", "-r", str(ROOT / "bench"), str(tmp_path / "bench")], check=True)
    (tmp_path / "time.txt").write_text("Maximum resident set size (kbytes): 748544\n")
    before = set((tmp_path / "bench/history/runs").glob("*.json"))
    subprocess.run(
        [sys.executable, "-m", "bench", "record", "--title", "ingest of a feed, by hand",
         "--command", "/usr/bin/time -v newsrag ingest feed.jsonl --db /tmp/db",
         "--figure", "memory-ingest-feed-13k", "731", "yes", "peak RSS 731 MiB",
         "--body-file", str(tmp_path / "time.txt"), "--load", "0.10 (1 min), 0.20 (5 min)"],
        cwd=tmp_path, check=True, capture_output=True, text=True)
    [newest] = set((tmp_path / "bench/history/runs").glob("*.json")) - before
    data = json.loads(newest.read_text())
    assert data["figures"]["memory-ingest-feed-13k"] == {"value": 731.0, "text": "peak RSS 731 MiB", "met": True,
                                                         "status": ""}
    page = (tmp_path / "bench/RESULTS.md").read_text()
    assert "| peak RSS 731 MiB | met |" in page and "`/usr/bin/time -v newsrag ingest feed.jsonl --db /tmp/db`" in page


def test_an_unknown_goal_is_refused_before_anything_is_written(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench", "record", "--title", "t", "--command", "c",
                             "--figure", "no-such-goal", "1", "yes", "x"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0 and "no such goal" in result.stderr


def test_every_script_is_listed_by_the_entry_point():
    scripts = {p.stem for p in (ROOT / "bench").glob("*.py") if 'if __name__ == "__main__"' in p.read_text()}
    assert scripts - {"__main__"} == set(BENCHMARKS)
    listing = subprocess.run([sys.executable, "-m", "bench"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in BENCHMARKS:
        assert re.search(rf"^  {name} ", listing.stdout, re.M)


# Issue 23's goal: a benchmark reads as its experiment, its data and its report, each short.
@pytest.mark.parametrize("path", sorted((ROOT / "bench").rglob("*.py")), ids=lambda p: p.name)
def test_no_bench_module_is_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_the_scripts_file_their_figures_under_known_goals():
    """What eval, query and attribution record with --write (their goal_figures), on made-up measurements."""
    from bench_helpers import load_harness

    known = {g.id for g in GOALS}
    eval_figures = load_harness("eval").goal_figures(
        {"dense": {"all": (0.5, 0.79, 0.6)}, "weighted + quoted speakers": {"all": (0.6, 0.901, 0.7)}}, 0.974,
        "How sure (`answer.confidence`): unanswerable 20: refused 14, tentative 2, answered 4 (goal: all refused "
        "or tentative: NOT met); answerable 81: answered 77, tentative 3, refused 1 (goal: none refused: NOT met).")
    assert set(eval_figures) <= known and eval_figures["retrieval-hybrid-recall5"].value == 11.1
    assert eval_figures["answers-labelled-confidence"].met is False
    query_figures = load_harness("query").goal_figures(35.5, 119.2, 20.0)
    assert set(query_figures) <= known and query_figures["query-ask-vs-floor"].met is False
