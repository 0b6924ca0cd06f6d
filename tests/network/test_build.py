"""The network build on a real store: provenance, the person view, idempotence, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from eslabon.errors import EslabonError
from eslabon.ingest.load import ingest
from eslabon.network.analyse import run_network
from eslabon.network.build import build_network
from eslabon.store import open_store


def test_every_link_becomes_an_entity_edge_with_its_source_row(st) -> None:
    links = st.query_one(
        "SELECT count(*) FROM links l JOIN sources s USING (source_id) "
        "WHERE s.superseded_by IS NULL"
    )[0]
    assert st.query_one("SELECT count(*) FROM net_edges")[0] == links
    orphans = st.query_one(
        "SELECT count(*) FROM net_edges e LEFT JOIN source_rows r "
        "ON r.source_id = e.source_id AND r.row_num = e.row_num WHERE r.row_num IS NULL"
    )[0]
    assert orphans == 0


def test_person_ties_keep_their_evidence(st) -> None:
    rows = st.query_dicts("SELECT * FROM person_edges")
    assert rows
    known = {r[0] for r in st.query("SELECT link_id FROM net_edges")}
    for r in rows:
        assert r["person_a"] < r["person_b"]
        assert r["link_ids"] and set(r["link_ids"]) <= known
        assert r["n_links"] == len(r["link_ids"])
    # the stopped truck joins the driver and the migrants found with him
    inc = st.query(
        "SELECT person_a, person_b FROM person_edges WHERE via = 'incident' AND criminal"
    )
    assert ("P004", "P100") in inc
    # calls are attributed to the phones' users: coordinator ↔ recruiter, one tie per phone
    # pair (the coordinator swapped burners half-way)
    pairs = st.query(
        "SELECT via_entity FROM person_edges WHERE via = 'call' AND person_a = 'P001' "
        "AND person_b = 'P002'"
    )
    assert len(pairs) == 2
    # a shared vehicle is named
    assert st.query_one(
        "SELECT via_entity FROM person_edges WHERE via = 'vehicle' AND person_a = 'P004' "
        "AND person_b = 'P100'"
    ) == ("V1",)


def test_rerun_gives_the_same_tables(built: Path) -> None:
    tables = (
        "net_edges",
        "person_edges",
        "phone_users",
        "networks",
        "node_roles",
        "burner_links",
        "disruption_ranking",
    )

    def snapshot() -> dict[str, list]:
        with open_store(built) as s:
            return {t: sorted(map(repr, s.query(f"SELECT * FROM {t}"))) for t in tables}

    before = snapshot()
    with open_store(built) as s:
        run_network(s)
    assert snapshot() == before


def test_network_before_resolution_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "ws.duckdb") as s:
        ingest(s, world)
        with pytest.raises(EslabonError, match="resolve"), s.transaction():
            build_network(s)
