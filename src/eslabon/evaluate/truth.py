"""Reading a synthetic world's ground truth and tying it to the mentions of a store."""

from __future__ import annotations

import csv
from pathlib import Path

from eslabon.errors import EslabonError
from eslabon.store.connection import Store

TRUTH_MENTION_COLUMNS = ("source", "row", "mapping_key", "entity_id")


def truth_file(truth_dir: Path, name: str) -> Path:
    """``TRUTH_DIR/name`` or ``TRUTH_DIR/truth/name`` (a world folder works as well)."""
    for candidate in (truth_dir / name, truth_dir / "truth" / name):
        if candidate.is_file():
            return candidate
    raise EslabonError(
        f"no {name} here", file=str(truth_dir), hint="give the truth/ folder of a synthetic world"
    )


def read_truth_mentions(truth_dir: Path) -> list[tuple[str, int, str, str]]:
    """Rows of ``truth/mentions.csv`` as (source, row, mapping_key, entity_id)."""
    path = truth_file(truth_dir, "mentions.csv")
    out: list[tuple[str, int, str, str]] = []
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in TRUTH_MENTION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EslabonError(f"missing columns {missing}", file=str(path), line=1)
        for line, rec in enumerate(reader, start=2):
            try:
                row = int(rec["row"])
            except ValueError:
                raise EslabonError(
                    f"row must be a number, got {rec['row']!r}",
                    file=str(path),
                    line=line,
                    field="row",
                ) from None
            out.append((rec["source"], row, rec["mapping_key"], rec["entity_id"]))
    return out


def truth_by_mention(store: Store, truth_dir: Path) -> dict[str, tuple[str, str]]:
    """``mention_id -> (kind, true entity id)`` for every truth row found in the store's current
    sources. Truth rows the store does not hold (quarantined rows) are left out."""
    rows = read_truth_mentions(truth_dir)
    con = store.connection
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _truth (source VARCHAR, row_num BIGINT, "
        "mapping_key VARCHAR, entity_id VARCHAR)"
    )
    try:
        if rows:
            _bulk_insert(store, rows)
        found = store.query(
            """
            SELECT m.mention_id, m.kind, t.entity_id
            FROM _truth t
            JOIN sources s ON s.name = t.source AND s.superseded_by IS NULL
            JOIN mentions m ON m.source_id = s.source_id AND m.row_num = t.row_num
                           AND m.mapping_key = t.mapping_key
            """
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _truth")
    return {mention_id: (kind, entity) for mention_id, kind, entity in found}


def _bulk_insert(store: Store, rows: list[tuple[str, int, str, str]]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["source", "row_num", "mapping_key", "entity_id"])
    store.connection.register("_truth_frame", frame)
    try:
        store.execute("INSERT INTO _truth SELECT * FROM _truth_frame")
    finally:
        store.connection.unregister("_truth_frame")
