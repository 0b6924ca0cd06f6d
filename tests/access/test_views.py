"""Per-clearance views on a real labelled world: nothing from a hidden source reaches a view, a
merge resting on a hidden record is undone, ids are the main store's, builds are repeatable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eslabon.access import seam
from eslabon.access.identity import principal_for
from eslabon.access.principal import Principal
from eslabon.access.views import (
    build_view,
    clearance,
    current_sources,
    ensure_view,
    list_views,
    prune_views,
    view_path,
)
from eslabon.errors import EslabonError
from eslabon.ingest.load import ingest
from eslabon.store import open_store
from tests.access.views_world import HIDDEN_OWNER, PLATE, views_world
from tests.conftest import write_source
from tests.worlds import copy_workspace


@pytest.fixture(scope="module")
def world_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return views_world(tmp_path_factory)


@pytest.fixture(scope="module")
def main(world_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A module-wide copy: its views are built once and read by several tests."""
    return copy_workspace(world_file, tmp_path_factory.mktemp("views"))


def _principal(main: Path, username: str) -> Principal:
    with open_store(main, read_only=True) as st:
        return principal_for(st, username)


def _view(main: Path, username: str) -> Path:
    return seam.view_file_for(main, _principal(main, username))


def _entities_of(path: Path) -> dict[str, set[str]]:
    with open_store(path, read_only=True) as st:
        out: dict[str, set[str]] = {}
        for eid, mid in st.query("SELECT entity_id, mention_id FROM entity_mentions"):
            out.setdefault(eid, set()).add(mid)
        return out


def test_a_view_holds_nothing_from_a_hidden_source(main: Path) -> None:
    view = _view(main, "fgr-investigator")
    assert view != main and view.parent == main.with_name(main.name + ".views")
    with open_store(main, read_only=True) as st:
        c = clearance(st, _principal(main, "fgr-investigator"))
        hidden = sorted(set(current_sources(st)) - set(c.source_ids))
        hidden_mentions = {r[0] for r in st.query(
            "SELECT mention_id FROM mentions WHERE list_contains(?, source_id)", [hidden])}  # fmt: skip
        # names and identifiers recorded only in hidden sources
        visible_props = " ".join(r[0] for r in st.query(
            "SELECT CAST(props AS VARCHAR) FROM mentions WHERE list_contains(?, source_id)",
            [list(c.source_ids)]))  # fmt: skip
        secrets = set()
        for (props,) in st.query(
            "SELECT CAST(props AS VARCHAR) FROM mentions WHERE list_contains(?, source_id)",
            [hidden],
        ):
            p = json.loads(props)
            for key in ("name", "curp", "a_number", "passport", "number", "vin", "plate"):
                v = p.get(key)
                if isinstance(v, str) and len(v) >= 6 and v not in visible_props:
                    secrets.add(v)
    assert {"bridge_c@1", "us_arrests@1", "subpoena_calls@1", "phone_extractions@1"} <= set(hidden)
    assert len(secrets) > 50 and " ".join(HIDDEN_OWNER) in secrets
    with open_store(view, read_only=True) as v:
        assert sorted(r[0] for r in v.query("SELECT source_id FROM sources")) == list(c.source_ids)
        for table, col in [("source_rows", "source_id"), ("mentions", "source_id"),
                           ("links", "source_id"), ("row_flags", "source_id"),
                           ("quarantine", "source_id"), ("net_edges", "source_id")]:  # fmt: skip
            n = v.query_one(f"SELECT count(*) FROM {table} WHERE list_contains(?, {col})", [hidden])
            assert n[0] == 0, table
        for table, cols in [("entity_mentions", ["mention_id"]),
                            ("match_edges", ["mention_l", "mention_r"]),
                            ("match_explanations", ["mention_l", "mention_r"]),
                            ("review_judgements", ["mention_l", "mention_r"])]:  # fmt: skip
            for col in cols:
                ids = {r[0] for r in v.query(f"SELECT {col} FROM {table}")}
                assert not ids & hidden_mentions, (table, col)
        assert v.query_one("SELECT count(*) FROM entity_history")[0] == 0
        derived = " ".join(
            str(r)
            for r in v.query(
                "SELECT caption, CAST(names AS VARCHAR), CAST(identifiers AS VARCHAR) FROM entities"
            )
        ) + " ".join(str(r) for r in v.query("SELECT * FROM disruption_ranking"))
        leaked = sorted(s for s in secrets if s in derived)
        assert not leaked
        # every link behind a person tie is a visible one
        link_ids = {x for (ids,) in v.query("SELECT link_ids FROM person_edges") for x in ids}
        assert link_ids and all(x.rsplit("/", 2)[0] in c.source_ids for x in link_ids)


def test_a_merge_resting_on_a_hidden_record_is_split(main: Path) -> None:
    in_main = _entities_of(main)
    bridge = {m for ms in in_main.values() for m in ms if m.startswith("bridge_")}
    a, b, c = "bridge_a@1/1/vehiculo", "bridge_b@1/1/vehiculo", "bridge_c@1/1/vehiculo"
    (main_id,) = [e for e, ms in in_main.items() if a in ms]
    assert {a, b, c} <= in_main[main_id], "the main store merges the three records"
    assert {a, b, c} <= bridge
    fgr = _entities_of(_view(main, "fgr-investigator"))
    (ea,) = [e for e, ms in fgr.items() if a in ms]
    (eb,) = [e for e, ms in fgr.items() if b in ms]
    assert ea != eb and fgr[ea] == {a} and fgr[eb] == {b}
    assert c not in set().union(*fgr.values())
    # one side keeps the main id; the other gets an id no main entity or retired id uses
    assert main_id in (ea, eb)
    other = eb if ea == main_id else ea
    with open_store(main, read_only=True) as st:
        used = {r[0] for r in st.query(
            "SELECT entity_id FROM entities UNION SELECT old_id FROM entity_history")}  # fmt: skip
    assert other not in used
    # a US reader sees the record and therefore the merge
    cbp = _entities_of(_view(main, "cbp-analyst"))
    assert cbp[main_id] >= {a, b, c}


def test_view_ids_are_main_ids(main: Path) -> None:
    """A cluster the clearance leaves unchanged keeps its main id; any other cluster takes the
    id of a main entity it overlaps, or a new one — never the id of an actor it is not. (A view
    may also join what the main store keeps apart: a hidden record with a contradicting birth
    date vetoes that merge in the main store, and the view is the world without that record.)"""
    in_main = _entities_of(main)
    entity_of = {m: e for e, ms in in_main.items() for m in ms}
    for user in ("fgr-investigator", "cdm-analyst", "hsi-investigator"):
        view = _view(main, user)
        with open_store(view, read_only=True) as v:
            visible = {r[0] for r in v.query("SELECT mention_id FROM mentions")}
        unchanged = 0
        for eid, members in _entities_of(view).items():
            owners = {entity_of[m] for m in members}
            if len(owners) == 1 and in_main[next(iter(owners))] & visible == members:
                assert eid in owners, f"{user}: {eid} should keep its main id {owners}"
                unchanged += 1
            else:
                assert eid in owners or eid not in in_main, f"{user}: {eid} names another actor"
        assert unchanged > 100


def test_views_never_train_or_score(main: Path) -> None:
    view = _view(main, "fgr-investigator")
    with open_store(main, read_only=True) as st, open_store(view, read_only=True) as v:
        models = "SELECT model_id, CAST(settings AS VARCHAR) FROM linkage_models ORDER BY 1"
        assert v.query(models) == st.query(models)
        (model,) = [r[0] for r in st.query(models)]
        runs = v.query("SELECT mode, model_id, new_mentions, candidate_pairs FROM resolution_runs")
        assert runs == [("incremental", model, 0, 0)]
        edges = v.query_one("SELECT count(*), count(*) FILTER (WHERE run_id NOT IN "
                            "(SELECT run_id FROM resolution_runs)) FROM match_edges "
                            "WHERE method = 'splink'")  # fmt: skip
        assert edges[0] > 0 and edges[0] == edges[1]  # every stored edge came from the main store


TABLES = {
    # not the caption: resolve picks it with mode(), whose ties are broken arbitrarily
    "entities": "entity_id, kind, mention_count, "
    "list_sort(CAST(from_json(names, '[\"VARCHAR\"]') AS VARCHAR[]))",
    "entity_mentions": "*",
    "networks": "network_id, kind, size, anchor_events",
    "node_roles": "entity_id, network_id, role, stage, score",
    "person_edges": "person_a, person_b, via, via_entity, n_links",
    "disruption_ranking": "network_id, rank, entity_id, score",
}


def _contents(path: Path) -> dict[str, list]:
    with open_store(path, read_only=True) as st:
        return {t: st.query(f"SELECT {cols} FROM {t} ORDER BY ALL") for t, cols in TABLES.items()}


def test_rebuild_is_idempotent(main: Path, tmp_path: Path) -> None:
    first = _view(main, "cdm-analyst")
    cdm = _principal(main, "cdm-analyst")
    with open_store(main) as st:  # writable: build_view attaches the new file to this connection
        c = clearance(st, cdm)
        assert view_path(main, c.key) == first
        again = build_view(st, tmp_path / "again.duckdb", c.source_ids)
        assert ensure_view(st, main, cdm) == first
    assert again.sources == len(c.source_ids) and again.resolved and again.analysed
    assert _contents(first) == _contents(tmp_path / "again.duckdb")
    assert not list(tmp_path.glob(".*building*")), "no temp file left behind"


def test_setup_mode_reads_main_and_auditors_read_nothing(main: Path) -> None:
    assert seam.view_file_for(main, Principal.local_operator()) == main
    with pytest.raises(EslabonError, match="may not read"):
        seam.open_for(main, _principal(main, "auditor"))


def test_accounts_views_group_by_clearance(main: Path) -> None:
    built = seam.build_views_for_accounts(main)
    users = {u: key for key, _, us in built for u in us}
    assert "auditor" not in users
    assert users["hsi-investigator"] != users["cbp-analyst"]  # phone extractions, UIF purpose
    assert users["fgr-investigator"] == users["fgr-prosecutor"]
    assert users["admin"] == users["usao-prosecutor"]
    assert all(p.exists() for _, p, _ in built)
    assert {k for k, _, _ in list_views(main)} >= {k for k, _, _ in built}


def test_a_reingest_makes_views_stale(world_file: Path, tmp_path: Path) -> None:
    main = copy_workspace(world_file, tmp_path)
    fgr = _principal(main, "fgr-investigator")
    before = seam.view_file_for(main, fgr)
    changed = tmp_path / "changed"
    cols = ["folio", "placa", "niv", "marca", "color", "nombre", "paterno", "materno"]
    mapping = {"country": "MX", "date_convention": "ISO",
               "label": {"originator": "HSI", "releasable_to": ["MEX", "USA"]},
               "entities": {"vehiculo": {"kind": "Vehicle",
                                         "properties": {"plate": "placa", "make": "marca"}}}}  # fmt: skip
    write_source(changed, "bridge_a", cols,
                 [["A1", PLATE, "", "NISSAN", "BLANCO", "", "", ""],
                  ["A2", "XYZ9876", "", "FORD", "ROJO", "", "", ""]], mapping)  # fmt: skip
    with open_store(main) as st:
        ingest(st, changed / "mappings" / "bridge_a.yaml")
        stale = clearance(st, fgr)
    assert "bridge_a@2" in stale.source_ids
    after = seam.view_file_for(main, fgr)
    assert after != before and after.exists() and before.exists()
    with open_store(after, read_only=True) as v:
        assert v.query_one("SELECT count(*) FROM mentions WHERE source_id = 'bridge_a@2'")[0] == 2
    assert prune_views(main, [after.stem]) == [before]
    assert not before.exists() and after.exists()
