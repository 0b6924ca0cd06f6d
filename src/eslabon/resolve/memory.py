"""Keep a resolution run's memory bounded: DuckDB spills to disk instead of growing.

By default DuckDB may use 80% of the machine's memory for its buffers before it spills, and a
run's Python side (clustering) comes on top of that: at a million person mentions the two
together went past the machine. During a run we cap DuckDB at a share of physical memory and
give it a temporary directory next to the workspace, so the scored pairs, explanations and
Splink's intermediate tables spill there; the Python side works one batch of connected
components at a time (``pipeline._cluster_batches``). The connection's own settings are put
back afterwards (a web server's connection keeps its own).

``ESLABON_RESOLVE_MEMORY`` overrides the cap (any DuckDB size, e.g. ``6GB``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psutil

from eslabon.store.connection import Store, sql_string

# DuckDB's share of physical memory during a run; the rest is for Python and the OS.
DUCKDB_SHARE = 0.4
SETTINGS = ("memory_limit", "temp_directory")


def memory_cap() -> str:
    """The DuckDB memory limit of a run (``ESLABON_RESOLVE_MEMORY``, else a share of RAM)."""
    override = os.environ.get("ESLABON_RESOLVE_MEMORY", "").strip()
    if override:
        return override
    return f"{int(psutil.virtual_memory().total * DUCKDB_SHARE / 2**20)}MB"


@contextmanager
def bounded(store: Store) -> Iterator[None]:
    """DuckDB capped at ``memory_cap()``, with a temp directory, while the block runs; the
    previous memory limit afterwards."""
    before = {name: store.query_one(f"SELECT current_setting('{name}')")[0] for name in SETTINGS}
    store.execute(f"SET memory_limit = {sql_string(memory_cap())}")
    # A workspace file has ``<file>.tmp`` by default; without one DuckDB could not spill.
    # (It is left set: DuckDB refuses to move a temp directory in use.)
    if not before["temp_directory"]:
        store.execute(f"SET temp_directory = {sql_string(f'{store.path}.tmp')}")
    try:
        yield
    finally:
        # Back to DuckDB's default if that is what it was (the shown value is rounded).
        store.execute("RESET memory_limit")
        if store.query_one("SELECT current_setting('memory_limit')")[0] != before["memory_limit"]:
            store.execute(f"SET memory_limit = {sql_string(before['memory_limit'])}")
