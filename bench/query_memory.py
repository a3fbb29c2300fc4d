"""What a query process holds in memory (``query.py --server``): RSS after each step, allocations.

Measured in a fresh Python process (``memory_in_child``), so nothing the benchmark itself loaded
counts: the model, ``NewsIndex.open``, the keyword index, the speaker index and a first ask.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench import report
from bench.query_timing import K
from bench.serving import rss_mib

_ROOT = Path(__file__).resolve().parents[1]


def measure_memory(settings: object, question: str, trace: bool = True) -> dict:
    """RSS of a fresh query process's parts, measured in this process before anything else is
    loaded: the model, then ``NewsIndex.open``, the keyword index (its SQLite file opened, or
    built, and the quoted paragraphs read), the speaker index, and a first ask. With ``trace``,
    ``tracemalloc`` runs from after the model (it sees Python objects and numpy arrays, not the
    model's weights) and its own bookkeeping, a trace per allocated block, inflates the RSS
    figures by hundreds of MiB at 300k paragraphs (2026-12-07: 1,999 MiB traced, 1,216 MiB
    not), so ``memory_in_child`` takes the RSS steps from an untraced run."""
    import tracemalloc

    from rag import NewsIndex, models

    steps = [("python + imports", rss_mib())]
    models.Encoder(settings.encoder).embed_query("load the model")  # type: ignore[attr-defined]
    steps.append((f"embedding model ({settings.encoder}, all-MiniLM-L6-v2)", rss_mib()))  # type: ignore[attr-defined]
    if trace:
        tracemalloc.start()
    index = NewsIndex.open(settings)
    steps.append(("NewsIndex.open (Chroma HTTP client)", rss_mib()))
    traced = [tracemalloc.get_traced_memory()[0]]
    snapshot = index.answerer.snapshot()
    cache = snapshot.keywords  # the KeywordCache the snapshot was made from
    steps.append(("keyword index (its SQLite file opened + quoted paragraphs)", rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    snapshot.speakers  # noqa: B018 - the speaker index, built here
    steps.append(("speaker index", rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    index.ask(question, k=K)
    steps.append(("first ask", rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()  # a no-op when it never started
    bm25_bytes = cache.file.path.stat().st_size  # on disk, shared through the page cache, not held
    return {"steps": steps, "traced": traced, "bm25_bytes": bm25_bytes, "paragraphs": cache.count(),
            "quoted": len(cache.quoted), "index": index}


def memory_section(memory: dict, server_rss: float) -> str:
    """``measure_memory``'s figures as markdown: RSS per step, traced allocations, the server's RSS."""
    rows = []
    previous = 0.0
    for name, rss in memory["steps"]:
        rows.append([name, f"{rss:.0f}", f"{rss - previous:+.0f}"])
        previous = rss
    t = memory["traced"]
    per = 100_000 / max(memory["paragraphs"], 1)
    return (
        f"Query process memory ({memory['paragraphs']} paragraphs, {memory['quoted']} with quotes), "
        "RSS in MiB after each step, measured in a fresh process:\n\n"
        + report.table(["step", "RSS MiB", "added MiB"], rows)
        + f"\n\nPython allocations traced (tracemalloc, after the model): keyword index "
        f"{(t[1] - t[0]) / 2**20:.0f} MiB (its SQLite file, on disk and shared: {memory['bm25_bytes'] / 2**20:.0f} MiB), "
        f"speaker index {(t[2] - t[1]) / 2**20:.0f} MiB, first ask {(t[3] - t[2]) / 2**20:+.0f} MiB. "
        + (f"Per 100k paragraphs: keyword + speaker index about "
           f"{(memory['steps'][4][1] - memory['steps'][2][1]) * per:.0f} MiB RSS on top of the model. "
           if memory["paragraphs"] >= 10_000 else "")
        + f"The `chroma run` server's RSS after the timings: {server_rss:.0f} MiB."
    )


def memory_in_child(settings: object, question: str, server_pid: int) -> str:
    """``measure_memory`` in a fresh Python process (so nothing this one loaded counts), as text."""
    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from bench import query_memory; "
        "from rag.settings import Settings; "
        "s = Settings.load(env={}, chroma_url=sys.argv[2], cache_dir=sys.argv[3]); "
        "m = query_memory.measure_memory(s, sys.argv[4], trace=sys.argv[5] == 'traced'); m.pop('index'); "
        "print('MEMORY' + json.dumps(m))"
    )
    runs = {}
    for mode in ("plain", "traced"):  # RSS from a process without tracemalloc, allocations from one with
        out = subprocess.run(
            [sys.executable, "-c", code, str(_ROOT), settings.chroma_url,  # type: ignore[attr-defined]
             str(settings.cache_dir), question, mode],  # type: ignore[attr-defined]
            capture_output=True, text=True, check=True, cwd=_ROOT,
        ).stdout
        runs[mode] = json.loads(next(line for line in out.splitlines() if line.startswith("MEMORY"))[6:])
    memory = {**runs["traced"], "steps": runs["plain"]["steps"]}
    return memory_section(memory, float("nan")).replace("nan MiB", "{SERVER_RSS} MiB")


