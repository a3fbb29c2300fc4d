"""Shared by the benchmark scripts: the machine description, tables, and writing a run down.

A run made with ``--write`` appends its write-up to ``bench/history/YYYY-MM.md``, leaves a record
with the goal figures it measured in ``bench/history/runs/``, and rebuilds ``bench/RESULTS.md`` from
the records (``bench/records.py``), so the page that says where each goal stands is never typed.
"""

from __future__ import annotations

import os
import platform
import shlex
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import records
from bench.records import Figure  # noqa: F401  (re-exported: the scripts build their figures with it)

BENCH = Path(__file__).resolve().parent
RESULTS = records.RESULTS
HISTORY = records.HISTORY
OUT = BENCH / "out"  # gitignored: caches (embeddings, stores, the eval db) and profiles

MONTH_INTRO = """\
# Benchmark runs, {month}

The write-up of every run of {month}, in the order they were written (by the scripts' `--write`, or by hand), unchanged. The current figure for each goal is in [`../RESULTS.md`](../RESULTS.md); each run's record is in [`runs/`](runs/).
"""

def describe_machine() -> str:
    """``nproc``, CPU model, RAM, Python: one line for a results section."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown RAM"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores (nproc), {cpu}, {ram}, Python {platform.python_version()}"


machine = describe_machine  # the name the scripts call it by


def load_average() -> str:
    """The 1- and 5-minute load averages, as every section and record writes them."""
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


# Taken when a script imports this module, i.e. as it starts: the load its figures ran under.
LOAD_AT_START = load_average()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def command_line() -> str:
    """How this run is reproduced: ``python -m bench NAME`` and the arguments it was given."""
    name = Path(sys.argv[0]).stem
    return shlex.join(["python", "-m", "bench", name, *sys.argv[1:]])


def append_section(title: str, body: str, figures: dict[str, Figure] | None = None, *,
                   benchmark: str | None = None, load: str | None = None, command: str | None = None,
                   date: str | None = None, machine: str | None = None) -> Path:
    """Write a run down: its dated section in ``history/YYYY-MM.md``, its record, and RESULTS.md anew.

    ``figures`` maps goal ids (``bench/goals.py``) to what this run measured of them; a run that
    measured none still leaves a record, so every written run can be found by date. The keyword
    arguments are for what was measured by hand (``bench/manual.py``); a script leaves them out.
    """
    date = date or now()
    history = records.HISTORY / f"{date[:7]}.md"
    if not history.exists():
        history.write_text(MONTH_INTRO.format(month=date[:7]), encoding="utf-8")
    heading = f"## {title}: {date}"
    with history.open("a", encoding="utf-8") as f:
        f.write(f"\n{heading}\n\n{body.strip()}\n")
    name = benchmark or Path(sys.argv[0]).stem
    run = records.Run(id=records.run_id(date, name), benchmark=name, title=title, date=date,
                      machine=machine or describe_machine(), load=load or LOAD_AT_START,
                      command=command or command_line(),
                      figures=dict(figures or {}), sections=(heading,))
    records.save(run)
    records.write_results()
    return history


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[max(0, min(98, round(q) - 1))]


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
