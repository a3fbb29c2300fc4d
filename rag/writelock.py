"""One writer at a time per store, across processes: an advisory file lock.

Kept apart from ``rag.gate`` (which orders reads and writes turn by turn): this lock is held for a
whole ingest or removal, so two writers never interleave their chunks.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator

from rag.settings import Settings

__all__ = ["write_lock"]


@contextlib.contextmanager
def write_lock(settings: Settings, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """One writer at a time per store: a second ingest waits here, told through ``on_wait``.

    Two processes writing one embedded Chroma folder can race (seen: two first ingests into a new
    folder, one failing with "table collections already exists"), and each keeps its own copy of
    the vector index in memory. For a Chroma server the lock is per machine, beside the keyword
    cache; the server itself orders writes that come from several machines.
    """
    import fcntl
    import socket

    if settings.chroma_url:
        path = settings.keyword_cache_dir.with_name(settings.keyword_cache_dir.name + ".write-lock")
    else:
        path = settings.db / ".newsrag-write-lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            if on_wait is not None:
                on_wait(f"waiting for another ingest into {settings.describe_store()} to finish ({holder})")
            fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):  # only a note for whoever waits; a full disk may refuse it
            lock.seek(0)
            lock.truncate()
            lock.write(f"process {os.getpid()} on {socket.gethostname()}, since {time.strftime('%H:%M:%S')}")
            lock.flush()
        yield  # closing the file releases the lock, also when the process dies
