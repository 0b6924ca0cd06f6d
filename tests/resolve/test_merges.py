"""The merges shown for an entity: strongest edges first, no cycle, unjoined parts reported."""

from __future__ import annotations

from eslabon.resolve.merges import merge_forest


def test_strongest_edges_span_without_cycles():
    edges = [("a", "b", 0.99), ("b", "c", 0.97), ("a", "c", 0.999), ("c", "d", None)]
    chosen, roots = merge_forest(["a", "b", "c", "d", "e"], edges, lambda e: e[2])
    # key matches (no probability) count as certain, then 0.999 and 0.99; b-c would close a cycle
    assert chosen == [("c", "d", None), ("a", "c", 0.999), ("a", "b", 0.99)]
    assert roots == ["a", "e"]


def test_ties_are_broken_by_mention_ids():
    edges = [("b", "c", 0.9), ("a", "c", 0.9)]
    chosen, _ = merge_forest(["a", "b", "c"], edges, lambda e: e[2])
    assert chosen == [("a", "c", 0.9), ("b", "c", 0.9)]
