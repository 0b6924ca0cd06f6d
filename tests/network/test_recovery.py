"""Recovery: replaceable roles are absorbed, scarce roles are not."""

from __future__ import annotations

import igraph as ig
import pytest

from eslabon.network.recovery import (
    RecoveryConfig,
    default_capacity,
    simulate_recovery,
    stage_pairs,
)

from .conftest import named

SURE = RecoveryConfig(takeover_probability=1.0, tie_fraction=1.0, runs=3, seed=7)


def replaceable_driver() -> ig.Graph:
    # recruiter n0 – driver n1 – stash keeper n2; a second driver n3 also works for n2.
    return named(
        ig.Graph([(0, 1), (1, 2), (2, 3)]), ["recruiter", "driver", "stash_keeper", "driver"]
    )


def scarce_coordinator() -> ig.Graph:
    # recruiter n0 – coordinator n1 – stash keeper n2; driver n3 works for n2.
    return named(
        ig.Graph([(0, 1), (1, 2), (2, 3)]), ["recruiter", "coordinator", "stash_keeper", "driver"]
    )


def test_role_with_a_replacement_recovers() -> None:
    out = simulate_recovery(replaceable_driver(), ["n1"], config=SURE)
    assert out.baseline.capacity == 1.0  # one recruiter→stash keeper pair
    assert out.after_removal.capacity == 0.0
    assert out.after_recovery.capacity == 1.0
    assert out.restored == 1.0
    assert out.successors["n1"] == {"n3": 1.0}
    assert out.lasting_damage == 0.0
    assert out.after_recovery.lcc == 1.0 - 1 / 4  # n0, n3, n2 reconnected; n1 gone


def test_scarce_role_does_not_recover() -> None:
    out = simulate_recovery(scarce_coordinator(), ["n1"], config=SURE)
    assert out.after_recovery.capacity == 0.0
    assert out.restored == 0.0
    assert out.lasting_damage == 1.0
    assert "no other coordinator" in out.unreplaceable["n1"]
    assert out.takeover_rate["n1"] == 0.0


def test_takeover_probability_is_averaged_over_seeded_runs() -> None:
    config = RecoveryConfig(takeover_probability=0.5, tie_fraction=1.0, runs=400, seed=3)
    out = simulate_recovery(replaceable_driver(), ["n1"], config=config)
    assert out.restored == pytest.approx(0.5, abs=0.08)
    assert simulate_recovery(replaceable_driver(), ["n1"], config=config) == out


def test_an_actors_luck_does_not_depend_on_who_else_is_removed() -> None:
    """Common random numbers: whether someone takes over from driver n1 in each run is drawn
    from n1's own stream, so removing a second driver elsewhere (n5, whose successor is n6)
    leaves n1's takeover rate unchanged — with one shared stream it would shift."""
    graph = named(
        ig.Graph([(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)]),
        ["recruiter", "driver", "stash_keeper", "driver", "guide", "driver", "driver"],
    )
    config = RecoveryConfig(takeover_probability=0.5, tie_fraction=1.0, runs=200, seed=11)
    alone = simulate_recovery(graph, ["n1"], config=config)
    both = simulate_recovery(graph, ["n1", "n5"], config=config)
    assert 0.3 < alone.takeover_rate["n1"] < 0.7
    assert both.takeover_rate["n1"] == alone.takeover_rate["n1"]


def test_reach_limits_successors() -> None:
    # The second driver n4 is far from n1's contacts: n1's contacts n0, n2; n4 hangs off n5-n6.
    g = named(
        ig.Graph([(0, 1), (1, 2), (2, 5), (5, 6), (6, 4)]),
        ["recruiter", "driver", "stash_keeper", "", "driver", "lookout", "lookout"],
    )
    near = simulate_recovery(g, ["n1"], config=SURE)
    assert near.restored == 0.0
    anywhere = simulate_recovery(
        g, ["n1"], config=RecoveryConfig(1.0, 1.0, reach="component", runs=2)
    )
    assert anywhere.restored == 1.0


def test_custom_capacity_callable_is_used() -> None:
    out = simulate_recovery(
        replaceable_driver(),
        ["n1"],
        capacity=lambda g: float(g.vcount()),
        capacity_name="actors left",
        config=SURE,
    )
    assert (out.baseline.capacity, out.after_removal.capacity) == (4.0, 3.0)
    assert out.capacity_name == "actors left"


def test_default_capacity_picks_a_route() -> None:
    cap, name = default_capacity(replaceable_driver())
    assert "smuggling" in name and cap(replaceable_driver()) == 1.0
    drugs = named(ig.Graph([(0, 1), (1, 2)]), ["importer", "courier", "distributor"])
    assert "drugs" in default_capacity(drugs)[1]
    assert stage_pairs("importer", "distributor")(drugs) == 1.0
    plain = named(ig.Graph([(0, 1), (2, 3)]))
    cap, name = default_capacity(plain)
    assert "connected actor pairs" in name and cap(plain) == 2.0
