"""Shared by the benchmark scripts: the machine description and appending to ``bench/RESULTS.md``."""

from __future__ import annotations

import os
import platform
import statistics
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
OUT = BENCH / "out"  # gitignored: caches (embeddings, stores, the eval db) and profiles

HEADER = """\
# newsrag benchmark results

Figures written by the scripts in `bench/` (see `bench/README.md` for how to run them). Every
section is appended by a run with `--write` and is dated, with the machine it ran on; compare
figures only between sections from the same machine. The shared development machine has 2 CPU
cores that other people's test runs also use, so the load average at the start of each run is
recorded beside its figures.

- **ingest** (`bench/ingest.py`): a synthetic corpus (real sentences from `data/` and the seed
  corpus, recombined, with every name and number varied; `bench/synthetic.py`) written as .txt
  files, then (a) the bare `SentenceTransformer.encode` rate on exactly the texts the pipeline
  embeds, (b) `ingest()` throughput into a fresh embedded Chroma and its ratio to (a) (goal
  >= 90%), (c) an unchanged re-ingest and its speed-up over the first ingest (goal >= 50x),
  (d) the peak RSS of the ingest process (goal <= 2 GiB for 10k articles; extrapolated, and said
  so, unless run with `--articles 10000`). Model load time is excluded from the rates.
- **query** (`bench/query.py`): p50/p95 latency of `NewsIndex.search` and `NewsIndex.ask` at 1k,
  10k and 100k stored paragraphs, next to the floor measured in the same run (encode the query +
  one raw Chroma `collection.query`). Goals at 100k paragraphs on 2 cores: ask p50 <= 100 ms,
  p95 <= 250 ms, and within 1.5x of the floor.
- **eval** (`bench/eval.py`): quality on the labelled demo corpus (`bench/labels/`): retrieval
  recall@1, recall@5 and MRR per fusion method and per `DENSE_WEIGHT`; attribution precision,
  recall and F1 against the annotated quotes (goal F1 >= 0.9); refusal accuracy on unanswerable
  questions, false refusals on answerable ones, and a sweep of `MIN_DENSE_SIMILARITY`. Goal:
  hybrid recall@5 at least 10 points above dense-only.
"""


def machine() -> str:
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


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def append_section(title: str, body: str) -> Path:
    """Append a dated section to RESULTS.md, creating the file with its header first."""
    if not RESULTS.exists():
        RESULTS.write_text(HEADER, encoding="utf-8")
    with RESULTS.open("a", encoding="utf-8") as f:
        f.write(f"\n## {title}: {now()}\n\n{body.strip()}\n")
    return RESULTS


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
