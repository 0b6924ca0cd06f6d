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


def test_each_persons_phones_carry_country_and_first_sighting(st) -> None:
    from eslabon.network.graph import load_network, person_phones, to_days

    net = load_network(st)
    phones = person_phones(st, net)
    assert phones
    first_call = {
        p: to_days(t)
        for p, t in st.query(
            "SELECT u.subject_entity, min(c.start_at) FROM net_edges u JOIN net_edges c "
            "ON c.kind = 'Call' AND u.object_entity IN (c.subject_entity, c.object_entity) "
            "WHERE u.kind = 'PhoneUse' GROUP BY 1"
        )
    }
    for v, lines in phones.items():
        assert {code for code, _ in lines} == {1}  # the tiny world's lines are all +1 210
        if net.ids[v] in first_call:
            # seen no later than the first call on any of their phones
            assert min(first for _, first in lines) <= first_call[net.ids[v]] + 1e-6


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


def test_a_lone_record_on_someone_elses_phone_is_a_slip(built: Path, tmp_path: Path) -> None:
    """Three records put P003 on phone T004; one transfer names P001 on it too: a slip, while
    two people each on record once share the phone T008."""
    from eslabon.network.build import SLIP_OTHER_RECORDS, _phone_users

    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(built.read_bytes())
    with open_store(copy) as st:
        src, row = st.query_one("SELECT source_id, row_num FROM net_edges LIMIT 1")
        extra = [(f"x{i}", "P003", "T004") for i in range(SLIP_OTHER_RECORDS)]
        extra += [("slip", "P001", "T004"), ("shared", "P001", "T008")]
        for lid, person, phone in extra:
            st.execute(
                "INSERT INTO net_edges VALUES (?, 'PhoneUse', ?, 'Person', ?, 'Phone', "
                "NULL, NULL, '{}', ?, ?)",
                [lid, person, phone, src, row],
            )
        st.execute("DELETE FROM phone_users")
        _phone_users(st)
        users = st.query("SELECT phone_entity, person_entity FROM phone_users")
    assert ("T004", "P003") in users and ("T004", "P001") not in users
    assert ("T008", "P001") in users and ("T008", "P006") in users
