"""The web server's hold on the workspace file: one connection, a cursor per request.

DuckDB lets one process write a file, and a process cannot mix read-only and read-write
connections to it. The server therefore holds **one read-write connection** (review decisions
and ingest write; explaining a pair that was not stored at resolve time needs Splink's scratch
catalog, which read-only connections cannot attach) and gives every request its own cursor, so
pages are read concurrently under DuckDB's MVCC. Cursors for pages that must never score or
write are flagged read-only (``reader(read_only=True)``): stored explanations are then read
without ``scratch_lock``. Writes (review decisions, ingest) pass ``writer()``, which serialises them.
When no request has come for ``idle_release`` seconds the connection is closed, so the CLI
(`eslabon resolve` after a review session, say) can take the file; while a CLI command holds it,
pages answer 503 "workspace busy" instead of failing.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from eslabon.errors import EslabonError
from eslabon.store.connection import Store, open_store


class WorkspaceBusy(Exception):
    """Another process holds the workspace file; the request may be retried."""


class Workspace:
    """The workspace file behind the web application, opened lazily and released when idle."""

    def __init__(self, path: Path, *, idle_release: float = 2.0) -> None:
        self.path = Path(path)
        self.idle_release = idle_release
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        # Splink attaches a scratch catalog with a fixed name: one such job at a time.
        self.scratch_lock = threading.Lock()
        self._store: Store | None = None
        self._active = 0
        self._last = time.monotonic()
        self._cache: dict[str, tuple[str, Any]] = {}
        # Answers computed from the workspace: valid until the file changes. While the server
        # holds the file nobody else can change it, so they are checked only on reopening.
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._data_gen: str | None = None
        self.epoch = 0  # bumped by every write through the server (see ``invalidate``)
        self._building: dict[Any, threading.Event] = {}  # answers being computed, by key
        self._locks: dict[str, threading.Lock] = {}
        self._closing: list[Store] = []
        self._stop = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="eslabon-idle", daemon=True)
        self._reaper.start()

    # -- connection ------------------------------------------------------------------------
    def _open(self) -> Store:
        if self._store is None:
            if not self.path.exists():
                raise EslabonError(
                    "no workspace here yet",
                    file=str(self.path),
                    hint="run `eslabon ingest` first",
                )
            try:
                self._store = open_store(self.path)
            except EslabonError as err:
                if "lock" in err.message.lower():
                    raise WorkspaceBusy(err.message) from None
                raise
            gen = self.generation(self._store)
            if gen != self._data_gen:
                self._data.clear()
                self._data_gen = gen
        return self._store

    def _reap(self) -> None:
        while not self._stop.wait(0.25):
            with self._lock:
                idle = time.monotonic() - self._last
                if self._store is not None and self._active == 0 and idle > self.idle_release:
                    self._release()

    def _release(self) -> None:
        """Close every cursor and the connection (caller holds ``_lock``)."""
        for st in self._closing:
            with contextlib.suppress(Exception):
                st.close()
        self._closing.clear()
        self._cache.clear()  # objects bound to a cursor; plain answers in _data survive
        if self._store is not None:
            with contextlib.suppress(Exception):
                self._store.close()
        self._store = None

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            self._release()

    @contextlib.contextmanager
    def reader(self, *, read_only: bool = False) -> Iterator[Store]:
        """A cursor for one request; the connection stays open while any request runs.

        ``read_only=True`` flags the cursor read-only, so code that would otherwise write or
        attach Splink's scratch catalog (scoring explanations that were not stored) does not:
        such a cursor needs neither ``scratch_lock`` nor the writer."""
        with self._lock:
            parent = self._open()
            self._active += 1
            cur = parent.cursor()
        cur.read_only = cur.read_only or read_only
        try:
            yield cur
        finally:
            with contextlib.suppress(Exception):
                cur.close()
            with self._lock:
                self._active -= 1
                self._last = time.monotonic()

    @contextlib.contextmanager
    def writer(self, *, invalidate: bool = True) -> Iterator[Store]:
        """A cursor for a write: one writer at a time; caches are dropped afterwards, except
        for writes that change no answer (``invalidate=False``: audit entries, sessions)."""
        with self._write_lock, self.reader() as st:
            try:
                yield st
            finally:
                if invalidate:
                    self.invalidate()

    # -- caches ----------------------------------------------------------------------------
    def generation(self, st: Store) -> str:
        """A token that changes whenever a pipeline stage rewrites the workspace."""
        parts = []
        for sql in (
            "SELECT max(loaded_at) FROM sources",
            "SELECT max(started_at) FROM resolution_runs",
            "SELECT max(finished_at) FROM network_runs",
            "SELECT count(*) FROM review_judgements",
        ):
            try:
                parts.append(str(st.query_one(sql)[0]))
            except Exception:  # a stage's tables may not exist yet
                parts.append("-")
        return "|".join(parts)

    def object_lock(self, name: str) -> threading.Lock:
        """A lock per cached object: a cursor serves one thread at a time."""
        with self._lock:
            return self._locks.setdefault(name, threading.Lock())

    def cached(self, st: Store, name: str, build: Callable[[Store], Any]) -> Any:
        """``build(store)`` once per opening of the file, on its own long-lived cursor (closed
        when the connection is released); callers using that Store later hold
        ``object_lock(name)``."""
        gen = "open"
        with self.object_lock(f"build:{name}"):
            with self._lock:
                hit = self._cache.get(name)
            if hit is not None and hit[0] == gen:
                return hit[1]
            with self._lock:
                own = self._open().cursor()
                self._closing.append(own)
            with self.object_lock(name):
                value = build(own)
            with self._lock:
                self._cache[name] = (gen, value)
            return value

    def peek(self, key: Any) -> Any:
        """The cached answer for ``key``, or None."""
        with self._lock:
            return self._data.get(key)

    def memo(self, key: Any, build: Callable[[], Any], limit: int = 4000) -> Any:
        """The answer for ``key``, computed once while the workspace stays the same; requests
        asking for it while it is being computed wait for that one computation."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            running = self._building.get(key)
            if running is None:
                done = self._building[key] = threading.Event()
            epoch = self.epoch
        if running is not None:
            running.wait()
            with self._lock:
                if key in self._data:
                    return self._data[key]
            return build()  # it failed or went stale: compute this one without sharing
        try:
            value = build()
            with self._lock:
                if self.epoch == epoch:  # else a write came meanwhile: it may be stale
                    self._data[key] = value
                    while len(self._data) > limit:
                        self._data.popitem(last=False)
        finally:
            with self._lock:
                self._building.pop(key, None)
            done.set()
        return value

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    def invalidate(self) -> None:
        """After a write through the server: every cached answer may be stale."""
        with self._lock:
            self.epoch += 1
            self._cache.clear()
            self._data.clear()
            self._data_gen = self.generation(self._store) if self._store is not None else None
