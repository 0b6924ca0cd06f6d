"""The one place the workspace file is opened: every read and write goes through ``Store``.

A workspace is a single DuckDB file. Who may read what is decided one level up, in
``eslabon.access.seam``: a user's reads get the Store of their clearance's view (docs/access.md),
and the audit tables accept only appends through here.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from eslabon.errors import EslabonError

MIGRATIONS_PACKAGE = "eslabon.store.migrations"
# The audit log is append-only: only INSERT reaches its tables through the seam (docs/access.md).
_AUDIT_REWRITE = re.compile(
    r"\b(?:update|delete\s+from|drop\s+table(?:\s+if\s+exists)?|alter\s+table|truncate"
    r"(?:\s+table)?|insert\s+or\s+replace\s+into|create\s+or\s+replace\s+table)"
    r"\s+(?:\"?\w+\"?\.)*\"?audit_(?:log|checkpoints)\b",
    re.IGNORECASE,
)


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal, for the few statements that cannot take parameters
    (column lists, ``FILTER`` clauses built from data)."""
    return "'" + text.replace("'", "''") + "'"


def _migrations() -> list[tuple[int, str, str]]:
    """Numbered SQL migrations shipped with the package, in order: (version, name, sql)."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), name[:-4], entry.read_text(encoding="utf-8")))
    return sorted(found)


LATEST_VERSION = max(v for v, _, _ in _migrations())


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the workspace file, or an error a person can act on (the file
    held by another eslabon process, or not a DuckDB file at all)."""
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as err:
        hint = (
            "another eslabon command or `eslabon serve` has it open: wait for it, or stop it"
            if "lock" in str(err).lower()
            else None
        )
        raise EslabonError(f"cannot open the workspace: {err}", file=str(path), hint=hint) from None
    except duckdb.Error as err:
        raise EslabonError(f"not a usable eslabon workspace: {err}", file=str(path)) from None


class Store:
    """An open workspace. Use as a context manager; commands wrap their writes in ``transaction``."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.exists():
            raise EslabonError(
                "no workspace here yet", file=str(self.path), hint="run `eslabon ingest` first"
            )
        self._con = _connect(self.path, read_only=read_only)
        self._in_tx = False
        if not read_only:
            self.migrate()
        elif (found := self.version()) < LATEST_VERSION:
            self._con.close()  # a connection left open would block opening the file to upgrade
            raise EslabonError(
                f"workspace schema is version {found}, this eslabon needs {LATEST_VERSION}",
                file=str(self.path),
                hint="open it once without read-only access to upgrade it",
            )

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the seam ------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run a statement; returns the DuckDB cursor (for fetching, if it is a query)."""
        if _AUDIT_REWRITE.search(sql):
            raise EslabonError(
                "the audit log is append-only: it cannot be updated, deleted or dropped",
                hint="audit entries are written only by eslabon.access.audit",
            )
        return self._con.execute(sql, params) if params is not None else self._con.execute(sql)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple]:
        """Rows of a query as tuples."""
        return self.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """The first row of a query, or None (the result is read to its end, freeing the connection)."""
        rows = self.execute(sql, params).fetchall()
        return rows[0] if rows else None

    def query_df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """A query's result as a pandas DataFrame."""
        return self.execute(sql, params).df()

    def query_dicts(
        self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Rows of a query as dicts keyed by column name."""
        cur = self.execute(sql, params)
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw connection, for engines that need one (Splink's DuckDB backend, bulk loads)."""
        return self._con

    def cursor(self) -> Store:
        """A Store over a new cursor of this connection: same file, its own transactions.

        For servers that answer requests on threads; the cursor is closed with ``close``.
        """
        child = object.__new__(Store)
        child.path = self.path
        child.read_only = self.read_only
        child._con = self._con.cursor()
        child._in_tx = False
        return child

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: an exception or a killed process leaves the store as it was before."""
        if self._in_tx:
            yield self
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            self._con.execute("ROLLBACK")
            raise
        self._in_tx = False
        self._con.execute("COMMIT")

    def table_exists(self, name: str) -> bool:
        row = self.query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        )
        return bool(row and row[0])

    # -- schema --------------------------------------------------------------------------------
    def version(self) -> int:
        if not self.table_exists("migrations"):
            return 0
        row = self.query_one("SELECT max(version) FROM migrations")
        return int(row[0] or 0)

    def migrate(self) -> int:
        """Apply every migration newer than the store, each in its own transaction."""
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP)"
        )
        current = self.version()
        for version, name, sql in _migrations():
            if version <= current:
                continue
            with self.transaction():
                self._con.execute(sql)
                self._con.execute(
                    "INSERT INTO migrations VALUES (?, ?, ?)",
                    [version, name, datetime.now(UTC).replace(tzinfo=None)],
                )
                self._con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )
        return self.version()


def upgrade_if_needed(path: Path | str) -> None:
    """Bring an older workspace to this eslabon's schema before it is read (reads open the file
    read-only, which cannot migrate it)."""
    path = Path(path)
    if not path.exists():
        return
    con = _connect(path, read_only=True)
    try:
        has = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'migrations'"
        ).fetchone()[0]
        version = con.execute("SELECT max(version) FROM migrations").fetchone()[0] if has else 0
    except duckdb.Error:
        version = LATEST_VERSION  # not ours to judge here: opening it will say what is wrong
    finally:
        con.close()
    if (version or 0) < LATEST_VERSION:
        Store(path).close()


def open_store(path: Path | str, *, read_only: bool = False) -> Store:
    """Open (and create or upgrade) the workspace at ``path``."""
    return Store(path, read_only=read_only)
