"""Turns at one store between processes: readers share it, a writer has it alone, and a process
whose embedded Chroma client another process has outdated opens a fresh one before reading.

Chroma's embedded ``PersistentClient`` keeps each collection's segments in memory, once per
process, and its documentation says one path must not be shared by several processes. Seen here
(issue 19): a process with the index open failed every question with "Error finding id" after
another process ingested 1,225 articles, because its in-memory vector index no longer matched
the shared SQLite records. Closing that client and opening a new one reads the store from disk
again (18 ms at 5,000 records; the vector index loads on the first query and replays what the
writer's log holds), so the fix is to know when to do it and to never do it mid-write:

- every Chroma call, and every question as a whole, runs under a ``fcntl.flock`` lock in the
  store folder: shared for reading, exclusive for each write (one upsert or delete, not a whole
  ingest), so a question reads one corpus revision from start to end and no reader opens the
  store while a writer is halfway through a batch;
- each exclusive turn ends by writing a new random stamp to the generation file beside the lock;
  a process starting a turn compares it with the stamp it last saw and, when another process has
  written since, reopens its client (``Gate.on_stale``) before anyone in it reads;
- a writer waiting for its turn holds a second lock, the turnstile, which new readers must pass,
  so a busy chat (questions overlapping without pause) cannot keep an ingest waiting forever.

Threads of one process share the process's lock (``flock`` locks belong to the open file): the
in-process part is an ordinary readers/writer lock with writers first. A thread already inside a
turn enters again freely; a thread that reads and then asks to write in the same turn is a bug
and raises at once instead of deadlocking.

For a Chroma server the lock lives beside the keyword cache and orders this machine's readers
and writers only (the HTTP client holds no stale state; the server orders writes from several
machines). ``Gate.for_path`` keeps one gate per lock file per process, as Chroma keeps one
client system per path.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

LOCK_FILE = ".newsrag-access-lock"
TURNSTILE_FILE = ".newsrag-access-turnstile"
GENERATION_FILE = ".newsrag-generation"


class Gate:
    """The readers/writer lock of one store, shared by every thread and ``Store`` of a process."""

    _gates: ClassVar[dict[Path, Gate]] = {}
    _gates_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._local = threading.local()
        self._fd: int | None = None
        # The turnstile is opened twice: flock treats two open files as two holders even in one
        # process, so this process's readers queue behind its own waiting writer as well.
        self._turnstile_w: int | None = None
        self._turnstile_r: int | None = None
        self._seen: str | None = None  # the generation stamp this process's client reflects
        self._listeners: list[Callable[[], None]] = []

    @classmethod
    def for_path(cls, folder: Path) -> Gate:
        """The process's gate for the store whose lock files live in ``folder``."""
        key = folder.resolve()
        with cls._gates_lock:
            gate = cls._gates.get(key)
            if gate is None:
                gate = cls._gates[key] = cls(key)
            return gate

    def on_stale(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (reopen a client) when a turn finds another process has written.

        It runs with no other thread of this process inside the store."""
        if callback not in self._listeners:
            self._listeners.append(callback)

    def outdated(self) -> bool:
        """Whether another process has written since this process's last turn: one small file
        read, no lock, so a background thread can poll it every second (``NewsIndex.keep_current``)."""
        return self._seen is not None and self._read_stamp() != self._seen

    @property
    def generation(self) -> str:
        """The stamp of the last write this process knows of (changes with every write turn)."""
        return self._seen or ""

    # -- turns -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """A shared turn: no other process writes until it ends."""
        if self._depth():
            yield
            return
        self._pass_turnstile()
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            if self._readers == 0:
                self._flock(fcntl.LOCK_SH)
                self._catch_up()
            self._readers += 1
        self._enter("read")
        try:
            yield
        finally:
            self._leave()
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._flock(fcntl.LOCK_UN)
                self._cond.notify_all()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """An exclusive turn: every other reader and writer, in any process, waits for it."""
        kind = self._depth_kind()
        if kind == "write":
            yield
            return
        if kind == "read":
            raise RuntimeError("a write was asked for inside a read turn of the same thread: it would wait forever")
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            self._flock(fcntl.LOCK_EX, turnstile=True)
            try:
                self._catch_up()
                self._enter("write")
                try:
                    yield
                finally:
                    self._leave()
                    self._stamp()
            finally:
                self._flock(fcntl.LOCK_UN, turnstile=True)
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    # -- inside ------------------------------------------------------------------------------

    def _depth(self) -> int:
        return len(getattr(self._local, "stack", ()))

    def _depth_kind(self) -> str | None:
        stack = getattr(self._local, "stack", None)
        return stack[0] if stack else None

    def _enter(self, kind: str) -> None:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        self._local.stack.append(kind)

    def _leave(self) -> None:
        self._local.stack.pop()

    def _files(self) -> tuple[int, int, int]:
        with self._gates_lock:
            if self._fd is None or self._turnstile_w is None or self._turnstile_r is None:
                with contextlib.suppress(OSError):
                    self.folder.mkdir(parents=True, exist_ok=True)
                self._fd = _open(self.folder / LOCK_FILE)
                self._turnstile_w = _open(self.folder / TURNSTILE_FILE)
                self._turnstile_r = _open(self.folder / TURNSTILE_FILE)
            return self._fd, self._turnstile_w, self._turnstile_r

    def _flock(self, operation: int, turnstile: bool = False) -> None:
        fd, gate, _ = self._files()
        if operation == fcntl.LOCK_UN:
            fcntl.flock(fd, fcntl.LOCK_UN)
            if turnstile:
                fcntl.flock(gate, fcntl.LOCK_UN)
            return
        if turnstile:  # a waiting writer holds the turnstile: readers arriving after it queue behind
            fcntl.flock(gate, fcntl.LOCK_EX)
        fcntl.flock(fd, operation)

    def _pass_turnstile(self) -> None:
        """Queue behind a writer that waits for its turn, in this process or another.

        While this process's readers hold the lock, a new reader that finds a writer waiting
        lets them finish first; otherwise overlapping questions could hold the lock for ever."""
        _, _, gate = self._files()
        try:
            fcntl.flock(gate, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            with self._cond:
                while self._readers:
                    self._cond.wait()
            fcntl.flock(gate, fcntl.LOCK_SH)
        fcntl.flock(gate, fcntl.LOCK_UN)

    def _catch_up(self) -> None:
        """Under the file lock: reopen what another process's write has outdated."""
        stamp = self._read_stamp()
        if self._seen is not None and stamp != self._seen:
            for callback in self._listeners:
                callback()
        self._seen = stamp

    def _read_stamp(self) -> str:
        try:
            return (self.folder / GENERATION_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    def _stamp(self) -> None:
        """Mark a write for the other processes (a disk too full for 32 bytes: remove the stamp,
        which differs from every stamp a process saw, so they reopen all the same)."""
        stamp = uuid.uuid4().hex
        path = self.folder / GENERATION_FILE
        try:
            path.write_text(stamp, encoding="utf-8")
        except OSError:
            stamp = ""
            with contextlib.suppress(OSError):
                path.unlink()
        self._seen = stamp


def _open(path: Path) -> int:
    """A lock file, made if missing; read-only where the folder is (flock needs no write access)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            from rag.errors import StoreError

            raise StoreError(f"cannot use the lock file {path} ({exc.strerror}): newsrag needs to create it once "
                             f"in {path.parent}, so that processes take turns at the store") from exc
