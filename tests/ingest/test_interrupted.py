"""A killed ingest leaves the store as it was; running it again completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from eslabon.store import open_store
from tests.conftest import run_cli, write_source
from tests.ingest.test_ingest import HEADER, MX_MAPPING, ROWS


def test_sigkill_midway_leaves_store_unchanged_and_rerun_completes(tmp_path):
    ws = tmp_path / "ws.duckdb"
    first = tmp_path / "first"
    write_source(first, "inm", HEADER, ROWS, MX_MAPPING)
    assert run_cli("ingest", str(first), "--store", str(ws)).returncode == 0
    with open_store(ws) as st:
        before = st.query("SELECT source_id, rows_read FROM sources ORDER BY 1")
        mentions_before = st.query_one("SELECT count(*) FROM mentions")[0]

    big = tmp_path / "big"
    # big enough that a fast machine is still busy when the kill comes (4 s in)
    n = 300_000
    rows = [
        [
            f"G{i}",
            "JUAN",
            f"PEREZ{i % 997}",
            "LOPEZ",
            "01/01/1990",
            "H",
            f"55{i:08d}",
            "10/01/2024",
            "X",
        ]
        for i in range(n)
    ]
    write_source(big, "big", HEADER, rows, MX_MAPPING)
    proc = subprocess.Popen(
        [sys.executable, "-m", "eslabon", "ingest", str(big), "--store", str(ws)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Kill once batches of rows have been written inside the open transaction, before the end.
    time.sleep(4.0)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    with open_store(ws) as st:
        assert st.query("SELECT source_id, rows_read FROM sources ORDER BY 1") == before
        assert st.query_one("SELECT count(*) FROM mentions")[0] == mentions_before
        assert st.query_one("SELECT count(*) FROM source_rows WHERE source_id LIKE 'big%'")[0] == 0

    res = run_cli("ingest", str(big), "--store", str(ws), timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    with open_store(ws) as st:
        row = st.query_one("SELECT rows_read, rows_loaded FROM sources WHERE name = 'big'")
        assert row == (n, n)
