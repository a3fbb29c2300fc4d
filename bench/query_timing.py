"""The query benchmark's timings: the floor, ``search`` and ``ask`` per question, and a profile of asks.

Each timed search and ask encodes its question afresh, as a new question from a user does; the
floor is the least any question costs (encode it + one raw Chroma query for the candidates dense
retrieval fetches), so ``ask / floor`` says what newsrag adds.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import shutil
import time
from collections import Counter

K = 5
DENSE_CANDIDATES = max(K * 4, 20)  # what Retriever.retrieve asks Chroma for at k=5
PROFILE_QUESTIONS = 20  # the first questions (a mix of kinds) are profiled, not all of them
PROFILE_BUDGET_S = 300


def _ms(fn: object) -> float:
    """Milliseconds one call of ``fn`` takes."""
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def measure(settings: object, asked: list[tuple[str, str]], rounds: int, warmup: int, budget_s: float) -> dict:
    """Open the index (timed), warm it (timed, built and loaded), then time floor, search and ask
    for every question, interleaved, ``rounds`` times or until ``budget_s`` runs out."""
    from rag import NewsIndex

    cache_dir = settings.keyword_cache_dir  # type: ignore[attr-defined]
    shutil.rmtree(cache_dir, ignore_errors=True)
    import chromadb  # noqa: F401 - library imports are not part of opening an index

    start = time.perf_counter()
    index = NewsIndex.open(settings)
    open_ms = (time.perf_counter() - start) * 1000
    index.store.encoder.embed_query("warm up the model")
    # Frozen, as ``newsrag ui`` warms its index: a long-lived server's configuration (a full
    # collection walking the corpus indexes pauses an unlucky question otherwise).
    build_ms = _ms(lambda: index.warm(freeze=True))
    load_ms = _ms(lambda: NewsIndex.open(settings).warm(freeze=True))
    collection = index.store.collection

    def floor(q: str) -> None:
        # Encode without newsrag's per-question cache, so the floor always pays for encoding.
        vector = index.store.encoder.model().encode([q], normalize_embeddings=True, show_progress_bar=False)[0]
        collection.query(query_embeddings=[vector.tolist()], n_results=DENSE_CANDIDATES)

    def uncached(call: object) -> object:
        # search and ask must encode the question too, as a new question from a user does.
        index.store.encoder.forget_queries()
        return call()

    for _, q in asked[:warmup]:
        floor(q)
        index.search(q, k=K)
        index.ask(q, k=K)
    times: dict[str, list[float]] = {"floor": [], "search": [], "ask": []}
    ask_by_kind: dict[str, list[float]] = {}
    modes: Counter[str] = Counter()
    deadline = time.perf_counter() + budget_s
    complete = True
    for _ in range(rounds):
        for kind, q in asked:
            if time.perf_counter() > deadline:
                complete = False
                break
            times["floor"].append(_ms(lambda q=q: floor(q)))
            times["search"].append(_ms(lambda q=q: uncached(lambda: index.search(q, k=K))))
            index.store.encoder.forget_queries()
            start = time.perf_counter()
            answer = index.ask(q, k=K)
            ms = (time.perf_counter() - start) * 1000
            times["ask"].append(ms)
            ask_by_kind.setdefault(kind, []).append(ms)
            modes[answer.mode.value] += 1
    return {
        "index": index, "open_ms": open_ms, "cache_build_ms": build_ms, "cache_load_ms": load_ms,
        "times": times, "ask_by_kind": ask_by_kind, "modes": modes, "complete": complete,
    }


def profile_asks(index: object, asked: list[tuple[str, str]]) -> str:
    """cProfile of the first asks, as markdown: where an ask that misses its goal spends its time."""
    profiler = cProfile.Profile()
    deadline = time.perf_counter() + PROFILE_BUDGET_S
    profiled = 0
    for _, q in asked[:PROFILE_QUESTIONS]:
        if time.perf_counter() > deadline:
            break
        profiler.enable()
        index.ask(q, k=K)  # type: ignore[attr-defined]
        profiler.disable()
        profiled += 1
    out = []
    for key, limit, title in (("cumulative", 30, "by cumulative time"), ("tottime", 15, "by own time")):
        buffer = io.StringIO()
        pstats.Stats(profiler, stream=buffer).sort_stats(key).print_stats(limit)
        text = buffer.getvalue()
        text = text[text.find("ncalls"):] if "ncalls" in text else text
        out.append(f"Top functions {title} ({profiled} asks, under cProfile):\n\n```\n{text.rstrip()}\n```")
    return "\n\n".join(out)

