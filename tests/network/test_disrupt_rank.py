"""eslabon's ranking: scarce brokers first, victims never, coerced actors held for a person."""

from __future__ import annotations

import igraph as ig
import pytest

from eslabon.errors import EslabonError
from eslabon.network.disrupt_rank import (
    Evidence,
    RankWeights,
    compare_with_baselines,
    rank_for_disruption,
)

from .conftest import named


def segmented_chain() -> ig.Graph:
    """Recruiters (K4 n0–n3) – coordinator n8 – a driver hub n4 with drivers n5–n7 and stash n9.

    The driver hub n4 has the highest degree, but four other drivers could replace it; the
    coordinator n8 is the only one and the only link between the two segments. n10 is a migrant
    connected to everyone on the far side, and n11 a forger attached to n4.
    """
    g = ig.Graph.Full(4)
    g.add_vertices(8)
    g.add_edges([(0, 8), (8, 4)])
    g.add_edges([(4, 5), (4, 6), (4, 7), (5, 6), (6, 7), (4, 9), (5, 9), (7, 9)])
    g.add_edges([(10, v) for v in (4, 5, 6, 7, 9)])
    g.add_edges([(11, 4)])
    roles = ["recruiter"] * 4 + ["driver"] * 4 + ["coordinator", "stash_keeper", "migrant"]
    roles += ["forger"]
    return named(g, roles)


def test_scarce_broker_outranks_busy_driver() -> None:
    ranking = rank_for_disruption(segmented_chain(), top=3)
    first = ranking.entries[0]
    assert first.name == "n8"
    assert "sole coordinator in the network" in first.reasons
    assert any(r.startswith("brokers between") for r in first.reasons)
    assert any("splits the network into 2 parts" in r for r in first.reasons)
    assert ranking.order.index("n8") < ranking.order.index("n4") if "n4" in ranking.order else True


def test_victims_never_ranked_even_when_central() -> None:
    ranking = rank_for_disruption(segmented_chain(), top=12)
    assert "n10" not in ranking.order
    assert ranking.never_ranked == ["n10"]
    assert len(ranking.order) == 11  # everyone else, including isolated leftovers


def test_sole_forger_reason_and_replaceable_driver() -> None:
    ranking = rank_for_disruption(segmented_chain(), top=12)
    by_name = {e.name: e for e in ranking.entries}
    # Ranked after others, so its reason is worded for what is left of the network.
    assert "sole forger left in the network" in by_name["n11"].reasons
    assert by_name["n11"].signals["scarcity"] == 1.0


def test_coerced_recruiter_needs_human_decision() -> None:
    g = segmented_chain()
    g.vs[1]["roles"] = ("recruiter", "victim")
    ranking = rank_for_disruption(g, top=12)
    assert "n1" not in ranking.order
    held = {e.name: e for e in ranking.held_for_review}
    assert held["n1"].needs_human_decision is True
    assert held["n1"].rank is None
    assert "possible coercion" in held["n1"].reasons[0]


def test_evidence_is_reported_and_mildly_weighs() -> None:
    # Two symmetric guides n6, n7 join triangles n0–n2 and n3–n5: without evidence the tie
    # breaks by name; evidence decides the order but moves a score by at most 20%.
    g = ig.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (0, 6), (6, 3), (1, 7), (7, 4)])
    g = named(g, ["recruiter"] * 3 + ["stash_keeper"] * 3 + ["guide", "guide"])
    weak = {"n6": Evidence(0.1, ("one phone record",)), "n7": Evidence(0.9, ("seizure", "calls"))}
    # Score on scarcity alone (guides 1/2 > recruiters 1/3) to isolate the evidence factor.
    only = RankWeights(fragmentation=0, brokerage=0, keyplayer=0, recovery_damage=0, route_cut=0)
    plain = rank_for_disruption(g, top=1, weights=only)
    assert plain.entries[0].name == "n6"
    ranking = rank_for_disruption(g, top=2, evidence=weak, weights=only)
    assert ranking.entries[0].name == "n7"
    assert ranking.entries[0].evidence == weak["n7"]
    assert any("evidence strength 0.90: seizure; calls" in r for r in ranking.entries[0].reasons)
    assert ranking.entries[0].score == pytest.approx(plain.entries[0].score * (0.8 + 0.2 * 0.9))
    with pytest.raises(EslabonError, match=r"within \[0, 1\]"):
        Evidence(1.5)
    with pytest.raises(EslabonError, match="not in the network"):
        rank_for_disruption(g, evidence={"ghost": Evidence(0.5)})


def test_compare_with_baselines_shares_budget_and_exclusions() -> None:
    report = compare_with_baselines(segmented_chain(), top=4)
    assert set(report["curves"]) == {"eslabon", "degree", "betweenness", "collective_influence"}
    for curve in report["curves"].values():
        assert len(curve["removed"]) == 4
        assert "n10" not in curve["removed"]
        assert 0.0 <= curve["lcc_auc"] <= 1.0
    # Dismantling order: removing hub n4 leaves LCC 5/12 ({n0–n3, n8} and {n5–n7, n9, n10}),
    # removing the coordinator n8 leaves 7/12; the role-aware reasons are still given.
    first = report["ranking"]["entries"][0]
    assert first["name"] == "n4"
    assert first["facts"]["lookahead"]["lcc_after"] == pytest.approx(5 / 12)
    assert any(
        r.startswith("removal leaves the largest connected group at 42%") for r in first["reasons"]
    )
    assert report["ranking"]["settings"]["order"] == "look-ahead dismantling"
    curves = report["curves"]
    for method in ("degree", "betweenness", "collective_influence"):
        assert curves["eslabon"]["lcc_auc"] <= curves[method]["lcc_auc"] + 1e-12
        assert curves["eslabon"]["efficiency_auc"] <= curves[method]["efficiency_auc"] + 1e-12


def test_lookahead_batch_is_filled_by_role_score_and_store_order_is_unchanged() -> None:
    from eslabon.network.dismantle import LookaheadConfig

    g = segmented_chain()
    # One round of 11: more than the look-ahead's candidates, so the role score fills the rest.
    ranking = rank_for_disruption(g, top=11, batch=11, lookahead=LookaheadConfig(per_source=1))
    assert len(ranking.order) == 11 and "n10" not in ranking.order
    assert ranking.order[0] == "n4"  # the look-ahead's pick (LCC 5/12)
    assert "lookahead" in ranking.entries[0].facts
    assert "lookahead" not in ranking.entries[-1].facts
    # Without ``lookahead`` (store mode) the role-aware order stands: the coordinator first.
    assert rank_for_disruption(g, top=1).order == ["n8"]
