"""Time to first answer in a fresh chat: `newsrag ui` started cold, a real browser, one question.

    .venv/bin/python bench/firstanswer.py --db ./newsrag-db --rounds 3 [--write]

Each round starts a new `newsrag ui` process (so the model, the keyword index and the speaker
index are loaded from nothing, as after `make run`), opens the page in headless Chromium and
records, from the moment the process was started:

- **page**: the page's title is drawn (the layout and a disabled input, before the index is open);
- **input**: the chat input is enabled (the index is open and warm);
- **answer**: the answer to ``--question`` is drawn, asked as soon as the input is enabled.

Figures are medians over the rounds (and each round's values are printed). The store must exist
(``newsrag ingest data/`` first; ``make run`` builds it).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(_BENCH.parent))

from bench import report  # noqa: E402
from bench.serving import free_port  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


def one_round(db: Path, question: str, timeout_s: float) -> dict[str, float]:
    """Seconds from process start to page, input and answer, for one cold start."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ORT_DISABLE_TELEMETRY="1")
    cmd = [sys.executable, "-c", "from ui.cli import cli; cli()", "ui", "--db", str(db), "--port", str(port)]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=_BENCH.parent, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            while True:  # the server answers its health check
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                        break
                except OSError:
                    if time.perf_counter() - start > timeout_s:
                        raise SystemExit("the chat server did not start") from None
                    time.sleep(0.05)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(url)
            page.get_by_text("newsrag", exact=True).first.wait_for(timeout=timeout_s * 1000)
            at_page = time.perf_counter() - start
            box = page.locator("[data-testid=stChatInputTextArea]:not([disabled])")
            page.wait_for_function(
                "() => !!document.querySelector('[data-testid=stChatInputTextArea]:not([disabled])')", timeout=timeout_s * 1000)
            at_input = time.perf_counter() - start
            box.fill(question)
            box.press("Enter")
            page.get_by_test_id("stChatMessage").nth(1).wait_for(timeout=timeout_s * 1000)
            page.wait_for_function(
                "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=timeout_s * 1000)
            at_answer = time.perf_counter() - start
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
            browser.close()
    return {"page": at_page, "input": at_input, "answer": at_answer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path("newsrag-db"), help="an ingested store (default ./newsrag-db)")
    parser.add_argument("--question", default="who said what about Seversk?")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout-s", type=float, default=180.0)
    parser.add_argument("--write", action="store_true", help="write the run down (bench/history/) and rebuild RESULTS.md")
    args = parser.parse_args()
    if not (args.db / "chroma.sqlite3").exists():
        raise SystemExit(f"no store at {args.db}: run `newsrag ingest data/ --db {args.db}` first")
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}; install it with `apt-get install chromium`")
    load = os.getloadavg()[0]
    rounds = [one_round(args.db, args.question, args.timeout_s) for _ in range(args.rounds)]
    rows = [[name, f"{statistics.median(r[name] for r in rounds):.1f}",
             ", ".join(f"{r[name]:.1f}" for r in rounds)] for name in ("page", "input", "answer")]
    body = (
        f"Machine: {report.machine()}; load average {load:.2f} at the start. `bench/firstanswer.py --db "
        f"{args.db} --rounds {args.rounds}`: a cold `newsrag ui` per round, headless Chromium, "
        f"question {args.question!r}; seconds from starting the process.\n\n"
        + report.table(["drawn", "median s", "rounds s"], rows)
    )
    print(body)
    if args.write:
        print(f"\nappended to {report.append_section('first answer in a fresh chat', body)}")


if __name__ == "__main__":
    main()
