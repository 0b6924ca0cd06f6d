"""Tracing: time order respected, seeds in any form, noise kept out, evidence with provenance."""

from __future__ import annotations

import json

import pytest

from eslabon.errors import EslabonError
from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.seeds import Seed, resolve_seed
from eslabon.network.trace import NodeInfo, TraceConfig, expand, trace
from eslabon.network.tracer import Tracer
from tests.conftest import run_cli


def _net(ties: list[tuple[int, int, tuple[float, ...]]]) -> PersonNetwork:
    n = 1 + max(max(a, b) for a, b, _ in ties)
    return PersonNetwork(
        [f"p{i}" for i in range(n)],
        [f"P {i}" for i in range(n)],
        [Tie(a, b, "call", f"c{k}", t, (f"l{k}",), False) for k, (a, b, t) in enumerate(ties)],
    )


def test_forward_trace_follows_only_later_events() -> None:
    # p0 –(day 5)– p1 –(day 3)– p2: forward from day 4, p1 is reached on day 5, and the p1–p2
    # call happened before that, so it cannot carry the trace on.
    net = _net([(0, 1, (5.0,)), (1, 2, (3.0,))])
    cfg = TraceConfig(slack_days=0.5, hop_window_days=30)
    fwd = expand(net, [0], 4.0, backward=False, walkable=None, config=cfg)
    assert set(fwd) == {0, 1}
    back = expand(net, [0], 10.0, backward=True, walkable=None, config=cfg)
    assert set(back) == {0, 1, 2}
    assert back[2].at == 3.0 and back[2].pred == 1


def test_windows_and_hops_limit_the_trace() -> None:
    net = _net([(0, 1, (10.0,)), (1, 2, (60.0,)), (2, 3, (61.0,))])
    far = expand(
        net, [0], 9.0, backward=False, walkable=None, config=TraceConfig(hop_window_days=20)
    )
    assert set(far) == {0, 1}  # the next call is 50 days later: outside the window
    wide = expand(
        net,
        [0],
        9.0,
        backward=False,
        walkable=None,
        config=TraceConfig(hop_window_days=60, max_hops=2),
    )
    assert set(wide) == {0, 1, 2}  # hop limit stops before p3


def _seed(entity: str, day: float) -> Seed:
    from eslabon.network.graph import from_days

    return Seed(entity, entity, "Person", entity, (entity,), from_days(day), "entity id")


def test_a_crew_member_reached_backwards_turns_forward() -> None:
    # Seed p0 stopped on day 100; the coordinator p1 called it on day 90 (reached backwards
    # only) and ran an earlier trip (p1–p2 on day 50) and a later one (p1–p3 on day 150). p4,
    # outside the network, called p1 on day 160 but is not walked through: p5 behind it stays
    # out.
    net = _net(
        [(0, 1, (90.0,)), (1, 2, (50.0,)), (1, 3, (150.0,)), (1, 4, (160.0,)), (4, 5, (170.0,))]
    )
    info = NodeInfo(network={v: "NET001" for v in (0, 1, 2, 3)})
    got = trace(net, _seed("p0", 100.0), info, TraceConfig(hop_window_days=200))
    assert {a.entity_id for a in got.actors} == {"p0", "p1", "p2", "p3"}
    later = next(a for a in got.actors if a.entity_id == "p3")
    assert [s.to_id for s in later.path] == ["p1", "p3"]  # its evidence path runs via p1
    assert later.direction == "forward"
    strict = trace(net, _seed("p0", 100.0), info, TraceConfig(hop_window_days=200, turns=0))
    assert "p3" not in {a.entity_id for a in strict.actors}  # without turning: time order only


def test_the_networks_associates_are_shown_apart_like_outsiders() -> None:
    # Seed p0 (day 100) called the coordinator p1 (day 90), who calls his friend p2 (day 80);
    # p2 is in the network but role inference calls him an associate. p3, a guide, is reached
    # through p2 as through any outsider. The chain is p0, p1, p3; p2 is listed apart, with the
    # evidence path that reached him.
    net = _net([(0, 1, (90.0,)), (1, 2, (80.0,)), (2, 3, (70.0,))])
    info = NodeInfo(
        network={v: "NET001" for v in (0, 1, 2, 3)},
        role={0: "driver", 1: "coordinator", 2: "associate", 3: "guide"},
    )
    got = trace(net, _seed("p0", 100.0), info, TraceConfig(hop_window_days=200))
    assert {a.entity_id for a in got.actors} == {"p0", "p1", "p3"}
    assert [a.entity_id for a in got.associates] == ["p2"]
    assert [s.to_id for s in got.associates[0].path] == ["p1", "p2"]
    assert got.to_dict()["associates"][0]["role"] == "associate"
    # with another role, p2 is crew and in the chain
    crew = NodeInfo(network=info.network, role={**info.role, 2: "lookout"})
    walked = trace(net, _seed("p0", 100.0), crew, TraceConfig(hop_window_days=200))
    assert {a.entity_id for a in walked.actors} == {"p0", "p1", "p2", "p3"}
    assert walked.associates == []


def test_an_outsider_is_passed_through_to_the_member_beyond() -> None:
    # Seed p0 (stopped on day 50) called collector p1 on day 40; the relative p2, outside the
    # network, paid p1 on day 100 for migrant p3 (a member), whom p2 supports from day 300;
    # p2 also supports p4 at home (not a member). p3 is reached through p2; p2 and p4 are not
    # walked into the chain.
    net = _net([(0, 1, (40.0,)), (1, 2, (100.0,)), (2, 3, (300.0,)), (2, 4, (310.0,))])
    info = NodeInfo(network={v: "NET001" for v in (0, 1, 3)})
    got = trace(net, _seed("p0", 50.0), info, TraceConfig(hop_window_days=400))
    assert {a.entity_id for a in got.actors} == {"p0", "p1", "p3"}
    found = next(a for a in got.actors if a.entity_id == "p3")
    assert [s.to_id for s in found.path] == ["p1", "p2", "p3"]
    closed = trace(net, _seed("p0", 50.0), info, TraceConfig(hop_window_days=400, bridge=False))
    assert {a.entity_id for a in closed.actors} == {"p0", "p1"}


def test_victims_put_to_work_after_a_crew_payment_are_reached() -> None:
    # Smuggling network NET001: seed p0 (stopped on day 50) called collector p1 on day 40.
    # Labour network NET002: its recruiter p2 paid p1 on day 100; p3 started work on day 104
    # (one of the migrants paid for), p4 on day 130 and p5 on day 95 (before the payment):
    # only p3 is reached, through the payment and its employment start; p2 stays out.
    ties = [
        Tie(0, 1, "call", "c0", (40.0,), ("l0",), False),
        Tie(1, 2, "payment", "acct", (100.0,), ("pay1",), False),
        Tie(2, 3, "call", "c2", (90.0,), ("l2",), False),
        Tie(2, 4, "call", "c3", (91.0,), ("l3",), False),
        Tie(2, 5, "call", "c4", (92.0,), ("l4",), False),
    ]
    net = PersonNetwork([f"p{i}" for i in range(6)], [f"P {i}" for i in range(6)], ties)
    info = NodeInfo(
        network={0: "NET001", 1: "NET001", 2: "NET002", 3: "NET002", 4: "NET002", 5: "NET002"}
    )
    starts = {
        3: ((104.0, "emp3", "farm"),),
        4: ((130.0, "emp4", "farm"),),
        5: ((95.0, "emp5", "farm"),),
    }
    cfg = TraceConfig(hop_window_days=400, cross_days=7)
    got = trace(net, _seed("p0", 50.0), info, cfg, starts)
    assert {a.entity_id for a in got.actors} == {"p0", "p1", "p3"}
    victim = next(a for a in got.actors if a.entity_id == "p3")
    assert [(s.from_id, s.to_id, s.via) for s in victim.path] == [
        ("p0", "p1", "call"),
        ("p1", "p2", "payment"),
        ("p2", "p3", "employment"),
    ]
    assert victim.path[1].link_ids == ["pay1"] and victim.path[2].link_ids == ["emp3"]
    assert victim.path[2].at is not None and victim.path[2].at.startswith("1970-04-15")
    # without the rule, or with a window that ends before the start, p3 stays out
    plain = trace(net, _seed("p0", 50.0), info, TraceConfig(hop_window_days=400), starts)
    assert "p3" not in {a.entity_id for a in plain.actors}
    short = trace(
        net, _seed("p0", 50.0), info, TraceConfig(hop_window_days=400, cross_days=3), starts
    )
    assert "p3" not in {a.entity_id for a in short.actors}


def test_tracer_applies_the_cross_days_rule(st) -> None:
    # the window comes from rules.yaml unless the caller sets one
    from eslabon.network.rules import load_rules

    rule = load_rules().detection["cross_days"]
    tracer = Tracer(st)
    assert tracer.trace("TX1234A")["config"]["cross_days"] == rule
    assert tracer.trace("TX1234A", TraceConfig(cross_days=1.5))["config"]["cross_days"] == 1.5


def test_seed_in_any_form_finds_the_same_entity(st) -> None:
    plate = resolve_seed(st, "tx-1234 a")
    assert plate.entity_id == "V1" and plate.kind == "Vehicle"
    assert "P004" in plate.persons and plate.anchor is not None
    number = st.query_one("SELECT caption FROM entities WHERE entity_id = 'T001'")[0]
    local = number.replace("+1", "(").replace("210", "210) ", 1)
    assert resolve_seed(st, local).entity_id == "T001"
    assert resolve_seed(st, "P002").persons == ("P002",)
    name = st.query_one("SELECT caption FROM entities WHERE entity_id = 'P006'")[0]
    assert resolve_seed(st, name.lower()).entity_id == "P006"


def test_unknown_and_ambiguous_seeds_are_user_errors(st) -> None:
    with pytest.raises(EslabonError, match="nothing in the workspace"):
        resolve_seed(st, "ZZZ-NOBODY")
    with pytest.raises(EslabonError, match="persons match"):
        resolve_seed(st, "GARCIA")


def test_trace_from_the_stopped_truck(st) -> None:
    result = Tracer(st).trace("TX1234A")
    found = {a["entity_id"] for a in result["actors"]}
    # the crew that moved this group, the migrants, and the money collector
    assert {"P004", "P100", "P101", "P001", "P002", "P006", "P007"} <= found
    # background kept out: the driver's mother, relatives who only paid, the roommates
    assert not found & {"P300", "P301", "P200", "P320", "P321"}
    assert result["excluded"].get("background", 0) >= 1
    for actor in result["actors"]:
        assert actor["direction"] in {"seed", "backward", "forward", "both"}
        assert 0 <= actor["strength"] <= 1
        for step in actor["path"]:
            assert step["evidence"], step
            ev = step["evidence"][0]
            assert ev["source"] and ev["row"] >= 1 and len(ev["sha256"]) == 64
    # money flows backward: relatives → collector, with amounts and sources
    to_collector = [m for m in result["money"] if m["to"] == "P007"]
    assert to_collector and all(m["amount"] > 0 and m["sources"] for m in to_collector)
    # ranked by strength
    strengths = [a["strength"] for a in result["actors"] if a["direction"] != "seed"]
    assert strengths == sorted(strengths, reverse=True)


def test_trace_cli_json_and_rich(built) -> None:
    out = run_cli("trace", "TX1234A", "--store", str(built), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"seed", "actors", "money", "excluded", "config"} <= set(data)
    bad = run_cli("trace", "nobody-at-all", "--store", str(built))
    assert bad.returncode == 2 and "Traceback" not in bad.stdout + bad.stderr
    assert "nothing in the workspace" in bad.stdout + bad.stderr


def test_seed_index_agrees_with_the_store_lookup(st) -> None:
    from eslabon.network.seeds import SeedIndex

    index = SeedIndex(st)
    for query in ("TX1234A", "P002", "P006", "T002"):
        a, b = index.seed(query), resolve_seed(st, query)
        assert (a.entity_id, a.kind, a.anchor) == (b.entity_id, b.kind, b.anchor)
        assert set(a.persons) == set(b.persons)


def test_oracle_resolution_matches_the_truth(st) -> None:
    n = st.query_one("SELECT count(DISTINCT entity_id) FROM entity_mentions")[0]
    assert n == st.query_one("SELECT count(*) FROM entities")[0]
    assert (
        st.query_one("SELECT count(*) FROM entity_mentions em JOIN mentions m USING (mention_id)")[
            0
        ]
        == st.query_one("SELECT count(*) FROM mentions")[0]
    )


def test_namesakes_prefer_the_one_accused_in_a_shared_offence() -> None:
    """Both namesakes have an enforcement record and a network: the driver stopped with others
    is meant, not the migrant detained on her own."""
    from datetime import datetime

    from eslabon.network.seeds import SeedIndex

    index = SeedIndex.__new__(SeedIndex)
    when = datetime(2022, 1, 1)
    index.last_seen = {"P1": (when, when), "P2": (when, when)}
    index.in_network = {"P1", "P2"}
    index.shared_offence = {"P2"}
    picked = index._namesake(["P1", "P2"])
    assert picked is not None and picked[0] == "P2"
    index.shared_offence = set()
    assert index._namesake(["P1", "P2"]) is None


@pytest.mark.parametrize(
    ("query", "meant"),
    [
        ("MORALES, ALBERTO", ["P2"]),  # US order: paternal surname, then given
        ("Alberto Morales", ["P2"]),
        ("Alberto Morales Arias", ["P2"]),
        ("ALBERTO MORALES FLORES", ["P1", "P2", "P3"]),  # nobody reads alike: all stay
        ("Morales", ["P1", "P2", "P3"]),  # no given name asked: all stay
    ],
)
def test_a_name_query_means_the_names_that_read_alike(query: str, meant: list[str]) -> None:
    from eslabon.network.seeds import reading_alike

    captions = {
        "P1": "Alberto Escobar Morales",
        "P2": "Alberto Morales Arias",
        "P3": "Luis Alberto Morales Flores",
    }
    assert reading_alike(query, sorted(captions), captions.__getitem__) == meant


def test_a_seized_vehicle_means_its_seizure_not_its_next_owner() -> None:
    from datetime import datetime

    from eslabon.network.seeds import seized_anchor

    stop = datetime(2022, 3, 23, 3, 35)
    touches = [
        ("P1", "Stop", datetime(2021, 6, 16, 5, 49)),
        ("P1", "Seizure", datetime(2022, 3, 23)),
        ("P1", "Stop", stop),
        ("P2", "Ownership", datetime(2022, 3, 12)),
        ("P2", "Stop", datetime(2023, 11, 5, 9, 17)),  # sold at auction, stopped again
    ]
    assert seized_anchor(touches) == stop
    assert seized_anchor([t for t in touches if t[1] != "Seizure"]) is None


def test_a_name_query_finds_a_name_only_the_records_spell_out(built, tmp_path) -> None:
    """The caption may hold an initial ("ANTHONY S ROBINSON") where a record and the analyst's
    query spell the name out: the seed index falls back to every name the records gave."""
    import shutil

    from eslabon.network.seeds import SeedIndex
    from eslabon.store import open_store

    path = tmp_path / "ws.duckdb"
    shutil.copy(built, path)
    with open_store(path) as store:
        entity, recorded = store.query_one(
            """
            SELECT em.entity_id, m.caption FROM mentions m
            JOIN entity_mentions em ON em.mention_id = m.mention_id
            WHERE m.kind = 'Person' AND len(string_split(m.caption, ' ')) >= 3
            ORDER BY 1, 2 LIMIT 1
            """
        )
        words = recorded.split()
        initial = " ".join([words[0], words[1][0], *words[2:]])
        store.execute("UPDATE entities SET caption = ? WHERE entity_id = ?", [initial, entity])
        found, how = SeedIndex(store).find(recorded)
    assert found == entity and how.startswith("name")
