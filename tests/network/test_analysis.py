"""Networks, roles, burners, store-mode disruption and the evaluation sections on a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eslabon.errors import EslabonError
from eslabon.evaluate import evaluate
from eslabon.evaluate import network as network_eval
from eslabon.evaluate.network import adjusted_rand_index
from eslabon.network.rules import load_rules
from eslabon.network.store_disrupt import rank_stored
from eslabon.store import open_store
from tests.conftest import run_cli


def test_the_smuggling_network_is_found_with_its_kind(st) -> None:
    nets = st.query("SELECT network_id, kind, size FROM networks")
    assert len(nets) == 1 and nets[0][1] == "smuggling"
    members = {r[0] for r in st.query("SELECT entity_id FROM node_roles")}
    assert {"P001", "P002", "P004", "P006", "P007"} <= members
    assert not members & {"P300", "P301", "P320", "P321"}  # family, roommates


def test_roles_follow_behaviour(st) -> None:
    roles = dict(st.query("SELECT entity_id, role FROM node_roles"))
    assert roles["P002"] == "recruiter"
    assert roles["P006"] == "stash_keeper"
    assert roles["P007"] == "money_collector"
    assert roles["P100"] == "migrant"
    stages = dict(st.query("SELECT entity_id, stage FROM node_roles"))
    assert stages["P002"] == "origin" and stages["P006"] == "destination"


def test_burner_swap_is_proposed_and_attributed(st) -> None:
    links = st.query_dicts("SELECT * FROM burner_links")
    pairs = {(r["phone_a"], r["phone_b"]) for r in links}
    assert ("T001", "T002") in pairs  # the coordinator's two burners
    assert ("T005", "T006") in pairs  # the driver's, both recorded as his
    for r in links:
        reasons = json.loads(r["reasons"])
        assert 0 < r["score"] <= 1 and reasons
        assert r["shared_contacts"] >= 2 or "recorded as used by" in reasons[0]


def test_store_disrupt_never_ranks_victims(st) -> None:
    report = rank_stored(st, top=5)
    assert report["targets"]
    roles = dict(st.query("SELECT entity_id, role FROM node_roles"))
    for t in report["targets"]:
        assert set(t) >= {"entity_id", "name", "role", "network", "score", "evidence", "reasons"}
        assert roles[t["entity_id"]] not in ("migrant", "victim")
        assert t["reasons"] and 0 <= t["evidence"]["strength"] <= 1
    stored = st.query_one("SELECT count(*) FROM disruption_ranking WHERE NOT held")[0]
    assert stored == len(report["targets"])
    with pytest.raises(EslabonError, match="no network"):
        rank_stored(st, network="NOPE")


def test_disrupt_cli_store_mode(built: Path) -> None:
    out = run_cli("disrupt", "--store", str(built), "--top", "3", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [t["rank"] for t in data["targets"]] == [1, 2, 3]
    rich = run_cli("disrupt", "--store", str(built), "--network", "NET001")
    assert rich.returncode == 0 and "prosecution targets" in rich.stdout


def test_eval_sections(built: Path, world: Path) -> None:
    with open_store(built) as s:
        report = evaluate(
            s, world / "truth", only=["chains", "roles", "networks", "disruption", "burners"]
        )
    assert set(report["chains"]) >= {"mean_recall", "mean_precision", "per_seed"}
    assert report["chains"]["mean_precision"] >= 0.9
    assert set(report["roles"]) >= {"macro_f1", "per_role", "confusion"}
    assert "ari" in report["networks"]
    assert report["burners"]["precision"] == 1.0
    d = report["disruption"]["per_network"][0]
    assert d["eslabon_surviving"] is not None and d["degree_surviving"] is not None
    assert 0 <= d["eslabon_surviving_se"] <= 1 and 0 <= d["degree_surviving_se"] <= 1
    judged = [n for n in report["disruption"]["per_network"] if n.get("eslabon_better") is not None]
    areas = [n["eslabon_curve_area"] for n in judged]
    assert report["disruption"]["mean_eslabon_curve_area"] == round(sum(areas) / len(areas), 4)
    assert network_eval is not None


def test_adjusted_rand_index() -> None:
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "a", "b", "b"]) == 1.0
    assert adjusted_rand_index([1, 1, 2, 2], ["a", "b", "a", "b"]) < 0
    assert 0 < adjusted_rand_index([1, 1, 1, 2, 2, 2], [1, 1, 2, 2, 2, 2]) < 1


def test_rules_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("anchors: []\n")
    with pytest.raises(EslabonError, match="missing section") as err:
        load_rules(bad)
    assert str(bad) in str(err.value)
    assert load_rules().roles


def test_eval_before_network_skips_the_network_sections(world: Path, tmp_path: Path) -> None:
    from eslabon.evaluate.oracle import resolve_from_truth
    from eslabon.ingest.load import ingest

    with open_store(tmp_path / "ws.duckdb") as s:
        ingest(s, world)
        resolve_from_truth(s, world / "truth")
        report = evaluate(s, world / "truth", only=["chains", "roles", "resolution"])
    assert "skipped" in report["chains"] and "skipped" in report["roles"]
    assert report["resolution"]["Person"]["pairwise"]["f1"] == 1.0


def test_a_pick_removes_the_person_behind_the_record_once() -> None:
    person_of = {"E1": "E1", "E1b": "E1", "E2": "E2", "E9": "E9"}
    order = ["E1b", "E1", "X", "E9", "E2"]
    # E1b and E1 are one person; X is nobody's record; E9 is outside the true network
    assert network_eval.people_removed(order, person_of, {"E1", "E2"}) == ["E1", "E2"]
