"""``python -m bench record``: write down a figure measured outside the benchmark scripts.

Some goals are measured by hand, e.g. the peak RSS of one real ``newsrag ingest`` under
``/usr/bin/time -v``. Their figures go through the same records as a script's, so RESULTS.md
shows them with the date, machine and command like any other::

    python -m bench record --title "ingest of the 13k-article JSON Lines feed" \\
        --command "/usr/bin/time -v newsrag ingest feed.jsonl --db /tmp/db" \\
        --figure memory-ingest-feed-13k 731 yes "13,221 articles, 30.3 MiB: peak RSS 731 MiB, 19:55" \\
        --body-file /tmp/time-v.txt

Each ``--figure`` is GOAL VALUE MET TEXT: a goal id from ``bench/goals.py``, a number or ``-``,
``yes``/``no``/``-``, and the figure in words. The machine and load average default to this
machine now; pass ``--date``, ``--machine`` and ``--load`` for a measurement made earlier or elsewhere.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench import records, report
from bench.goals import GOALS

MET = {"yes": True, "no": False, "-": None}


def figure(goal: str, value: str, met: str, text: str) -> tuple[str, records.Figure]:
    """One ``--figure`` argument, checked: an unknown goal or verdict fails before anything is written."""
    if goal not in {g.id for g in GOALS}:
        raise SystemExit(f"--figure {goal}: no such goal; the ids are in bench/goals.py (add a new goal there)")
    if met not in MET:
        raise SystemExit(f"--figure {goal}: MET is yes, no or -, not {met!r}")
    return goal, records.Figure(value=None if value == "-" else float(value), text=text, met=MET[met])


def record_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench record", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--title", required=True, help="what was measured; the history section's title")
    parser.add_argument("--command", required=True, help="what reproduces it, exactly as run")
    parser.add_argument("--figure", nargs=4, action="append", default=[], metavar=("GOAL", "VALUE", "MET", "TEXT"))
    parser.add_argument("--benchmark", default="manual", help="the record's kind (default: manual)")
    parser.add_argument("--body", default="", help="the write-up for bench/history/ (default: the figures)")
    parser.add_argument("--body-file", type=Path, help="read the write-up from this file (e.g. time -v's output)")
    parser.add_argument("--date", help="YYYY-MM-DD HH:MM UTC, when measured earlier (default: now)")
    parser.add_argument("--machine", help="default: this machine")
    parser.add_argument("--load", help="load average at the start (default: now)")
    args = parser.parse_args(argv)
    figures = dict(figure(*f) for f in args.figure)
    body = f"```\n{args.body_file.read_text(encoding='utf-8').strip()}\n```" if args.body_file else args.body
    if not body.strip():
        body = "\n".join(f"- {goal}: {fig.text}" for goal, fig in figures.items())
    body = f"Measured by hand: `{args.command}`. Machine: {args.machine or report.describe_machine()}.\n\n{body}"
    path = report.append_section(args.title, body, figures, benchmark=args.benchmark, load=args.load,
                                 command=args.command, date=args.date, machine=args.machine)
    print(f"appended to {path}; record in {records.RUNS}; rebuilt {records.RESULTS}")
