"""A workspace that cannot be opened is reported, never a traceback: held by another process
(DuckDB lets one process write a file), or not a DuckDB file at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eslabon.cli import app
from eslabon.errors import EslabonError
from eslabon.store.connection import open_store, upgrade_if_needed

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(60)
"""


@pytest.fixture
def held(tmp_path: Path):
    """A workspace another process has open for writing."""
    path = tmp_path / "ws.duckdb"
    open_store(path).close()
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    yield path
    proc.kill()
    proc.wait()


def test_a_workspace_another_process_holds_is_named_with_what_to_do(held: Path) -> None:
    for attempt in (lambda: open_store(held), lambda: upgrade_if_needed(held)):
        with pytest.raises(EslabonError) as err:
            attempt()
        assert err.value.file == str(held) and "another eslabon command" in (err.value.hint or "")
    # `eslabon status` on it ends in that error, which the entry point prints without a
    # traceback (the CLI's reading path checks the schema version first: a raw DuckDB lock
    # error once escaped from there)
    res = CliRunner().invoke(app, ["status", "--store", str(held)])
    assert isinstance(res.exception, EslabonError), res.exception
    assert "cannot open the workspace" in res.exception.message


def test_a_file_that_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n", encoding="utf-8")
    for attempt in (lambda: open_store(path), lambda: upgrade_if_needed(path)):
        with pytest.raises(EslabonError, match="not a valid DuckDB database") as err:
            attempt()
        assert err.value.file == str(path) and err.value.hint is None
