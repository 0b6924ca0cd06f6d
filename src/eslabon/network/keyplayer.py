"""Borgatti's key-player problem, negative form (KPP-Neg): the k actors whose joint removal
fragments the network most.

Single-node centralities ignore redundancy: two hubs side by side both score high, yet removing
both may cut nothing that removing one did not. KPP-Neg scores *sets* (Borgatti, "Identifying sets
of key players in a social network", Comput. Math. Organ. Theory 12, 2006):

- fragmentation  F  = 1 − Σ_c s_c (s_c − 1) / (n (n − 1))  over the components c of the residual
  graph, n its number of nodes (the share of ordered pairs that can no longer reach each other);
- distance-weighted DF = 1 − Σ_{i≠j} (1/d_ij) / (n (n − 1))  (= 1 − global efficiency), which also
  rewards lengthening paths inside components.

Search: greedy construction, then best-improvement swaps (one member out, one non-member in) until
no swap helps. Fully deterministic: ties break by vertex index. Above ``exact_pool`` eligible nodes
the search runs on a candidate pool (highest betweenness and degree), which is recorded.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import igraph as ig

from eslabon.errors import EslabonError
from eslabon.network.dismantle import EXACT_LIMIT, SAMPLE_SOURCES, efficiency_sources
from eslabon.network.graph_io import simple_view, vertex_names

Objective = Literal["F", "DF"]
EXACT_POOL = 200
POOL_SIZE = 100


@dataclass(frozen=True)
class KeyPlayerSet:
    """The chosen set, its objective value, and how it was searched (for the report)."""

    members: list[str]
    indices: list[int]
    objective: str
    value: float
    intact_value: float
    greedy_value: float
    swaps: int
    pool_size: int
    eligible: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _residual(graph: ig.Graph, removed: Collection[int]) -> ig.Graph:
    gone = set(removed)
    return graph.induced_subgraph([v for v in range(graph.vcount()) if v not in gone])


def fragmentation_of(residual: ig.Graph) -> float:
    """F of a graph as it stands; 1 when fewer than two nodes remain (nothing can connect)."""
    n = residual.vcount()
    if n < 2:
        return 1.0
    sizes = residual.connected_components().sizes()
    return 1.0 - sum(s * (s - 1) for s in sizes) / (n * (n - 1))


def fragmentation(graph: ig.Graph, removed: Collection[int] = ()) -> float:
    """F of the graph after removing ``removed`` (vertex indices of ``graph``)."""
    return fragmentation_of(_residual(simple_view(graph), removed))


def distance_fragmentation_of(
    residual: ig.Graph,
    *,
    exact_limit: int = EXACT_LIMIT,
    sample: int = SAMPLE_SOURCES,
    seed: int = 0,
) -> float:
    """DF of a graph as it stands (sampled sources above ``exact_limit`` nodes)."""
    n = residual.vcount()
    if n < 2:
        return 1.0
    sources = efficiency_sources(n, exact_limit=exact_limit, sample=sample, seed=seed)
    h = residual.harmonic_centrality(vertices=sources, normalized=False)
    k = n if sources is None else len(sources)
    return 1.0 - sum(h) / (k * (n - 1))


def distance_fragmentation(
    graph: ig.Graph, removed: Collection[int] = (), *, exact_limit: int = EXACT_LIMIT
) -> float:
    """DF of the graph after removing ``removed``."""
    return distance_fragmentation_of(
        _residual(simple_view(graph), removed), exact_limit=exact_limit
    )


def candidate_pool(
    graph: ig.Graph, eligible: Sequence[int], size: int = POOL_SIZE, *, seed: int = 0
) -> list[int]:
    """Nodes worth trying: top betweenness (sampled when large) and top degree among eligible."""
    n = graph.vcount()
    sources = None
    if n > EXACT_LIMIT:
        sources = random.Random(seed).sample(range(n), min(SAMPLE_SOURCES, n))
    btw = graph.betweenness(directed=False, sources=sources)
    deg = graph.degree()
    by_btw = sorted(eligible, key=lambda v: (-btw[v], -deg[v], v))[:size]
    by_deg = sorted(eligible, key=lambda v: (-deg[v], v))[: size // 2]
    return sorted(set(by_btw) | set(by_deg))


def kpp_neg(
    graph: ig.Graph,
    k: int,
    *,
    objective: Objective = "F",
    exclude: Collection[int] = (),
    candidates: Sequence[int] | None = None,
    max_passes: int = 20,
    exact_pool: int = EXACT_POOL,
    pool_size: int = POOL_SIZE,
) -> KeyPlayerSet:
    """Greedy + swap search for the k-set maximising F (or DF) after removal.

    ``exclude`` holds nodes that may not be chosen (victims, migrants, people awaiting a human
    decision); ``candidates`` overrides the automatic pool.
    """
    if objective not in ("F", "DF"):
        raise EslabonError(f"unknown KPP objective {objective!r}", hint="use 'F' or 'DF'")
    simple = simple_view(graph)
    n = simple.vcount()
    excluded = set(exclude)
    eligible = [v for v in range(n) if v not in excluded]
    if candidates is not None:
        pool = sorted(set(candidates) - excluded)
    elif len(eligible) <= exact_pool:
        pool = eligible
    else:
        pool = candidate_pool(simple, eligible, pool_size)
    k = max(0, min(k, len(pool)))

    def value(members: Collection[int]) -> float:
        residual = _residual(simple, members)
        if objective == "F":
            return fragmentation_of(residual)
        return distance_fragmentation_of(residual)

    intact = value(())
    chosen: list[int] = []
    current = intact
    for _ in range(k):
        best_v, best_val = -1, -1.0
        for v in pool:
            if v in chosen:
                continue
            val = value([*chosen, v])
            if val > best_val + 1e-12:
                best_v, best_val = v, val
        chosen.append(best_v)
        current = best_val
    greedy_value = current if k else intact

    swaps = 0
    for _ in range(max_passes):
        best: tuple[float, int, int] | None = None
        members = set(chosen)
        for out in sorted(chosen):
            rest = [m for m in chosen if m != out]
            for v in pool:
                if v in members:
                    continue
                val = value([*rest, v])
                if val > current + 1e-12 and (best is None or val > best[0] + 1e-12):
                    best = (val, out, v)
        if best is None:
            break
        current, out, v = best
        chosen = [v if m == out else m for m in chosen]
        swaps += 1

    chosen.sort()
    names = vertex_names(simple)
    return KeyPlayerSet(
        members=[names[v] for v in chosen],
        indices=chosen,
        objective=objective,
        value=current if k else intact,
        intact_value=intact,
        greedy_value=greedy_value,
        swaps=swaps,
        pool_size=len(pool),
        eligible=len(eligible),
    )
