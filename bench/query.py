"""Query benchmark: p50/p95 latency of ``NewsIndex.search`` and ``ask`` at 1k, 10k, 100k paragraphs.

    .venv/bin/python bench/query.py --sizes 1000          # a quick check
    .venv/bin/python bench/query.py --write               # 1k, 10k, 100k, written down

Stores are built by writing paragraph records straight through ``rag.store.Store.add`` (no
files, no ingest run): paragraphs come from synthetic articles (``bench/synthetic.py``) through
``ingest.pipeline.article_paragraphs`` (so they carry real extracted quotes); vectors are real
all-MiniLM-L6-v2 embeddings for the first ``--real-embeddings`` paragraphs (cached in
``bench/out/`` per 1,000 paragraphs), and beyond that a real vector of an earlier paragraph
plus Gaussian noise, re-normalised (labelled in the output). Built stores are kept in
``bench/out/query-stores/`` and reused; ``--rebuild`` starts over.

Each size reports, per question and interleaved so other load on the machine hits all three
alike: the floor (encode the question + one raw Chroma ``collection.query`` for the same 20
candidates dense retrieval fetches), ``search`` (k=5) and ``ask`` (k=5, no LLM).

With ``--server`` each store is served by a real ``chroma run`` (started on the cached store's
folder, which is Chroma's own persistent format) and queried over HTTP, as several app processes
would share one server (``docs/scaling.md``); the section then also records the RSS of this query
process after ``NewsIndex.open`` + ``warm`` + a first ask, what holds it (model, keyword index,
speaker index: RSS steps, and Python allocations under ``tracemalloc``), and the server's RSS.

With ``--server --processes 1,2,4`` the largest size is also asked by several app processes at
once against the same server: for each count P, P fresh Python processes each open the index on
the server URL, warm it, wait for a common start, and ask their share of the questions (search,
then ask); per-request p50/p95 across all processes, aggregate requests/s, each process's RSS,
the server's RSS and errors are reported, the counts repeated in shuffled rounds (medians):

    .venv/bin/python bench/query.py --server --sizes 100000 --processes 1,2,4 --process-rounds 3
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/query.py`, this file's folder would shadow the `ingest` package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402

from bench import report  # noqa: E402
from bench.synthetic import MONTHS_AND_DAYS, make_articles  # noqa: E402

GOAL_SIZE = 100_000
GOAL_ASK_P50_MS = 100.0
GOAL_ASK_P95_MS = 250.0
GOAL_FLOOR_RATIO = 1.5
EMBED_CHUNK = 1000  # embeddings are cached per this many paragraphs
NOISE_STD = 0.02  # per dimension; cosine with the source vector is about 0.93
PARAGRAPHS_PER_ARTICLE_GUESS = 7  # only to size the synthetic corpus; surplus articles are dropped
WRITE_BATCH = 2000
PROFILE_QUESTIONS = 20  # the first questions (a mix of kinds) are profiled, not all of them
PROFILE_BUDGET_S = 300
K = 5
PROCESS_READY_TIMEOUT_S = 900  # open + warm of several processes at once on 2 shared cores
PROCESS_RUN_TIMEOUT_S = 900
DENSE_CANDIDATES = max(K * 4, 20)  # what Retriever.retrieve asks Chroma for at k=5

_STOREDIR = report.OUT / "query-stores"
_NOUN_PHRASE = re.compile(
    r"\bthe ((?:[A-Za-z][\w'’-]* ){0,3}[A-Za-z][\w'’-]*?)"
    r"(?= (?:on|in|at|to|for|of|and|after|from|by|with|was|were|is|has|had|would|will|that)\b|[,.])"
)


# -- paragraphs, vectors, stores ---------------------------------------------------------------------


def synthetic_paragraphs(count: int) -> list:
    """``count`` paragraphs of synthetic articles, through the real paragraph repair and quotes."""
    from ingest.pipeline import article_paragraphs
    from rag.schema import Article, article_id_for

    paragraphs: list = []
    n_articles = count // PARAGRAPHS_PER_ARTICLE_GUESS + 10
    while True:
        articles = make_articles(n_articles)
        paragraphs = []
        for i, a in enumerate(articles):
            article = Article(
                article_id=article_id_for(title=a.title, source=a.source), title=a.title,
                paragraphs=a.paragraphs, source=a.source, section=a.section, date=a.date,
                location=f"synthetic/article-{i:06d}.txt",
            )
            # The rules alone: the synthetic articles quote in the rules' shapes by construction, and
            # parsing 100k paragraphs would cost minutes per run before the first question.
            paragraphs.extend(article_paragraphs(article, parse=False))
            if len(paragraphs) >= count:
                return paragraphs[:count]
        n_articles *= 2


def vectors(paragraphs: list, real: int) -> tuple[object, str]:
    """One unit vector per paragraph: real for the first ``real``, perturbed copies after."""
    import numpy as np

    from rag import models
    from rag.records import embedding_text

    encoder = models.Encoder()  # the default (onnx): what the synthetic store is built with
    report.OUT.mkdir(parents=True, exist_ok=True)
    n_real = min(real, len(paragraphs))
    chunks = []
    for start in range(0, n_real, EMBED_CHUNK):
        texts = [embedding_text(p) for p in paragraphs[start : min(start + EMBED_CHUNK, n_real)]]
        key = hashlib.sha1("\x1e".join(texts).encode()).hexdigest()[:16]
        path = report.OUT / f"query-embeddings-{key}.npy"
        if path.exists():
            chunks.append(np.load(path))
            continue
        print(f"  embedding paragraphs {start}..{start + len(texts)} (cached in {path.name})", flush=True)
        chunk = np.asarray(encoder.embed_texts(texts), dtype=np.float32)
        np.save(path, chunk)
        chunks.append(chunk)
    real_vectors = np.concatenate(chunks)
    if n_real == len(paragraphs):
        return real_vectors, f"all {n_real} real"
    rng = np.random.default_rng(0)
    extra = len(paragraphs) - n_real
    noisy = real_vectors[np.arange(extra) % n_real] + rng.normal(0, NOISE_STD, (extra, real_vectors.shape[1]))
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    label = f"{n_real} real, {extra} perturbed copies of those (noise std {NOISE_STD}/dim)"
    return np.concatenate([real_vectors, noisy.astype(np.float32)]), label


def build_store(paragraphs: list, real: int, rebuild: bool) -> tuple[object, str, float | None]:
    """Settings of a store holding ``paragraphs``; built (timed) unless a finished copy exists."""
    from rag.settings import Settings
    from rag.store import Store

    key = hashlib.sha1(
        ("\n".join(p.paragraph_id for p in paragraphs) + f"|{real}|{NOISE_STD}").encode()
    ).hexdigest()[:12]
    folder = _STOREDIR / f"{len(paragraphs)}-{key}"
    settings = Settings.load(env={}, db=folder / "db")
    marker = folder / "complete"
    label_file = folder / "vectors.txt"
    if marker.exists() and not rebuild:
        return settings, label_file.read_text(), None
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    embeddings, label = vectors(paragraphs, real)
    print(f"  writing {len(paragraphs)} paragraphs to {folder}", flush=True)
    start = time.perf_counter()
    store = Store.connect(settings, create=True)
    for i in range(0, len(paragraphs), WRITE_BATCH):
        store.add(paragraphs[i : i + WRITE_BATCH], embeddings[i : i + WRITE_BATCH].tolist())
    store.bump_revision()
    build_s = time.perf_counter() - start
    label_file.write_text(label)
    marker.write_text("")
    return settings, label, build_s


# -- server mode -------------------------------------------------------------------------------------


def _rss_mib(pid: int | None = None) -> float:
    """Resident set size of a process (this one by default), MiB, from /proc."""
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chroma_server(path: Path) -> Iterator[tuple[str, int]]:
    """A real ``chroma run`` serving ``path`` on a free port; yields (URL, pid), stops it after."""
    import os
    import signal

    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = _free_port()
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen([str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"chroma run on {path} did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def server_settings(settings: object, url: str) -> object:
    """``settings`` pointed at the server, with the keyword cache in the store's folder."""
    from rag.settings import Settings

    folder = settings.db.parent  # type: ignore[attr-defined]
    return Settings.load(env={}, chroma_url=url, cache_dir=folder / "server-cache")


def measure_memory(settings: object, question: str, trace: bool = True) -> dict:
    """RSS of a fresh query process's parts, measured in this process before anything else is
    loaded: the model, then ``NewsIndex.open``, the keyword index (its SQLite file opened, or
    built, and the quoted paragraphs read), the speaker index, and a first ask. With ``trace``,
    ``tracemalloc`` runs from after the model (it sees Python objects and numpy arrays, not the
    model's weights) and its own bookkeeping, a trace per allocated block, inflates the RSS
    figures by hundreds of MiB at 300k paragraphs (2026-12-07: 1,999 MiB traced, 1,216 MiB
    not), so ``_memory_in_child`` takes the RSS steps from an untraced run."""
    import tracemalloc

    from rag import NewsIndex, models

    steps = [("python + imports", _rss_mib())]
    models.Encoder(settings.encoder).embed_query("load the model")  # type: ignore[attr-defined]
    steps.append((f"embedding model ({settings.encoder}, all-MiniLM-L6-v2)", _rss_mib()))  # type: ignore[attr-defined]
    if trace:
        tracemalloc.start()
    index = NewsIndex.open(settings)
    steps.append(("NewsIndex.open (Chroma HTTP client)", _rss_mib()))
    traced = [tracemalloc.get_traced_memory()[0]]
    snapshot = index.answerer.snapshot()
    cache = snapshot.keywords  # the KeywordCache the snapshot was made from
    steps.append(("keyword index (its SQLite file opened + quoted paragraphs)", _rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    snapshot.speakers  # noqa: B018 - the speaker index, built here
    steps.append(("speaker index", _rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    index.ask(question, k=K)
    steps.append(("first ask", _rss_mib()))
    traced.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()  # a no-op when it never started
    bm25_bytes = cache.file.path.stat().st_size  # on disk, shared through the page cache, not held
    return {"steps": steps, "traced": traced, "bm25_bytes": bm25_bytes, "paragraphs": cache.count(),
            "quoted": len(cache.quoted), "index": index}


def memory_section(memory: dict, server_rss: float) -> str:
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


# -- questions ---------------------------------------------------------------------------------------


def questions(paragraphs: list, count: int) -> list[tuple[str, str]]:
    """About ``count`` (kind, question) pairs about people and places in ``paragraphs``.

    Attribution ("who said what about X", "which officials commented on X"), speaker ("what did
    X say", "what did X say about Y") and factual questions, in roughly equal shares.
    """
    rng = random.Random(7)
    by_article: dict[str, list] = {}
    for p in paragraphs:
        by_article.setdefault(p.article_id, []).append(p)
    places: list[tuple[str, str]] = []  # (article_id, a name from its headline)
    for article_id, ps in by_article.items():
        body = " ".join(p.text for p in ps)
        mid = {w for s in re.split(r"(?<=[.!?])\s+", body) for w in re.findall(r"(?<=\s)[A-Z][a-z]{2,}\b", s)}
        names = [w for w in re.findall(r"\b[A-Z][a-z]{2,}\b", ps[0].title)[1:] if w in mid and w not in MONTHS_AND_DAYS]
        places.extend((article_id, n) for n in dict.fromkeys(names))
    speakers = Counter(
        q.speaker for p in paragraphs for q in p.quotes
        if len(q.speaker.split()) >= 2 and all(w[:1].isupper() for w in q.speaker.split())
    )
    np_by_article = {
        aid: [m.group(1) for p in ps if not p.quotes for m in _NOUN_PHRASE.finditer(p.text) if len(m.group(1)) > 8]
        for aid, ps in by_article.items()
    }
    place_of = {aid: n for aid, n in places}
    out: list[tuple[str, str]] = []
    share = max(count // 5, 1)
    for _, place in rng.sample(places, min(share, len(places))):
        out.append(("who said what", rng.choice([
            f"Who said what about {place}?", f"Which officials commented on {place}?",
            f"Who has commented on the situation in {place}?",
        ])))
    names = [s for s, _ in speakers.most_common()]
    for speaker in rng.sample(names, min(share, len(names))):
        out.append(("what did X say", f"What did {speaker} say?"))
    for speaker in rng.sample(names, min(share, len(names))):
        article = next(p.article_id for p in paragraphs for q in p.quotes if q.speaker == speaker)
        topic = place_of.get(article)
        out.append(("what did X say", f"What did {speaker.split()[-1]} say about {topic}?" if topic
                    else f"What did {speaker} say?"))
    templates = [
        "What happened to the {np}?", "What do we know about the {np} in {place}?",
        "What is the latest on the {np} in {place}?", "Why is the {np} in {place} in the news?",
    ]
    candidates = [(aid, np) for aid, nps in np_by_article.items() for np in nps if aid in place_of]
    for aid, np in rng.sample(candidates, min(count - len(out), len(candidates))):
        out.append(("factual", rng.choice(templates).format(np=np, place=place_of[aid])))
    rng.shuffle(out)
    return out


# -- timing ------------------------------------------------------------------------------------------


def _ms(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return (time.perf_counter() - start) * 1000


def measure(settings: object, asked: list[tuple[str, str]], rounds: int, warmup: int, budget_s: float) -> dict:
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


def _memory_in_child(settings: object, question: str, server_pid: int) -> str:
    """``measure_memory`` in a fresh Python process (so nothing this one loaded counts), as text."""
    import json

    code = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); from bench import query; "
        "from rag.settings import Settings; "
        "s = Settings.load(env={}, chroma_url=sys.argv[2], cache_dir=sys.argv[3]); "
        "m = query.measure_memory(s, sys.argv[4], trace=sys.argv[5] == 'traced'); m.pop('index'); "
        "print('MEMORY' + json.dumps(m))"
    )
    runs = {}
    for mode in ("plain", "traced"):  # RSS from a process without tracemalloc, allocations from one with
        out = subprocess.run(
            [sys.executable, "-c", code, str(_BENCH.parent), settings.chroma_url,  # type: ignore[attr-defined]
             str(settings.cache_dir), question, mode],  # type: ignore[attr-defined]
            capture_output=True, text=True, check=True, cwd=_BENCH.parent,
        ).stdout
        runs[mode] = json.loads(next(line for line in out.splitlines() if line.startswith("MEMORY"))[6:])
    memory = {**runs["traced"], "steps": runs["plain"]["steps"]}
    return memory_section(memory, float("nan")).replace("nan MiB", "{SERVER_RSS} MiB")


# -- several app processes on one server --------------------------------------------------------------

_WORKER = "import sys; sys.path.insert(0, sys.argv[1]); from bench import query; query.process_worker(sys.argv[2])"


def _private_mib(pid: int | None = None) -> float:
    """Private (unshared) resident memory of a process, MiB: what it adds beyond pages other
    processes share with it (torch's libraries, files mapped read-only), from smaps_rollup."""
    try:
        lines = Path(f"/proc/{pid or 'self'}/smaps_rollup").read_text().splitlines()
    except OSError:
        return float("nan")
    kib = sum(int(line.split()[1]) for line in lines if line.startswith(("Private_Clean:", "Private_Dirty:")))
    return kib / 1024


def _write_json(path: Path, value: object) -> None:
    """Write ``value`` atomically, so a process polling for ``path`` never reads half of it."""
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(value), encoding="utf-8")
    os.replace(tmp, path)


def process_worker(spec_file: str) -> None:
    """One app process of ``measure_processes``, run in its own Python: open the index on the
    server, warm it and ask the warm-up questions, report its RSS, wait for the common start time
    (so all processes of a trial contend from the same instant), then search and ask its share of
    the questions, recording every request's latency and any error instead of stopping."""
    from rag import NewsIndex
    from rag.settings import Settings

    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    launched = time.time()
    settings = Settings.load(env={}, chroma_url=spec["url"], cache_dir=spec["cache_dir"])
    index = NewsIndex.open(settings).warm(freeze=True)  # as ``newsrag ui`` does
    for q in spec["warmup"]:
        index.search(q, k=K)
        index.ask(q, k=K)
    _write_json(Path(spec["ready"]), {"ready_s": time.time() - launched, "rss": _rss_mib(),
                                      "private": _private_mib()})
    go = Path(spec["go"])
    while not go.exists():
        time.sleep(0.01)
    start_at = float(json.loads(go.read_text(encoding="utf-8")))
    while (delay := start_at - time.time()) > 0:
        time.sleep(min(delay, 0.005))
    calls = {"search": lambda q: index.search(q, k=K), "ask": lambda q: index.ask(q, k=K)}
    samples: list[list] = []
    errors: list[str] = []
    for _ in range(spec["rounds"]):
        for q in spec["questions"]:
            for name, call in calls.items():
                index.store.encoder.forget_queries()  # each request encodes its question, as a new one does
                start = time.perf_counter()
                try:
                    call(q)
                    ok = True
                except Exception as exc:  # counted and reported, so one failure does not hide the rest
                    errors.append(f"{name} {q!r}: {type(exc).__name__}: {exc}")
                    ok = False
                samples.append([name, (time.perf_counter() - start) * 1000, ok])
    _write_json(Path(spec["result"]), {"start": start_at, "end": time.time(), "samples": samples,
                                       "errors": errors, "rss_end": _rss_mib()})


def _trial(settings: object, asked: list[tuple[str, str]], count: int, rounds: int, warmup: int,
           server_pid: int, folder: Path) -> dict:
    """``count`` fresh worker processes against the server, started together; what they measured.

    Process i asks questions i, i+count, ... (so every count asks the same list once per round);
    a process that dies or hangs counts all its requests as errors, with its log's last lines.
    """
    folder.mkdir(parents=True)
    go = folder / "go.json"
    procs: list[tuple[subprocess.Popen, object]] = []
    shares = [[q for _, q in asked[i::count]] for i in range(count)]
    server_peak = _rss_mib(server_pid)
    try:
        for i in range(count):
            spec = {"url": settings.chroma_url, "cache_dir": str(settings.cache_dir),  # type: ignore[attr-defined]
                    "questions": shares[i], "warmup": [q for _, q in asked[:warmup]], "rounds": rounds,
                    "ready": str(folder / f"ready-{i}.json"), "go": str(go), "result": str(folder / f"result-{i}.json")}
            _write_json(folder / f"spec-{i}.json", spec)
            log = (folder / f"log-{i}.txt").open("w", encoding="utf-8")
            procs.append((subprocess.Popen([sys.executable, "-c", _WORKER, str(_BENCH.parent), str(folder / f"spec-{i}.json")],
                                           cwd=_BENCH.parent, stdout=log, stderr=subprocess.STDOUT), log))
        deadline = time.monotonic() + PROCESS_READY_TIMEOUT_S
        while time.monotonic() < deadline and any(
            p.poll() is None and not (folder / f"ready-{i}.json").exists() for i, (p, _) in enumerate(procs)
        ):
            time.sleep(0.1)
        _write_json(go, time.time() + 0.5)  # a common start, a little ahead so every poller sees it first
        deadline = time.monotonic() + PROCESS_RUN_TIMEOUT_S
        while time.monotonic() < deadline and any(p.poll() is None for p, _ in procs):
            server_peak = max(server_peak, _rss_mib(server_pid))
            time.sleep(0.2)
    finally:
        for p, log in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
            log.close()  # type: ignore[attr-defined]
    readies, results, crashed = [], [], []
    for i in range(count):
        ready, result = folder / f"ready-{i}.json", folder / f"result-{i}.json"
        if ready.exists():
            readies.append(json.loads(ready.read_text(encoding="utf-8")))
        if result.exists():
            results.append(json.loads(result.read_text(encoding="utf-8")))
        else:
            tail = (folder / f"log-{i}.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
            crashed.append((len(shares[i]) * rounds * 2, f"process {i} gave no result: " + " | ".join(tail)))
    samples = [s for r in results for s in r["samples"]]
    times = {name: [ms for n, ms, ok in samples if n == name and ok] for name in ("search", "ask")}
    errors = [e for r in results for e in r["errors"]] + [message for _, message in crashed]
    window = (max(r["end"] for r in results) - min(r["start"] for r in results)) if results else float("nan")
    ok_requests = sum(1 for *_, ok in samples if ok)
    return {
        "count": count, "times": times, "requests": ok_requests, "window_s": window,
        "rps": ok_requests / window if results else 0.0,
        "errors": len([e for r in results for e in r["errors"]]) + sum(n for n, _ in crashed), "messages": errors,
        "rss": [r["rss"] for r in readies], "private": [r["private"] for r in readies],
        "rss_end": [r["rss_end"] for r in results], "ready_s": [r["ready_s"] for r in readies],
        "server_rss": server_peak, "load": os.getloadavg()[0],
    }


def measure_processes(settings: object, asked: list[tuple[str, str]], counts: list[int], process_rounds: int,
                      rounds: int, warmup: int, server_pid: int) -> list[dict]:
    """Every count in ``counts`` once per round, in a shuffled order each round (the shared cores'
    other load then hits every count alike); the trials in the order they ran."""
    import tempfile

    rng = random.Random(12)
    trials = []
    with tempfile.TemporaryDirectory(prefix="newsrag-processes-") as tmp:
        for r in range(process_rounds):
            order = list(counts)
            rng.shuffle(order)
            for count in order:
                print(f"  round {r + 1}/{process_rounds}: {count} process(es)...", flush=True)
                trial = _trial(settings, asked, count, rounds, warmup, server_pid, Path(tmp) / f"r{r}-p{count}")
                trial["round"] = r + 1
                trials.append(trial)
                t = trial["times"]
                print(f"    ask p50 {report.percentile(t['ask'], 50) if t['ask'] else float('nan'):.0f} ms, "
                      f"{trial['rps']:.1f} requests/s, errors {trial['errors']}, RSS per process "
                      f"{', '.join(f'{x:.0f}' for x in trial['rss'])} MiB, server {trial['server_rss']:.0f} MiB, "
                      f"load {trial['load']:.2f}", flush=True)
                for message in trial["messages"][:3]:
                    print(f"    error: {message}", flush=True)
    return trials


def processes_section(size: int, trials: list[dict], asked: list[tuple[str, str]], counts: list[int],
                      process_rounds: int, rounds: int, warmup: int) -> str:
    """The markdown for ``measure_processes``: medians over rounds per process count, each trial,
    and what a 2-core machine can and cannot show."""
    import statistics

    def pct(values: list[float], q: int) -> float:
        return report.percentile(values, q) if values else float("nan")

    def med(values: list[float]) -> float:
        values = [v for v in values if v == v]
        return statistics.median(values) if values else float("nan")

    base = {t["round"]: t for t in trials if t["count"] == counts[0]}
    summary, detail, by_count = [], [], {}
    for count in counts:
        ts = [t for t in trials if t["count"] == count]
        rps_ratio = [t["rps"] / base[t["round"]]["rps"] for t in ts if t["round"] in base and base[t["round"]]["rps"]]
        ask_ratio = [pct(t["times"]["ask"], 50) / pct(base[t["round"]]["times"]["ask"], 50) for t in ts if t["round"] in base]
        row = {
            "search50": med([pct(t["times"]["search"], 50) for t in ts]),
            "search95": med([pct(t["times"]["search"], 95) for t in ts]),
            "ask50": med([pct(t["times"]["ask"], 50) for t in ts]),
            "ask95": med([pct(t["times"]["ask"], 95) for t in ts]),
            "rps": med([t["rps"] for t in ts]), "rps_ratio": med(rps_ratio), "ask_ratio": med(ask_ratio),
            "rss": med([x for t in ts for x in t["rss"]]), "rss_max": max((x for t in ts for x in t["rss"]), default=float("nan")),
            "private": med([x for t in ts for x in t["private"]]),
            "server": max(t["server_rss"] for t in ts), "errors": sum(t["errors"] for t in ts),
            "requests": sum(t["requests"] for t in ts), "ready": med([x for t in ts for x in t["ready_s"]]),
        }
        by_count[count] = row
        summary.append([count, f"{row['search50']:.0f} / {row['search95']:.0f}", f"{row['ask50']:.0f} / {row['ask95']:.0f}",
                        f"{row['rps']:.1f}", f"{row['rps_ratio']:.2f}x", f"{row['ask_ratio']:.2f}x",
                        f"{row['rss']:.0f} / {row['rss_max']:.0f}", f"{row['private']:.0f}", f"{row['server']:.0f}",
                        f"{row['errors']} of {row['requests'] + row['errors']}", f"{row['ready']:.0f}"])
    for t in trials:
        tt = t["times"]
        detail.append([t["round"], t["count"], f"{pct(tt['search'], 50):.0f} / {pct(tt['search'], 95):.0f}",
                       f"{pct(tt['ask'], 50):.0f} / {pct(tt['ask'], 95):.0f}", t["requests"], f"{t['window_s']:.1f}",
                       f"{t['rps']:.1f}", t["errors"], f"{t['load']:.2f}"])
    orders = "; ".join(" ".join(str(t["count"]) for t in trials if t["round"] == r) for r in range(1, process_rounds + 1))
    top, low = by_count[counts[-1]], by_count[counts[0]]
    errors = sum(r["errors"] for r in by_count.values())
    messages = [m for t in trials for m in t["messages"]][:5]
    cores = len(os.sched_getaffinity(0))
    return (
        f"### {', '.join(map(str, counts))} app processes on one `chroma run`, {size} paragraphs\n\n"
        f"For each process count P, P fresh Python processes (each: `NewsIndex.open` on the server URL, `warm()`, "
        f"{warmup} warm-up questions, then its RSS), started together at one instant, then each asking its share "
        f"of the same {len(asked)} questions (process i asks questions i, i+P, ...) {rounds} time(s): `search` then "
        f"`ask` for each (k={K}, no LLM, the question encoded every time), so every P asks the same "
        f"{len(asked) * rounds * 2} requests. {process_rounds} rounds, the counts shuffled in each (orders: {orders}); "
        f"the figures are medians over rounds, the ratios taken per round against that round's {counts[0]}-process "
        f"trial. RSS and private memory (not shared with other processes: `Private_Clean + Private_Dirty` in "
        f"smaps_rollup) per process after its warm-up; the server's RSS is its peak during the trials.\n\n"
        + report.table(["processes", "search p50 / p95 ms", "ask p50 / p95 ms", "requests/s (all processes)",
                        f"requests/s vs {counts[0]}", f"ask p50 vs {counts[0]}", "RSS per process MiB (median / max)",
                        "private MiB per process", "server RSS MiB (peak)", "errors", "open + warm s"], summary)
        + "\n\nEach trial, in the order run:\n\n"
        + report.table(["round", "processes", "search p50 / p95 ms", "ask p50 / p95 ms", "requests", "window s",
                        "requests/s", "errors", "load (1 min)"], detail)
        + f"\n\nWhat this can and cannot show. This machine has {cores} cores, shared during the run with other jobs; "
        f"the `chroma run` server runs on the same cores. Aggregate throughput cannot scale past the cores: once "
        f"{cores} processes are busy, more processes only queue for the same CPUs, so the requests/s above is what "
        f"one {cores}-core node sustains (query processes and server together), not a limit of the server or of "
        f"newsrag, and not a per-process figure to multiply. {counts[-1]} processes gave {top['rps']:.1f} requests/s "
        f"against {low['rps']:.1f} with {counts[0]} ({top['rps_ratio']:.2f}x), while a request's p50 took "
        f"{top['ask_ratio']:.2f}x as long for ask: that is the latency under contention. What it does show: "
        f"each app process holds its own model, keyword index and speaker index: about {top['rss']:.0f} MiB RSS, of which "
        f"{top['private']:.0f} MiB private (the rest is library and file pages that processes on one machine share), so "
        f"each added process costs about the private figure; the server's memory "
        f"is held once for all of them (peak {low['server']:.0f} MiB with {counts[0]} process(es), {top['server']:.0f} MiB "
        f"with {counts[-1]}); and concurrent processes against one server gave "
        + ("no errors." if errors == 0 else f"{errors} errors, e.g. " + "; ".join(messages) + ".")
    )



def goal_figures(ask50: float, ask95: float, floor50: float) -> dict[str, report.Figure]:
    """The latency goals at GOAL_SIZE paragraphs (embedded store), for the run's record."""
    ratio = ask50 / floor50
    both = f"{ask50:.1f} / {ask95:.1f} ms (ask p50 / p95, embedded)"
    return {
        "query-ask-p50-100k": report.Figure(round(ask50, 1), f"{ask50:.1f} ms", ask50 <= GOAL_ASK_P50_MS),
        "query-ask-p95-100k": report.Figure(round(ask95, 1), f"{ask95:.1f} ms", ask95 <= GOAL_ASK_P95_MS),
        "query-ask-vs-floor": report.Figure(round(ratio, 2), f"{ratio:.2f}x (floor p50 {floor50:.1f} ms)",
                                            ratio <= GOAL_FLOOR_RATIO),
        "query-ask-100k-issue19": report.Figure(round(ask50, 1), both,
                                                ask50 <= GOAL_ASK_P50_MS and ask95 <= GOAL_ASK_P95_MS),
        "query-ask-p50-no-judge": report.Figure(round(ask50, 1), both + "; the judge's cost: `python -m bench judge_cost`",
                                                ask50 <= GOAL_ASK_P50_MS),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated paragraph counts")
    parser.add_argument("--questions", type=int, default=50, help="questions per size (default 50)")
    parser.add_argument("--rounds", type=int, default=2, help="times each question is timed (default 2)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed questions first (default 3)")
    parser.add_argument("--budget-s", type=float, default=900,
                        help="stop timing a size after this many seconds and report the samples so far (default 900)")
    parser.add_argument("--real-embeddings", type=int, default=10_000,
                        help="paragraphs given real embeddings; the rest get perturbed copies (default 10000)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the stores cached in bench/out/")
    parser.add_argument("--profile", type=int, metavar="SIZE",
                        help="cProfile ask at this size (done anyway at the largest size if ask misses a goal)")
    parser.add_argument("--server", action="store_true",
                        help="serve each store with a real `chroma run` and query it over HTTP; adds memory figures")
    parser.add_argument("--processes", metavar="COUNTS",
                        help="with --server: also ask the largest size from this many app processes at once, "
                             "e.g. 1,2,4 (fresh processes per trial, started together)")
    parser.add_argument("--process-rounds", type=int, default=3,
                        help="rounds of --processes, each count once per round in shuffled order (default 3)")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    sizes = sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    processes = sorted({int(c) for c in args.processes.split(",")}) if args.processes else []
    if processes and not args.server:
        parser.error("--processes needs --server: several processes share one `chroma run`")
    if processes and (processes[0] < 1 or args.process_rounds < 1):
        parser.error("--processes counts and --process-rounds must be at least 1")

    load = report.load_average()
    print(f"generating {max(sizes)} paragraphs...", flush=True)
    start = time.perf_counter()
    everything = synthetic_paragraphs(max(sizes))
    print(f"  {time.perf_counter() - start:.1f} s", flush=True)
    # The same questions at every size: about the first articles, which every size holds.
    asked = questions(everything[: min(sizes)], args.questions)

    summary_rows = []
    sections = []
    at_goal: tuple[float, float, float] | None = None  # ask p50, p95 and floor p50 at GOAL_SIZE, embedded
    profile_text = ""
    for size in sizes:
        print(f"size {size}:", flush=True)
        settings, label, build_s = build_store(everything[:size], args.real_embeddings, args.rebuild)
        # With --server, the `chroma run` stays up until everything for this size is done, the profile
        # and the several-process trials included (both query it).
        with ExitStack() as served:
            memory_text = ""
            server_pid = 0
            if args.server:
                url, server_pid = served.enter_context(chroma_server(settings.db))  # type: ignore[attr-defined]
                settings = server_settings(settings, url)
                print(f"  served by chroma run at {url}; measuring memory in a fresh process", flush=True)
                memory_text = _memory_in_child(settings, asked[0][1], server_pid)
            result = measure(settings, asked, args.rounds, args.warmup, args.budget_s)
            if args.server:
                memory_text = memory_text.replace("{SERVER_RSS}", f"{_rss_mib(server_pid):.0f}")
            t = result["times"]
            floor50, floor95 = report.percentile(t["floor"], 50), report.percentile(t["floor"], 95)
            rows = []
            for name in ("floor", "search", "ask"):
                p50, p95 = report.percentile(t[name], 50), report.percentile(t[name], 95)
                rows.append([name, f"{p50:.1f}", f"{p95:.1f}", f"{max(t[name]):.1f}",
                             f"{p50 / floor50:.2f}x" if name != "floor" else "", f"{p95 / floor95:.2f}x" if name != "floor" else ""])
            for kind, values in sorted(result["ask_by_kind"].items()):
                rows.append([f"ask: {kind} ({len(values)} timed)", f"{report.percentile(values, 50):.1f}",
                             f"{report.percentile(values, 95):.1f}", f"{max(values):.1f}", "", ""])
            ask50, ask95 = report.percentile(t["ask"], 50), report.percentile(t["ask"], 95)
            if size == GOAL_SIZE and not args.server:
                at_goal = (ask50, ask95, floor50)
            summary_rows.append([size, f"{floor50:.1f} / {floor95:.1f}", f"{report.percentile(t['search'], 50):.1f} / "
                                 f"{report.percentile(t['search'], 95):.1f}", f"{ask50:.1f} / {ask95:.1f}",
                                 f"{ask50 / floor50:.1f}x", f"{result['cache_build_ms'] / 1000:.2f} s"])
            modes = ", ".join(f"{m} {n}" for m, n in sorted(result["modes"].items()))
            sections.append(
                f"### {size} paragraphs\n\nVectors: {label}. "
                + (f"Store written in {build_s:.1f} s ({size / build_s:.0f} paragraphs/s through `Store.add`). "
                   if build_s else "Store reused from `bench/out/`. ")
                + f"Open {result['open_ms']:.0f} ms; `warm()` (BM25 and speaker indexes; the first query's cost otherwise, incl. saving) "
                f"{result['cache_build_ms']:.0f} ms, again with the BM25 index loaded from disk {result['cache_load_ms']:.0f} ms. "
                + (f"{len(asked)} questions x {args.rounds} rounds" if result["complete"] else
                   f"only {len(t['ask'])} of {len(asked) * args.rounds} timed asks fit the {args.budget_s:.0f} s budget")
                + f" after {args.warmup} warm-up; answer modes: {modes}. Load average after: {report.load_average()}.\n\n"
                + report.table(["ms", "p50", "p95", "max", "p50 / floor", "p95 / floor"], rows)
                + (f"\n\n{memory_text}" if memory_text else "")
            )
            print(f"  floor / search / ask p50: {floor50:.0f} / {report.percentile(t['search'], 50):.0f} / "
                  f"{ask50:.0f} ms", flush=True)
            print(sections[-1] + "\n", flush=True)  # so a run stopped at a later size still has this one
            largest = size == sizes[-1]
            missed = (ask50 > GOAL_ASK_P50_MS or ask95 > GOAL_ASK_P95_MS or ask50 > GOAL_FLOOR_RATIO * floor50)
            if args.profile == size or (largest and missed and args.profile is None):
                print(f"  profiling ask at {size} paragraphs...", flush=True)
                profile_text = f"### Profile of ask at {size} paragraphs\n\n" + profile_asks(result["index"], asked)
            if processes and size == sizes[-1]:
                print(f"  {', '.join(map(str, processes))} app processes at once against the server...", flush=True)
                trials = measure_processes(settings, asked, processes, args.process_rounds, args.rounds,
                                           args.warmup, server_pid)
                raw = report.OUT / f"query-processes-{size}.json"  # the trials, to re-read or re-render
                raw.write_text(json.dumps({"size": size, "counts": processes, "asked": asked, "trials": trials}))
                sections.append(processes_section(size, trials, asked, processes, args.process_rounds,
                                                  args.rounds, args.warmup))
                print(sections[-1] + "\n", flush=True)

    goal_rows = []
    if GOAL_SIZE in sizes:
        r = summary_rows[sizes.index(GOAL_SIZE)]
        goal_rows.append(f"At {GOAL_SIZE} paragraphs: ask p50 / p95 = {r[3]} ms (goals {GOAL_ASK_P50_MS:.0f} / "
                         f"{GOAL_ASK_P95_MS:.0f} ms), p50 ask / floor = {r[4]} (goal <= {GOAL_FLOOR_RATIO}x).")
    else:
        goal_rows.append(f"The goals are stated at {GOAL_SIZE} paragraphs, which this run did not include.")
    body = (
        ("Server mode: each store served by `chroma run` on this machine, queried over HTTP. " if args.server else "")
        + f"Machine: {report.machine()}; load average at start {load}. k={K}, no LLM. "
        f"Questions: {dict(Counter(kind for kind, _ in asked))}, e.g. "
        + "; ".join(f"\u201c{q}\u201d" for _, q in asked[:4]) + ".\n\n"
        + report.table(["paragraphs", "floor p50 / p95 ms", "search p50 / p95 ms", "ask p50 / p95 ms",
                        "ask p50 / floor p50", "warm(): index build"], summary_rows)
        + "\n\n" + " ".join(goal_rows) + "\n\n" + "\n\n".join(sections)
    )
    if profile_text:
        body += "\n\n" + profile_text
    print(body)
    if args.write:
        title = ("query latency (chroma run server), " if args.server else "query latency, ") + ", ".join(map(str, sizes))
        if processes:
            title = f"query latency (chroma run server, {args.processes} app processes), " + ", ".join(map(str, sizes))
        figures = goal_figures(*at_goal) if at_goal else {}
        print(f"\nappended to {report.append_section(title + ' paragraphs', body, figures, load=load)}")


if __name__ == "__main__":
    main()
