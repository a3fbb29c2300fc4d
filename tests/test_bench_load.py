"""bench/load.py, smallest run: two chat sessions, one question each, during a five-article ingest.

The real parts, end to end: a `chroma run` server, `newsrag ingest` into it, `newsrag ui` pointed
at it, headless Chromium. Kept tiny (about two minutes on 2 shared cores) so the load benchmark
cannot rot; its figures come from the full run (`bench/load.py --write`), never from here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[1]


def test_two_sessions_answer_during_an_ingest_without_errors() -> None:
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium at /usr/bin/chromium; install it with `apt-get install chromium`")
    pytest.importorskip("playwright.async_api", reason="Playwright's Python package is not installed")
    if not (Path(sys.executable).with_name("chroma").exists() or shutil.which("chroma")):
        pytest.skip("the chroma server command is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSRAG_")}
    done = subprocess.run(
        [sys.executable, "bench/load.py", "--sessions", "2", "--turns", "1", "--ingest-articles", "5",
         "--timeout-s", "180"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(r"^2 answers, 0 errors; p50 [\d.]+ s", done.stdout, re.MULTILINE), done.stdout[-2000:]
    assert "| 2 | 1 | 2 / 2 | 0 |" in done.stdout
