"""Part 1 of the encoder benchmark: paragraphs/s of each encoder on real paragraphs, and cosine to torch.

Every chunk of paragraphs is encoded by each encoder in a shuffled order, rounds repeated;
paragraphs/s is from the median chunk time, the ratio to torch is the median of the per-chunk ratios.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench import report
from bench.encoder_env import DATA, GOAL_COSINE_MIN, GOAL_SPEEDUP, OUT, SEED, SEED_RANDOM

INT8 = "onnx-int8 (u8 weights, per channel, 12 MatMuls fp32)"
DEFAULT = "onnx (fp32)"  # Settings.encoder's default since 2026-12-01


def real_paragraphs(polnear: Path | None, limit: int) -> tuple[list[str], str]:
    """Up to ``limit`` texts exactly as ingest embeds them, from whole articles in a seeded order,
    with a line naming where they came from."""
    from ingest.loaders import discover_files, load_file
    from ingest.pipeline import article_paragraphs
    from rag.records import embedding_text

    if polnear is not None:
        from bench.datasets.polnear import split_dir

        files = sorted((split_dir(polnear, "train") / "text").glob("*.txt"))  # train only, never test
        where = f"PolNeAR train split ({polnear})"
    else:
        files, _ = discover_files([DATA, *([SEED] if SEED.is_dir() else [])])
        where = "data/ and the seed (no --polnear given)"
    random.Random(SEED_RANDOM).shuffle(files)
    texts: dict[str, None] = {}
    for path in files:
        for article in load_file(path, max_bytes=25 * 1024 * 1024):
            texts.update((embedding_text(p), None) for p in article_paragraphs(article))
        if len(texts) >= limit:
            break
    return list(texts)[:limit], where


def encoders_to_compare(explore: bool) -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Label -> encode function; the first three are the product (``Settings.encoder``)."""
    from rag import encoders, models

    folder = OUT / "graphs"
    torch_model = models.torch_model()
    onnx = encoders.OnnxEncoder(encoders.ensure_model(folder, "onnx", models.export_onnx))
    int8 = encoders.OnnxEncoder(encoders.ensure_model(folder, "onnx-int8", models.export_onnx))
    chosen: dict[str, Callable[[list[str]], np.ndarray]] = {
        "torch (sentence-transformers, batches of 64)": lambda t: torch_model.encode(
            t, batch_size=64, normalize_embeddings=True, show_progress_bar=False),
        DEFAULT: onnx.encode,
        INT8: int8.encode,
    }
    if explore:
        from bench.encoder_explore import tried_encoders

        chosen.update(tried_encoders(folder))
    return chosen


def throughput(texts: list[str], chosen: dict[str, Callable[[list[str]], np.ndarray]], rounds: int,
               chunk: int) -> tuple[str, dict[str, float]]:
    """The interleaved throughput and cosine table; returns it with each encoder's median ratio."""
    for encode in chosen.values():  # warm-up, untimed
        encode(texts[:16])
    labels = list(chosen)
    torch_label = labels[0]
    times: dict[str, list[float]] = {label: [] for label in labels}
    rng = random.Random(SEED_RANDOM)
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    for _ in range(rounds):
        for part in chunks:
            for label in rng.sample(labels, len(labels)):
                start = time.perf_counter()
                chosen[label](part)
                times[label].append(time.perf_counter() - start)
    reference = np.asarray(chosen[torch_label](texts))
    rows, ratios = [], {}
    sizes = [len(part) for _ in range(rounds) for part in chunks]
    for label in labels:
        rate = sum(sizes) / len(sizes) / statistics.median(times[label])
        ratios[label] = statistics.median(t / s for t, s in zip(times[torch_label], times[label], strict=True))
        cosines = np.sum(np.asarray(chosen[label](texts)) * reference, axis=1)
        rows.append([label, f"{rate:.1f}", f"{ratios[label]:.2f}x", f"{cosines.mean():.4f}", f"{cosines.min():.4f}",
                     str(int(np.sum(cosines < GOAL_COSINE_MIN)))])
    table = report.table(["encoder", "paragraphs/s (median chunk)", "vs torch (median of chunk ratios)",
                          "cosine to torch, mean", "min", f"paragraphs < {GOAL_COSINE_MIN}"], rows)
    return table, ratios


def throughput_section(polnear: Path | None, args: argparse.Namespace) -> tuple[str, dict[str, float]]:
    """Part 1: paragraphs/s and cosine to torch, as markdown, and each encoder's median ratio to torch."""
    texts, where = real_paragraphs(polnear, args.paragraphs)
    from rag import encoders, models

    chosen = encoders_to_compare(args.explore)
    tokenizer = encoders.OnnxEncoder(encoders.ensure_model(OUT / "graphs", "onnx", models.export_onnx)).tokenizer
    tokens = [len(e.ids) for e in tokenizer.encode_batch(texts)]
    speed, ratios = throughput(texts, chosen, args.rounds, args.chunk)
    return (
        f"Paragraphs: {len(texts)} from {where}, "
        f"exactly the texts ingest embeds (headline + paragraph), {statistics.mean(tokens):.0f} tokens on "
        f"average (median {statistics.median(tokens):.0f}, max {max(tokens)}; truncated at 256). "
        f"{args.rounds} interleaved rounds of {args.chunk}-paragraph chunks.\n\n"
        "The ONNX encoders (`rag/encoders.py`) run each text alone (no padding; an int8 vector never depends "
        "on its batch), longest first, one single-threaded `session.run` per core at once.\n\n"
        f"{speed}\n\n"
        f"onnx-int8: {ratios[INT8]:.2f}x torch (goal >= {GOAL_SPEEDUP}x: "
        f"{'met' if ratios[INT8] >= GOAL_SPEEDUP else 'NOT met'})."
    ), ratios


