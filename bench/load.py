"""Load: N concurrent chat sessions in the real Streamlit app while an ingest writes to the same Chroma server.

    .venv/bin/python bench/load.py --sessions 4            # a quick check
    .venv/bin/python bench/load.py --write                 # 32 sessions, written down

What runs, all on this machine: a real ``chroma run`` on a temp folder, the demo corpus (``data/``)
ingested into it, the chat (``newsrag ui --chroma-url URL``, i.e. ``ui/app.py`` under Streamlit)
pointed at it, and one headless Chromium (Debian's ``/usr/bin/chromium``) with one browser
context per session, driven by asynchronous Playwright. Once every session shows its chat input,
a ``newsrag ingest --chroma-url URL`` of ``--ingest-articles`` synthetic articles starts, and every
session asks ``--turns`` questions, one after the other, all sessions at once.

Latency is from pressing Enter to the answer being drawn: the question's answer message is
there, the script has finished (no spinner, no "Running" status widget), and that state holds
for a moment. Errors are questions with no answer within ``--timeout-s`` or an error or
exception box in the page. The app's keyword index is rebuilt from Chroma whenever the ingest
bumps the collection's revision, so questions asked during the ingest pay for that too.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as `python bench/load.py`, this file's folder would shadow the `ingest` package.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

import argparse  # noqa: E402
import asyncio  # noqa: E402
import contextlib  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

from bench import report  # noqa: E402
from bench.serving import chroma_server, free_port, rss_mib  # noqa: E402

ROOT = _BENCH.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]
# Questions about the demo corpus (data/), of every kind the chat answers: who said what,
# what did X say, factual, and one it should refuse.
QUESTIONS = (
    "who said what about Seversk?",
    "what did Pushilin say?",
    "What did Elena Petrova say?",
    "what happened in Seversk?",
    "who said what about the buffer zone?",
    "What did the mayor of Lisbon say about tourism?",
    "why did Ukraine withdraw from Seversk?",
    "who said what about Atlantis?",
)
# The finished state, with the same answer text, must hold this long: Streamlit shows its status
# widget only some time into a run, and streams the answer in chunks 40 ms apart (ui/app.py).
SETTLE_S = 0.3
OPENING_AT_ONCE = 4  # pages opened concurrently before the timed part (opening is not timed)


@dataclass
class Session:
    """One browser context's chat: its latencies (s) and errors (text)."""

    n: int
    latencies_s: list[float] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)  # monotonic time each answer was drawn
    errors: list[str] = field(default_factory=list)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1",
               ANONYMIZED_TELEMETRY="False", TOKENIZERS_PARALLELISM="false", **extra)
    return env


def _newsrag(*args: str) -> list[str]:
    return [sys.executable, "-c", "from ui.cli import cli; cli()", *args]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, by its own process group."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def chat_server(url: str, cache_dir: Path, log: Path, timeout_s: float) -> Iterator[str]:
    """``newsrag ui`` against the Chroma server at ``url``; yields the chat's URL."""
    port = free_port()
    env = _env(NEWSRAG_CHROMA_URL=url, NEWSRAG_CACHE_DIR=str(cache_dir))
    with log.open("wb") as out:
        proc = subprocess.Popen(_newsrag("ui", "--port", str(port)), cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        chat = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"newsrag ui exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{chat}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"newsrag ui did not start in {timeout_s:.0f} s")
            time.sleep(0.5)
        yield chat
    finally:
        _stop(proc)


_FINISHED = """n => {
  const messages = document.querySelectorAll('[data-testid=stChatMessage]');
  if (messages.length < n) return false;
  const last = messages[n - 1];
  if (last.querySelector('[data-testid=stSpinner]')) return false;
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  const text = last.innerText.trim();
  return text.length > 0 ? text : false;
}"""


async def _open(page: Any, url: str, timeout_s: float) -> None:
    await page.goto(url)
    await page.wait_for_selector("[data-testid=stChatInputTextArea]:not([disabled])", timeout=timeout_s * 1000)


async def _ask(page: Any, session: Session, question: str, turn: int, timeout_s: float) -> None:
    """Ask ``question`` as turn ``turn`` (1-based) and record the time until its answer is drawn."""
    box = page.locator("[data-testid=stChatInputTextArea]:not([disabled])")
    await box.fill(question)
    start = time.perf_counter()
    await box.press("Enter")
    deadline = start + timeout_s
    try:
        while True:
            remaining_ms = max((deadline - time.perf_counter()) * 1000, 1)
            drawn = await page.wait_for_function(_FINISHED, arg=2 * turn, timeout=remaining_ms, polling=100)
            done = time.perf_counter()
            text = await drawn.json_value()
            await asyncio.sleep(SETTLE_S)
            if await page.evaluate(_FINISHED, 2 * turn) == text:  # no longer streaming or redrawing
                session.latencies_s.append(done - start)
                session.finished_at.append(time.monotonic())
                break
    except Exception as exc:  # noqa: BLE001 - Playwright's TimeoutError and a closed page alike
        session.errors.append(f"session {session.n}, {question!r}: no answer ({type(exc).__name__})")
        return
    if await page.locator("[data-testid=stException], [data-testid=stAlertContentError]").count():
        session.errors.append(f"session {session.n}, {question!r}: an error box in the page")


async def run_sessions(chat: str, sessions: int, turns: int, timeout_s: float,
                       start_ingest: Any) -> tuple[list[Session], float]:
    """Open ``sessions`` contexts in one Chromium, start the ingest, then ask in all at once."""
    from playwright.async_api import async_playwright

    results = [Session(n) for n in range(sessions)]
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1100, "height": 800}) for _ in range(sessions)]
            pages = [await c.new_page() for c in contexts]
            gate = asyncio.Semaphore(OPENING_AT_ONCE)

            async def open_one(page: Any) -> None:
                async with gate:
                    await _open(page, chat, timeout_s)

            await asyncio.gather(*(open_one(page) for page in pages))
            start_ingest()
            asked_at = time.monotonic()

            async def converse(page: Any, session: Session) -> None:
                for turn in range(1, turns + 1):
                    question = QUESTIONS[(session.n + turn - 1) % len(QUESTIONS)]
                    await _ask(page, session, question, turn, timeout_s)
                    if len(session.latencies_s) < turn:
                        return  # this chat is stuck; its later turns would only time out too

            await asyncio.gather(*(converse(page, s) for page, s in zip(pages, results, strict=True)))
        finally:
            await browser.close()
    return results, asked_at


GOAL_SESSIONS = 32  # issue 12: 32 concurrent chat sessions while an ingest runs, zero errors


def goal_figures(sessions: int, turns: int, answered: int, errors: int, p50_s: float, p95_s: float,
                 ingest_rc: int) -> dict[str, report.Figure]:
    """Issue 12's goal, filed only by a run with at least its 32 sessions (a quick check measures less)."""
    if sessions < GOAL_SESSIONS:
        return {}
    return {"load-32-sessions": report.Figure(
        errors, f"{answered} of {sessions * turns} answered, {errors} errors; p50 {p50_s:.1f} s / p95 {p95_s:.1f} s "
        f"({sessions} sessions x {turns} turns during an ingest" + (", which failed)" if ingest_rc else ")"),
        errors == 0 and ingest_rc == 0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=32, help="concurrent chat sessions (default 32)")
    parser.add_argument("--turns", type=int, default=3, help="questions each session asks in turn (default 3)")
    parser.add_argument("--ingest-articles", type=int, default=150,
                        help="synthetic articles the concurrent ingest writes (default 150)")
    parser.add_argument("--timeout-s", type=float, default=300, help="per question and per page open (default 300)")
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}; install it with `apt-get install chromium`")

    from bench.synthetic import make_articles, write_txt

    load_before = report.load_average()
    with tempfile.TemporaryDirectory(prefix="newsrag-load-") as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "cache"
        articles = tmp / "incoming"
        articles.mkdir()
        write_txt(make_articles(args.ingest_articles, seed=12), articles)
        with chroma_server(tmp / "chroma") as (url, server_pid):
            print(f"chroma run at {url}; ingesting data/ ...", flush=True)
            env = _env(NEWSRAG_CHROMA_URL=url, NEWSRAG_CACHE_DIR=str(cache))
            subprocess.run(_newsrag("ingest", str(ROOT / "data"), "-q"), cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
            with chat_server(url, cache, tmp / "streamlit.log", args.timeout_s) as chat:
                print(f"chat at {chat}; opening {args.sessions} sessions ...", flush=True)
                ingest: dict[str, Any] = {}

                def start_ingest() -> None:
                    ingest["log"] = (tmp / "ingest.log").open("wb")
                    ingest["start"] = time.monotonic()
                    ingest["proc"] = subprocess.Popen(
                        _newsrag("ingest", str(articles), "-q"), cwd=ROOT, env=env, stdout=ingest["log"],
                        stderr=subprocess.STDOUT, start_new_session=True)
                    print(f"ingest of {args.ingest_articles} articles started; asking ...", flush=True)

                start = time.monotonic()
                sessions, asked_at = asyncio.run(
                    run_sessions(chat, args.sessions, args.turns, args.timeout_s, start_ingest))
                opened_s = asked_at - start
                asking_s = time.monotonic() - asked_at
                proc: subprocess.Popen[bytes] = ingest["proc"]
                ingest_still_running = proc.poll() is None
                proc.wait()
                ingest_end = time.monotonic() if ingest_still_running else None
                ingest["log"].close()
                ingest_s = (ingest_end or time.monotonic()) - ingest["start"]
                ingest_rc = proc.returncode
                ingest_log = (tmp / "ingest.log").read_text(errors="replace").strip()[-500:]
                server_rss = rss_mib(server_pid)

    latencies = sorted(t for s in sessions for t in s.latencies_s)
    errors = [e for s in sessions for e in s.errors]
    during = sum(1 for s in sessions for t in s.finished_at if ingest_still_running or t <= ingest["start"] + ingest_s)
    asked = args.sessions * args.turns
    if latencies:
        p50, p95, worst = (report.percentile(latencies, 50), report.percentile(latencies, 95), max(latencies))
        figures = f"p50 {p50:.1f} s, p95 {p95:.1f} s, max {worst:.1f} s"
    else:
        p50 = p95 = worst = float("nan")
        figures = "no answers"
    rows = [[args.sessions, args.turns, f"{len(latencies)} / {asked}", len(errors), f"{p50:.1f}", f"{p95:.1f}",
             f"{worst:.1f}", f"{during}"]]
    body = (
        f"Machine: {report.machine()}; load average {load_before} at the start, {report.load_average()} at the "
        "end (the 2 cores are shared with other agents' work, so these are figures under that load too). "
        f"`bench/load.py --sessions {args.sessions} --turns {args.turns} --ingest-articles {args.ingest_articles}`: "
        "`chroma run`, `newsrag ui` and the ingest on this machine, one headless Chromium with one context per "
        f"session. Sessions opened in {opened_s:.0f} s (not timed below); asking took {asking_s:.0f} s. "
        f"Concurrent `newsrag ingest` of {args.ingest_articles} synthetic articles: "
        + (f"exit {ingest_rc}, {ingest_s:.0f} s" + (" (still running when the last answer came; waited for)"
                                                      if ingest_still_running else ""))
        + f". Chroma server RSS at the end {server_rss:.0f} MiB. Latency: Enter to the answer drawn, seconds.\n\n"
        + report.table(["sessions", "turns each", "answered", "errors", "p50 s", "p95 s", "max s",
                        "answers drawn while the ingest ran"], rows)
        + ("\n\nErrors:\n\n" + "\n".join(f"- {e}" for e in errors[:20]) if errors else "")
        + (f"\n\nThe ingest failed:\n\n```\n{ingest_log}\n```" if ingest_rc else "")
    )
    print(body)
    print(f"\n{len(latencies)} answers, {len(errors)} errors; {figures}")
    if args.write:
        figures = goal_figures(args.sessions, args.turns, len(latencies), len(errors), p50, p95, ingest_rc)
        print(f"\nappended to {report.append_section(f'load: {args.sessions} chat sessions during an ingest', body, figures)}")
    if errors or ingest_rc:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
