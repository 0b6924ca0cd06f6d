"""Dismantling curves and baseline orders on graphs with answers worked out by hand."""

from __future__ import annotations

import igraph as ig
import pytest

from eslabon.errors import EslabonError
from eslabon.network.dismantle import (
    auc,
    betweenness_order,
    collective_influence,
    collective_influence_order,
    degree_order,
    dismantling_curve,
    global_efficiency,
)


def test_star_hub_removal_leaves_isolated_leaves(star: ig.Graph) -> None:
    curve = dismantling_curve(star, ["n0"])
    assert curve.lcc == [1.0, pytest.approx(1 / 6)]
    assert curve.efficiency[-1] == 0.0
    assert degree_order(star, 1) == [0]


def test_path_efficiency_by_hand(path4: ig.Graph) -> None:
    # Unordered pairs: 01:1, 02:1/2, 03:1/3, 12:1, 13:1/2, 23:1 → 13/3; ordered: 26/3; / (4·3).
    e0 = (26 / 3) / 12
    assert global_efficiency(path4) == pytest.approx(e0)
    curve = dismantling_curve(path4, ["n1", "n2"])
    # After n1: only n2–n3 (both directions) over the original 12 ordered pairs.
    assert curve.efficiency == pytest.approx([e0, 2 / 12, 0.0])
    assert curve.lcc == pytest.approx([1.0, 0.5, 0.25])
    # Trapezoids over steps 0..2, divided by the 2-step range.
    assert curve.lcc_auc == pytest.approx(((1 + 0.5) / 2 + (0.5 + 0.25) / 2) / 2)
    rel = [1.0, (2 / 12) / e0, 0.0]
    assert curve.efficiency_auc == pytest.approx(((rel[0] + rel[1]) / 2 + rel[1] / 2) / 2)


def test_sampled_efficiency_is_close_and_recorded() -> None:
    g = ig.Graph.Lattice([40, 40], circular=False)
    g.vs["name"] = [str(i) for i in range(g.vcount())]
    exact = global_efficiency(g, exact_limit=10_000)
    approx = global_efficiency(g, exact_limit=100, sample=200, seed=1)
    assert approx == pytest.approx(exact, rel=0.1)
    curve = dismantling_curve(g, list(range(30)), exact_limit=100, max_efficiency_points=5)
    assert curve.efficiency_estimator.startswith("sampled")
    assert curve.efficiency_steps == [0, 8, 15, 22, 30]
    assert len(curve.lcc) == 31


def test_bridge_is_first_for_betweenness_and_ci(barbell: ig.Graph) -> None:
    assert betweenness_order(barbell, 1) == [8]
    assert betweenness_order(barbell, 1, adaptive=False) == [8]
    # CI_2(n8) = (2−1)·6·(3−1) = 12 (ring: the six clique nodes of degree 3) vs
    # CI_2(n0) = (4−1)·(4−1) = 9 (its ring is only n4, degree 4).
    assert collective_influence(barbell)[8] == 12 and collective_influence(barbell)[0] == 9
    assert collective_influence_order(barbell, 1) == [8]
    assert 8 not in betweenness_order(barbell, 3, exclude={8})


def test_collective_influence_by_hand() -> None:
    # Edges: 0-1 0-2 0-3 1-4 1-5 2-6 4-7 3-8. Degrees: k0=3 k1=3 k2=2 k3=2 k4=2, leaves 1.
    # CI_2(i) = (k_i - 1) * sum over nodes at distance exactly 2 of (k_j - 1):
    #   0: ring {4,5,6,8} -> 2*(1+0+0+0)=2     1: ring {2,3,7} -> 2*(1+1+0)=4
    #   2: ring {1,3}     -> 1*(2+1)=3          3: ring {1,2}   -> 1*(2+1)=3
    #   4: ring {0,5}     -> 1*(2+0)=2          leaves (k=1)    -> 0
    g = ig.Graph([(0, 1), (0, 2), (0, 3), (1, 4), (1, 5), (2, 6), (4, 7), (3, 8)])
    assert collective_influence(g, 2) == [2, 4, 3, 3, 2, 0, 0, 0, 0]
    order = collective_influence_order(g, 2)
    assert order[0] == 1
    # After removing 1: k0=2; CI(0)=1*(ring {6,8} → 0)=0, CI(2)=1*(ring {3}→1)=1,
    # CI(3)=1*(ring {2}→1)=1, CI(4)=0 (k=1). Tie 2/3 at CI 1 and degree 2 → lower index.
    assert order[1] == 2
    assert collective_influence_order(g, 2, adaptive=False) == [1, 2]


def test_adaptive_degree_differs_from_static() -> None:
    # Hub 0 with leaves 1..3 and a chain 0-4-5-6 where 5 also has leaves 7, 8.
    g = ig.Graph([(0, 1), (0, 2), (0, 3), (0, 4), (4, 5), (5, 6), (5, 7), (5, 8)])
    assert degree_order(g, 2, adaptive=False) == [0, 5]
    assert degree_order(g, 2) == [0, 5]
    assert degree_order(g) == [0, 5, 1, 2, 3, 4, 6, 7, 8]  # then all degree 0: by index


def test_order_validation(path4: ig.Graph) -> None:
    with pytest.raises(EslabonError, match="not in the network"):
        dismantling_curve(path4, ["zz"])
    with pytest.raises(EslabonError, match="removed twice"):
        dismantling_curve(path4, ["n1", 1])


def test_auc_edges() -> None:
    assert auc([]) == 0.0
    assert auc([0.4]) == 0.4
    assert auc([1.0, 0.0]) == 0.5


def test_lookahead_takes_the_bridge_and_respects_exclusions(barbell: ig.Graph) -> None:
    from eslabon.network.dismantle import lookahead_order

    # n8 is the only cut vertex: LCC 4/9 after it, 8/9 after any clique member.
    assert lookahead_order(barbell, 1) == [8]
    order = lookahead_order(barbell, 3, exclude={8})
    assert len(order) == 3 and 8 not in order


def test_lookahead_sees_past_the_myopic_choice() -> None:
    """Hubs v0, v1 share ten leaves (both must go to free them); leaf v2 holds a pendant triangle
    c = v12, v13, v14. Judged one removal ahead, v2 is best (LCC 11/15 against 14/15 for a hub),
    then v0 (10/15), v1 (3/15). Looking ahead, v0 and v1 first leave 14/15 then 4/15, and v12
    2/15: area (1/2 + 19/15)/3 instead of (1/2 + 22.5/15)/3.
    """
    from eslabon.network.dismantle import LookaheadConfig, lookahead_order

    leaves = list(range(2, 12))
    edges = [(0, v) for v in leaves] + [(1, v) for v in leaves]
    edges += [(2, 12), (12, 13), (12, 14), (13, 14)]
    g = ig.Graph(edges)
    g.vs["name"] = [f"v{i}" for i in range(g.vcount())]
    greedy = lookahead_order(g, 3, config=LookaheadConfig(horizon=0))
    ahead = lookahead_order(g, 3)
    assert greedy[0] == 2
    assert ahead == [0, 1, 12]
    c_greedy = dismantling_curve(g, greedy)
    c_ahead = dismantling_curve(g, ahead)
    assert c_ahead.lcc_auc == pytest.approx((0.5 + 19 / 15) / 3)
    assert c_greedy.lcc_auc == pytest.approx((0.5 + 22.5 / 15) / 3)
    for method, base in (
        ("degree", degree_order(g, 3)),
        ("betweenness", betweenness_order(g, 3)),
        ("collective_influence", collective_influence_order(g, 3)),
    ):
        c = dismantling_curve(g, base, method=method)
        assert c_ahead.lcc_auc <= c.lcc_auc + 1e-12
        assert c_ahead.efficiency_auc <= c.efficiency_auc + 1e-12
