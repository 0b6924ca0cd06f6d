"""The merges that built an entity: the strongest-first spanning forest of its match edges.

Case files and the web entity page both show these merges; one function decides which edges they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from eslabon.disjoint_sets import find

Edge = TypeVar("Edge", bound=Sequence)


def merge_forest(
    mention_ids: list[str],
    edges: list[Edge],
    probability: Callable[[Edge], float | None],
) -> tuple[list[Edge], list[str]]:
    """Edges (mention_a, mention_b, ...) joining the mentions strongest first, and the roots of the
    components no recorded edge joins (an edge without a probability, e.g. a key match, counts as
    certain)."""
    parent = {m: m for m in mention_ids}

    def root(x: str) -> str:
        return find(parent, x)

    def strength(edge: Edge) -> tuple:
        p = probability(edge)
        return (-(p if p is not None else 1.0), edge[0], edge[1])

    chosen = []
    for edge in sorted(edges, key=strength):
        a, b = root(edge[0]), root(edge[1])
        if a != b:
            parent[max(a, b)] = min(a, b)
            chosen.append(edge)
    return chosen, sorted({root(m) for m in mention_ids})
