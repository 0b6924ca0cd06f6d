"""Shared fixtures: real DuckDB workspaces in tmp_path and small hand-made sources."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, settings

from eslabon.store import open_store

# Property tests judge correctness, not speed: a loaded CI machine must not fail them on time.
settings.register_profile("eslabon", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("eslabon")


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "ws.duckdb"


@pytest.fixture
def store(store_file: Path):
    st = open_store(store_file)
    yield st
    st.close()


def write_source(
    folder: Path,
    name: str,
    header: list[str],
    rows: list[list[str]],
    mapping: dict,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write ``folder/sources/<name>.csv`` and ``folder/mappings/<name>.yaml``."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "mappings").mkdir(parents=True, exist_ok=True)
    data = folder / "sources" / f"{name}.csv"
    with data.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    m = {"source": name, "file": f"../sources/{name}.csv", "format": "csv", **mapping}
    if delimiter != "," or encoding != "utf-8":
        m.setdefault("csv", {}).update(delimiter=delimiter, encoding=encoding)
    (folder / "mappings" / f"{name}.yaml").write_text(yaml.safe_dump(m, sort_keys=False))
    return data


def run_cli(*args: str, env: dict | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the real `eslabon` CLI in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "eslabon", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
