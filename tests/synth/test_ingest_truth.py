"""Ingesting the world reproduces its truth exactly: quarantined rows are the malformed ones, and
the mentions ingest creates are the mentions truth lists (same source, row and mapping key)."""

from __future__ import annotations

from pathlib import Path

from eslabon.ingest.load import ingest
from eslabon.store import open_store

from .conftest import read_truth


def test_ingest_matches_truth(small_world, tmp_path: Path) -> None:
    out, _ = small_world
    with open_store(tmp_path / "ws.duckdb") as store:
        reports = ingest(store, out)
        quarantined = set(
            store.query("SELECT split_part(source_id, '@', 1), row_num FROM quarantine")
        )
        mentions = set(
            store.query("SELECT split_part(source_id, '@', 1), row_num, mapping_key FROM mentions")
        )
    malformed = {(r["source"], int(r["row"])) for r in read_truth(out, "malformed.csv")}
    assert quarantined == malformed
    truth = {
        (r["source"], int(r["row"]), r["mapping_key"]) for r in read_truth(out, "mentions.csv")
    }
    assert mentions == truth
    assert all(r.rows_read == r.rows_loaded + r.rows_quarantined for r in reports)
