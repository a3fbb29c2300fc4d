"""Run records and the page generated from them, ``bench/RESULTS.md``.

Every run made with ``--write`` (and every figure measured by hand, ``python -m bench record``)
leaves one JSON file in ``bench/history/runs/``: when and where it ran, the command, and the goal
figures it measured. RESULTS.md is rebuilt from the goals (``bench/goals.py``) and the latest record
per goal, so the page a newcomer reads cannot drift from the runs behind it: nobody edits it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.goals import AREAS, GOALS, Goal

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
HISTORY = BENCH / "history"
RUNS = HISTORY / "runs"


@dataclass(frozen=True, slots=True)
class Figure:
    """One goal's figure in one run."""

    value: float | None  # the headline number, for comparing runs; None where words say it better
    text: str  # the figure as a person reads it, with what it was measured on
    met: bool | None  # None: the goal has no threshold, or is met only in part (``status`` says)
    status: str = ""  # the verdict in words when "met" / "not met" says too little


@dataclass(frozen=True, slots=True)
class Run:
    """One benchmark run, or one measurement made by hand, as stored in ``history/runs/<id>.json``."""

    id: str  # the file's stem: ``2026-12-07T1450-attribution``
    benchmark: str  # ``python -m bench NAME``'s NAME, or what was run by hand (``manual``, ``tests``)
    title: str  # the history section's title
    date: str  # ``YYYY-MM-DD HH:MM UTC`` (a day alone where the time was not recorded)
    machine: str
    load: str  # the load average at the start, as written then, or "not recorded"
    command: str  # what reproduces it
    figures: dict[str, Figure] = field(default_factory=dict)
    sections: tuple[str, ...] = ()  # headings of its write-up in ``history/*.md``, if any


def run_id(date: str, benchmark: str) -> str:
    """A file name that sorts by date: ``2026-12-07 14:50 UTC`` -> ``2026-12-07T1450-<benchmark>``."""
    day, _, rest = date.partition(" ")
    clock = rest.replace(" UTC", "").replace(":", "")
    return f"{day}T{clock}-{benchmark}" if clock else f"{day}-{benchmark}"


def save(run: Run, folder: Path | None = None) -> Path:
    """Write a run's record; a second record of the same minute gets a numbered name."""
    folder = folder or RUNS
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{run.id}.json", 1
    while path.exists():
        n += 1
        path = folder / f"{run.id}-{n}.json"
    data = asdict(run)
    data.pop("id")
    data["sections"] = list(run.sections)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_runs(folder: Path | None = None) -> list[Run]:
    """Every record, oldest first; an unknown goal id fails here, naming the file, not later on the page."""
    folder = folder or RUNS
    known = {g.id for g in GOALS}
    runs = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        figures = {goal: Figure(**fig) for goal, fig in data.pop("figures", {}).items()}
        unknown = set(figures) - known
        if unknown:
            raise ValueError(f"{path}: unknown goal ids {sorted(unknown)}; add them to bench/goals.py")
        runs.append(Run(id=path.stem, figures=figures, sections=tuple(data.pop("sections", ())), **data))
    return sorted(runs, key=lambda r: (r.date, r.id))


def latest(runs: Iterable[Run]) -> dict[str, Run]:
    """Goal id -> the newest run that measured it (runs come oldest first)."""
    newest: dict[str, Run] = {}
    for run in runs:
        for goal in run.figures:
            newest[goal] = run
    return newest


def _slug(heading: str, seen: dict[str, int]) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    text = re.sub(r"[^\w\- ]", "", heading.lstrip("#").strip().lower()).replace(" ", "-")
    n = seen.get(text, 0)
    seen[text] = n + 1
    return f"{text}-{n}" if n else text


def section_links(history: Path) -> dict[str, str]:
    """Heading -> ``history/<file>.md#anchor`` for every heading of the history files."""
    links: dict[str, str] = {}
    for path in sorted(history.glob("*.md")):
        seen: dict[str, int] = {}
        in_code = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("```"):
                in_code = not in_code
            elif line.startswith("#") and not in_code:
                links.setdefault(line.strip(), f"history/{path.name}#{_slug(line, seen)}")
    return links


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _status(figure: Figure) -> str:
    if figure.status:
        return figure.status
    return {True: "met", False: "**not met**", None: ""}[figure.met]


def _run_cell(run: Run, links: dict[str, str]) -> str:
    where = run.title
    for heading in run.sections:
        if heading in links:
            where = f"[{run.title}]({links[heading]})"
            break
    return f"{run.date}: {where}; {run.machine}; load {run.load}"


HEAD = """\
# Where the goals stand

Generated by `python -m bench report` from the run records in [`history/runs/`](history/runs/)
and the goals in [`goals.py`](goals.py); do not edit it by hand (`tests/test_bench_records.py`
checks it). Each row is a goal and the latest run that measured it: the figure, the run's date,
machine and load average at the start, and the command that reproduces it. Compare figures only
between runs on the same machine: the development machine's 2 cores are shared with other work.
Every run's full write-up, and every earlier figure, is in [`history/`](history/) ({months};
the table as it was kept by hand until 2026-12-07: [hand-kept-goals](history/hand-kept-goals.md));
how to run the benchmarks and how long each takes: [`README.md`](README.md).
"""


def render(runs: list[Run], history: Path | None = None) -> str:
    """RESULTS.md: one table per area, one row per goal, from the newest run that measured it."""
    history = history or HISTORY
    newest = latest(runs)
    links = section_links(history)
    months = ", ".join(f"[{p.stem}](history/{p.name})" for p in sorted(history.glob("*.md"))
                       if re.fullmatch(r"\d{4}-\d\d", p.stem))
    parts = [HEAD.format(months=months)]
    for area, title in AREAS:
        goals: list[Goal] = [g for g in GOALS if g.area == area]
        rows = ["| goal | latest figure | status | run: date, machine, load | reproduce |", "|---|---|---|---|---|"]
        for goal in goals:
            run = newest.get(goal.id)
            if run is None:
                rows.append(f"| {_cell(goal.wording)} | not measured yet | | | `{goal.command}` |")
                continue
            fig = run.figures[goal.id]
            rows.append(f"| {_cell(goal.wording)} | {_cell(fig.text)} | {_cell(_status(fig))} | "
                        f"{_cell(_run_cell(run, links))} | `{_cell(run.command)}` |")
        parts.append(f"## {title}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def write_results() -> Path:
    """Rebuild RESULTS.md from the records on disk."""
    RESULTS.write_text(render(load_runs()), encoding="utf-8")
    return RESULTS
