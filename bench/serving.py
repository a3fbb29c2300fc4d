"""A real ``chroma run`` for the benchmarks that serve a store over HTTP, and process memory figures.

Shared by ``query.py`` (server mode, several app processes), ``live.py`` (a server per store) and
``load.py`` (the chat against a server): each starts the server the way a deployment would
(``docs/scaling.md``) and reads memory from ``/proc``, so their figures are taken alike.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def rss_mib(pid: int | None = None) -> float:
    """Resident set size of a process (this one by default), MiB, from /proc."""
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def private_mib(pid: int | None = None) -> float:
    """Private (unshared) resident memory of a process, MiB: what it adds beyond pages other
    processes share with it (torch's libraries, files mapped read-only), from smaps_rollup."""
    try:
        lines = Path(f"/proc/{pid or 'self'}/smaps_rollup").read_text().splitlines()
    except OSError:
        return float("nan")
    kib = sum(int(line.split()[1]) for line in lines if line.startswith(("Private_Clean:", "Private_Dirty:")))
    return kib / 1024


def free_port() -> int:
    """A TCP port nothing listens on now (the kernel's pick), for a server started next."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def chroma_server(path: Path) -> Iterator[tuple[str, int]]:
    """A real ``chroma run`` serving ``path`` on a free port; yields (URL, pid), stops it after."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        exe = Path(shutil.which("chroma") or "chroma")
    port = free_port()
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
