"""The ingest benchmark on real articles (``ingest.py --real``): the seed and PolNeAR's train split,
repeated with varied names to any size; the ratio to the bare encoder, peak RSS per size and its slope.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import report
from bench.ingest_child import ingest_in_child
from bench.ingest_encoder import embedding_texts, encode_rate, token_counts, warm_model
from bench.ingest_goals import GOAL_ARTICLES, GOAL_RATIO, GOAL_RSS_GIB, goal_figures

_ROOT = report.BENCH.parent

SEED_DIRS = (_ROOT.parent / "shared" / "corpus" / "seed",)
SEED_COPY = _ROOT / "data" / "txt" / "los-angeles-chronicle_seversk-withdrawal.txt"
# Surnames a copy puts in place of its source article's commonest name, so copies differ in text
# as well as in id (the headline suffix alone changes the id: ``rag.schema.article_id_for``).
_SURNAMES = ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Oyelaran", "Brennan", "Kowalczyk", "Haddad",
             "Nakamura", "Delacroix", "Fitzgerald", "Achterberg", "Castellanos", "Ivanova", "Mbeki",
             "Sorensen", "Quintero", "Abernathy", "Valdivia", "Rasmussen")
_CAPITALISED = re.compile(r"(?<![\w’'])([A-Z][a-z]{3,})(?![\w’'])")
DEFAULT_RSS_SIZES = (100, 300, 1000)


@dataclass(frozen=True, slots=True)
class RealSources:
    """The real article files a real-text run repeats, and why any source was left out."""

    files: tuple[Path, ...]
    notes: tuple[str, ...]


def real_sources(polnear: Path | None) -> RealSources:
    """The seed article(s), then PolNeAR's train split (never dev or test: the split is named here).

    A source that is absent is skipped with a note saying how to supply it.
    """
    from bench.datasets import polnear as polnear_bench

    files: list[Path] = []
    notes: list[str] = []
    seed = next((d for d in SEED_DIRS if d.is_dir() and any(d.glob("*.txt"))), None)
    if seed is not None:
        files += sorted(seed.glob("*.txt"))
    elif SEED_COPY.is_file():
        files.append(SEED_COPY)
        notes.append(f"seed corpus not found at {SEED_DIRS[0]}; used data/'s copy {SEED_COPY.name}")
    else:
        notes.append(f"seed skipped: neither {SEED_DIRS[0]} nor {SEED_COPY} exists")
    if polnear is None:
        notes.append("PolNeAR skipped: pass --polnear DIR or set NEWSRAG_POLNEAR "
                     "(github.com/networkdynamics/PolNeAR; it is not shipped with newsrag)")
    else:
        try:
            train = polnear_bench.split_dir(polnear, "train")  # refuses any split but train and dev
        except SystemExit as exc:
            notes.append(f"PolNeAR skipped: {exc}")
        else:
            files += sorted((train / "text").glob("*.txt"))
    return RealSources(tuple(files), tuple(notes))


def vary_article(text: str, copy: int) -> str:
    """Copy number ``copy`` of a plain-text article: copy 0 as it is; later copies get a suffix on
    the first line (the headline, or the publication line in the seed's layout: either way a new
    article id) and the article's commonest capitalised word replaced by another surname."""
    if copy == 0:
        return text
    first, newline, rest = text.partition("\n")
    names = Counter(_CAPITALISED.findall(rest))
    surname = _SURNAMES[copy % len(_SURNAMES)] + ("" if copy < len(_SURNAMES) else f"-{copy // len(_SURNAMES)}")
    if names:
        name = names.most_common(1)[0][0]
        rest = re.sub(rf"(?<![\w’']){re.escape(name)}(?![\w’'])", surname, rest)
    return f"{first.rstrip()} ({surname} edition {copy}){newline}{rest}"


def write_real_corpus(sources: Sequence[Path], articles: int, folder: Path) -> int:
    """Write ``articles`` .txt files cycling through ``sources``, each cycle a new varied copy.

    File names sort in writing order, so the first n files are a prefix the child can ingest.
    Files already there (a resumed run) are left as they are: their content is deterministic.
    Returns how many files were written now.
    """
    if not sources:
        raise SystemExit("no real articles to ingest (see the notes above)")
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    originals: dict[Path, str] = {}
    for i in range(articles):
        source = sources[i % len(sources)]
        target = folder / f"{i:05d}_{source.stem[:60]}.txt"
        if target.exists():
            continue
        if source not in originals:
            originals[source] = source.read_text(encoding="utf-8")
        target.write_text(vary_article(originals[source], i // len(sources)), encoding="utf-8")
        written += 1
    return written


def rss_slope(points: Sequence[tuple[int, float]]) -> float:
    """Least-squares MiB per article through (articles, peak MiB) points; 0.0 with fewer than two."""
    if len({n for n, _ in points}) < 2:
        return 0.0
    return statistics.linear_regression([n for n, _ in points], [m for _, m in points]).slope


def run_real(args: argparse.Namespace) -> tuple[str, dict[str, report.Figure]]:
    """The real-text benchmark: the markdown body of its section and the goal figures it measured."""
    from rag import models

    encoder = models.Encoder(args.encoder)  # the bare encoder the ingest is compared with
    sources = real_sources(args.polnear)
    for note in sources.notes:
        print(f"  note: {note}", flush=True)
    load_start = report.load_average()
    with tempfile.TemporaryDirectory(prefix="newsrag-bench-real-") as tmp:
        keep = args.keep or Path(tmp)
        corpus, db = keep / "corpus", keep / "db"
        written = write_real_corpus(sources.files, args.articles, corpus)
        print(f"{args.articles} real articles in {corpus} ({written} written now, from {len(sources.files)} "
              "source files)", flush=True)

        # 1. Throughput against the bare encoder on exactly the same texts, interleaved.
        ratio_articles = min(args.ratio_articles, args.articles)
        ratio_corpus = Path(tmp) / "ratio-corpus"
        ratio_corpus.mkdir()
        for path in sorted(corpus.glob("*.txt"))[:ratio_articles]:
            (ratio_corpus / path.name).write_bytes(path.read_bytes())
        texts = [t for article in embedding_texts(ratio_corpus) for t in article]
        tokens = token_counts(encoder, texts)
        warm_model(encoder, args.batch_size)
        pairs = []
        for repeat in range(1, args.repeats + 1):
            encode, _ = encode_rate(encoder, texts, args.batch_size)
            child = ingest_in_child(ratio_corpus, Path(tmp) / f"db-ratio-{repeat}", args.batch_size, ratio_articles,
                                    encoder=args.encoder)
            ingest_rate = child["paragraphs"] / child["first_s"]
            pairs.append((encode, ingest_rate, child))
            print(f"  repeat {repeat}: encode {encode:.1f}, ingest {ingest_rate:.1f} paragraphs/s "
                  f"({100 * ingest_rate / encode:.0f}%); load {report.load_average()}", flush=True)
        ratios = [i / e for e, i, _ in pairs]

        # 2. Peak RSS at increasing sizes: fresh stores, then the full size (resumable with --keep).
        sizes = sorted({n for n in args.rss_sizes if n < args.articles})
        points = []
        for size in sizes:
            child = ingest_in_child(corpus, Path(tmp) / f"db-rss-{size}", args.batch_size, size, encoder=args.encoder)
            points.append((size, child))
            print(f"  {size} articles: peak RSS {child['rss_peak_mib']:.0f} MiB, "
                  f"{child['paragraphs'] / child['first_s']:.1f} paragraphs/s", flush=True)
        full = ingest_in_child(corpus, db, args.batch_size, args.articles, reingest=True, encoder=args.encoder)
        points.append((args.articles, full))
        print(f"  {args.articles} articles: peak RSS {full['rss_peak_mib']:.0f} MiB", flush=True)
    load_end = report.load_average()

    slope = rss_slope([(child["articles"] + child.get("unchanged_articles", 0), child["rss_peak_mib"])
                       for _, child in points])
    at_goal = full["rss_peak_mib"] + max(slope, 0.0) * max(GOAL_ARTICLES - args.articles, 0)
    median_ratio = statistics.median(ratios)
    rows = [
        ["sources", f"{len(sources.files)} files: seed + PolNeAR train text" if args.polnear else
         f"{len(sources.files)} files (seed only)", "; ".join(sources.notes)],
        ["throughput corpus", f"first {ratio_articles} articles, {len(texts)} paragraphs", ""],
        ["tokens per paragraph (headline + text, model tokenizer)",
         f"mean {tokens['mean']:.0f}, median {tokens['median']:.0f}; {100 * tokens['truncated_share']:.1f}% "
         f"over {tokens['limit']} (truncated), mean {tokens['mean_truncated']:.0f} after truncation", ""],
        [f"(a) bare `{args.encoder}` encoder", " / ".join(f"{e:.1f}" for e, _, _ in pairs)
         + f" paragraphs/s (repeats; median {statistics.median(e for e, _, _ in pairs):.1f})", ""],
        ["(b) `ingest()` first run", " / ".join(f"{i:.1f}" for _, i, _ in pairs)
         + f" paragraphs/s (median {statistics.median(i for _, i, _ in pairs):.1f})", ""],
        ["(b) / (a), interleaved", " / ".join(f"{100 * r:.0f}%" for r in ratios)
         + f"; median {100 * median_ratio:.0f}%",
         f">= {100 * GOAL_RATIO:.0f}%: {'met' if median_ratio >= GOAL_RATIO else 'NOT met'}"],
    ]
    rss_rows = [[f"{n}", f"{c['paragraphs']}" + (f" (+{c['unchanged']} already stored)" if c.get("unchanged") else ""),
                 f"{c['first_s']:.0f}", f"{c['paragraphs'] / c['first_s']:.1f}" if c["paragraphs"] else "-",
                 f"{c['rss_before_mib']:.0f}", f"{c['rss_peak_mib']:.0f}"] for n, c in points]
    rss_rows.append(["reingest (unchanged)", f"{full.get('reingest_unchanged', 0)}", f"{full['reingest_s']:.1f}",
                     "", "", f"{full['rss_peak_after_reingest_mib']:.0f}"])
    measured = args.articles >= GOAL_ARTICLES
    body = (
        f"Machine: {report.machine()}; load average {load_start} at the start, {load_end} at the end. "
        f"Batch size {args.batch_size}; encoder `{args.encoder}` (torch imported by the ingest child: "
        f"{'yes' if full.get('torch_imported') else 'no'}). Real articles (`bench/ingest.py --real`): the sources cycled, "
        f"copy k > 0 of an article with a suffix on its first line and its commonest capitalised word "
        f"replaced by a surname (new ids and texts). The throughput ratio alternates a bare encode and "
        f"an ingest child {args.repeats} times on the same texts.\n\n"
        + report.table(["measure", "figure", "goal"], rows)
        + "\n\nPeak RSS of the ingest child (fresh store per size; model and imports included):\n\n"
        + report.table(["articles", "paragraphs embedded", "ingest s", "paragraphs/s", "RSS after model MiB",
                        "peak RSS MiB"], rss_rows)
        + f"\n\nSlope (least squares over the sizes): {slope * 1024:.0f} KiB per article "
        f"({slope * 1000:.0f} MiB per 1000 articles). Peak RSS at {GOAL_ARTICLES} articles: "
        f"{at_goal / 1024:.2f} GiB " + ("(measured)" if measured else "(extrapolated along that slope, not measured)")
        + f"; goal <= {GOAL_RSS_GIB:.0f} GiB: {'within' if at_goal / 1024 <= GOAL_RSS_GIB else 'over'}."
        + (" Below 1000 articles the peaks differ mostly by the encoder's activations and allocator noise "
           "(a few hundred MiB either way), so this slope is not evidence of growth."
           if not measured and args.articles < 1000 else "")
    )
    if full["failed"]:
        body += f"\n\nFailed files: {len(full['failed'])}, e.g. {full['failed'][0][:120]}"
    figures = goal_figures(f"{ratio_articles} real articles, encoder {args.encoder}, median of {len(ratios)} pairs",
                           median_ratio, rss_at_goal_mib=at_goal if measured else None)
    return body, figures
