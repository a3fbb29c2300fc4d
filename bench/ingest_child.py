"""The ingest benchmark's child process: one timed ``ingest()`` (and a re-ingest), its peak RSS its own.

``ingest.py --child CORPUS DB`` runs ``run_child`` in a fresh Python, so the peak RSS it reports
is the ingest's (model + pipeline + Chroma), not the benchmark's; ``child`` starts it and reads
its result. The model is loaded and warmed, and the libraries imported, before any clock starts.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench import report

INGEST_SCRIPT = Path(__file__).with_name("ingest.py")

# (label, file part, function name) of the calls whose cumulative time the profile reports.
_PROFILE_PHASES = (
    ("discover files", "ingest/loaders.py", "discover_files"),
    ("load files", "ingest/loaders.py", "load_file"),
    ("article_paragraphs (repair + quotes + records)", "ingest/pipeline.py", "article_paragraphs"),
    ("repair paragraphs", "ingest/paragraphs.py", "repair_paragraphs"),
    ("extract quotes", "ingest/quotes/extract.py", "extract_quotes"),
    ("embedding_text (headline + text)", "rag/records.py", "embedding_text"),
    ("embed (rag.models.Encoder.embed_texts)", "rag/models.py", "embed_texts"),
    ("  of which SentenceTransformer.encode", "sentence_transformers", "encode"),
    ("Store.add (Chroma upsert)", "rag/store.py", "add"),
    ("Store.delete", "rag/store.py", "delete"),
    ("Store.stored_for", "rag/store.py", "stored_for"),
    ("Store.connect", "rag/store.py", "connect"),
    ("bump_revision", "rag/store.py", "bump_revision"),
)



def peak_rss_mib() -> float:
    """This process's peak resident set size so far, MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def cpu_s() -> float:
    """CPU seconds used by this process so far (all threads): robust to other load, unlike wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime





def run_child(corpus: Path, db: Path, batch_size: int, limit: int, profile_to: Path | None, reingest: bool,
              encoder: str) -> None:
    """One timed ingest of the first ``limit`` files (profiled to ``profile_to`` if given) and, with
    ``reingest``, an unchanged re-ingest; prints its figures as one ``RESULT`` JSON line."""
    import chromadb  # noqa: F401 - imported before the clock starts, like the model

    from bench.ingest_encoder import warm_model
    from ingest import ingest
    from rag import models
    from rag.settings import Settings

    settings = Settings.load(env={}, db=db, batch_size=batch_size, encoder=encoder)
    model = models.Encoder(encoder, db / "newsrag-encoder")  # as Store.connect will: the warm-up loads that graph
    files = sorted(corpus.glob("*.txt"))[:limit]
    warm_model(model, batch_size)
    rss_before = peak_rss_mib()
    stages: dict[str, float] = {}

    def progress(p: object) -> None:
        stages.setdefault(p.stage, time.perf_counter())  # type: ignore[attr-defined]

    profiler = cProfile.Profile() if profile_to else None
    cpu_start = cpu_s()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    first = ingest(files, settings, progress=progress)
    if profiler:
        profiler.disable()
    first_s = time.perf_counter() - start
    first_cpu_s = cpu_s() - cpu_start
    rss_after = peak_rss_mib()
    result = {
        "first_s": first_s,
        "first_cpu_s": first_cpu_s,
        "read_s": stages.get("embedding", start) - start,
        "embed_write_s": stages.get("done", start) - stages.get("embedding", start),
        "paragraphs": first.paragraphs_added,
        "articles": first.articles_added,
        "unchanged": first.paragraphs_unchanged,  # > 0 only when resuming into a kept store
        "unchanged_articles": first.articles_unchanged,
        "failed": [f.error for f in first.failed],
        "rss_before_mib": rss_before,
        "rss_peak_mib": rss_after,
        "torch_imported": "torch" in sys.modules,
    }
    if profiler and profile_to:
        profiler.dump_stats(str(profile_to))
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        ingest(files, settings)
        profiler.disable()
        result["reingest_profiled_s"] = time.perf_counter() - start
        profiler.dump_stats(str(profile_to.with_suffix(".reingest.prof")))
    if reingest:
        start = time.perf_counter()
        again = ingest(files, settings)
        result["reingest_s"] = time.perf_counter() - start
        result["reingest_unchanged"] = again.paragraphs_unchanged
        result["reingest_added"] = again.paragraphs_added + again.paragraphs_updated
        result["rss_peak_after_reingest_mib"] = peak_rss_mib()
    print("RESULT " + json.dumps(result))


def ingest_in_child(
    corpus: Path, db: Path, batch_size: int, limit: int, profile_to: Path | None = None, reingest: bool = False,
    encoder: str = "",
) -> dict:
    """``run_child`` in a fresh Python (``ingest.py --child``) with ``encoder`` (default: the
    settings' default); its result."""
    from rag.settings import Settings

    command = [sys.executable, str(INGEST_SCRIPT), "--child", str(corpus), str(db), "--batch-size", str(batch_size),
               "--articles", str(limit), "--encoder", encoder or Settings().encoder]
    if profile_to:
        command += ["--profile-to", str(profile_to)]
    if reingest:
        command.append("--reingest")
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"the ingest child failed (exit {done.returncode})")
    return json.loads(lines[-1][len("RESULT "):])


def profile_summary(path: Path, top: int = 15) -> str:
    """A profile the child wrote, as markdown: time per pipeline phase, then the top functions."""
    stats = pstats.Stats(str(path))
    total = max((v[3] for v in stats.stats.values()), default=0.0)  # type: ignore[attr-defined]
    rows = []
    for label, file_part, name in _PROFILE_PHASES:
        cumulative = sum(
            v[3]
            for (filename, _, func), v in stats.stats.items()  # type: ignore[attr-defined]
            if func == name and file_part in filename
        )
        if cumulative:
            rows.append([label, f"{cumulative:.2f}", f"{100 * cumulative / total:.0f}%" if total else ""])
    buffer = io.StringIO()
    pstats.Stats(str(path), stream=buffer).sort_stats("tottime").print_stats(top)
    listing = "\n".join(line for line in buffer.getvalue().splitlines() if line.strip())
    listing = listing[listing.find("ncalls"):] if "ncalls" in listing else listing
    return (
        f"cProfile of a separate ingest run (profiler overhead inflates Python-heavy parts); total {total:.1f} s\n\n"
        + report.table(["phase", "cumulative s", "share"], rows)
        + "\n\nTop functions by own time:\n\n```\n"
        + listing
        + "\n```"
    )


