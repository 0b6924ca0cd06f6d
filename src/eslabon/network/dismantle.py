"""Dismantling curves and the baseline removal orders eslabon is compared against.

A removal order is judged by what is left after each removal: the largest connected component
(LCC) and the global efficiency, both as fractions of the *original* network, so a removed actor
counts as unreachable and curves of different orders share one scale. Smaller area under the curve
(AUC) means faster dismantling. Baselines from the literature: adaptive degree, adaptive
betweenness and collective influence CI_ℓ (Morone & Makse, Nature 524, 2015).

Global efficiency (Latora & Marchiori 2001) of the residual graph after t removals, with N0 the
original number of nodes and H_t(v) = Σ_u 1/d_t(v, u) (0 for removed or unreachable)::

    E_t = Σ_v H_t(v) / (N0 (N0 − 1))

Exact E_t needs one BFS per node (igraph's ``harmonic_centrality``). Above ``exact_limit`` nodes
E_t is estimated from a fixed, seeded uniform sample S of k original nodes (common to every step):
Ê_t = Σ_{s∈S} H_t(s) / (k (N0 − 1)), which is unbiased because each node is equally likely to be a
source; reusing S keeps the estimated curve monotone, as the true one is.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import igraph as ig

from eslabon.disjoint_sets import find
from eslabon.errors import EslabonError
from eslabon.network.graph_io import simple_view, vertex_names

EXACT_LIMIT = 1000
SAMPLE_SOURCES = 64
MAX_EFFICIENCY_POINTS = 50


@dataclass(frozen=True)
class Curve:
    """LCC and efficiency after each removal; index 0 is the intact network."""

    method: str
    removed: list[str]
    lcc: list[float]
    efficiency_steps: list[int]
    efficiency: list[float]
    lcc_auc: float
    efficiency_auc: float
    n_nodes: int
    efficiency_estimator: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_order(graph: ig.Graph, order: Sequence[int | str]) -> list[int]:
    """Vertex indices for an order of indices or names; repeated or unknown nodes are errors."""
    index = {name: i for i, name in enumerate(vertex_names(graph))}
    out: list[int] = []
    seen: set[int] = set()
    for item in order:
        if isinstance(item, str):
            if item not in index:
                raise EslabonError(f"node {item!r} is not in the network", field="order")
            v = index[item]
        else:
            v = int(item)
            if not 0 <= v < graph.vcount():
                raise EslabonError(f"vertex index {v} out of range", field="order")
        if v in seen:
            raise EslabonError(f"node {vertex_names(graph)[v]!r} is removed twice", field="order")
        seen.add(v)
        out.append(v)
    return out


def auc(values: Sequence[float], steps: Sequence[int] | None = None) -> float:
    """Mean height of the curve over the removal range (trapezoids): in [0, 1] for values in [0, 1].

    With the full order (T = N) this is the robustness R of Schneider et al. (PNAS 2011) up to
    the end-point convention.
    """
    if not values:
        return 0.0
    xs = list(steps) if steps is not None else list(range(len(values)))
    if len(values) == 1 or xs[-1] == xs[0]:
        return float(values[0])
    area = sum(
        (xs[i + 1] - xs[i]) * (values[i] + values[i + 1]) / 2 for i in range(len(values) - 1)
    )
    return float(area / (xs[-1] - xs[0]))


def lcc_sizes(graph: ig.Graph, order: Sequence[int]) -> list[int]:
    """Largest component size after 0..T removals, by adding nodes back in reverse (union-find).

    One pass over the edges instead of a components call per step: O(M α(N)) for the whole curve.
    """
    n = graph.vcount()
    adj = graph.get_adjlist()
    parent = list(range(n))
    size = [1] * n
    present = [True] * n
    for v in order:
        present[v] = False

    def root(x: int) -> int:
        return find(parent, x)

    best = 0

    def add(v: int) -> None:
        nonlocal best
        present[v] = True
        best = max(best, size[root(v)])
        for u in adj[v]:
            if present[u]:
                a, b = root(u), root(v)
                if a != b:
                    if size[a] < size[b]:
                        a, b = b, a
                    parent[b] = a
                    size[a] += size[b]
                    best = max(best, size[a])

    for v in range(n):
        if present[v]:
            present[v] = False
            add(v)
    sizes = [best]
    for v in reversed(order):
        add(v)
        sizes.append(best)
    sizes.reverse()
    return sizes


def efficiency_sources(n: int, *, exact_limit: int, sample: int, seed: int) -> list[int] | None:
    """None (all nodes, exact) for small graphs, else a seeded uniform sample of source nodes."""
    if n <= exact_limit or sample >= n:
        return None
    return sorted(random.Random(seed).sample(range(n), sample))


def efficiency_value(graph: ig.Graph, n_original: int, sources: list[int] | None) -> float:
    """E_t as in the module docstring: harmonic sums from the sources, over N0 (N0 − 1) pairs."""
    if n_original < 2 or graph.ecount() == 0:
        return 0.0
    h = graph.harmonic_centrality(vertices=sources, normalized=False)
    k = n_original if sources is None else len(sources)
    return float(sum(h) / (k * (n_original - 1)))


def global_efficiency(
    graph: ig.Graph, *, exact_limit: int = EXACT_LIMIT, sample: int = SAMPLE_SOURCES, seed: int = 0
) -> float:
    """Mean of 1/d over ordered pairs of this graph (sampled above ``exact_limit`` nodes)."""
    simple = simple_view(graph)
    n = simple.vcount()
    return efficiency_value(
        simple, n, efficiency_sources(n, exact_limit=exact_limit, sample=sample, seed=seed)
    )


def _checkpoints(t: int, max_points: int | None) -> list[int]:
    if max_points is None or t + 1 <= max_points:
        return list(range(t + 1))
    step = t / (max_points - 1)
    return sorted({round(i * step) for i in range(max_points)} | {0, t})


def dismantling_curve(
    graph: ig.Graph,
    order: Sequence[int | str],
    *,
    method: str = "custom",
    exact_limit: int = EXACT_LIMIT,
    sample_sources: int = SAMPLE_SOURCES,
    max_efficiency_points: int | None = MAX_EFFICIENCY_POINTS,
    seed: int = 0,
) -> Curve:
    """LCC after every removal; efficiency at up to ``max_efficiency_points`` evenly spaced steps.

    LCC is exact at every step (cheap). Efficiency costs a BFS per source per point, hence the
    checkpoints for long orders and the sampled estimator for large graphs (recorded in the curve).
    """
    simple = simple_view(graph)
    n = simple.vcount()
    idx = resolve_order(simple, order)
    if n == 0:
        return Curve(method, [], [0.0], [0], [0.0], 0.0, 0.0, 0, "exact")
    lcc = [s / n for s in lcc_sizes(simple, idx)]
    sources = efficiency_sources(n, exact_limit=exact_limit, sample=sample_sources, seed=seed)
    estimator = (
        "exact"
        if sources is None
        else f"sampled: {len(sources)} uniform sources, seed {seed}, unbiased for E_t"
    )
    steps = _checkpoints(len(idx), max_efficiency_points)
    work = simple.copy()
    eff: list[float] = []
    done = 0
    for step in steps:
        if step > done:
            gone: set[int] = set()
            for v in idx[done:step]:
                gone.update(work.incident(v))
            work.delete_edges(sorted(gone))
            done = step
        eff.append(efficiency_value(work, n, sources))
    e0 = eff[0]
    rel = [e / e0 if e0 > 0 else 0.0 for e in eff]
    notes = []
    if len(steps) < len(idx) + 1:
        notes.append(f"efficiency measured at {len(steps)} of {len(idx) + 1} steps")
    names = vertex_names(simple)
    return Curve(
        method=method,
        removed=[names[v] for v in idx],
        lcc=lcc,
        efficiency_steps=steps,
        efficiency=eff,
        lcc_auc=auc(lcc),
        efficiency_auc=auc(rel, steps),
        n_nodes=n,
        efficiency_estimator=estimator,
        notes=notes,
    )


# --------------------------------------------------------------------------- baseline orders


def _eligible(n: int, exclude: Collection[int]) -> list[int]:
    excluded = set(exclude)
    return [v for v in range(n) if v not in excluded]


def degree_order(
    graph: ig.Graph,
    k: int | None = None,
    *,
    adaptive: bool = True,
    exclude: Collection[int] = (),
) -> list[int]:
    """Highest degree first; adaptive recomputes degrees after each removal (lazy max-heap)."""
    simple = simple_view(graph)
    eligible = _eligible(simple.vcount(), exclude)
    k = len(eligible) if k is None else min(k, len(eligible))
    degree = simple.degree()
    if not adaptive:
        return sorted(eligible, key=lambda v: (-degree[v], v))[:k]
    adj = [set(a) for a in simple.get_adjlist()]
    targets = set(eligible)
    heap = [(-degree[v], v) for v in eligible]
    heapq.heapify(heap)
    removed: set[int] = set()
    order: list[int] = []
    while heap and len(order) < k:
        neg, v = heapq.heappop(heap)
        if v in removed or -neg != len(adj[v]):
            continue  # stale entry
        order.append(v)
        removed.add(v)
        for u in adj[v]:
            adj[u].discard(v)
            if u not in removed and u in targets:
                heapq.heappush(heap, (-len(adj[u]), u))
        adj[v] = set()
    return order


def betweenness_order(
    graph: ig.Graph,
    k: int | None = None,
    *,
    adaptive: bool = True,
    exclude: Collection[int] = (),
    batch: int = 1,
    sample_sources: int | None = None,
    seed: int = 0,
) -> list[int]:
    """Highest betweenness first, recomputed after every ``batch`` removals when adaptive.

    ``sample_sources`` estimates betweenness from a seeded sample of BFS sources (Brandes & Pich
    2007) — the ranking needs only relative values, so the N/k scale factor is dropped.
    """
    work = simple_view(graph)
    n = work.vcount()
    eligible = set(_eligible(n, exclude))
    k = len(eligible) if k is None else min(k, len(eligible))
    rng = random.Random(seed)
    order: list[int] = []
    removed: set[int] = set()
    while len(order) < k:
        sources = None
        if sample_sources is not None and sample_sources < n - len(removed):
            alive = [v for v in range(n) if v not in removed]
            sources = rng.sample(alive, sample_sources)
        scores = work.betweenness(directed=False, sources=sources)
        degree = work.degree()
        candidates = sorted(
            (v for v in eligible if v not in removed), key=lambda v: (-scores[v], -degree[v], v)
        )
        take = candidates[: (k - len(order)) if not adaptive else min(batch, k - len(order))]
        if not take:
            break
        order.extend(take)
        removed.update(take)
        if not adaptive:
            break
        gone: set[int] = set()
        for v in take:
            gone.update(work.incident(v))
        work.delete_edges(sorted(gone))
    return order


def _ci_value(adj: list[set[int]], i: int, ell: int) -> int:
    """CI_ℓ(i) = (k_i − 1) Σ_{j on the frontier at exactly distance ℓ} (k_j − 1)."""
    k_i = len(adj[i])
    if k_i <= 1:
        return 0
    _, frontier = _reach(adj, i, ell)
    return (k_i - 1) * sum(len(adj[j]) - 1 for j in frontier)


def _ball(adj: list[set[int]], i: int, radius: int) -> set[int]:
    return _reach(adj, i, radius)[0]


def _reach(adj: list[set[int]], i: int, radius: int) -> tuple[set[int], set[int]]:
    """Nodes within ``radius`` hops of ``i``, and those at exactly ``radius`` hops."""
    seen = {i}
    frontier = {i}
    for _ in range(radius):
        nxt: set[int] = set()
        for u in frontier:
            nxt |= adj[u]
        nxt -= seen
        seen |= nxt
        frontier = nxt
        if not frontier:
            break
    return seen, frontier


def collective_influence(graph: ig.Graph, ell: int = 2) -> list[int]:
    """CI_ℓ of every vertex (Morone & Makse 2015, eq. 3) on the simple undirected graph."""
    adj = [set(a) for a in simple_view(graph).get_adjlist()]
    return [_ci_value(adj, i, ell) for i in range(len(adj))]


def collective_influence_order(
    graph: ig.Graph,
    k: int | None = None,
    *,
    ell: int = 2,
    adaptive: bool = True,
    exclude: Collection[int] = (),
) -> list[int]:
    """Highest CI_ℓ first; adaptive updates CI only within ℓ+1 hops of each removed node.

    Ties (including the CI = 0 tail once the network is tree-like) fall back to degree, then index.
    """
    adj = [set(a) for a in simple_view(graph).get_adjlist()]
    n = len(adj)
    eligible = set(_eligible(n, exclude))
    k = len(eligible) if k is None else min(k, len(eligible))
    ci = [_ci_value(adj, i, ell) for i in range(n)]
    if not adaptive:
        return sorted(eligible, key=lambda v: (-ci[v], -len(adj[v]), v))[:k]
    heap = [(-ci[v], -len(adj[v]), v) for v in eligible]
    heapq.heapify(heap)
    removed: set[int] = set()
    order: list[int] = []
    while heap and len(order) < k:
        neg_ci, neg_deg, v = heapq.heappop(heap)
        if v in removed or -neg_ci != ci[v] or -neg_deg != len(adj[v]):
            continue
        order.append(v)
        removed.add(v)
        affected = _ball(adj, v, ell + 1) - {v}
        for u in adj[v]:
            adj[u].discard(v)
        adj[v] = set()
        for u in affected:
            ci[u] = _ci_value(adj, u, ell)
            if u in eligible and u not in removed:
                heapq.heappush(heap, (-ci[u], -len(adj[u]), u))
    return order


# --------------------------------------------------------------------------- look-ahead choice

BASE_HEURISTICS = ("betweenness", "degree", "collective_influence")


@dataclass(frozen=True)
class LookaheadConfig:
    """How the look-ahead searches: candidates per source, horizon, and the base orders it rolls.

    Efficiency is exact up to ``exact_limit`` nodes, else estimated from ``sample_sources`` fixed
    sources (as the curves are); betweenness is sampled above ``EXACT_LIMIT`` nodes.
    """

    per_source: int = 3
    horizon: int = 6
    heuristics: tuple[str, ...] = BASE_HEURISTICS
    exact_limit: int = 300
    sample_sources: int = SAMPLE_SOURCES
    seed: int = 0


@dataclass(frozen=True)
class Projection:
    """Sum of LCC and of relative efficiency over the removal and the steps that follow it."""

    vertex: int
    immediate: tuple[float, float]
    lcc_sum: float
    efficiency_sum: float
    steps: int
    heuristic: str

    @property
    def total(self) -> float:
        return self.lcc_sum + self.efficiency_sum


@dataclass(frozen=True)
class LookaheadChoice:
    """Candidates best first, what each is projected to do, and the bar they had to clear."""

    ranked: list[int]
    projections: dict[int, Projection]
    reference: Projection | None
    reference_heuristic: str | None
    candidates: int
    cleared: frozenset[int] = frozenset()
    before: tuple[float, float] = (1.0, 1.0)


class LookaheadState:
    """Measures LCC and efficiency of a graph whose removed nodes have lost their edges.

    Keeping every vertex (edges deleted, as ``dismantling_curve`` does) keeps indices stable
    across copies, so a roll-out never re-maps nodes.
    """

    def __init__(self, graph: ig.Graph, config: LookaheadConfig, n_original: int) -> None:
        self.n0 = n_original
        self.sources = efficiency_sources(
            n_original,
            exact_limit=config.exact_limit,
            sample=config.sample_sources,
            seed=config.seed,
        )
        self.e0 = efficiency_value(graph, n_original, self.sources) or 1.0

    def measure(self, graph: ig.Graph) -> tuple[float, float]:
        lcc = max(graph.connected_components().sizes()) / self.n0 if self.n0 else 0.0
        return lcc, efficiency_value(graph, self.n0, self.sources) / self.e0


def _without(graph: ig.Graph, v: int) -> ig.Graph:
    out = graph.copy()
    out.delete_edges(out.incident(v))
    return out


def heuristic_scores(graph: ig.Graph, name: str, *, seed: int = 0) -> list[float]:
    """Scores of one base order on the graph as it stands (higher = removed first)."""
    if name == "degree":
        return [float(d) for d in graph.degree()]
    if name == "betweenness":
        n = graph.vcount()
        sources = None
        if n > EXACT_LIMIT:
            sources = random.Random(seed).sample(range(n), min(SAMPLE_SOURCES, n))
        return graph.betweenness(directed=False, sources=sources)
    if name == "collective_influence":
        return [float(x) for x in collective_influence(graph)]
    raise EslabonError(f"unknown base order {name!r}", hint=f"use one of {BASE_HEURISTICS}")


def _top(
    scores: Sequence[float], degree: Sequence[int], eligible: Collection[int], k: int
) -> list[int]:
    return sorted(eligible, key=lambda v: (-scores[v], -degree[v], v))[:k]


def lookahead_choice(
    graph: ig.Graph,
    eligible: Collection[int],
    *,
    remaining: int,
    state: LookaheadState,
    config: LookaheadConfig,
    extra: Sequence[int] = (),
) -> LookaheadChoice:
    """Rank this round's candidates by a roll-out of the base orders (Bertsekas' rollout).

    Candidates: each base order's top ``per_source``, the top ``per_source`` by immediate fall of
    LCC + efficiency, and ``extra`` (the role-aware top). Each candidate is removed and then each
    base order is followed for up to ``horizon`` removals; its projection is the best of those
    continuations. The bar is the best base order followed from here unchanged: a candidate is
    preferred only if its projection is no worse on LCC *and* on efficiency, so the look-ahead
    never buys one curve with the other; if none clears the bar, the base order's own pick leads.
    ``graph`` keeps removed nodes as isolated vertices; ``eligible`` are vertex indices.
    """
    pool = set(eligible)
    if not pool:
        return LookaheadChoice([], {}, None, None, 0, before=state.measure(graph))
    degree = graph.degree()
    per = max(1, config.per_source)
    candidates: set[int] = {v for v in extra if v in pool}
    first_pick: dict[str, int] = {}
    for name in config.heuristics:
        top = _top(heuristic_scores(graph, name, seed=config.seed), degree, pool, per)
        first_pick[name] = top[0]
        candidates.update(top)
    # Immediate damage: over everyone when few, else over the candidates found so far.
    screened = sorted(pool) if len(pool) <= 8 * per else sorted(candidates)
    after = {v: _without(graph, v) for v in screened}
    immediate = {v: state.measure(g) for v, g in after.items()}
    candidates.update(sorted(immediate, key=lambda v: (sum(immediate[v]), v))[:per])
    horizon = max(0, min(config.horizon, remaining - 1))
    heuristics = config.heuristics if horizon else ("none",)

    def roll(v: int, name: str) -> Projection:
        g = after[v] if v in after else _without(graph, v)
        first = immediate[v] if v in immediate else state.measure(g)
        lcc_sum, eff_sum, steps = first[0], first[1], 1
        alive = pool - {v}
        for _ in range(horizon):
            if not alive:
                break
            scores = heuristic_scores(g, name, seed=config.seed)
            nxt = _top(scores, g.degree(), alive, 1)[0]
            alive.discard(nxt)
            g = _without(g, nxt)
            lcc, eff = state.measure(g)
            lcc_sum, eff_sum, steps = lcc_sum + lcc, eff_sum + eff, steps + 1
        return Projection(v, first, lcc_sum, eff_sum, steps, name)

    projections: dict[int, Projection] = {}
    reference: Projection | None = None
    reference_name: str | None = None
    rolled: dict[tuple[int, str], Projection] = {}
    for v in sorted(candidates):
        for name in heuristics:
            rolled[(v, name)] = roll(v, name)
        projections[v] = min(
            (rolled[(v, name)] for name in heuristics),
            key=lambda p: (p.total, p.lcc_sum, p.efficiency_sum),
        )
    if horizon:
        for name in config.heuristics:
            own = rolled[(first_pick[name], name)]
            if reference is None or (own.total, own.lcc_sum) < (reference.total, reference.lcc_sum):
                reference, reference_name = own, name
    tol = 1e-12

    def clears(p: Projection) -> bool:
        if reference is None:
            return True
        return (
            p.lcc_sum <= reference.lcc_sum + tol
            and p.efficiency_sum <= reference.efficiency_sum + tol
        )

    def key(v: int) -> tuple[float, float, int]:
        return (projections[v].total, sum(projections[v].immediate), v)

    cleared = sorted((v for v in candidates if clears(projections[v])), key=key)
    rest = sorted((v for v in candidates if v not in cleared), key=key)
    passed = frozenset(cleared)
    if not cleared and reference is not None:
        cleared = [reference.vertex]
        rest = [v for v in rest if v != reference.vertex]
    return LookaheadChoice(
        ranked=cleared + rest,
        projections=projections,
        reference=reference,
        reference_heuristic=reference_name,
        candidates=len(candidates),
        cleared=passed | {cleared[0]} if cleared else passed,
        before=state.measure(graph),
    )


def lookahead_order(
    graph: ig.Graph,
    k: int | None = None,
    *,
    exclude: Collection[int] = (),
    config: LookaheadConfig | None = None,
) -> list[int]:
    """Removal order chosen round by round by ``lookahead_choice`` (structure only, no roles)."""
    config = config or LookaheadConfig()
    simple = simple_view(graph)
    n = simple.vcount()
    eligible = set(_eligible(n, exclude))
    k = len(eligible) if k is None else min(k, len(eligible))
    state = LookaheadState(simple, config, n)
    work = simple.copy()
    order: list[int] = []
    while len(order) < k:
        choice = lookahead_choice(
            work, eligible, remaining=k - len(order), state=state, config=config
        )
        if not choice.ranked:
            break
        v = choice.ranked[0]
        order.append(v)
        eligible.discard(v)
        work.delete_edges(work.incident(v))
    return order
