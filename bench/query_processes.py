"""Several app processes asking one ``chroma run`` at once (``query.py --server --processes 1,2,4``).

For each count P, P fresh Python processes each open the index on the server URL, warm it, wait
for a common start, and ask their share of the questions (search, then ask); the counts are
repeated in shuffled rounds, and the report gives medians over rounds.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.query_timing import K
from bench.serving import private_mib, rss_mib

_ROOT = Path(__file__).resolve().parents[1]
PROCESS_READY_TIMEOUT_S = 900  # open + warm of several processes at once on 2 shared cores
PROCESS_RUN_TIMEOUT_S = 900

_WORKER = "import sys; sys.path.insert(0, sys.argv[1]); from bench import query_processes; query_processes.process_worker(sys.argv[2])"


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
    _write_json(Path(spec["ready"]), {"ready_s": time.time() - launched, "rss": rss_mib(),
                                      "private": private_mib()})
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
                                       "errors": errors, "rss_end": rss_mib()})


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
    server_peak = rss_mib(server_pid)
    try:
        for i in range(count):
            spec = {"url": settings.chroma_url, "cache_dir": str(settings.cache_dir),  # type: ignore[attr-defined]
                    "questions": shares[i], "warmup": [q for _, q in asked[:warmup]], "rounds": rounds,
                    "ready": str(folder / f"ready-{i}.json"), "go": str(go), "result": str(folder / f"result-{i}.json")}
            _write_json(folder / f"spec-{i}.json", spec)
            log = (folder / f"log-{i}.txt").open("w", encoding="utf-8")
            procs.append((subprocess.Popen([sys.executable, "-c", _WORKER, str(_ROOT), str(folder / f"spec-{i}.json")],
                                           cwd=_ROOT, stdout=log, stderr=subprocess.STDOUT), log))
        deadline = time.monotonic() + PROCESS_READY_TIMEOUT_S
        while time.monotonic() < deadline and any(
            p.poll() is None and not (folder / f"ready-{i}.json").exists() for i, (p, _) in enumerate(procs)
        ):
            time.sleep(0.1)
        _write_json(go, time.time() + 0.5)  # a common start, a little ahead so every poller sees it first
        deadline = time.monotonic() + PROCESS_RUN_TIMEOUT_S
        while time.monotonic() < deadline and any(p.poll() is None for p, _ in procs):
            server_peak = max(server_peak, rss_mib(server_pid))
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



