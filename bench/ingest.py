"""Ingest benchmark: pipeline throughput vs the bare encoder, re-ingest speed-up, peak RSS.

    .venv/bin/python bench/ingest.py                    # 300 synthetic articles, print figures
    .venv/bin/python bench/ingest.py --articles 10000 --write   # the 10k-article goal, written down

The ingest runs in a child process (the same script with ``--child``), so its peak RSS is the
ingest's own (model + pipeline + Chroma), not this process's. Model load and warm-up are done
before any clock starts.
The child is ``ingest_child.py``, the bare encoder's measurements ``ingest_encoder.py``, the
real-text run (``--real``) ``ingest_real.py``; this module runs the synthetic corpus and reports.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/ingest.py`, this file's folder would shadow the `ingest` package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402

from bench import report  # noqa: E402
from bench.ingest_child import ingest_in_child, profile_summary, run_child  # noqa: E402
from bench.ingest_encoder import (  # noqa: E402
    chunked_rate,
    embedding_texts,
    encode_rate,
    padding_overhead,
    pipeline_chunks,
    warm_model,
)
from bench.ingest_goals import GOAL_ARTICLES, GOAL_RATIO, GOAL_RSS_GIB, GOAL_SPEEDUP, goal_figures  # noqa: E402
from bench.ingest_real import DEFAULT_RSS_SIZES, run_real  # noqa: E402
from bench.synthetic import make_articles, write_txt  # noqa: E402
from rag import models  # noqa: E402
from rag.settings import ENCODERS, Settings  # noqa: E402

PROFILE_ARTICLES = 600  # the profiled ingest uses at most this many articles: representative, and bounded


def run_synthetic(args: argparse.Namespace) -> tuple[str, dict[str, report.Figure]]:
    """The synthetic-corpus benchmark: the markdown body of its section and the goal figures it measured."""
    encoder = models.Encoder(args.encoder)  # the bare encoder the ingest is compared with
    load = report.load_average()
    with tempfile.TemporaryDirectory(prefix="newsrag-bench-ingest-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_txt(make_articles(args.articles), corpus)
        print(f"{args.articles} synthetic articles in {corpus}", flush=True)

        texts_by_article = embedding_texts(corpus)
        texts = [t for article in texts_by_article for t in article][: args.encode_sample]
        warm_model(encoder, args.batch_size)
        print(f"{sum(map(len, texts_by_article))} paragraphs; encoding {len(texts)} with the bare encoder...", flush=True)
        encode_before, encode_cpu_before = encode_rate(encoder, texts, args.batch_size)
        print(f"  encode: {encode_before:.1f} paragraphs/s; ingesting in a child process...", flush=True)
        child = ingest_in_child(corpus, Path(tmp) / "db", args.batch_size, args.articles, reingest=True,
                                encoder=args.encoder)
        print("  ingest done; encoding again (checks for noise from other load)...", flush=True)
        encode_after, encode_cpu_after = encode_rate(encoder, texts, args.batch_size)
        encode = (encode_before + encode_after) / 2
        encode_cpu = (encode_cpu_before + encode_cpu_after) / 2
        measured_at_goal = args.articles >= GOAL_ARTICLES
        half = None
        if not measured_at_goal:
            print(f"  ingesting {args.articles // 2} articles in another child, for the RSS slope...", flush=True)
            half = ingest_in_child(corpus, Path(tmp) / "db-half", args.batch_size, args.articles // 2,
                                   encoder=args.encoder)

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
            as_is = chunked_rate(encoder, chunks, args.batch_size)
            diagnosis = [
                ["  `embed_texts` per pipeline chunk, as `ingest.embed` calls it (no store)",
                 f"{as_is:.1f} paragraphs/s ({100 * as_is / encode:.0f}% of (a))", "diagnostic"],
            ]
            if args.encoder == "torch":  # the ONNX encoders run each text alone: no padding
                pad = padding_overhead(encoder, chunks, args.batch_size)
                diagnosis.insert(0, [
                    "  tokens encoded per real token (padding), pipeline's batches / chunk sorted by length / "
                    "all sorted (bare encode)", f"{pad['pipeline']:.2f} / {pad['chunk_sorted']:.2f} / "
                    f"{pad['all_sorted']:.2f}", "diagnostic"])
            print("  profiling an extra ingest (cProfile)...", flush=True)
            report.OUT.mkdir(parents=True, exist_ok=True)
            profile_path = report.OUT / f"ingest-{args.articles}.prof"
            profiled = min(args.articles, PROFILE_ARTICLES)
            ingest_in_child(corpus, Path(tmp) / "db-profile", args.batch_size, profiled, profile_to=profile_path,
                            encoder=args.encoder)
            profile = f"#### First ingest ({profiled} articles)\n\n" + profile_summary(profile_path)
            if speedup < GOAL_SPEEDUP or args.profile:
                profile += "\n\n#### Unchanged re-ingest\n\n" + profile_summary(
                    profile_path.with_suffix(".reingest.prof"), top=10)
            profile += f"\n\n(raw profiles: `{profile_path.relative_to(report.BENCH.parent)}`, `.reingest.prof`)"

    rows = [
        ["articles / paragraphs", f"{child['articles']} / {child['paragraphs']}", ""],
        [f"(a) bare `{args.encoder}` encoder",
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
    figures = goal_figures(f"{child['articles']} synthetic articles, encoder {args.encoder}", ratio, cpu_ratio, speedup,
                           at_goal if measured_at_goal else None)
    return body, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300,
                        help="articles to ingest, synthetic or (with --real) real ones repeated (default 300)")
    parser.add_argument("--real", action="store_true",
                        help="real articles (the seed, PolNeAR's train split) instead of the synthetic corpus")
    parser.add_argument("--polnear", type=Path, default=os.environ.get("NEWSRAG_POLNEAR") or None,
                        help="PolNeAR checkout or its data/ folder, for --real (default $NEWSRAG_POLNEAR; "
                             "only data/train is read)")
    parser.add_argument("--keep", type=Path,
                        help="with --real: keep the corpus and the full-size store in DIR (corpus/, db/); "
                             "re-running with the same DIR resumes the ingest, which is idempotent")
    parser.add_argument("--repeats", type=int, default=3,
                        help="with --real: interleaved bare-encode / ingest pairs for the ratio (default 3)")
    parser.add_argument("--ratio-articles", type=int, default=50,
                        help="with --real: articles the throughput ratio is measured on (default 50)")
    parser.add_argument("--rss-sizes", type=lambda v: [int(n) for n in v.split(",") if n],
                        default=list(DEFAULT_RSS_SIZES),
                        help="with --real: smaller sizes whose peak RSS gives the slope (default 100,300,1000; "
                             "those >= --articles are left out)")
    parser.add_argument("--batch-size", type=int, default=64, help="embedding batch size (Settings default 64)")
    parser.add_argument("--encoder", choices=ENCODERS, default=Settings().encoder,
                        help=f"the encoder ingest and the bare baseline use (default {Settings().encoder!r})")
    parser.add_argument("--encode-sample", type=int, default=4000,
                        help="paragraphs the bare-encoder rate is measured on (default 4000; the rate, not the total)")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="diagnose and profile even if the ratio is met")
    parser.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), help=argparse.SUPPRESS)
    parser.add_argument("--profile-to", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--reingest", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(Path(args.child[0]), Path(args.child[1]), args.batch_size, args.articles, args.profile_to,
                  args.reingest, args.encoder)
        return
    if args.real:
        body, figures = run_real(args)
        print()
        print(body)
        if args.write:
            print(f"\nappended to {report.append_section(f'ingest, {args.articles} real articles', body, figures)}")
        return

    body, figures = run_synthetic(args)
    print()
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section(f'ingest, {args.articles} articles', body, figures)}")


if __name__ == "__main__":
    main()
