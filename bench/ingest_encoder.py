"""The bare encoder the ingest benchmark compares ``ingest()`` with, on exactly the texts ingest embeds.

Each function takes the ``rag.models.Encoder`` measured (``--encoder``): its rate in wall and CPU
time, the pipeline's own chunked calls, the padding each batching implies, and the tokens per
paragraph with its tokenizer.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from bench.ingest_child import cpu_s


def warm_model(encoder: object, batch_size: int) -> None:
    """One untimed batch, so the model is loaded and its first-call costs paid before any clock."""
    encoder.embed_texts(["Warm-up sentence for the embedding model, not timed."] * batch_size, batch_size)  # type: ignore[attr-defined]


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


def encode_rate(encoder: object, texts: list[str], batch_size: int) -> tuple[float, float]:
    """Paragraphs per wall second and per CPU second of the bare encoder's ``encode``."""
    model = encoder.model()  # type: ignore[attr-defined]  # what Encoder.embed_texts calls (SentenceTransformer or OnnxEncoder)
    model.encode(texts[:batch_size], batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    cpu_start = cpu_s()
    start = time.perf_counter()
    model.encode(texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False)
    return len(texts) / (time.perf_counter() - start), len(texts) / (cpu_s() - cpu_start)


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


def chunked_rate(encoder: object, chunks: list[list[str]], batch_size: int) -> float:
    """Paragraphs/s of ``Encoder.embed_texts`` called chunk by chunk, as ``ingest.embed`` does."""
    start = time.perf_counter()
    for chunk in chunks:
        encoder.embed_texts(chunk, batch_size=batch_size)  # type: ignore[attr-defined]
    return sum(len(c) for c in chunks) / (time.perf_counter() - start)


def padding_overhead(encoder: object, chunks: list[list[str]], batch_size: int) -> dict[str, float]:
    """Tokens the encoder processes (padding included) per real token, for three ways of batching.

    Deterministic, so immune to other load: the linear layers that dominate the encoder's time
    scale with padded tokens. "pipeline" is each chunk batched in the order given; "chunk sorted"
    is what ``ingest.embed`` gets, since ``SentenceTransformer.encode`` sorts each chunk it is
    given by length; "all sorted" is the bare encoder on the whole corpus at once.
    """
    max_tokens = encoder.model().max_seq_length  # type: ignore[attr-defined]
    texts = [t for chunk in chunks for t in chunk]
    tokens = dict(zip(texts, (min(n, max_tokens) for n in _token_lengths(encoder, texts)), strict=True))
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


def token_counts(encoder: object, texts: Sequence[str]) -> dict[str, float]:
    """Tokens per paragraph with the model's own tokenizer: mean and median before truncation,
    mean after, and the share the encoder truncates (its ``max_seq_length``)."""
    limit = encoder.model().max_seq_length  # type: ignore[attr-defined]
    lengths = _token_lengths(encoder, texts)
    return {
        "mean": statistics.fmean(lengths),
        "median": statistics.median(lengths),
        "mean_truncated": statistics.fmean(min(n, limit) for n in lengths),
        "truncated_share": sum(n > limit for n in lengths) / len(lengths),
        "limit": limit,
    }


def _token_lengths(encoder: object, texts: Sequence[str]) -> list[int]:
    """Tokens per text, untruncated, with the active encoder's tokenizer (a Hugging Face tokenizer for
    torch, a ``tokenizers.Tokenizer`` for the ONNX encoders)."""
    tokenizer = encoder.model().tokenizer  # type: ignore[attr-defined]
    if hasattr(tokenizer, "encode_batch"):
        from tokenizers import Tokenizer

        untruncated = Tokenizer.from_str(tokenizer.to_str())  # a copy: the encoder's own one truncates
        untruncated.no_truncation()
        return [len(e.ids) for e in untruncated.encode_batch(list(texts))]
    return [len(ids) for ids in tokenizer(list(texts))["input_ids"]]


