"""Route capacity as a max-flow through the stages, recovery by newcomers, burners as their users."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import pairwise

import igraph as ig
import pytest

from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.recovery import RecoveryConfig, replacement_odds, simulate_recovery
from eslabon.network.route_flow import (
    route_capacity,
    route_cuts,
    route_flow,
    shared_cargo,
    unled_crew,
)
from eslabon.network.store_disrupt import crew_view, owners_graph

STAGES = ("recruiter", "guide", "driver", "stash_keeper")


def crew(people: dict[str, tuple[str, ...]], ties: list[tuple[str, str]]) -> ig.Graph:
    names = list(people)
    g = ig.Graph(n=len(names), edges=[(names.index(a), names.index(b)) for a, b in ties])
    g.vs["name"] = names
    g.vs["roles"] = [people[n] for n in names]
    return g


def two_lanes() -> ig.Graph:
    """Two separate recruiter→guide→driver→keeper lanes, one coordinator joined to both."""
    people = {"co": ("coordinator",)}
    ties = []
    for lane in "ab":
        for i, stage in enumerate(STAGES):
            people[f"{stage}{lane}"] = (stage,)
            if i:
                ties.append((f"{STAGES[i - 1]}{lane}", f"{stage}{lane}"))
        ties.append(("co", f"recruiter{lane}"))
    return crew(people, ties)


def test_flow_counts_disjoint_lanes_and_stops_at_a_missing_stage() -> None:
    g = two_lanes()
    assert route_flow(g, STAGES, organised=True) == 2.0
    g.delete_vertices([g.vs.find(name="drivera").index])
    assert route_flow(g, STAGES, organised=True) == 1.0
    g.delete_vertices([g.vs.find(name="driverb").index])
    assert route_flow(g, STAGES, organised=True) == 0.0


def test_a_broker_arranges_hand_offs_and_its_loss_cuts_them() -> None:
    # guide and driver never met: the hand-off runs through the broker they both call
    people = {
        "r": ("recruiter",),
        "g": ("guide",),
        "broker": ("lookout",),
        "d": ("driver",),
        "k": ("stash_keeper",),
    }
    g = crew(people, [("r", "g"), ("g", "broker"), ("broker", "d"), ("d", "k")])
    assert route_flow(g, STAGES, organised=False) == 1.0
    g.delete_vertices([g.vs.find(name="broker").index])
    assert route_flow(g, STAGES, organised=False) == 0.0


def test_handing_on_the_same_migrant_is_contact_and_an_organised_crew_needs_its_organiser() -> None:
    people = {s: (s,) for s in STAGES} | {"m": ("migrant",), "co": ("coordinator",)}
    g = crew(
        people,
        [("recruiter", "m"), ("m", "guide"), ("guide", "driver"), ("driver", "stash_keeper")],
    )
    # the recruiter's only recorded tie to the guide is the migrant both handled: a hand-off
    assert route_flow(g, STAGES, organised=False) == 1.0
    # the crew view drops the migrant but keeps the hand-off it witnessed
    view = crew_view(g)
    assert "m" not in view.vs["name"]
    assert route_flow(view, STAGES, organised=False) == 1.0
    # without that migrant on record nothing joins recruiter and guide
    unseen = g.copy()
    unseen.delete_vertices([unseen.vs.find(name="m").index])
    assert route_flow(unseen, STAGES, organised=False) == 0.0
    # the coordinator is in contact with nobody yet: an organised crew moves nothing
    assert route_flow(g, STAGES, organised=True) == 0.0
    g.add_edges([(g.vs.find(name="co").index, g.vs.find(name="guide").index)])
    # the recruiter is led through the hand-off to the guide
    assert route_flow(g, STAGES, organised=True) == 1.0
    assert route_flow(crew_view(g), STAGES, organised=True) == 1.0
    g.delete_vertices([g.vs.find(name="co").index])
    assert route_flow(g, STAGES, organised=True) == 0.0
    assert route_flow(g, STAGES, organised=False) == 1.0


def test_shared_cargo_names_the_handlers_of_each_carried_person_once() -> None:
    people = {"r": ("recruiter",), "g": ("guide",), "d": ("driver",), "m1": ("migrant",)}
    people |= {"m2": ("migrant",), "v": ("victim", "recruiter")}
    g = crew(people, [("r", "m1"), ("g", "m1"), ("d", "m1"), ("g", "m2"), ("r", "v"), ("d", "g")])
    # a person both carried and offending is carried here: no stage, no hand-off of their own
    assert shared_cargo(g) == {("g", "r"), ("d", "r"), ("d", "g")}
    view = crew_view(g)
    assert shared_cargo(view) == shared_cargo(g)  # kept, not recomputed from absent migrants
    assert shared_cargo(view.induced_subgraph([0, 1])) == shared_cargo(g)  # residuals keep it


def test_route_capacity_keeps_only_recorded_stages_and_the_organiser_rule() -> None:
    g = two_lanes()
    g.delete_vertices([v.index for v in g.vs if v["roles"] == ("guide",)])
    g.add_edges([(g.vs.find(name=f"recruiter{x}"), g.vs.find(name=f"driver{x}")) for x in "ab"])
    present = {r for rs in g.vs["roles"] for r in rs}
    # no guide was ever recorded: the route is judged on the stages the records show
    assert route_capacity("smuggling", present)(g) == 2.0
    assert route_capacity("smuggling")(g) == 0.0


def test_newcomers_fill_replaceable_roles_only() -> None:
    g = two_lanes()
    cap = route_capacity("smuggling", {r for rs in g.vs["roles"] for r in rs})
    cfg = RecoveryConfig(runs=40, measure_efficiency=False, seed=1)
    gone = ["drivera", "driverb"]
    # nobody else drives and nobody new joins: the route stops
    assert simulate_recovery(g, gone, capacity=cap, config=cfg).after_recovery.capacity == 0.0
    hired = RecoveryConfig(
        runs=40, measure_efficiency=False, seed=1, replacement={"driver": 1.0}, tie_fraction=1.0
    )
    out = simulate_recovery(g, gone, capacity=cap, config=hired)
    assert out.after_recovery.capacity == 2.0
    # the coordinator is scarce: with the shipped odds its loss is rarely made good
    odds = replacement_odds()
    assert odds["coordinator"] < odds["driver"]
    scarce = RecoveryConfig(runs=40, measure_efficiency=False, seed=1, replacement=odds)
    lost_co = simulate_recovery(g, ["co"], capacity=cap, config=scarce).after_recovery.capacity
    lost_driver = simulate_recovery(g, ["drivera"], capacity=cap, config=scarce)
    assert lost_co < 0.5
    assert lost_driver.after_recovery.capacity > 1.0  # lane b intact, lane a often re-staffed


@pytest.mark.parametrize("via_phone_web", [True, False])
def test_owners_graph_ties_people_whose_phones_called_each_other(via_phone_web: bool) -> None:
    # p0, p1, p2 persons; b0 b1 burners of p0 and p1; x a phone nobody is known to use
    ids = ["p0", "p1", "p2", "b0", "b1", "x"]
    kinds = ["Person"] * 3 + ["Phone"] * 3

    def tie(a: int, b: int) -> Tie:
        return Tie(a, b, "call", "", (), (), True)

    ties = [tie(3, 4), tie(2, 5), tie(0, 5)] if via_phone_web else [tie(2, 5), tie(0, 5)]
    net = PersonNetwork(ids=ids, captions=ids, ties=ties, kinds=kinds)
    g = owners_graph(net, list(range(6)), {"p0": ("guide",)}, {3: [0], 4: [1]})
    pairs = {tuple(sorted((g.vs[e.source]["name"], g.vs[e.target]["name"]))) for e in g.es}
    # calling the same unknown phone is not contact; burner to burner is
    assert pairs == ({("p0", "p1")} if via_phone_web else set())
    assert g.vs.find(name="p0")["roles"] == ("guide",)


def test_crew_view_drops_the_carried_but_keeps_the_coerced() -> None:
    from eslabon.network.store_disrupt import crew_view

    people = {
        "r": ("recruiter",),
        "m": ("migrant",),
        "coerced": ("migrant", "recruiter"),
        "x": (),
    }
    g = crew_view(crew(people, [("r", "m"), ("m", "coerced"), ("r", "x")]))
    assert sorted(g.vs["name"]) == ["coerced", "r", "x"]


def test_the_ranking_takes_the_organiser_first_when_others_are_replaceable() -> None:
    from eslabon.network.disrupt_rank import rank_for_disruption

    g = two_lanes()
    # many migrants hang on the recruiters: their degree is highest, the organiser's is not
    for lane in "ab":
        for i in range(6):
            g.add_vertex(name=f"m{lane}{i}", roles=("migrant",))
            g.add_edge(f"recruiter{lane}", f"m{lane}{i}")
    present = {r for rs in g.vs["roles"] for r in rs}
    ranking = rank_for_disruption(
        g,
        top=2,
        capacity=route_capacity("smuggling", present),
        recovery=RecoveryConfig(
            runs=20, measure_efficiency=False, seed=0, replacement=replacement_odds()
        ),
    )
    assert ranking.entries[0].name == "co"


def test_owners_graph_folds_a_second_record_of_a_person_into_the_first() -> None:
    # p0 and p0b are one human split over two records; p1 talks to p0b only, p2 to p0 only
    ids = ["p0", "p0b", "p1", "p2"]
    ties = [Tie(1, 2, "call", "", (), (), True), Tie(0, 3, "call", "", (), (), True)]
    net = PersonNetwork(ids=ids, captions=ids, ties=ties, kinds=["Person"] * 4)
    g = owners_graph(net, list(range(4)), {"p0": ("coordinator",)}, {1: [0]})
    assert sorted(g.vs["name"]) == ["p0", "p1", "p2"]
    pairs = {tuple(sorted((g.vs[e.source]["name"], g.vs[e.target]["name"]))) for e in g.es}
    assert pairs == {("p0", "p1"), ("p0", "p2")}


def one_guide_route() -> ig.Graph:
    """Two recruiters and four drivers around one guide and one stash keeper, a coordinator over
    all; the drivers also call each other, so they are the busiest and most central actors."""
    people = {
        "co": ("coordinator",),
        "r1": ("recruiter",),
        "r2": ("recruiter",),
        "g": ("guide",),
        "k": ("stash_keeper",),
    }
    ties = [("co", "r1"), ("co", "r2"), ("r1", "g"), ("r2", "g")]
    for i in range(4):
        people[f"d{i}"] = ("driver",)
        ties += [("g", f"d{i}"), (f"d{i}", "k")]
        ties += [(f"d{i}", f"d{j}") for j in range(i)]
    return crew(people, ties)


def mend_weight(g: ig.Graph) -> Callable[[int], float]:
    """−log of the chance the network fills an actor's place again (recovery.yaml)."""
    odds = replacement_odds()
    return lambda v: -math.log(1 - max(odds[r] for r in g.vs[v]["roles"]))


def cut_names(g: ig.Graph, cuts: list[list[int]]) -> list[list[str]]:
    return [sorted(g.vs[v]["name"] for v in cut) for cut in cuts]


def test_cuts_are_disjoint_and_the_hardest_to_mend_come_first() -> None:
    g = one_guide_route()
    weight = mend_weight(g)

    # coordinator (odds 0.05), then the sole guide (0.5), then both recruiters (0.3 each:
    # 1 − 0.7² = 0.51 that one is found again), then the keeper (0.6); four drivers never fit
    cuts = route_cuts(g, STAGES, organised=True, weight=weight, budget=5)
    assert cut_names(g, cuts) == [["co"], ["g"], ["r1", "r2"], ["k"]]
    for cut in cuts:  # each alone stops the route
        assert (
            route_flow(
                g.induced_subgraph(set(range(g.vcount())) - set(cut)), STAGES, organised=True
            )
            == 0
        )
    # a cut that does not fit the budget is left out, a later one that does is kept
    assert cut_names(g, route_cuts(g, STAGES, organised=True, weight=weight, budget=3)) == [
        ["co"],
        ["g"],
        ["k"],
    ]
    assert route_cuts(g, STAGES, organised=True, weight=weight, budget=0) == []


def test_the_ranking_cuts_a_second_stage_instead_of_the_busiest_actors() -> None:
    from eslabon.network.disrupt_rank import RankWeights, rank_for_disruption

    g = one_guide_route()
    present = {r for rs in g.vs["roles"] for r in rs}

    def top4(weights: RankWeights | None = None) -> list[str]:
        return rank_for_disruption(
            g,
            top=4,
            capacity=route_capacity("smuggling", present),
            recovery=RecoveryConfig(
                runs=5, measure_efficiency=False, seed=0, replacement=replacement_odds()
            ),
            weights=weights,
        ).order

    # once the coordinator and the guide are gone, the route reads as stopped and every next
    # pick's simulated damage is nil: only the cuts say the recruiters are the fallback to take
    assert sorted(top4()) == ["co", "g", "r1", "r2"]
    assert not {"r1", "r2"} <= set(top4(RankWeights(route_cut=0)))


def test_organisers_too_many_for_the_budget_leave_room_for_the_stage_cuts() -> None:
    g = one_guide_route()
    for i in range(3):  # four coordinators in all
        g.add_vertex(name=f"co{i}", roles=("coordinator",))
        g.add_edge("co", f"co{i}")
    cuts = route_cuts(g, STAGES, organised=True, weight=lambda v: 1.0, budget=2)
    # the four coordinators do not fit; the two single-actor stages (equal weights) do
    assert sorted(cut_names(g, cuts)) == [["g"], ["k"]]


def test_a_cut_the_network_mends_almost_surely_is_left_out() -> None:
    g = one_guide_route()
    g.delete_vertices([g.vs.find(name=f"d{i}").index for i in (2, 3)])  # two drivers left
    weight = mend_weight(g)
    every = route_cuts(g, STAGES, organised=True, weight=weight, budget=10)
    assert ["d0", "d1"] in cut_names(g, every)  # both drivers (0.9 each): mended, odds 0.99
    held = route_cuts(
        g, STAGES, organised=True, weight=weight, budget=10, max_weight=-math.log(0.1)
    )
    assert cut_names(g, held) == [["co"], ["g"], ["r1", "r2"], ["k"]]


def test_crew_never_recorded_with_the_organiser_is_presumed_led_while_one_is_left() -> None:
    # the coordinator's only records are his money collectors; the crew's, each other
    people = {s: (s,) for s in STAGES} | {"co": ("coordinator",), "mc": ("money_collector",)}
    g = crew(people, [("co", "mc"), *pairwise(STAGES)])
    assert unled_crew(g) == set(STAGES)
    plain = route_capacity("smuggling", set(STAGES) | {"coordinator"})
    assert plain(g) == 0.0  # judged on contact alone, the network moved nobody
    cap = route_capacity("smuggling", set(STAGES) | {"coordinator"}, intact=g)
    assert cap.presumed_led == set(STAGES)
    assert cap(g) == 1.0
    assert cap.cuts(g, lambda v: 1.0, budget=1) == [[g.vs.find(name="co").index]]
    without = g.copy()
    without.delete_vertices([g.vs.find(name="co").index])
    assert cap(without) == 0.0  # nobody left to dispatch them
    # a crew in contact with its coordinator presumes nothing
    g.add_edges([(g.vs.find(name="co").index, g.vs.find(name="guide").index)])
    assert unled_crew(g) == frozenset()


def test_a_labour_route_joined_only_through_its_workers_moves_and_can_be_cut() -> None:
    # the recruiter and the housing meet on record only through the workers both handled
    people = {
        "fr": ("fraudulent_recruiter",),
        "d": ("driver",),
        "sk": ("stash_keeper",),
        **{f"w{i}": ("victim",) for i in range(3)},
    }
    ties = [("fr", "d")] + [(x, f"w{i}") for i in range(3) for x in ("fr", "sk")]
    g = crew(people, ties)
    cap = route_capacity("labour_trafficking", {r for rs in g.vs["roles"] for r in rs})
    assert cap.stages == ("fraudulent_recruiter", "driver", "stash_keeper")
    assert cap(g) == 1.0
    assert cap(crew_view(g)) == 1.0  # the ranking's view, workers dropped
    cfg = RecoveryConfig(runs=20, measure_efficiency=False, seed=1)
    out = simulate_recovery(g, ["fr"], capacity=cap, config=cfg)
    assert out.baseline.capacity == 1.0 and out.after_recovery.capacity == 0.0


def test_recovery_reports_the_standard_error_of_the_capacity_it_averages() -> None:
    g = two_lanes()
    cap = route_capacity("smuggling", {r for rs in g.vs["roles"] for r in rs})
    # nobody new ever joins: every run is the same, there is no spread
    fixed = RecoveryConfig(runs=30, measure_efficiency=False, seed=1)
    assert simulate_recovery(g, ["drivera"], capacity=cap, config=fixed).capacity_se == 0.0
    # a driver is found half the time: each run gives 1 or 2, the mean wanders by its error
    half = RecoveryConfig(
        runs=400, measure_efficiency=False, seed=1, replacement={"driver": 0.5}, tie_fraction=1.0
    )
    out = simulate_recovery(g, ["drivera"], capacity=cap, config=half)
    p = out.after_recovery.capacity - 1.0  # share of runs that found a driver
    assert 0.3 < p < 0.7
    assert out.capacity_se == pytest.approx(math.sqrt(p * (1 - p) / 399), rel=1e-6)
