"""Work that takes longer than a page: ingest of a folder, and batches of match explanations
for pairs that were not stored at resolve time (an older workspace).

Jobs run one at a time on a worker thread (both need the workspace's writer or its Splink
scratch catalog); a page polls ``/api/jobs/{id}`` for progress.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from eslabon.errors import EslabonError


@dataclass
class Job:
    """One piece of background work and what a page shows about it."""

    job_id: str
    kind: str
    status: str = "queued"  # queued | running | done | failed
    message: str = ""
    done: int = 0
    total: int | None = None
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.time)

    def public(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "kind": self.kind,
            "status": self.status,
            "message": self.message,
            "done": self.done,
            "total": self.total,
            "error": self.error,
            "result": self.result if isinstance(self.result, dict | list) else None,
        }


class Jobs:
    """A single worker thread and the jobs it ran (kept for the server's lifetime)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eslabon-job")
        self._jobs: dict[str, Job] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def submit(self, kind: str, work: Callable[[Job], Any]) -> Job:
        with self._lock:
            job = Job(f"{kind}-{next(self._ids)}", kind)
            self._jobs[job.job_id] = job
        self._pool.submit(self._run, job, work)
        return job

    def _run(self, job: Job, work: Callable[[Job], Any]) -> None:
        job.status = "running"
        try:
            job.result = work(job)
            job.status = "done"
        except EslabonError as err:
            job.status, job.error = "failed", err.describe()
        except Exception as err:  # shown on the page; the server keeps serving
            job.status, job.error = "failed", f"{type(err).__name__}: {err}"
            traceback.print_exc()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
