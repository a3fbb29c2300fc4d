"""Ingest benchmark: pipeline throughput vs the bare encoder, re-ingest speed-up, peak RSS.

    .venv/bin/python bench/ingest.py                    # 300 synthetic articles, print figures
    .venv/bin/python bench/ingest.py --articles 10000 --write   # the 10k-article goal, into RESULTS.md

The ingest runs in a child process (the same script with ``--child``), so its peak RSS is the
ingest's own (model + pipeline + Chroma), not this process's. Model load and warm-up are done
before any clock starts.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/ingest.py`, this file's folder would shadow the `ingest` package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from bench import report  # noqa: E402
from bench.synthetic import make_articles, write_txt  # noqa: E402

GOAL_RATIO = 0.90
GOAL_SPEEDUP = 50.0
GOAL_RSS_GIB = 2.0
GOAL_ARTICLES = 10_000
PROFILE_ARTICLES = 600  # the profiled ingest uses at most this many articles: representative, and bounded

# (label, file part, function name) of the calls whose cumulative time the profile reports.
_PROFILE_PHASES = (
    ("discover files", "ingest/loaders.py", "discover_files"),
    ("load files", "ingest/loaders.py", "load_file"),
    ("article_paragraphs (repair + quotes + records)", "ingest/pipeline.py", "article_paragraphs"),
    ("repair paragraphs", "ingest/paragraphs.py", "repair_paragraphs"),
    ("extract quotes", "ingest/quotes/extract.py", "extract_quotes"),
    ("embedding_text (headline + text)", "rag/records.py", "embedding_text"),
    ("embed (rag.models.embed_texts)", "rag/models.py", "embed_texts"),
    ("  of which SentenceTransformer.encode", "sentence_transformers", "encode"),
    ("Store.add (Chroma upsert)", "rag/store.py", "add"),
    ("Store.delete", "rag/store.py", "delete"),
    ("Store.stored_for", "rag/store.py", "stored_for"),
    ("Store.connect", "rag/store.py", "connect"),
    ("bump_revision", "rag/store.py", "bump_revision"),
)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _cpu_s() -> float:
    """CPU seconds used by this process so far (all threads): robust to other load, unlike wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _warm_model(batch_size: int) -> None:
    from rag import models

    models.embed_texts(["Warm-up sentence for the embedding model, not timed."] * batch_size, batch_size)


# -- the child: one timed ingest and one re-ingest ----------------------------------------------------


def run_child(corpus: Path, db: Path, batch_size: int, limit: int, profile_to: Path | None, reingest: bool) -> None:
    import chromadb  # noqa: F401 - imported before the clock starts, like the model

    from ingest import ingest
    from rag.settings import Settings

    settings = Settings.load(env={}, db=db, batch_size=batch_size)
    files = sorted(corpus.glob("*.txt"))[:limit]
    _warm_model(batch_size)
    rss_before = _rss_mib()
    stages: dict[str, float] = {}

    def progress(p: object) -> None:
        stages.setdefault(p.stage, time.perf_counter())  # type: ignore[attr-defined]

    profiler = cProfile.Profile() if profile_to else None
    cpu_start = _cpu_s()
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    first = ingest(files, settings, progress=progress)
    if profiler:
        profiler.disable()
    first_s = time.perf_counter() - start
    first_cpu_s = _cpu_s() - cpu_start
    rss_after = _rss_mib()
    result = {
        "first_s": first_s,
        "first_cpu_s": first_cpu_s,
        "read_s": stages.get("embedding", start) - start,
        "embed_write_s": stages.get("done", start) - stages.get("embedding", start),
        "paragraphs": first.paragraphs_added,
        "articles": first.articles_added,
        "failed": [f.error for f in first.failed],
        "rss_before_mib": rss_before,
        "rss_peak_mib": rss_after,
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
        result["rss_peak_after_reingest_mib"] = _rss_mib()
    print("RESULT " + json.dumps(result))


def _child(
    corpus: Path, db: Path, batch_size: int, limit: int, profile_to: Path | None = None, reingest: bool = False
) -> dict:
    command = [sys.executable, __file__, "--child", str(corpus), str(db), "--batch-size", str(batch_size),
               "--articles", str(limit)]
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


# -- the parent: corpus, encoder baseline, report ------------------------------------------------------


def embedding_texts(corpus: Path) -> list[list[str]]:
    """Exactly the texts the pipeline embeds, per article, in the order it embeds them."""
    from ingest.loaders import discover_files, load_file
    from ingest.pipeline import article_paragraphs
    from rag.records import embedding_text

    files, _ = discover_files([corpus])
    per_article = []
    for path in files:
        for article in load_file(path, max_bytes=25 * 1024 * 1024):
            per_article.append([embedding_text(p) for p in article_paragraphs(article)])
    return per_article


def encode_rate(texts: list[str], batch_size: int) -> tuple[float, float]:
    """Paragraphs per wall second and per CPU second of the bare ``SentenceTransformer.encode``."""
    from rag import models

    encoder = models.embed_model()  # the SentenceTransformer that rag.models.embed_texts calls
    encoder.encode(texts[:batch_size], batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    cpu_start = _cpu_s()
    start = time.perf_counter()
    encoder.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return len(texts) / (time.perf_counter() - start), len(texts) / (_cpu_s() - cpu_start)


def pipeline_chunks(per_article: list[list[str]], batch_size: int, limit: int) -> list[list[str]]:
    """The pipeline's write chunks (whole articles until >= 4 batches), up to ``limit`` paragraphs."""
    chunks, pending = [], []
    total = 0
    for texts in per_article:
        if total >= limit:
            break
        pending.extend(texts)
        total += len(texts)
        if len(pending) >= max(batch_size * 4, 1):
            chunks.append(pending)
            pending = []
    return chunks + ([pending] if pending else [])


def chunked_rate(chunks: list[list[str]], batch_size: int) -> float:
    """Paragraphs/s of ``rag.models.embed_texts`` called chunk by chunk, as ``ingest.embed`` does."""
    from rag import models

    start = time.perf_counter()
    for chunk in chunks:
        models.embed_texts(chunk, batch_size=batch_size)
    return sum(len(c) for c in chunks) / (time.perf_counter() - start)


def padding_overhead(chunks: list[list[str]], batch_size: int) -> dict[str, float]:
    """Tokens the encoder processes (padding included) per real token, for three ways of batching.

    Deterministic, so immune to other load: the linear layers that dominate the encoder's time
    scale with padded tokens. "pipeline" is each chunk batched in the order given; "chunk sorted"
    is what ``ingest.embed`` gets, since ``SentenceTransformer.encode`` sorts each chunk it is
    given by length; "all sorted" is the bare encoder on the whole corpus at once.
    """
    from rag import models

    encoder = models.embed_model()
    max_tokens = encoder.max_seq_length
    texts = [t for chunk in chunks for t in chunk]
    tokens = dict(zip(texts, (min(len(ids), max_tokens) for ids in encoder.tokenizer(texts)["input_ids"]),
                      strict=True))
    real = sum(tokens[t] for t in texts)

    def padded(groups: list[list[str]]) -> int:
        total = 0
        for group in groups:
            for start in range(0, len(group), batch_size):
                batch = group[start : start + batch_size]
                total += len(batch) * max(tokens[t] for t in batch)
        return total

    def by_length(group: list[str]) -> list[str]:
        return sorted(group, key=len, reverse=True)

    return {
        "pipeline": padded(chunks) / real,
        "chunk_sorted": padded([by_length(c) for c in chunks]) / real,
        "all_sorted": padded([by_length(texts)]) / real,
    }


def profile_summary(path: Path, top: int = 15) -> str:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300, help="synthetic articles to ingest (default 300)")
    parser.add_argument("--batch-size", type=int, default=64, help="embedding batch size (Settings default 64)")
    parser.add_argument("--encode-sample", type=int, default=4000,
                        help="paragraphs the bare-encoder rate is measured on (default 4000; the rate, not the total)")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="diagnose and profile even if the ratio is met")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reingest", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(Path(args.child[0]), Path(args.child[1]), args.batch_size, args.articles, args.profile_to,
                  args.reingest)
        return

    load = report.load_average()
    with tempfile.TemporaryDirectory(prefix="newsrag-bench-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_txt(make_articles(args.articles), corpus)
        print(f"{args.articles} synthetic articles in {corpus}", flush=True)

        texts_by_article = embedding_texts(corpus)
        texts = [t for article in texts_by_article for t in article][: args.encode_sample]
        _warm_model(args.batch_size)
        print(f"{sum(map(len, texts_by_article))} paragraphs; encoding {len(texts)} with the bare encoder...", flush=True)
        encode_before, encode_cpu_before = encode_rate(texts, args.batch_size)
        print(f"  encode: {encode_before:.1f} paragraphs/s; ingesting in a child process...", flush=True)
        child = _child(corpus, Path(tmp) / "db", args.batch_size, args.articles, reingest=True)
        print("  ingest done; encoding again (checks for noise from other load)...", flush=True)
        encode_after, encode_cpu_after = encode_rate(texts, args.batch_size)
        encode = (encode_before + encode_after) / 2
        encode_cpu = (encode_cpu_before + encode_cpu_after) / 2
        measured_at_goal = args.articles >= GOAL_ARTICLES
        half = None
        if not measured_at_goal:
            print(f"  ingesting {args.articles // 2} articles in another child, for the RSS slope...", flush=True)
            half = _child(corpus, Path(tmp) / "db-half", args.batch_size, args.articles // 2)

        ingest_rate = child["paragraphs"] / child["first_s"]
        ratio = ingest_rate / encode
        cpu_ratio = child["paragraphs"] / child["first_cpu_s"] / encode_cpu
        speedup = child["first_s"] / child["reingest_s"]
        if half:
            # Two peaks cancel the fixed costs (imports, model, arenas) a one-point slope would spread.
            mib_per_article = (child["rss_peak_mib"] - half["rss_peak_mib"]) / max(child["articles"] - half["articles"], 1)
            # A smaller peak for more articles is allocator noise: memory never shrinks with the
            # corpus, so the measured peak is then the only honest lower bound.
            at_goal = child["rss_peak_mib"] + max(mib_per_article, 0.0) * (GOAL_ARTICLES - child["articles"])
            rss_how = (f" (linear extrapolation from the peaks at {half['articles']} and {child['articles']} "
                       f"articles, {half['rss_peak_mib']:.0f} and {child['rss_peak_mib']:.0f} MiB; not measured"
                       + ("; the slope was negative, so this is only the measured peak" if mib_per_article < 0 else "")
                       + ("; from runs this small the slope is mostly allocator noise" if child["articles"] < 1000 else "")
                       + ")")
        else:
            mib_per_article = (child["rss_peak_mib"] - child["rss_before_mib"]) / max(child["articles"], 1)
            at_goal = child["rss_peak_mib"]
            rss_how = " (measured)"

        profile = ""
        diagnosis = []
        if min(ratio, cpu_ratio) < GOAL_RATIO or args.profile:
            print("  timing the pipeline's embedding calls alone (no store)...", flush=True)
            chunks = pipeline_chunks(texts_by_article, args.batch_size, args.encode_sample)
            as_is = chunked_rate(chunks, args.batch_size)
            pad = padding_overhead(chunks, args.batch_size)
            diagnosis = [
                ["  tokens encoded per real token (padding), pipeline's batches / chunk sorted by length / "
                 "all sorted (bare encode)", f"{pad['pipeline']:.2f} / {pad['chunk_sorted']:.2f} / "
                 f"{pad['all_sorted']:.2f}", "diagnostic"],
                ["  `embed_texts` per pipeline chunk, as `ingest.embed` calls it (no store)",
                 f"{as_is:.1f} paragraphs/s ({100 * as_is / encode:.0f}% of (a))", "diagnostic"],
            ]
            print("  profiling an extra ingest (cProfile)...", flush=True)
            report.OUT.mkdir(parents=True, exist_ok=True)
            profile_path = report.OUT / f"ingest-{args.articles}.prof"
            profiled = min(args.articles, PROFILE_ARTICLES)
            _child(corpus, Path(tmp) / "db-profile", args.batch_size, profiled, profile_to=profile_path)
            profile = f"#### First ingest ({profiled} articles)\n\n" + profile_summary(profile_path)
            if speedup < GOAL_SPEEDUP or args.profile:
                profile += "\n\n#### Unchanged re-ingest\n\n" + profile_summary(
                    profile_path.with_suffix(".reingest.prof"), top=10)
            profile += f"\n\n(raw profiles: `{profile_path.relative_to(report.BENCH.parent)}`, `.reingest.prof`)"

    rows = [
        ["articles / paragraphs", f"{child['articles']} / {child['paragraphs']}", ""],
        ["(a) bare `SentenceTransformer.encode`",
         f"{encode:.1f} paragraphs/s (before {encode_before:.1f}, after {encode_after:.1f}; {len(texts)} paragraphs)", ""],
        ["(b) `ingest()` first run", f"{ingest_rate:.1f} paragraphs/s ({child['first_s']:.1f} s)", ""],
        ["  read + repair + quotes + plan", f"{child['read_s']:.1f} s", ""],
        ["  embed + write", f"{child['embed_write_s']:.1f} s", ""],
        ["(b) ingest / encode", f"{100 * ratio:.0f}%", f">= {100 * GOAL_RATIO:.0f}%: {'met' if ratio >= GOAL_RATIO else 'NOT met'}"],
        ["(b) the same in paragraphs per CPU second (less sensitive to other load)",
         f"{100 * cpu_ratio:.0f}% ({child['paragraphs'] / child['first_cpu_s']:.1f} vs {encode_cpu:.1f})", ""],
        *diagnosis,
        ["(c) unchanged re-ingest", f"{child['reingest_s']:.2f} s, {speedup:.0f}x faster "
         f"({child['reingest_unchanged']} unchanged, {child['reingest_added']} re-embedded)",
         f">= {GOAL_SPEEDUP:.0f}x: {'met' if speedup >= GOAL_SPEEDUP else 'NOT met'}"],
        ["(d) peak RSS of the ingest process",
         f"{child['rss_peak_mib']:.0f} MiB ({child['rss_before_mib']:.0f} MiB after imports and model load; "
         f"{mib_per_article * 1024:.0f} KiB per extra article)", ""],
        [f"(d) peak RSS at {GOAL_ARTICLES} articles", f"{at_goal / 1024:.2f} GiB" + rss_how,
         f"<= {GOAL_RSS_GIB:.0f} GiB: " + ("" if measured_at_goal else "extrapolation ")
         + ("within" if at_goal / 1024 <= GOAL_RSS_GIB else "over")],
    ]
    if child["failed"]:
        rows.append(["failed files", str(len(child["failed"])), child["failed"][0][:80]])
    body = (
        f"Machine: {report.machine()}; load average at start {load}. Batch size {args.batch_size}; "
        f"synthetic corpus of {args.articles} .txt articles (`bench/synthetic.py`).\n\n"
        + report.table(["measure", "figure", "goal"], rows)
    )
    if profile:
        body += "\n\n" + profile
    print()
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section(f'ingest, {args.articles} articles', body)}")


if __name__ == "__main__":
    main()
