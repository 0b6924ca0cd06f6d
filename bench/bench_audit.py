"""Audit-log append cost: one `record` at a time (the CLI's path) and the web server's
`GroupAppender` under 20 request threads, on a fresh log and on one of 100,000 entries; plus the
time to checkpoint and to verify the whole log.

Every request's entry is committed before it answers, so the appender's latency is what a request
waits for and its throughput bounds the audited request rate.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from eslabon.access import audit
from eslabon.access.principal import Principal
from eslabon.store import Store, open_store
from measure import write_result

ANA = Principal("ana", "analyst", "CBP", "USA")
SINGLE = 1000  # sequential records per measurement
THREADS = 20
PER_THREAD = 150  # entries each request thread writes, waiting for each like a request does
PRELOAD = 100_000


def _entry(i: int) -> dict:
    return {
        "username": "ana",
        "agency": "CBP",
        "action": "entity",
        "remote": "10.0.0.7",
        "entities": [f"P-{i:06x}", f"P-{i + 1:06x}"],
        "statements": [f"inm_detenciones@1/{i}"],
        "detail": {"method": "GET", "path": f"/entity/P-{i:06x}", "status": 200},
    }


def _ms(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 3),
    }


def single(st: Store) -> dict:
    took = []
    for i in range(SINGLE):
        t = time.perf_counter()
        audit.record(st, ANA, "entity", entities=[f"P-{i:06x}"], detail={"i": i})
        took.append(time.perf_counter() - t)
    return {"entries": SINGLE, "per_s": round(SINGLE / sum(took)), **_ms(took)}


def grouped(main: Store) -> dict:
    lock = threading.Lock()

    @contextlib.contextmanager
    def writer():
        with lock, main.cursor() as cur:
            yield cur

    appender = audit.GroupAppender(writer)

    def request_thread(t: int) -> list[float]:
        took = []
        for i in range(PER_THREAD):
            start = time.perf_counter()
            appender.submit(_entry(t * PER_THREAD + i)).result()
            took.append(time.perf_counter() - start)
        return took

    t0 = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        took = [s for got in pool.map(request_thread, range(THREADS)) for s in got]
    wall = time.perf_counter() - t0
    appender.close()
    n = THREADS * PER_THREAD
    return {
        "threads": THREADS,
        "entries": n,
        "per_s": round(n / wall),
        "batches": appender.batches,
        "mean_batch": round(n / appender.batches, 1),
        **_ms(took),
    }


def preload(st: Store, n: int) -> None:
    """Fill the log fast (1,000 entries per transaction), then sign it."""
    for start in range(0, n, 1000):
        audit._append(st, [audit.Entry.of(_entry(i)) for i in range(start, start + 1000)])
    audit.checkpoint(st)


def main() -> None:
    runs: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ws.duckdb"
        with open_store(path) as st:
            runs["record_fresh"] = single(st)
            runs["group_fresh"] = grouped(st)
            t = time.perf_counter()
            preload(st, PRELOAD)
            runs["preload_s"] = round(time.perf_counter() - t, 2)
            runs["record_at_100k"] = single(st)
            runs["group_at_100k"] = grouped(st)
            audit.record(st, ANA, "search")
            t = time.perf_counter()
            audit.checkpoint(st)
            runs["checkpoint_s"] = round(time.perf_counter() - t, 4)
            t = time.perf_counter()
            report = audit.verify(st)
            runs["verify"] = {
                "entries": report.entries,
                "checkpoints": report.checkpoints,
                "ok": report.ok,
                "seconds": round(time.perf_counter() - t, 2),
            }
    if not runs["verify"]["ok"]:
        raise SystemExit(f"the benchmark's own log does not verify: {report.problems}")
    write_result(
        "audit",
        {
            "benchmark": "audit",
            "what": "append cost of the tamper-evident audit log (one DuckDB file)",
            **runs,
        },
    )
    for key in ("record_fresh", "group_fresh", "record_at_100k", "group_at_100k"):
        r = runs[key]
        print(f"{key}: {r['per_s']:,}/s, p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms")
    print(f"verify {runs['verify']['entries']:,} entries: {runs['verify']['seconds']} s")


if __name__ == "__main__":
    main()
