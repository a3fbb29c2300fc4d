"""RealTime QA's goals (issue 10) as a run of ``realtimeqa.py`` measured them, for its record.

Read from the report ``evaluate`` wrote: its lines state each figure and verdict once, so the
record, RESULTS.md and the write-up cannot disagree.
"""

from __future__ import annotations

import re

from bench import report
from bench.datasets.realtimeqa import FIGURE_YEAR

_GAIN_LINE = re.compile(r"Default `Tuning\(\)` minus dense only: recall@5 ([+-][\d.]+) points, MRR@10 ([+-][\d.]+) "
                        r"points \(goal >= \+\d+ each: recall@5 (met|NOT met), MRR (met|NOT met)\)")


def goal_figures(body: str) -> dict[str, report.Figure]:
    """Issue 10's goals on the figure year, read from the report ``evaluate`` wrote (its lines say
    each figure and verdict once, so the record and the page cannot disagree with the write-up)."""
    figures: dict[str, report.Figure] = {}
    gains = []
    for key in ("small", "large"):
        heading = re.search(rf"^#### {FIGURE_YEAR}, {key} corpus.*?$(.*?)(?=^###|\Z)", body, re.M | re.S)
        line = _GAIN_LINE.search(heading.group(1)) if heading else None
        if line:
            gains.append((key, *line.groups()))
    if gains:
        met = [m == "met" for _, _, _, m5, mm in gains for m in (m5, mm)]
        text = "; ".join(f"{key} corpus {r5} / {mrr} points" for key, r5, mrr, _, _ in gains)
        mrr_met = sum(mm == "met" for *_, mm in gains)
        r5_met = sum(m5 == "met" for *_, m5, _ in gains)
        figures["rtqa-recall-vs-dense"] = report.Figure(
            None, f"{FIGURE_YEAR}, asked as of each quiz date, default minus dense only (recall@5 / MRR@10): {text}",
            all(met) if all(met) or not any(met) else None,
            "" if all(met) or not any(met) else f"MRR met on {mrr_met} of {len(gains)}, recall@5 on {r5_met} of {len(gains)}")
    goals = re.search(rf"^Goals \({FIGURE_YEAR}\): (.*?)\.?$", body, re.M)
    if goals:
        verdicts = re.findall(r"(met|NOT met)\)", goals.group(1))[:3]  # refused, false refusals, holding
        figures["rtqa-refusals"] = report.Figure(
            None, goals.group(1), all(v == "met" for v in verdicts) if len(set(verdicts)) == 1 else None,
            "" if len(set(verdicts)) == 1 else "partly met: " + ", ".join(
                f"{name} {'met' if v == 'met' else 'not met'}" for name, v in
                zip(("unanswerable refused", "answerable refused", "holding"), verdicts, strict=False)))
    return figures
