"""KPP-Neg and the fragmentation measures against hand computations."""

from __future__ import annotations

import igraph as ig
import pytest

from eslabon.errors import EslabonError
from eslabon.network.keyplayer import distance_fragmentation, fragmentation, kpp_neg


def test_fragmentation_formula_by_hand() -> None:
    # Components of sizes 3, 2, 1 (n = 6): Σ s(s−1) = 6 + 2 + 0 = 8; F = 1 − 8/30 = 11/15.
    g = ig.Graph([(0, 1), (1, 2), (3, 4)])
    g.add_vertices(1)
    assert fragmentation(g) == pytest.approx(11 / 15)
    # Removing vertex 1 leaves sizes 1, 1, 2, 1 over n = 5: F = 1 − 2/20.
    assert fragmentation(g, [1]) == pytest.approx(0.9)
    assert fragmentation(ig.Graph.Full(5)) == 0.0


def test_distance_fragmentation_by_hand() -> None:
    # Path a–b–c: ordered Σ 1/d = 2(1 + 1 + 1/2) = 5 over 6 pairs → DF = 1/6.
    g = ig.Graph([(0, 1), (1, 2)])
    assert distance_fragmentation(g) == pytest.approx(1 / 6)
    assert distance_fragmentation(g, [1]) == pytest.approx(1.0)


def test_kpp_picks_the_bridge(barbell: ig.Graph) -> None:
    result = kpp_neg(barbell, 1)
    assert result.members == ["n8"]
    # Two K4 left over n = 8: F = 1 − 2·12/56.
    assert result.value == pytest.approx(1 - 24 / 56)
    # DF prefers a clique node next to the bridge: without n0, K3 (6 ordered pairs at d=1),
    # and n8 hangs off the other K4: 12 + 2·1 + 6·(1/2) = 17 → Σ = 23 vs 24 without n8.
    df = kpp_neg(barbell, 1, objective="DF")
    assert df.members == ["n0"]
    assert df.value == pytest.approx(1 - 23 / 56)


def test_kpp_swap_improves_on_greedy() -> None:
    # Greedy takes the centre c of a "double broom" first, but the best pair is the two
    # sub-hubs, which isolates every leaf. Star s1 (leaves 3..6) – c – star s2 (leaves 7..10).
    edges = [(1, i) for i in range(3, 7)] + [(2, i) for i in range(7, 11)] + [(0, 1), (0, 2)]
    g = ig.Graph(edges)
    g.vs["name"] = [str(i) for i in range(g.vcount())]
    result = kpp_neg(g, 2)
    assert sorted(result.indices) == [1, 2]
    assert result.value == pytest.approx(1.0)
    assert result.value >= result.greedy_value
    again = kpp_neg(g, 2)
    assert again == result  # deterministic


def test_kpp_respects_exclusions_and_objective(barbell: ig.Graph) -> None:
    assert "n8" not in kpp_neg(barbell, 1, exclude={8}).members
    with pytest.raises(EslabonError):
        kpp_neg(barbell, 1, objective="X")  # type: ignore[arg-type]
