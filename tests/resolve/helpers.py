"""Hand-made stores in the documented shape (sources, mentions, links), on real DuckDB files."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from eslabon.store.connection import Store, open_store


def add_source(store: Store, name: str, version: int = 1, superseded_by: str | None = None) -> str:
    source_id = f"{name}@{version}"
    store.execute(
        "INSERT INTO sources (source_id, name, version, path, sha256, mapping_path, "
        "mapping_sha256, mapping, format, rows_read, rows_loaded, rows_quarantined, loaded_at, "
        "superseded_by) VALUES (?, ?, ?, ?, 'x', 'm.yaml', 'y', '{}', 'csv', 0, 0, 0, ?, ?)",
        [source_id, name, version, f"{name}.csv", datetime(2024, 1, 1), superseded_by],
    )
    return source_id


def add_mention(
    store: Store, source_id: str, row: int, key: str, kind: str, props: dict[str, Any]
) -> str:
    mention_id = f"{source_id}/{row}/{key}"
    caption = props.get("name") or props.get("number") or props.get("plate")
    store.execute(
        "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, NULL, ?, ?)",
        [mention_id, source_id, row, key, kind, caption, json.dumps(props)],
    )
    return mention_id


def add_link(store: Store, kind: str, subject: str, obj: str) -> None:
    source_id, row, _ = subject.split("/")
    link_id = f"{source_id}/{row}/{kind.lower()}"
    store.execute(
        "INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, '{}')",
        [link_id, source_id, int(row), kind.lower(), kind, subject, obj],
    )


def person(
    given: str,
    paternal: str | None,
    maternal: str | None = None,
    birth: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Props as the normaliser would write them (already folded)."""
    canonical = extra.pop("canonical", given)
    parts = [given, paternal or "", maternal or ""]
    return {
        "name": " ".join(p for p in parts if p),
        "given": given,
        "given_canonical": canonical,
        "paternal": paternal,
        "maternal": maternal,
        "birth_date": birth,
        **extra,
    }


def new_store(tmp_path: Path, name: str = "ws.duckdb") -> Store:
    return open_store(tmp_path / name)
