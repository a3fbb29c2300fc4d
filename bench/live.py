"""A live newsroom: what the first question after another process's one-article ingest costs.

    .venv/bin/python bench/live.py --sizes 1000,10000          # paragraphs in the store
    .venv/bin/python bench/live.py --sizes 10000 --rounds 5 --write
    .venv/bin/python bench/live.py --server --sizes 1000,10000,100000   # a `chroma run` per store

Issue 19's goal: with the index already open, the first question after a one-article
`newsrag ingest` in another process takes <= 0.5 s at 10k and at 100k paragraphs, and does not
grow with the corpus (1k vs 10k articles within 1.3x). Stores are ``bench/query.py``'s (``bench/datasets/synthetic_stores.py``:
synthetic paragraphs with real quotes, real vectors for the first 10,000, perturbed copies
after), copied to a scratch folder so the cached store stays as built. Each round: another
process ingests one new .txt article (its own encoder load is not timed), then this process,
whose ``NewsIndex`` has been open and warm all along, asks a fixed question twice: the first ask
pays for whatever the write made stale (the reopened Chroma client, the keyword index brought
forward through the change log, the speaker index updated), the second is the steady state. One
untimed ingest first: a cached store from before the change log is indexed once more by it. Sizes are interleaved per round; medians.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _key, _value in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"), ("ORT_DISABLE_TELEMETRY", "1"),
                     ("ANONYMIZED_TELEMETRY", "False"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_key, _value)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import report  # noqa: E402
from bench.datasets.synthetic_stores import build_store, synthetic_paragraphs  # noqa: E402
from bench.serving import chroma_server, server_settings  # noqa: E402

QUESTIONS = ("who said what about the harbour?", "What did the council decide about the budget?")
ARTICLE = "Tidal Plant Opens in {town}\n\nThe town of {town} opened a tidal plant on Sunday, round {n}.\n\n" \
          '"Every tide now brings us power," said Ilse Varga, the chief engineer in {town}.\n'


def _ingest_one(settings: object, folder: Path, n: int) -> None:
    """`newsrag ingest` of one new article in another process, into the store ``settings`` name."""
    path = folder / f"tidal-{n}.txt"
    path.write_text(ARTICLE.format(town=f"Quellmoor{n}", n=n), encoding="utf-8")
    newsrag = str(Path(sys.executable).with_name("newsrag"))
    url = settings.chroma_url  # type: ignore[attr-defined]
    where = ["--chroma-url", url] if url else ["--db", str(settings.db)]  # type: ignore[attr-defined]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    if url:  # the same machine: share the keyword index folder, as the processes of one host do
        env["NEWSRAG_CACHE_DIR"] = str(settings.cache_dir)  # type: ignore[attr-defined]
    subprocess.run([newsrag, "ingest", str(path), *where], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


GOAL_FIRST_S = 0.5  # issue 19: the first question after the ingest, at 10k and at 100k paragraphs
GOAL_FLAT = 1.3  # issue 19: ... and no more than 1.3x from the smallest store to the largest
GOAL_SIZES = (10_000, 100_000)


def goal_figures(first: dict[int, float], server: bool, pause: float) -> dict[str, report.Figure]:
    """Issue 19's goals from the median first ask per store size (seconds): the 0.5 s goal only when
    both its sizes were measured, the flatness one whenever there were two sizes or more."""
    mode = ("`chroma run`" if server else "embedded") + (f", asked {pause:g} s later, kept current" if pause else "")
    sizes = sorted(first)
    each = " / ".join(f"{first[s]:.3f}" for s in sizes) + " s at " + " / ".join(f"{s // 1000}k" for s in sizes)
    figures = {}
    if all(s in first for s in GOAL_SIZES):
        worst = max(first[s] for s in GOAL_SIZES)
        figures["query-first-question-after-ingest"] = report.Figure(
            round(worst, 3), f"{mode}: {each} paragraphs (medians)", worst <= GOAL_FIRST_S)
    if len(sizes) > 1:
        ratio = first[sizes[-1]] / first[sizes[0]]
        figures["query-first-question-flat"] = report.Figure(
            round(ratio, 2), f"{mode}: largest over smallest {ratio:.2f}x ({each} paragraphs, medians)", ratio <= GOAL_FLAT)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="store sizes in paragraphs, comma-separated")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--real-embeddings", type=int, default=10_000,
                        help="real vectors for the first N paragraphs (as bench/query.py, so its stores are shared)")
    parser.add_argument("--server", action="store_true",
                        help="serve each store with a real `chroma run`; the app and the ingest talk to it")
    parser.add_argument("--pause", type=float, default=0.0,
                        help="seconds between the ingest and the question, with the index kept current in the "
                             "background (NewsIndex.keep_current, as the chat does); 0: ask at once, no background refresh")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    with contextlib.ExitStack() as servers:
        _run(args, servers)


def _run(args: argparse.Namespace, servers: contextlib.ExitStack) -> None:
    from rag import NewsIndex
    from rag.settings import Settings

    sizes = [int(s) for s in args.sizes.split(",")]
    load = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="newsrag-live-"))
    indexes = {}
    for size in sizes:
        built, _, _ = build_store(synthetic_paragraphs(size), args.real_embeddings, rebuild=False)
        db = scratch / f"db-{size}"
        shutil.copytree(built.db, db, ignore=shutil.ignore_patterns("newsrag-cache", ".newsrag-*"))  # type: ignore[attr-defined]
        settings = Settings.load(env={}, db=db)
        if args.server:
            url, _ = servers.enter_context(chroma_server(db))
            settings = server_settings(settings, url)
        indexes[size] = NewsIndex.open(settings).warm()
        for q in QUESTIONS:
            indexes[size].ask(q)
        # Untimed: a store written before the change log existed is indexed once more by the
        # first ingest that keeps one (``rag.changes``: a new epoch); stores built now are not.
        _ingest_one(indexes[size].settings, scratch, size)
        for q in QUESTIONS:
            indexes[size].ask(q)
        if args.pause:
            indexes[size].keep_current()
    first: dict[int, list[float]] = {s: [] for s in sizes}
    steady: dict[int, list[float]] = {s: [] for s in sizes}
    for n in range(args.rounds):
        for size in sizes:
            index = indexes[size]
            _ingest_one(index.settings, scratch, n * 1000 + size)
            question = QUESTIONS[n % len(QUESTIONS)]
            time.sleep(args.pause)
            start = time.perf_counter()
            index.ask(question)
            first[size].append(time.perf_counter() - start)
            start = time.perf_counter()
            index.ask(question)
            steady[size].append(time.perf_counter() - start)
            print(f"round {n + 1} size {size}: first {first[size][-1]:.3f} s, then {steady[size][-1]:.3f} s", flush=True)
    rows = [f"| {size:,} | {statistics.median(first[size]):.3f} s | {max(first[size]):.3f} s | "
            f"{statistics.median(steady[size]):.3f} s |" for size in sizes]
    ratio = (statistics.median(first[sizes[-1]]) / statistics.median(first[sizes[0]])) if len(sizes) > 1 else 1.0
    section = "\n".join([
        f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}; load average at the start {load[0]:.2f} (1 min), {load[1]:.2f} (5 min). "
        f"{'A `chroma run` server per store' if args.server else 'Embedded store'}, default encoder; {args.rounds} "
        f"rounds, sizes interleaved. "
        + (f"The question comes {args.pause:g} s after the ingest, the index kept current in the background "
           f"(`NewsIndex.keep_current`, as the chat does). " if args.pause else "The question comes at once. ")
        + f"`bench/live.py --sizes {args.sizes}{' --server' if args.server else ''}"
        f"{f' --pause {args.pause:g}' if args.pause else ''}`.",
        "",
        "| paragraphs | first ask after the ingest (median) | (max) | the ask after it (median) |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Largest over smallest, first ask: {ratio:.2f}x (goal <= 1.3x from 1k to 10k articles; <= 0.5 s at 10k and 100k paragraphs).",
        "",
    ])
    print(section)
    if args.write:
        mode = " (chroma run server)" if args.server else ""
        pause = f", {args.pause:g} s later, kept current" if args.pause else ""
        figures = goal_figures({size: statistics.median(first[size]) for size in sizes}, args.server, args.pause)
        report.append_section(f"live: the first question after another process's one-article ingest{mode}{pause}",
                              section, figures)
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
