"""Normalising in worker processes, and reading one source while the one before is normalised,
store exactly what one process does; workers never outlive a killed ingest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eslabon.ingest import load, parallel
from eslabon.ingest.load import discover_mappings, ingest
from eslabon.ingest.normalise import RowNormaliser, clean
from eslabon.ingest.parallel import Pool, outcomes
from eslabon.ingest.readers import open_reader
from eslabon.store import open_store
from eslabon.synth.world import generate

needs_fork = pytest.mark.skipif(
    Pool(2).workers == 0, reason="worker processes are used only where fork is safe (Linux)"
)

# every table ingest writes, with what may differ between two runs left out
TABLES = {
    "sources": "* EXCLUDE (loaded_at)",
    "source_rows": "*",
    "mentions": "*",
    "links": "*",
    "row_flags": "*",
    "quarantine": "*",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("par") / "world"
    generate(out, seed=7, scale=0.3)
    return out


def _contents(ws: Path) -> dict[str, list]:
    with open_store(ws) as st:
        return {t: sorted(map(repr, st.query(f"SELECT {c} FROM {t}"))) for t, c in TABLES.items()}


def _ingest(world: Path, ws: Path, workers: int, monkeypatch) -> list:
    monkeypatch.setattr(load, "Pool", lambda: Pool(workers))
    with open_store(ws) as st:
        return ingest(st, world)


@needs_fork
def test_workers_store_what_one_process_stores(world, tmp_path, monkeypatch):
    one = _ingest(world, tmp_path / "one.duckdb", 0, monkeypatch)
    # every source through the workers, in many small chunks
    monkeypatch.setattr(parallel, "PARALLEL_MIN_TUPLES", 0)
    monkeypatch.setattr(parallel, "CHUNK_MIN", 7)
    many = _ingest(world, tmp_path / "many.duckdb", 2, monkeypatch)
    assert [r.__dict__ for r in one] == [r.__dict__ for r in many]
    assert sum(r.rows_loaded for r in one) > 1000
    a, b = _contents(tmp_path / "one.duckdb"), _contents(tmp_path / "many.duckdb")
    for table in TABLES:
        assert a[table] == b[table], table


@needs_fork
def test_outcomes_from_workers_match_inline(world, monkeypatch):
    monkeypatch.setattr(parallel, "CHUNK_MIN", 11)
    for mapping in discover_mappings(world)[:4]:
        reader = open_reader(mapping, mapping.file)
        rows = [
            dict(zip(reader.columns, r, strict=True)) for b in reader.batches(500) for r in b.rows
        ]
        norm = RowNormaliser(mapping)
        jobs = []
        for key in mapping.entities:
            cols = load.entity_columns(mapping.entities[key])
            tuples = list(dict.fromkeys(tuple(clean(r.get(c)) for c in cols) for r in rows))
            jobs.append(("entity", key, cols, tuples))
        for key in mapping.links:
            cols = load.link_columns(mapping.links[key])
            tuples = list(dict.fromkeys(tuple(clean(r.get(c)) for c in cols) for r in rows))
            jobs.append(("link", key, cols, tuples))
        with Pool(2) as pool:
            monkeypatch.setattr(parallel, "PARALLEL_MIN_TUPLES", 0)
            got = pool.normalise(norm, jobs)()
        assert got == [outcomes(RowNormaliser(mapping), *job) for job in jobs]
        assert [len(g) for g in got] == [len(job[3]) for job in jobs]


def test_reingest_reports_in_mapping_order_with_one_source_changed(world, tmp_path, monkeypatch):
    """Sources are finished one behind the one being read: reports, versions and counts stay in
    mapping order whether a source is loaded or unchanged."""
    copy = tmp_path / "world"
    subprocess.run(["cp", "-r", str(world), str(copy)], check=True)
    ws = tmp_path / "ws.duckdb"
    first = _ingest(copy, ws, 2, monkeypatch)
    names = [m.source for m in discover_mappings(copy)]
    assert [r.source for r in first] == names
    mappings = discover_mappings(copy)
    middle = next(m for m in mappings[len(names) // 2 :] if m.format == "csv")
    with middle.file.open("ab") as fh:
        fh.write(b"\n")  # new content, same records: a new version with the same counts
    again = _ingest(copy, ws, 2, monkeypatch)
    assert [r.source for r in again] == names
    for before, after in zip(first, again, strict=True):
        changed = before.source == middle.source
        assert after.status == ("loaded" if changed else "unchanged")
        assert after.source_id.endswith("@2" if changed else "@1")
        assert (after.rows_read, after.rows_loaded, after.rows_quarantined) == (
            before.rows_read,
            before.rows_loaded,
            before.rows_quarantined,
        )
        assert after.rows_read == after.rows_loaded + after.rows_quarantined
    with open_store(ws) as st:
        assert st.query_one("SELECT count(*) FROM sources WHERE superseded_by IS NULL")[0] == len(
            names
        )
        temp = st.query("SELECT table_name FROM duckdb_tables() WHERE temporary")
        assert temp == []


_ORPHAN = """
import sys, time
from eslabon.ingest import parallel
from eslabon.ingest.load import discover_mappings
from eslabon.ingest.normalise import RowNormaliser
parallel.PARALLEL_MIN_TUPLES = 0
m = discover_mappings(__import__("pathlib").Path(sys.argv[1]))[0]
pool = parallel.Pool(2)
key = next(iter(m.entities))
pool.normalise(RowNormaliser(m), [("entity", key, [], [()])])()
print(" ".join(str(p) for p in pool._executor._processes), flush=True)
time.sleep(60)
"""


@needs_fork
def test_workers_exit_when_the_ingest_is_killed(world, tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN, str(world)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    workers = [int(p) for p in proc.stdout.readline().split()]
    assert workers
    assert all(_alive(p) for p in workers)
    os.kill(proc.pid, signal.SIGKILL)  # the parent alone, as an OOM killer would
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in workers if _alive(p)]
    for pid in left:  # do not leave them running when the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting for a reaper)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"
