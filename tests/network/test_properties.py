"""Properties of dismantling on random graphs: monotone curves, bounded AUC, exact shortcuts."""

from __future__ import annotations

import igraph as ig
from hypothesis import given, settings
from hypothesis import strategies as st

from eslabon.network.dismantle import dismantling_curve, lcc_sizes
from eslabon.network.disrupt_rank import removal_splits


@st.composite
def graph_and_order(draw: st.DrawFn) -> tuple[ig.Graph, list[int]]:
    n = draw(st.integers(min_value=1, max_value=14))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=30)) if pairs else []
    g = ig.Graph(n=n, edges=edges)
    g.vs["name"] = [f"v{i}" for i in range(n)]
    order = draw(st.permutations(range(n)))
    k = draw(st.integers(min_value=0, max_value=n))
    return g, list(order[:k])


@settings(max_examples=120, deadline=None)
@given(graph_and_order())
def test_curves_monotone_and_auc_bounded(case: tuple[ig.Graph, list[int]]) -> None:
    g, order = case
    curve = dismantling_curve(g, order)
    assert all(a >= b for a, b in zip(curve.lcc, curve.lcc[1:], strict=False))
    assert all(a >= b - 1e-12 for a, b in zip(curve.efficiency, curve.efficiency[1:], strict=False))
    assert 0.0 <= curve.lcc_auc <= 1.0
    assert 0.0 <= curve.efficiency_auc <= 1.0 + 1e-12


@settings(max_examples=120, deadline=None)
@given(graph_and_order())
def test_lcc_by_union_find_equals_components(case: tuple[ig.Graph, list[int]]) -> None:
    g, order = case
    sizes = lcc_sizes(g, order)
    for t in range(len(order) + 1):
        h = g.copy()
        h.delete_vertices(order[:t])
        expected = max(h.connected_components().sizes(), default=0) if h.vcount() else 0
        assert sizes[t] == expected


@settings(max_examples=120, deadline=None)
@given(graph_and_order())
def test_removal_splits_equals_brute_force(case: tuple[ig.Graph, list[int]]) -> None:
    g, _ = case
    _, new_sum, base = removal_splits(g.get_adjlist())
    assert base == sum(s * (s - 1) for s in g.connected_components().sizes())
    for v in range(g.vcount()):
        h = g.copy()
        h.delete_vertices([v])
        assert new_sum[v] == sum(s * (s - 1) for s in h.connected_components().sizes())
