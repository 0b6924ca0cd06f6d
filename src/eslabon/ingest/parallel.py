"""Normalise distinct value tuples, in worker processes when there are enough of them.

Normalising is pure Python and CPU-bound (names, phones, dates, identifiers), so the GIL keeps it on
one core; the loader hands large sets of distinct tuples to forked workers in chunks and gets the
outcomes back in order. Every tuple gets the outcome the same function gives in the loader's own
process: workers run exactly ``outcomes`` below, on a ``RowNormaliser`` built from the same mapping.

Workers are forked (they inherit the imported normalisers and their warm caches) and never touch
the store: only the loader's process writes. A worker whose parent dies (say, a killed ingest)
exits on its own within a second, so nothing is left running.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import orjson

from eslabon.ingest.mapping import Mapping
from eslabon.ingest.normalise import Refused, RowNormaliser

# Below this many distinct tuples in a source, pickling costs more than the workers save.
# Workers are forked before the first source is read when the files add up to START_BYTES.
START_BYTES = 4 << 20
PARALLEL_MIN_TUPLES = 2_000
# chunks small enough to keep every worker busy to the end, big enough to amortise pickling
CHUNK_MIN, CHUNK_MAX = 500, 4_000
MAX_WORKERS = 8

# what a refused tuple holds in place of the normaliser's values
REFUSED = {"entity": (False, None, None), "link": (None, None, None)}

Outcome = tuple  # (*values, rfield, rreason, flags)


def json_text(obj: Any) -> str:
    """JSON text as the store keeps it (props, mappings): one serialiser for the loader and its
    workers, so both paths write the same bytes."""
    return orjson.dumps(obj, default=str).decode()


def outcomes(
    norm: RowNormaliser, what: str, key: str, cols: list[str], tuples: list[tuple]
) -> list[Outcome]:
    """Per cleaned tuple: the normaliser's values (entity: ok, caption, props JSON; link: start,
    end, props JSON) or the refused placeholders, then rfield, rreason and the flags."""
    refused = REFUSED[what]
    got: list[Outcome] = []
    append = got.append
    if what == "entity":
        entity = norm.entity
        for tup in tuples:
            try:
                res = entity(key, dict(zip(cols, tup, strict=True)))
            except Refused as err:
                append((*refused, err.field, err.reason, ()))
                continue
            if res.props is None:
                append((False, res.caption, None, None, None, tuple(res.flags)))
            else:
                append((True, res.caption, json_text(res.props), None, None, tuple(res.flags)))
    else:
        link = norm.link
        for tup in tuples:
            try:
                lres = link(key, dict(zip(cols, tup, strict=True)))
            except Refused as err:
                append((*refused, err.field, err.reason, ()))
                continue
            append((lres.start, lres.end, json_text(lres.props), None, None, tuple(lres.flags)))
    return got


# -- workers ------------------------------------------------------------------------------------
_NORMALISERS: dict[tuple, RowNormaliser] = {}


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone: a killed ingest must not leave workers behind."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)


def _init_worker(parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _work(mapping: Mapping, what: str, key: str, cols: list[str], tuples: list[tuple]):
    ident = (str(mapping.path), mapping.sha256, mapping.source, str(mapping.file))
    norm = _NORMALISERS.get(ident)
    if norm is None:
        norm = _NORMALISERS[ident] = RowNormaliser(mapping)
    return outcomes(norm, what, key, cols, tuples)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Pool:
    """Worker processes for normalising, started on first use and stopped on ``close``.

    On a single CPU, or where fork is not the safe default (macOS, Windows), everything runs in the
    loader's process.
    """

    def __init__(self, workers: int | None = None) -> None:
        n = _cpus() if workers is None else workers
        self.workers = max(0, min(n, MAX_WORKERS)) if sys.platform.startswith("linux") else 0
        if self.workers < 2:
            self.workers = 0
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    def start(self) -> None:
        """Fork the workers now, while this process is small: a worker shares (and is charged
        for) the memory its parent held when it was forked."""
        if self.workers:
            self._pool().submit(int).result()

    def normalise(
        self, norm: RowNormaliser, jobs: list[tuple[str, str, list[str], list[tuple]]]
    ) -> Callable[[], list[list[Outcome]]]:
        """Start normalising each job (what, key, cols, distinct cleaned tuples); the returned
        function gives the outcomes per job, in job order, waiting for the workers if need be.

        Large jobs go to the workers at once, so the loader can read the next source meanwhile;
        small ones are normalised in this process when their outcomes are asked for.
        """
        total = sum(len(job[3]) for job in jobs)
        if not self.workers or total < PARALLEL_MIN_TUPLES:
            return lambda: [outcomes(norm, *job) for job in jobs]
        pool = self._pool()
        size = max(CHUNK_MIN, min(CHUNK_MAX, total // (4 * self.workers)))
        pending: list[tuple[int, Future]] = []
        for i, (what, key, cols, tuples) in enumerate(jobs):
            for start in range(0, len(tuples), size):
                chunk = tuples[start : start + size]
                pending.append((i, pool.submit(_work, norm.mapping, what, key, cols, chunk)))

        def collect() -> list[list[Outcome]]:
            results: list[list[Outcome]] = [[] for _ in jobs]
            for i, fut in pending:
                results[i].extend(fut.result())
            return results

        return collect

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
