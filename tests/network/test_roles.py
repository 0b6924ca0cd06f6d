"""Role features, role rules as data and the role-rule training, on real DuckDB stores."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from eslabon.errors import EslabonError
from eslabon.network.analyse import load_results
from eslabon.network.features import person_features, stage_of
from eslabon.network.graph import load_network
from eslabon.network.roles import network_features
from eslabon.network.rules import load_role_rules_data, load_rules
from eslabon.store import open_store

PLACES = {
    "origin": ["Tapachula", "Oaxaca"],
    "border": ["Nuevo Laredo", "Laredo", "El Paso", "Hidalgo"],
    "destination": ["Houston"],
}


def _towns() -> list[tuple[str, str]]:
    return [(stage, t.upper()) for stage, towns in PLACES.items() for t in towns]


def test_a_place_belongs_to_the_stage_of_the_town_it_names() -> None:
    towns = _towns()
    assert stage_of("EL PASO AREA", towns, skip_first=False) == "border"
    assert stage_of("Tapachula", towns, skip_first=False) == "origin"
    assert stage_of("HIDALGO/PHARR", towns, skip_first=False) == "border"
    # a street named after a hero is not the town; the city part of the address is
    addr = "Hidalgo 1027, Col. Centro, Oaxaca de Juárez, Oaxaca, C.P. 68000"
    assert stage_of(addr, towns, skip_first=True) == "origin"
    assert stage_of("4085 Nolana Ave, Houston, TX 77020", towns, skip_first=True) == "destination"
    assert stage_of("Calle Juárez 12, Monterrey", towns, skip_first=True) is None


def _edge(store, n: int, kind: str, subj: str, obj: str | None, okind: str | None, **props) -> None:
    store.execute(
        "INSERT INTO net_edges VALUES (?, ?, ?, 'Person', ?, ?, ?, NULL, ?, 'test@1', ?)",
        [f"L{n}", kind, subj, obj, okind, "2024-03-01 08:00", json.dumps(props), n],
    )


@pytest.fixture
def parts_store(tmp_path: Path):
    """A store whose net_edges hold a guide, a driver, a courier and a bystander by hand."""
    with open_store(tmp_path / "parts.duckdb") as store:
        store.execute(
            "INSERT INTO entities (entity_id, kind, caption, mention_count) VALUES "
            "('A1', 'Address', '12 Elm St, Laredo, TX 78040', 1), "
            "('A2', 'Address', 'Hidalgo 5, Col. Centro, Tapachula, Chiapas', 1)"
        )
        _edge(store, 1, "Detention", "G", None, None, status="GUIDE", place="EL PASO AREA")
        _edge(store, 2, "Detention", "M", None, None, status="SUBJECT", place="EL PASO AREA")
        _edge(store, 3, "Stop", "D", "V1", "Vehicle", passengers=7, place="NUEVO LAREDO")
        _edge(store, 4, "Stop", "B", "V2", "Vehicle", passengers=1, place="TAPACHULA")
        _edge(store, 5, "Arrest", "D", None, None, charge="SMUGGLING OF PERSONS")
        _edge(store, 6, "Ownership", "C", "V3", "Vehicle")
        for i in range(4):
            _edge(store, 10 + i, "Crossing", "C", "V3", "Vehicle", port="LAREDO")
        _edge(store, 20, "Crossing", "B", "V3", "Vehicle", port="LAREDO")
        _edge(store, 21, "Residence", "B", "A2", "Address")
        _edge(store, 22, "Residence", "D", "A1", "Address")
        _edge(store, 23, "Lodging", "G", "H1", "Organization", guests=5)
        yield store


def test_record_parts_places_and_vehicles_become_features(parts_store) -> None:
    f = person_features(parts_store, load_role_rules_data())
    assert f.loc["G", "detained_as_guide"] == 1 and f.loc["M", "detained_as_guide"] == 0
    assert f.loc["M", "detained_as_migrant"] == 1
    assert f.loc["D", "stopped_with_group"] == 1 and f.loc["B", "stopped_with_group"] == 0
    assert f.loc["D", "accused_of_smuggling"] == 1 and f.loc["D", "max_passengers"] == 7
    assert f.loc["G", "lodged_with_group"] == 1 and f.loc["G", "max_guests"] == 5
    # crossings in the person's own car count; someone else's car does not
    assert f.loc["C", "own_vehicle_crossings"] == 4 and f.loc["B", "own_vehicle_crossings"] == 0
    # route stage shares: B's stop and home are both in Tapachula; D at Nuevo Laredo and Laredo
    assert f.loc["B", "at_origin"] == 1.0
    assert f.loc["D", "at_border"] == 1.0 and f.loc["D", "at_origin"] == 0.0
    assert f.loc["G", "at_border"] == 1.0


def test_structured_months_count_months_of_split_sending(tmp_path: Path) -> None:
    """L splits money three ways within a week in three months, and once sends three transfers
    to one receiver (not a split: one receiver); F sends one remittance a month to one relative;
    S sends two transfers to two people in one week (below three transfers)."""
    with open_store(tmp_path / "money.duckdb") as store:
        rows: list[tuple[str, str, str]] = []
        for month in ("2022-01", "2022-03", "2022-07"):
            rows += [
                ("L", "R1", f"{month}-03"),
                ("L", "R2", f"{month}-05"),
                ("L", "R3", f"{month}-09"),
            ]
        rows += [("L", "R1", "2022-10-01"), ("L", "R1", "2022-10-02"), ("L", "R1", "2022-10-04")]
        rows += [("F", "R9", f"2022-{m:02d}-15") for m in range(1, 13)]
        rows += [("S", "R1", "2022-05-01"), ("S", "R2", "2022-05-03")]
        for n, (a, b, day) in enumerate(rows):
            store.execute(
                "INSERT INTO net_edges VALUES (?, 'Payment', ?, 'Person', ?, 'Person', ?, NULL, "
                "'{}', 'test@1', ?)",
                [f"P{n}", a, b, f"{day} 10:00", n],
            )
        f = person_features(store, {})
    assert f.loc["L", "structured_months"] == 3
    assert f.loc["F", "structured_months"] == 0 and f.loc["S", "structured_months"] == 0


def test_record_parts_come_from_the_rules_data(parts_store) -> None:
    data = {
        "record_parts": {
            "calls_himself_guide": {"kind": "Detention", "field": "status", "in": ["guide"]}
        }
    }
    f = person_features(parts_store, data)
    assert f.loc["G", "calls_himself_guide"] == 1  # case folded
    assert "detained_as_guide" not in f.columns


def test_network_features_read_ties_to_the_people_moved(built: Path) -> None:
    with open_store(built, read_only=True) as store:
        net = load_network(store)
        feats = person_features(store)
        networks, _roles, _info = load_results(store, net)
        pos = network_features(net, networks[0], feats)
    # the recruiter recruited all eight migrants; the first driver sits in the incident with two
    assert pos.loc["P002", "net_moved_ties"] == 8
    assert pos.loc["P004", "net_moved_incident"] == 2
    assert pos.loc["P005", "net_moved_incident"] == 0
    assert pos.loc["P100", "is_moved"] == 1 and pos.loc["P004", "is_moved"] == 0
    # money goes up: the collector pays the coordinator
    assert pos.loc["P001", "net_pay_in_members"] >= 1
    assert pos.loc["P007", "net_pay_out_members"] >= 1
    assert pos.loc["P001", "net_pay_out_members"] == 0


def test_role_rules_live_in_their_own_file(tmp_path: Path) -> None:
    rules = load_rules()
    assert rules.roles and rules.path.endswith("rules.yaml")
    assert {"migrant", "victim", "driver"} <= set(rules.stages)
    mine = tmp_path / "roles.yaml"
    mine.write_text(
        "roles:\n- role: lookout\n  when: [{feature: at_border, min: 0.5}]\nstages: {lookout: border}\n"
    )
    custom = load_rules(role_path=mine)
    assert [r.role for r in custom.roles] == ["lookout"]
    assert custom.role_of({"at_border": 1.0}, "smuggling")[0] == "lookout"


def test_bad_role_rules_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "roles.yaml"
    bad.write_text("roles: []\n")
    with pytest.raises(EslabonError, match="missing section 'stages'") as err:
        load_rules(role_path=bad)
    assert str(bad) in str(err.value)
    bad.write_text("roles: []\nstages: {}\nrecord_parts:\n  odd: {kind: Stop, field: x}\n")
    with pytest.raises(EslabonError, match="record part 'odd'"):
        load_rules(role_path=bad)


def test_training_writes_moved_rules_first_and_covers_every_crew_member() -> None:
    from eslabon.network.role_training import fit_rules
    from eslabon.network.rules import RoleRule, holds

    rows = []
    for i in range(30):
        rows.append(
            {
                "entity_id": f"m{i}",
                "role": "migrant",
                "detained_as_migrant": 1,
                "max_passengers": 0,
                "lodged_with_group": 0,
            }
        )
        rows.append(
            {
                "entity_id": f"d{i}",
                "role": "driver",
                "detained_as_migrant": 0,
                "max_passengers": 5 + i % 3,
                "lodged_with_group": 0,
            }
        )
        rows.append(
            {
                "entity_id": f"g{i}",
                "role": "guide",
                "detained_as_migrant": 0,
                "max_passengers": 0,
                "lodged_with_group": 1 + i % 2,
            }
        )
    frame = pd.DataFrame(rows)
    rules = fit_rules(frame, max_depth=3, min_leaf=2)
    assert rules[0]["role"] == "migrant" and all(r["learned"] for r in rules)
    assert all(r["role"] != "migrant" for r in rules[1:])
    # with the network kind known, crew rules are learned per kind and say so
    frame["kind_smuggling"] = 1.0
    frame["kind_drugs"] = 0.0
    by_kind = fit_rules(frame, max_depth=3, min_leaf=2)
    assert all(r.get("kinds") == ["smuggling", "labour_trafficking"] for r in by_kind[1:])
    parsed = [RoleRule(r["role"], (), r["when"], [], r["why"]) for r in rules]
    for row in rows:
        first = next(r.role for r in parsed if r.matches(row, "smuggling"))
        assert first == row["role"]
        crew = [r for r in parsed[1:] if all(holds(row, c) for c in r.when)]
        assert row["role"] == "migrant" or len(crew) == 1


def test_record_parts_read_bounds_whole_words_and_the_object_side(parts_store) -> None:
    ins = "INSERT INTO net_edges VALUES (?, ?, ?, ?, ?, 'Person', NULL, NULL, ?, 'test@1', ?)"
    # an agency recruits two workers: one free of fees (H-2A), one charged
    parts_store.execute(ins, ["R1", "Recruitment", "O1", "Organization", "W1", '{"fee": "0"}', 30])
    parts_store.execute(
        ins, ["R2", "Recruitment", "O1", "Organization", "W2", '{"fee": "900"}', 31]
    )
    # a seized phone saved K as "Flaco BODEGA" and S (surname Casas) as "Beto Casas"
    for n, who, name in ((32, "K", "Flaco BODEGA"), (33, "S", "Beto Casas")):
        _edge(parts_store, n, "PhoneUse", who, f"PH{n}", "Phone", contact_name=name)
    data = {
        "record_parts": {
            "free": {"kind": "Recruitment", "side": "object", "field": "fee", "max": 0},
            "charged": {"kind": "Recruitment", "side": "object", "field": "fee", "min": 0.01},
            "stash": {"kind": "PhoneUse", "field": "contact_name", "words": ["casa", "bodega"]},
        }
    }
    f = person_features(parts_store, data)
    assert f.loc["W1", "free"] == 1 and f.loc["W1", "charged"] == 0
    assert f.loc["W2", "free"] == 0 and f.loc["W2", "charged"] == 1
    assert "O1" not in f.index or f.loc["O1", "free"] == 0  # the agency is not the worker
    assert f.loc["K", "stash"] == 1 and f.loc["S", "stash"] == 0  # a whole word, not Casas


def test_training_learns_associates_as_their_own_class() -> None:
    """Bystanders detection placed in a network are learned apart: neither crew nor moved."""
    from eslabon.network.role_training import fit_rules
    from eslabon.network.rules import RoleRule

    rows = []
    for i in range(40):
        rows.append({"role": "migrant", "detained_as_migrant": 1, "net_call_partners": 0})
        rows.append({"role": "driver", "max_passengers": 5 + i % 3, "net_call_partners": 3})
        rows.append({"role": "associate", "max_passengers": i % 2, "net_call_partners": 1})
    frame = pd.DataFrame(rows).fillna(0.0)
    frame["entity_id"] = [f"x{i}" for i in range(len(frame))]
    rules = fit_rules(frame, max_depth=3, min_leaf=2)
    assert any(r["role"] == "associate" for r in rules)
    parsed = [RoleRule(r["role"], (), r["when"], [], r["why"]) for r in rules]
    for row in rows:
        assert next(r.role for r in parsed if r.matches(row, "smuggling")) == row["role"]
    why = next(r["why"] for r in rules if r["role"] == "associate")
    assert why.startswith("learned: not clearly part of the crew")


def migrants_only(built: Path, tmp_path: Path, coerced: str) -> tuple:
    """(network, features, detected networks, rules that know only migrants) of ``built``."""
    mine = tmp_path / "roles.yaml"
    mine.write_text(
        "roles:\n- role: migrant\n  when: [{feature: is_moved, min: 1}]\n"
        f"stages: {{migrant: origin}}\ncoerced:{coerced}\n"
    )
    with open_store(built, read_only=True) as store:
        net = load_network(store)
        feats = person_features(store)
        networks, _roles, _info = load_results(store, net)
    return net, feats, networks, load_rules(role_path=mine)


def test_members_no_rule_claims_are_associates_with_their_ties(built: Path, tmp_path: Path) -> None:
    from eslabon.network.roles import ASSOCIATE, infer_roles

    net, feats, networks, rules = migrants_only(
        built,
        tmp_path,
        "\n- when: [{feature: Recruitment_object, min: 1}]\n"
        "- when: [{feature: net_partners, min: 0}]",
    )
    out = infer_roles(net, feats, networks, rules)
    people = [r for r in out if net.is_person(net.index[r.entity_id])]
    assoc = [r for r in people if r.role == ASSOCIATE]
    assert assoc and any(r.role == "migrant" for r in people)
    for r in assoc:
        # no stage, never flagged as coerced (there is no offending role to weigh)
        assert r.stage is None and not r.coerced
        assert r.reasons[0] == "no behaviour of a crew role or of the people moved"
        assert r.reasons[1].startswith("tied to the network only by ")
        assert r.reasons[2] == "no arrest or detention on record" or r.reasons[2].startswith(
            "enforcement records: "
        )
    # the recruiter is tied to the migrants it recruited
    assert any("a recruitment" in r.reasons[1] for r in assoc if r.entity_id == "P002")


def test_associates_are_never_ranked_nor_held() -> None:
    import igraph as ig

    from eslabon.network.disrupt_rank import rank_for_disruption

    # a star whose hub is an associate; the crew hang off it
    g = ig.Graph(edges=[(0, i) for i in range(1, 6)] + [(1, 2), (3, 4)])
    g.vs["name"] = ["hub", "d1", "d2", "g1", "g2", "m1"]
    g.vs["roles"] = [("associate",), ("driver",), ("driver",), ("guide",), ("guide",), ("migrant",)]
    ranking = rank_for_disruption(g, top=5)
    assert "hub" not in ranking.order and "hub" in ranking.never_ranked
    assert not ranking.held_for_review
    assert set(ranking.order) == {"d1", "d2", "g1", "g2"}


def test_roles_report_counts_an_associate_as_abstention_or_a_miss(
    built: Path, world: Path, tmp_path: Path
) -> None:
    import shutil

    from eslabon.evaluate.network import entity_to_truth, roles_report, true_roles

    path = tmp_path / "ws.duckdb"
    shutil.copy(built, path)
    with open_store(path) as st:
        to_truth = entity_to_truth(st, world / "truth")
        truth = true_roles(world / "truth")
        nid, member, role = st.query_one(
            "SELECT network_id, entity_id, role FROM node_roles WHERE role = 'driver' LIMIT 1"
        )
        bystander = next(
            e
            for (e,) in st.query("SELECT entity_id FROM entities WHERE kind = 'Person' ORDER BY 1")
            if to_truth.get(e) not in truth
        )
        before = roles_report(st, world / "truth")
        # detection pulls in a bystander whom role inference calls a driver: a false positive
        st.execute(
            "INSERT INTO node_roles VALUES (?, ?, 'driver', 'border', 0, false, '[]')",
            [bystander, nid],
        )
        wrong = roles_report(st, world / "truth")
        assert wrong["per_role"]["driver"]["precision"] < before["per_role"]["driver"]["precision"]
        assert wrong["confusion"]["none"]["driver"] == 1
        # called an associate, the bystander costs no role anything: correct abstention
        st.execute("UPDATE node_roles SET role = 'associate' WHERE entity_id = ?", [bystander])
        kept_out = roles_report(st, world / "truth")
        assert kept_out["per_role"] == before["per_role"]
        assert "associate" not in kept_out["per_role"]
        assert kept_out["placed_members"] == before["placed_members"]
        # a true driver called an associate is a miss for drivers
        st.execute("UPDATE node_roles SET role = 'associate' WHERE entity_id = ?", [member])
        missed = roles_report(st, world / "truth")
        drivers = missed["per_role"][role]
        assert drivers["recall"] < before["per_role"][role]["recall"]
        assert missed["confusion"][role]["associate"] == 1
        assert missed["placed_members"]["accuracy"] < before["placed_members"]["accuracy"]


def test_a_drug_network_has_no_migrants(built: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from eslabon.network.roles import ASSOCIATE, infer_roles

    net, feats, networks, rules = migrants_only(built, tmp_path, " []")
    moved = {r.entity_id for r in infer_roles(net, feats, networks, rules) if r.role == "migrant"}
    assert moved  # the smuggling network moves people
    as_drugs = infer_roles(net, feats, [replace(n, kind="drugs") for n in networks], rules)
    for r in as_drugs:
        if r.entity_id in moved:
            assert r.role == ASSOCIATE and r.stage is None
            assert r.reasons[0] == "behaves like the people moved, in a drugs network"


def _world(seed: int) -> pd.DataFrame:
    """A small training world: migrants, drivers (many passengers), guides (lodged groups),
    stash keepers (leases)."""
    rows = []
    for i in range(12):
        rows.append({"role": "migrant", "detained_as_migrant": 1, "max_passengers": 0})
        rows.append({"role": "driver", "max_passengers": 4 + (i + seed) % 4})
        rows.append({"role": "guide", "lodged_with_group": 1 + (i + seed) % 2})
        rows.append({"role": "stash_keeper", "Lease_subject": 1 + (i + seed) % 3})
    frame = pd.DataFrame(rows).fillna(0.0)
    frame["kind_smuggling"] = 1.0
    frame["entity_id"] = [f"w{seed}-{i}" for i in range(len(frame))]
    return frame


def test_cross_validation_holds_out_worlds_and_ranks_settings_by_held_out_f1() -> None:
    from eslabon.network.role_training import cross_validate, macro_f1

    frames = [_world(s) for s in range(4)]
    grid = ({"max_depth": 4, "min_leaf": 2}, {"max_depth": 1, "min_leaf": 2})
    scored = cross_validate(frames, load_rules(), grid, folds=4)
    # a stump cannot tell three crew roles apart; the deeper tree reads each held-out world right
    assert [p["max_depth"] for _s, p in scored] == [4, 1]
    assert scored[0][0] == 1.0 and scored[1][0] < 0.9
    # associate is no role to score: calling a driver so is a miss, and it has no F1 of its own
    assert macro_f1(["driver", "associate"], ["associate", "associate"]) == 0.0
    assert macro_f1(["driver", "guide"], ["driver", "guide"]) == 1.0


def test_prediction_follows_the_run_time_rules_of_a_drug_network() -> None:
    """Someone who behaves like a migrant in a drug network is an associate, as at run time."""
    from eslabon.network.role_training import predict, with_learned

    learned = [{"role": "migrant", "learned": True, "when": [], "why": "learned: moved"}]
    rules = with_learned(load_rules(), learned)
    frame = pd.DataFrame(
        [{"kind_smuggling": 1.0, "kind_drugs": 0.0}, {"kind_smuggling": 0.0, "kind_drugs": 1.0}]
    )
    assert predict(rules, frame) == ["migrant", "associate"]


def test_the_member_two_collectors_pay_on_is_the_coordinator() -> None:
    """C1 and C2 are each paid by four families; both pay B (the boss); C1 also pays M."""
    from eslabon.network.communities import DetectedNetwork
    from eslabon.network.graph import PersonNetwork, Tie

    ids = ["C1", "C2", "B", "M"] + [f"F{i}" for i in range(8)]
    ties = [
        Tie(c, f, "payment", f"{ids[f]}>{ids[c]}", (1.0,), (f"p{c}{f}",), False)
        for c in (0, 1)
        for f in range(4 + 4 * c, 8 + 4 * c)
    ]
    ties += [
        Tie(0, 2, "payment", "C1>B", (5.0, 9.0), ("a", "b"), False),
        Tie(1, 2, "payment", "C2>B", (6.0,), ("c",), False),
        Tie(0, 3, "payment", "C1>M", (7.0, 8.0), ("d", "e"), False),
    ]
    net = PersonNetwork(ids, ids, ties)
    network = DetectedNetwork("NET001", "smuggling", [0, 1, 2, 3], {}, 0)
    pos = network_features(net, network)
    assert pos["net_paid_by_collectors"].to_dict() == {"C1": 0, "C2": 0, "B": 2, "M": 1}
    # four payers make a collector; with five needed nobody pays B on
    assert (
        network_features(net, network, collector_min_payers=5)["net_paid_by_collectors"].max() == 0
    )
    rules = load_rules()
    row = {**pos.loc["B"].to_dict(), "kind_smuggling": 1.0}
    assert rules.role_of(row, "smuggling")[0] == "coordinator"
    assert rules.role_of({**pos.loc["M"].to_dict(), "kind_smuggling": 1.0}, "smuggling")[0] != (
        "coordinator"
    )


def test_training_rows_of_a_workspace_eslabon_resolved_take_their_records_true_roles(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Training on eslabon's own resolution (the web tests' small world, built once per run):
    entity ids are eslabon's, so each member is labelled with the true person most of its
    records belong to."""
    from eslabon.network.role_training import member_rows
    from tests.web.conftest import SCALE
    from tests.worlds import analysed_world, shared

    store = shared(
        tmp_path_factory,
        "web-world",
        lambda folder: analysed_world(folder, "world.duckdb", scale=SCALE),
    )
    truth_dir = store.parent / "world" / "truth"
    rows = member_rows(store, truth_dir)
    truth = pd.read_csv(truth_dir / "roles.csv").drop_duplicates("person_id")
    true_role = dict(zip(truth["person_id"], truth["role"], strict=True))
    assert len(rows) and not rows["entity_id"].isin(true_role).any()  # eslabon's own ids
    assert rows["person_id"].isin(true_role).sum() >= 10
    for person, role in zip(rows["person_id"], rows["role"], strict=True):
        assert role == true_role.get(person, "associate")


def test_frames_of_one_world_are_held_out_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workspaces of each world (resolved from truth and by eslabon): a fold that trains
    on one of them and tests on the other would score a world it has seen."""
    from eslabon.network import role_training
    from eslabon.network.role_training import cross_validate

    frames = [_world(s) for s in range(3)] * 2
    worlds = ["a", "b", "c"] * 2
    seen: list[set[str]] = []
    fit = role_training.fit_rules

    def spy(train: pd.DataFrame, **params: object) -> list[dict]:
        seen.append(set(train["entity_id"].str.split("-").str[0]))
        return fit(train, **params)

    monkeypatch.setattr(role_training, "fit_rules", spy)
    cross_validate(frames, load_rules(), ({"max_depth": 4, "min_leaf": 2},), 3, worlds)
    assert seen == [{"w1", "w2"}, {"w0", "w2"}, {"w0", "w1"}]
