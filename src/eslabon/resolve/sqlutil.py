"""Small query helpers that always drain results (DuckDB refuses new work on a connection with an
unfinished result, and Splink shares our connection)."""

from __future__ import annotations

from typing import Any

from eslabon.store.connection import Store


def first(store: Store, sql: str, params: list | None = None) -> Any:
    """First row of a query, or None."""
    rows = store.query(sql, params)
    return rows[0] if rows else None


def scalar(store: Store, sql: str, params: list | None = None) -> Any:
    """The single value of a one-row, one-column query."""
    row = first(store, sql, params)
    return None if row is None else row[0]
