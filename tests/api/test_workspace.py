"""The Python API calls the same functions as the CLI and returns DataFrames."""

from __future__ import annotations

import pandas as pd

from eslabon import Workspace
from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.store import open_store
from tests.network.world import make_world


def test_workspace_end_to_end(tmp_path):
    world = make_world(tmp_path / "w")
    ws = Workspace(tmp_path / "ws.duckdb")
    loaded = ws.ingest(world)
    assert isinstance(loaded, pd.DataFrame) and (loaded["status"] == "loaded").all()
    assert ws.status()["totals"]["rows_quarantined"] == 0
    with open_store(ws.path) as st:  # resolution from the world's truth keeps the test fast
        resolve_from_truth(st, world / "truth")
    summary = ws.network()
    assert summary["networks"]
    people = ws.entities(kind="Person")
    assert {"entity_id", "role", "network", "rank"} <= set(people.columns)
    assert people["role"].notna().any()
    links = ws.links(kind="Call")
    assert len(links) > 0 and (links["sha256"].str.len() == 64).all()
    targets = ws.disrupt("NET001", top=3)
    assert isinstance(targets, pd.DataFrame) and len(targets) == 3
    [html] = ws.case(targets["entity_id"][0], lang="es", out=tmp_path / "case.html")
    assert "Expediente" in html.read_text(encoding="utf-8")
    counts = ws.export("graphml", tmp_path / "g.graphml", network="NET001")
    assert counts["nodes"] == len(ws.entities(network="NET001"))
    assert ws.query("SELECT count(*) AS n FROM entities")["n"][0] == len(ws.entities())
