"""`eslabon show` as two users: each sees the actor their clearance supports, and is audited."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eslabon.store import open_store
from tests.access.views_world import HIDDEN_OWNER, PLATE, VIN, views_world
from tests.conftest import run_cli
from tests.worlds import copy_workspace


@pytest.fixture(scope="module")
def main(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = views_world(tmp_path_factory)
    return copy_workspace(world, tmp_path_factory.mktemp("show"))


def _show(main: Path, user: str, query: str) -> dict:
    out = run_cli("--as", user, "show", query, "--json", "--store", str(main),
                  env={"ESLABON_USER": ""})  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_show_answers_differ_by_clearance(main: Path) -> None:
    us = _show(main, "cbp-analyst", PLATE)
    mx = _show(main, "fgr-investigator", PLATE)
    assert us["entity_id"] == mx["entity_id"], "the plate's vehicle keeps its main id"
    us_ids = {(i["type"], i["value"]) for i in us["identifiers"]}
    mx_ids = {(i["type"], i["value"]) for i in mx["identifiers"]}
    assert ("vin", VIN) in us_ids and ("plate", PLATE) in us_ids
    assert ("plate", PLATE) in mx_ids and ("vin", VIN) not in mx_ids
    assert set(us["sources"]) == {"bridge_a", "bridge_b", "bridge_c"}
    assert set(mx["sources"]) == {"bridge_a"}
    owner = " ".join(HIDDEN_OWNER)
    assert owner in json.dumps(us) and owner not in json.dumps(mx)
    # the US reader can go on to the owner; for the Mexican reader that person does not exist
    assert _show(main, "cbp-analyst", owner)["sources"] == {"bridge_c": 1}
    missing = run_cli("--as", "fgr-investigator", "show", owner, "--store", str(main),
                      env={"ESLABON_USER": ""})  # fmt: skip
    assert missing.returncode == 2 and "nothing in the workspace matches" in missing.stderr
    with open_store(main, read_only=True) as st:
        log = st.query(
            "SELECT username, outcome, CAST(entities AS VARCHAR), CAST(statements AS VARCHAR) "
            "FROM audit_log WHERE action = 'entity' "
            "AND username IN ('cbp-analyst', 'fgr-investigator') ORDER BY seq"
        )
    assert [r[:2] for r in log] == [("cbp-analyst", "ok"), ("fgr-investigator", "ok"),
                                    ("cbp-analyst", "ok"), ("fgr-investigator", "failed")]  # fmt: skip
    assert json.loads(log[1][2]) == [mx["entity_id"]]
    assert json.loads(log[1][3]) == ["bridge_a@1/1"]


def test_show_as_an_auditor_is_refused_and_logged(main: Path) -> None:
    out = run_cli("--as", "auditor", "show", PLATE, "--store", str(main), env={"ESLABON_USER": ""})
    assert out.returncode == 2 and "may not read" in out.stderr
    with open_store(main, read_only=True) as st:
        row = st.query_one(
            "SELECT outcome FROM audit_log WHERE action = 'entity' AND username = 'auditor'"
        )
    assert row == ("denied",)


def test_show_prints_for_people(main: Path) -> None:
    out = run_cli("--as", "hsi-investigator", "show", PLATE, "--store", str(main),
                  env={"ESLABON_USER": ""})  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Vehicle" in out.stdout and "bridge_c ×1" in out.stdout and VIN in out.stdout


def test_a_cut_counterpart_list_says_it_is_cut() -> None:
    from eslabon.cli.show import counterparts_title

    assert counterparts_title(3, 3) == "counterparts (3)"
    assert counterparts_title(10, 11) == "counterparts (the 10 with most links, of 11)"


def test_an_unknown_entity_is_reported_against_shows_own_argument(main: Path) -> None:
    out = run_cli("--as", "hsi-investigator", "show", "ZZZ-NOPE-999", "--store", str(main),
                  env={"ESLABON_USER": ""})  # fmt: skip
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "field 'ENTITY': nothing in the workspace matches 'ZZZ-NOPE-999'" in out.stderr
