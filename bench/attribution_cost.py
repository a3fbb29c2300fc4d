"""What the parse costs ingest (``bench/attribution.py --ingest-cost N``): ``newsrag ingest`` of N PolNeAR articles, the rules alone against rules + parse, runs alternated."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from bench.datasets.polnear import MAX_ARTICLE_BYTES


def ingest_cost(split_path: Path, n: int, repeats: int) -> str:
    """`newsrag ingest` of ``n`` real articles into a fresh store, the rules alone against rules +
    parse, runs alternated; wall and CPU seconds (the child's), medians. Then the quote extraction
    alone on the same articles, in this process, as a share of the parse run's ingest CPU."""
    import resource
    import shutil
    import statistics
    import subprocess
    import tempfile

    texts = sorted((split_path / "text").glob("*.txt"))[:n]
    work = Path(tempfile.mkdtemp(prefix="newsrag-attribution-cost-"))
    corpus = work / "corpus"
    corpus.mkdir()
    for t in texts:
        shutil.copy(t, corpus / t.name)
    newsrag = str(Path(sys.executable).with_name("newsrag"))
    runs: dict[str, list[tuple[float, float]]] = {"rules": [], "parse": []}
    for r in range(repeats):
        for mode in ("rules", "parse"):
            env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
            if mode == "rules":
                env["NEWSRAG_ATTRIBUTION"] = "rules"
            db = work / f"db-{mode}-{r}"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([newsrag, "ingest", str(corpus), "--db", str(db)], check=True, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            runs[mode].append((wall, cpu))
            shutil.rmtree(db, ignore_errors=True)
            print(f"  {mode} run {r + 1}: {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    from ingest.loaders import load_file
    from ingest.paragraphs import repair_paragraphs
    from ingest.quotes import extract_quotes, parsed

    parsed.pipeline()  # loaded once per process, as ingest does; not part of the per-article cost
    articles = [repair_paragraphs(a.paragraphs) for t in texts for a in load_file(t, max_bytes=MAX_ARTICLE_BYTES)]
    start = time.process_time()
    for paragraphs in articles:
        extract_quotes(paragraphs)
    extraction = time.process_time() - start
    shutil.rmtree(work, ignore_errors=True)
    rules_wall = statistics.median(w for w, _ in runs["rules"])
    parse_wall = statistics.median(w for w, _ in runs["parse"])
    parse_cpu = statistics.median(c for _, c in runs["parse"])
    return (f"`newsrag ingest` of {len(texts)} PolNeAR articles ({split_path.name}), fresh store, runs alternated, "
            f"{repeats} each, default encoder: the rules alone {rules_wall:.1f} s wall (median; CPU "
            f"{statistics.median(c for _, c in runs['rules']):.1f} s), rules + parse {parse_wall:.1f} s (CPU "
            f"{parse_cpu:.1f} s): **{parse_wall / rules_wall:.2f}x** the wall time. Quote extraction with the parse "
            f"(this process, pipeline loaded): {extraction:.1f} s CPU, {100 * extraction / parse_cpu:.0f}% of the "
            f"ingest's CPU.\n")
