"""eslabon's removal order: whom to prosecute so the network is disrupted, not just inconvenienced.

Each targetable actor is scored on the network that remains after the actors ranked above it are
removed (adaptive, like the baselines it is compared with), from six signals, each in [0, 1]:

- fragmentation: rise in Borgatti's F when the actor alone is removed (exact for every actor in
  one depth-first pass: only articulation points split components);
- brokerage: betweenness counted only over pairs in *different* segments (communities), i.e. how
  much traffic between segments of the route runs through the actor;
- key player: membership of the KPP-Neg set of size ``top`` on the intact network;
- scarcity: 1 / number of remaining holders of the actor's role (sole forger → 1);
- recovery-adjusted damage: route capacity still missing after others of the same role try to take
  over (``recovery.simulate_recovery``) — this is what separates a coordinator from a busy driver;
- route cut: membership of the route's cuts (``route_flow.route_cuts``) that fit in ``top``: the
  sets of actors each of which alone stops the route, weighed by how unlikely the network is to
  fill the places again (−log of the chance, ``recovery.yaml``), lightest first. The cuts are
  disjoint, so when a newcomer mends one the others still hold — where the recovery damage of a
  second pick reads nil once the first has stopped the route. Its weight puts these actors first.

Evidence strength (computed later from the store) is reported with each actor and mildly weighs the
score: ``score × (1 − w + w × strength)``.

Migrants and victims are never ranked; an actor recorded both as victim/migrant and in an offending
role (e.g. a coerced recruiter) is held for a human decision, with its score on the intact network
shown for context.

With ``lookahead`` (the edge-list mode and the benchmark) the *order* is chosen for dismantling
instead: each round the role-aware top, the top of degree, betweenness and collective influence,
and the top by immediate damage are each removed and rolled forward along those base orders
(``dismantle.lookahead_choice``); the pick must project no worse on LCC and on efficiency than the
best base order left unchanged. The score is then the fall of (LCC + efficiency) / 2 the removal
itself causes; the role-aware signals are still measured for the reasons, and evidence only breaks
ties. The store mode keeps the role-aware order and its time budget.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import igraph as ig

from eslabon.errors import EslabonError
from eslabon.network.dismantle import (
    EXACT_LIMIT,
    SAMPLE_SOURCES,
    LookaheadChoice,
    LookaheadConfig,
    LookaheadState,
    lookahead_choice,
)
from eslabon.network.graph_io import simple_view, vertex_names, vertex_roles
from eslabon.network.keyplayer import KeyPlayerSet, kpp_neg
from eslabon.network.recovery import (
    NON_TARGET_ROLES,
    Capacity,
    RecoveryConfig,
    RecoveryOutcome,
    default_capacity,
    simulate_recovery,
)

# A cut the network mends with 90% odds or more (every holder of a replaceable stage, four
# drivers say) is not worth places in the plan: the picks go to the other signals instead.
CUT_MIN_HOLD = 0.1
SIGNALS = ("fragmentation", "brokerage", "keyplayer", "scarcity", "recovery_damage", "route_cut")


@dataclass(frozen=True)
class Evidence:
    """How well the file supports acting against this actor, with the reasons (from the store)."""

    strength: float
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0.0 <= self.strength <= 1.0:
            raise EslabonError(
                f"evidence strength must be within [0, 1], got {self.strength}", field="evidence"
            )


@dataclass(frozen=True)
class RankWeights:
    """Relative weight of each signal; ``evidence`` is the most the evidence factor can take off."""

    fragmentation: float = 1.0
    brokerage: float = 1.0
    keyplayer: float = 0.5
    scarcity: float = 1.0
    recovery_damage: float = 1.5
    # More than all the other signals together: the actors of the route's cuts come first, in
    # the order the other signals give them, then everyone else.
    route_cut: float = 8.0
    evidence: float = 0.2


@dataclass
class RankedNode:
    """One actor: score, its parts, the facts behind them, and reasons a person can read."""

    name: str
    rank: int | None
    score: float
    roles: tuple[str, ...]
    signals: dict[str, float]
    facts: dict[str, Any]
    reasons: list[str]
    evidence: Evidence | None = None
    needs_human_decision: bool = False


@dataclass
class DisruptionRanking:
    """Ranked targets (in removal order), actors held for review, and who was never ranked."""

    entries: list[RankedNode]
    held_for_review: list[RankedNode]
    never_ranked: list[str]
    keyplayer: KeyPlayerSet
    capacity_name: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def order(self) -> list[str]:
        return [e.name for e in self.entries]

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "entries": [asdict(e) for e in self.entries],
            "held_for_review": [asdict(e) for e in self.held_for_review],
            "never_ranked": self.never_ranked,
            "keyplayer": self.keyplayer.to_dict(),
            "capacity": self.capacity_name,
            "settings": self.settings,
        }


# --------------------------------------------------------------------------- structural signals


@contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """Run igraph's randomised routines (Louvain) reproducibly, then restore the default RNG."""
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def segments_of(graph: ig.Graph, seed: int = 0) -> list[int]:
    """Segment (community) id per vertex: Louvain on the simple graph, seeded."""
    simple = simple_view(graph)
    if simple.ecount() == 0:
        return list(range(simple.vcount()))
    with seeded_igraph(seed):
        return list(simple.community_multilevel().membership)


def removal_splits(adj: Sequence[Sequence[int]]) -> tuple[list[int], list[int], int]:
    """Per vertex: parts its component falls into without it, and Σ s(s−1) after its removal.

    One iterative Hopcroft–Tarjan DFS: a child subtree with low ≥ disc(v) is cut off by v.
    Also returns Σ s(s−1) of the graph as it stands.
    """
    n = len(adj)
    disc = [-1] * n
    low = [0] * n
    sub = [1] * n
    cut: list[list[int]] = [[] for _ in range(n)]
    pieces = [0] * n
    new_sum = [0] * n
    comps: list[tuple[int, list[int]]] = []
    clock = 0
    for root in range(n):
        if disc[root] != -1:
            continue
        disc[root] = low[root] = clock
        clock += 1
        members: list[int] = []
        stack: list[tuple[int, int, Iterator[int]]] = [(root, -1, iter(adj[root]))]
        while stack:
            v, parent, it = stack[-1]
            descended = False
            for w in it:
                if disc[w] == -1:
                    disc[w] = low[w] = clock
                    clock += 1
                    stack.append((w, v, iter(adj[w])))
                    descended = True
                    break
                if w != parent and disc[w] < low[v]:
                    low[v] = disc[w]
            if descended:
                continue
            stack.pop()
            members.append(v)
            if parent != -1:
                low[parent] = min(low[parent], low[v])
                sub[parent] += sub[v]
                if low[v] >= disc[parent]:
                    cut[parent].append(sub[v])
        comps.append((sub[root], members))
    base = sum(s * (s - 1) for s, _ in comps)
    for size, members in comps:
        for v in members:
            rest = size - 1 - sum(cut[v])
            parts = [*cut[v], rest] if rest > 0 else list(cut[v])
            pieces[v] = len(parts)
            new_sum[v] = base - size * (size - 1) + sum(p * (p - 1) for p in parts)
    return pieces, new_sum, base


def intersegment_betweenness(
    graph: ig.Graph, segment: Sequence[int], *, exact_limit: int = EXACT_LIMIT, seed: int = 0
) -> list[float]:
    """Betweenness over source–target pairs in different segments: total minus within-segment.

    Above ``exact_limit`` nodes, a seeded sample of sources is used (relative values only).
    """
    n = graph.vcount()
    if n == 0 or graph.ecount() == 0:
        return [0.0] * n
    sources = list(range(n))
    if n > exact_limit:
        sources = sorted(random.Random(seed).sample(range(n), min(SAMPLE_SOURCES, n)))
    total = graph.betweenness(directed=False, sources=None if n <= exact_limit else sources)
    by_segment: dict[int, list[int]] = {}
    for v in range(n):
        by_segment.setdefault(segment[v], []).append(v)
    within = [0.0] * n
    source_set = set(sources)
    for members in by_segment.values():
        src = [v for v in members if v in source_set]
        if not src or len(members) < 3:
            continue  # paths inside a 1–2 node segment have no intermediaries
        part = graph.betweenness(directed=False, sources=src, targets=members)
        for v, b in enumerate(part):
            within[v] += b
    return [max(0.0, t - w) for t, w in zip(total, within, strict=True)]


# --------------------------------------------------------------------------- the ranking


def _classify(roles: list[tuple[str, ...]]) -> tuple[set[int], set[int]]:
    """(never ranked: only victim/migrant roles; flagged: victim/migrant *and* offending role)"""
    never, flagged = set(), set()
    for v, rs in enumerate(roles):
        protected = NON_TARGET_ROLES.intersection(rs)
        if protected and set(rs) - NON_TARGET_ROLES:
            flagged.add(v)
        elif protected:
            never.add(v)
    return never, flagged


def _normalise(values: Mapping[int, float]) -> dict[int, float]:
    top = max(values.values(), default=0.0)
    return {v: (x / top if top > 0 else 0.0) for v, x in values.items()}


def _plural(role: str, count: int) -> str:
    word = role.replace("_", " ")
    return word if count == 1 else f"{word}s"


def rank_for_disruption(
    graph: ig.Graph,
    *,
    top: int = 10,
    evidence: Mapping[str, Evidence] | None = None,
    capacity: Capacity | None = None,
    capacity_name: str | None = None,
    segments: Mapping[str, int | str] | None = None,
    weights: RankWeights | None = None,
    recovery: RecoveryConfig | None = None,
    pool: int | None = None,
    batch: int = 1,
    keyplayer_k: int | None = None,
    exact_limit: int = EXACT_LIMIT,
    seed: int = 0,
    lookahead: LookaheadConfig | None = None,
) -> DisruptionRanking:
    """Rank up to ``top`` actors for removal, adaptively, with reasons.

    ``segments`` (name → segment id) overrides the Louvain segments, e.g. route stages from the
    store. ``pool`` bounds how many of each round's best candidates get the (costlier) recovery
    simulation; ``batch`` > 1 takes several actors per round on large graphs; ``keyplayer_k``
    (default ``min(top, 20)``) bounds the KPP-Neg set, whose search cost grows with k.
    ``lookahead`` orders by projected dismantling (module docstring) instead of the role score.
    """
    weights = weights or RankWeights()
    recovery = recovery or RecoveryConfig(runs=10, measure_efficiency=False, seed=seed)
    simple = simple_view(graph)
    n = simple.vcount()
    names = vertex_names(simple)
    roles = vertex_roles(simple)
    evidence = dict(evidence or {})
    unknown = sorted(set(evidence) - set(names))
    if unknown:
        raise EslabonError(
            f"evidence given for {len(unknown)} node(s) not in the network, e.g. {unknown[0]!r}",
            field="evidence",
        )
    never, flagged = _classify(roles)
    targets = [v for v in range(n) if v not in never and v not in flagged]
    if capacity is None:
        capacity, default_name = default_capacity(simple)
        capacity_name = capacity_name or default_name
    capacity_name = capacity_name or "caller-supplied capacity"
    if segments is not None:
        labels = {label: i for i, label in enumerate(sorted({str(s) for s in segments.values()}))}
        segment = [
            labels[str(segments[nm])] if nm in segments else len(labels) + v
            for v, nm in enumerate(names)
        ]
    else:
        segment = segments_of(simple, seed)
    k_set = min(keyplayer_k if keyplayer_k is not None else min(top, 20), len(targets))
    keyplayer = kpp_neg(simple, k_set, exclude=never | flagged)
    in_kpp = set(keyplayer.indices)
    cuts = _route_cuts(simple, capacity, recovery, top)
    cut_of = {v: i for i, cut in enumerate(cuts) for v in cut}
    pool_size = pool if pool is not None else max(30, 3 * top)
    signal_weights = {s: getattr(weights, s) for s in SIGNALS}
    weight_sum = sum(signal_weights.values()) or 1.0

    removed: list[int] = []
    entries: list[RankedNode] = []
    held: list[RankedNode] = []
    budget = min(top, len(targets))
    state = LookaheadState(simple, lookahead, n) if lookahead is not None else None
    work = simple.copy() if lookahead is not None else None
    while len(entries) < budget:
        gone = set(removed)
        alive = [v for v in range(n) if v not in gone]
        local = {v: i for i, v in enumerate(alive)}
        residual = simple.induced_subgraph(alive)
        adj = residual.get_adjlist()
        m = len(alive)
        pieces, new_sum, base = removal_splits(adj)
        f_before = 1 - base / (m * (m - 1)) if m > 1 else 1.0
        frag = {}
        for v in alive:
            i = local[v]
            f_after = 1 - new_sum[i] / ((m - 1) * (m - 2)) if m > 2 else 1.0
            # Only cut vertices fragment; elsewhere F moves only because n shrinks.
            frag[v] = max(0.0, f_after - f_before) if pieces[i] >= 2 else 0.0
        seg_local = [segment[v] for v in alive]
        broker = intersegment_betweenness(residual, seg_local, exact_limit=exact_limit, seed=seed)
        broker_of = {v: broker[local[v]] for v in alive}
        holders: dict[str, int] = {}
        for v in alive:
            if v in never:
                continue
            for r in set(roles[v]) - NON_TARGET_ROLES:
                holders[r] = holders.get(r, 0) + 1

        scorable = [v for v in alive if v not in never and (v not in flagged or not removed)]
        pickable = [v for v in scorable if v not in flagged]
        if not pickable:
            break
        frag_n = _normalise({v: frag[v] for v in scorable})
        broker_n = _normalise({v: broker_of[v] for v in scorable})
        scarcity = {
            v: max((1 / holders[r] for r in set(roles[v]) - NON_TARGET_ROLES), default=0.0)
            for v in scorable
        }
        signals: dict[int, dict[str, float]] = {
            v: {
                "fragmentation": frag_n[v],
                "brokerage": broker_n[v],
                "keyplayer": 1.0 if v in in_kpp else 0.0,
                "scarcity": scarcity[v],
                "recovery_damage": 0.0,
                "route_cut": 1.0 if v in cut_of else 0.0,
            }
            for v in scorable
        }

        def combined(v: int, signals: dict[int, dict[str, float]] = signals) -> float:
            return sum(signal_weights[s] * signals[v][s] for s in SIGNALS) / weight_sum

        prelim = sorted(scorable, key=lambda v: (-combined(v), names[v]))
        choice: LookaheadChoice | None = None
        look_order: list[int] = []
        if lookahead is not None and work is not None and state is not None:
            pickable_set = set(pickable)
            choice = lookahead_choice(
                work,
                pickable_set,
                remaining=budget - len(entries),
                state=state,
                config=lookahead,
                extra=[v for v in prelim if v in pickable_set][: lookahead.per_source],
            )
            # A batch larger than the candidates (huge graphs) is filled in role-score order.
            look_order = _evidence_ties(choice, evidence, names)
            taken = set(look_order)
            look_order += [v for v in prelim if v in pickable_set and v not in taken]
            # Recovery is simulated for the actors taken this round only (for their reasons).
            simulate = set(look_order[: max(1, batch)]) | (
                flagged & set(scorable) if not removed else set()
            )
        else:
            simulate = set(prelim[:pool_size]) | (flagged & set(scorable))
        outcomes: dict[int, RecoveryOutcome] = {}

        def explain(
            v: int,
            outcomes: dict[int, RecoveryOutcome] = outcomes,
            residual: ig.Graph = residual,
            local: dict[int, int] = local,
        ) -> RecoveryOutcome:
            """Removal of ``v`` from the network as it stands now, for the reasons."""
            if v not in outcomes:
                outcomes[v] = simulate_recovery(
                    residual,
                    [local[v]],
                    capacity=capacity,
                    capacity_name=capacity_name,
                    config=recovery,
                )
            return outcomes[v]

        if choice is None:
            damage = _marginal_damage(
                simple, removed, sorted(simulate), capacity, capacity_name, recovery
            )
            damage_n = _normalise(damage)
        else:
            damage = damage_n = {v: explain(v).lasting_damage for v in sorted(simulate)}
        for v in simulate:
            signals[v]["recovery_damage"] = damage_n[v]

        def final(v: int, choice: LookaheadChoice | None = choice) -> float:
            if choice is not None and v in choice.projections:
                # Fall of (LCC + efficiency) / 2 this removal causes, in shares of the intact
                # network; the look-ahead, not this number, decides the order.
                after = choice.projections[v].immediate
                return max(0.0, (sum(choice.before) - sum(after)) / 2)
            score = combined(v)
            if evidence:
                strength = evidence[names[v]].strength if names[v] in evidence else 0.0
                score *= 1 - weights.evidence + weights.evidence * strength
            return score

        ctx = _Round(
            names=names,
            roles=roles,
            segment=segment,
            alive=alive,
            local=local,
            adj=adj,
            pieces=pieces,
            frag=frag,
            broker=broker_of,
            holders=holders,
            signals=signals,
            outcomes=outcomes,
            removed=len(removed),
            in_kpp=in_kpp,
            keyplayer=keyplayer,
            cuts=cuts,
            cut_of=cut_of,
            flagged=flagged,
            evidence=evidence,
            choice=choice,
        )
        if not removed:
            for v in flagged & set(scorable):
                explain(v)
            held = [_entry(ctx, v, None, final(v)) for v in sorted(flagged, key=lambda u: names[u])]
        if choice is not None:
            ordered = look_order
        else:
            ordered = sorted(pickable, key=lambda v: (-final(v), names[v]))
        for v in ordered[: max(1, batch)]:
            if len(entries) >= top:
                break
            explain(v)
            entries.append(_entry(ctx, v, len(entries) + 1, final(v)))
            removed.append(v)
            if work is not None:
                work.delete_edges(work.incident(v))

    held.sort(key=lambda e: (-e.score, e.name))
    return DisruptionRanking(
        entries=entries,
        held_for_review=held,
        never_ranked=sorted(names[v] for v in never),
        keyplayer=keyplayer,
        capacity_name=capacity_name,
        settings={
            "top": top,
            "adaptive": True,
            "batch": batch,
            "recovery": asdict(recovery),
            "weights": asdict(weights),
            "segments": "caller-supplied" if segments is not None else "Louvain (seeded)",
            "seed": seed,
            "order": "role-aware score" if lookahead is None else "look-ahead dismantling",
            "lookahead": None if lookahead is None else asdict(lookahead),
            "note": "each actor is scored on the network left after removing those ranked above",
        },
    )


@dataclass
class _Round:
    """What one scoring round knows, so that entries can be written outside the loop."""

    names: list[str]
    roles: list[tuple[str, ...]]
    segment: list[int]
    alive: list[int]
    local: dict[int, int]
    adj: list[list[int]]
    pieces: list[int]
    frag: dict[int, float]
    broker: dict[int, float]
    holders: dict[str, int]
    signals: dict[int, dict[str, float]]
    outcomes: dict[int, RecoveryOutcome]
    removed: int
    in_kpp: set[int]
    keyplayer: KeyPlayerSet
    cuts: list[list[int]]
    cut_of: dict[int, int]
    flagged: set[int]
    evidence: dict[str, Evidence]
    choice: LookaheadChoice | None = None


def _evidence_ties(
    choice: LookaheadChoice, evidence: Mapping[str, Evidence], names: Sequence[str]
) -> list[int]:
    """The look-ahead's ranking, with exact ties (same projection) broken by evidence strength."""

    def strength(v: int) -> float:
        ev = evidence.get(names[v])
        return ev.strength if ev is not None else 0.0

    position = {v: i for i, v in enumerate(choice.ranked)}

    def tie(v: int) -> tuple[float, float] | int:
        p = choice.projections.get(v)
        return v if p is None else (round(p.lcc_sum, 12), round(p.efficiency_sum, 12))

    first_at: dict[tuple[float, float] | int, int] = {}
    for i, v in enumerate(choice.ranked):
        first_at.setdefault(tie(v), i)
    return sorted(choice.ranked, key=lambda v: (first_at[tie(v)], -strength(v), position[v]))


def _marginal_damage(
    graph: ig.Graph,
    removed: list[int],
    candidates: list[int],
    capacity: Capacity,
    capacity_name: str,
    recovery: RecoveryConfig,
) -> dict[int, float]:
    """Expected route capacity each candidate's removal takes, on top of those removed before.

    Simulated on the intact network with everyone removed so far (their recovery included), so
    after the coordinator is gone the next choice is whoever most reduces what a newcomer
    coordinator could still run — not, as on the bare residual, a tie among zeros. Runs share
    one seed, so the candidates are compared on the same draws.
    """

    def after(gone: list[int]) -> RecoveryOutcome:
        return simulate_recovery(
            graph, gone, capacity=capacity, capacity_name=capacity_name, config=recovery
        )

    now = after(removed) if removed else None
    out: dict[int, float] = {}
    for v in candidates:
        joint = after([*removed, v])
        base = joint.baseline.capacity
        left = now.after_recovery.capacity if now is not None else base
        out[v] = max(0.0, left - joint.after_recovery.capacity) / base if base > 0 else 0.0
    return out


def _route_cuts(
    graph: ig.Graph, capacity: Capacity, recovery: RecoveryConfig, budget: int
) -> list[list[int]]:
    """The route's cuts within ``budget`` (``route_flow.route_cuts``), weighed by how hard each
    actor is to replace, that hold with odds of at least ``CUT_MIN_HOLD``, when the capacity is
    a route's; none for other capacities."""
    cuts_of = getattr(capacity, "cuts", None)
    if cuts_of is None or budget <= 0:
        return []
    roles = vertex_roles(graph)
    odds = recovery.replacement or {}

    def weight(v: int) -> float:
        own = set(roles[v]) - NON_TARGET_ROLES
        p = max((odds.get(r, recovery.takeover_probability) for r in own), default=1.0)
        return -math.log(1.0 - min(max(p, 0.01), 0.99))

    return cuts_of(graph, weight, budget, max_weight=-math.log(CUT_MIN_HOLD))


def _entry(ctx: _Round, v: int, rank: int | None, score: float) -> RankedNode:
    """The ranked node with its facts and reasons as measured in this round."""
    name = ctx.names[v]
    ev = ctx.evidence.get(name)
    if ctx.evidence and ev is None:
        ev = Evidence(0.0, ("no evidence supplied",))
    out = ctx.outcomes.get(v)
    own = sorted(set(ctx.roles[v]) - NON_TARGET_ROLES)
    i = ctx.local[v]
    segs = {ctx.segment[u] for u in [v, *(ctx.alive[j] for j in ctx.adj[i])]}
    facts: dict[str, Any] = {
        "round": ctx.removed + 1,
        "degree": len(ctx.adj[i]),
        "parts_after_removal": ctx.pieces[i],
        "fragmentation_delta": ctx.frag[v],
        "intersegment_betweenness": ctx.broker[v],
        "segments_spanned": len(segs),
        "role_holders": {r: ctx.holders.get(r, 0) for r in own},
        "in_keyplayer_set": v in ctx.in_kpp,
    }
    if v in ctx.cut_of:
        cut = ctx.cuts[ctx.cut_of[v]]
        facts["route_cut"] = {
            "cut": ctx.cut_of[v] + 1,
            "of": len(ctx.cuts),
            "with": sorted(ctx.names[u] for u in cut if u != v),
            "roles": sorted({r for u in cut for r in ctx.roles[u]} - NON_TARGET_ROLES),
        }
    if out is not None:
        facts.update(
            capacity_before=out.baseline.capacity,
            capacity_after_removal=out.after_removal.capacity,
            capacity_after_recovery=out.after_recovery.capacity,
            restored=out.restored,
            lasting_damage=out.lasting_damage,
            unreplaceable=out.unreplaceable.get(name),
        )
    projection = None if ctx.choice is None else ctx.choice.projections.get(v)
    if projection is not None and ctx.choice is not None:
        facts["lookahead"] = {
            "lcc_after": projection.immediate[0],
            "efficiency_after": projection.immediate[1],
            "projected_steps": projection.steps,
            "continued_by": projection.heuristic,
            "projected_lcc_mean": projection.lcc_sum / projection.steps,
            "projected_efficiency_mean": projection.efficiency_sum / projection.steps,
            "candidates": ctx.choice.candidates,
            "bar": ctx.choice.reference_heuristic if v in ctx.choice.cleared else None,
        }
    reasons = _reasons(own, facts, ctx.keyplayer, ev, ctx.removed)
    if projection is not None:
        reasons.insert(0, _lookahead_reason(facts["lookahead"]))
    if v in ctx.flagged:
        protected = sorted(NON_TARGET_ROLES.intersection(ctx.roles[v]))
        reasons.insert(
            0,
            f"also recorded as {'/'.join(protected)} (possible coercion): "
            "a person must decide before this actor is targeted",
        )
    return RankedNode(
        name=name,
        rank=rank,
        score=round(score, 6),
        roles=tuple(ctx.roles[v]),
        signals={s: round(x, 6) for s, x in ctx.signals[v].items()},
        facts=facts,
        reasons=reasons,
        evidence=ev,
        needs_human_decision=v in ctx.flagged,
    )


def _lookahead_reason(look: dict[str, Any]) -> str:
    """Why the look-ahead took this actor now, in the curves' own terms."""
    text = (
        f"removal leaves the largest connected group at {look['lcc_after']:.0%} of the network "
        f"and global efficiency at {look['efficiency_after']:.0%}"
    )
    if look["projected_steps"] > 1:
        text += (
            f"; best of {look['candidates']} candidates over the next {look['projected_steps']} "
            f"removals (continued by {look['continued_by'].replace('_', ' ')})"
        )
        if look["bar"]:
            text += f", no worse on either curve than {look['bar'].replace('_', ' ')} alone"
    return text


def _reasons(
    own: list[str],
    facts: dict[str, Any],
    keyplayer: KeyPlayerSet,
    ev: Evidence | None,
    already_removed: int,
) -> list[str]:
    """Sentences an investigator can check against the chart."""
    reasons: list[str] = []
    scope = "left in the network" if already_removed else "in the network"
    for role in own:
        count = facts["role_holders"].get(role, 0)
        if count == 1:
            reasons.append(f"sole {_plural(role, 1)} {scope}")
        elif count <= 3:
            reasons.append(f"one of only {count} {_plural(role, count)} {scope}")
    if not own:
        reasons.append("role unknown")
    # what puts the actor where it is in the order: first after the role's scarcity
    if "route_cut" in facts:
        cut = facts["route_cut"]
        n = len(cut["with"])
        who = "alone" if not n else f"with {n} other{'s' if n > 1 else ''}"
        reasons.append(
            f"{who}, stops the route ({'/'.join(r.replace('_', ' ') for r in cut['roles'])}): "
            f"cut {cut['cut']} of {cut['of']}, in order of how hard the network finds it to fill "
            "the places again"
        )
    if facts["segments_spanned"] >= 2 and facts["intersegment_betweenness"] > 0:
        reasons.append(f"brokers between {facts['segments_spanned']} segments")
    parts = facts["parts_after_removal"]
    if "capacity_before" in facts and facts["capacity_before"] > 0:
        lost = 1 - facts["capacity_after_removal"] / facts["capacity_before"]
        restored = facts["restored"]
        text = f"removal cuts route capacity by {lost:.0%}"
        if parts >= 2:
            text = f"removal splits the network into {parts} parts and {text[8:]}"
        if restored is not None:
            text += f"; recovery by others restores {max(0.0, restored):.0%}"
        if lost > 0 or parts >= 2:
            reasons.append(text)
    elif parts >= 2:
        reasons.append(f"removal splits the network into {parts} parts")
    if facts.get("unreplaceable") and own:
        reasons.append(f"no one can take over: {facts['unreplaceable']}")
    for role in own:
        count = facts["role_holders"].get(role, 0)
        restored = facts.get("restored")
        if count > 3 and (restored is None or restored >= 0.5):
            reasons.append(
                f"replaceable: {count - 1} other {_plural(role, count - 1)} could take over"
            )
    if facts["in_keyplayer_set"]:
        reasons.append(
            f"in the key-player set (KPP-Neg, k={len(keyplayer.indices)}) whose joint removal "
            f"fragments the network most (F {keyplayer.intact_value:.2f} → {keyplayer.value:.2f})"
        )
    if ev is not None:
        detail = "; ".join(ev.reasons) if ev.reasons else "no details"
        reasons.append(f"evidence strength {ev.strength:.2f}: {detail}")
    return reasons


# --------------------------------------------------------------------------- comparison report


def compare_with_baselines(
    graph: ig.Graph,
    *,
    top: int = 10,
    evidence: Mapping[str, Evidence] | None = None,
    capacity: Capacity | None = None,
    seed: int = 0,
    lookahead: LookaheadConfig | None = None,
) -> dict[str, Any]:
    """eslabon's ranking plus dismantling curves for it and the three baselines, same budget.

    eslabon's order here is the look-ahead one (``lookahead``, default ``LookaheadConfig()``):
    the comparison is about dismantling, and its reasons still carry the role-aware signals.

    Baselines may not remove anyone eslabon may not (victims, migrants, actors held for review),
    so all four orders compete over the same people.
    """
    from eslabon.network.dismantle import (
        betweenness_order,
        collective_influence_order,
        degree_order,
        dismantling_curve,
    )

    ranking = rank_for_disruption(
        graph,
        top=top,
        evidence=evidence,
        capacity=capacity,
        seed=seed,
        lookahead=lookahead or LookaheadConfig(seed=seed),
    )
    simple = simple_view(graph)
    names = vertex_names(simple)
    index = {nm: i for i, nm in enumerate(names)}
    blocked = {index[nm] for nm in ranking.never_ranked} | {
        index[e.name] for e in ranking.held_for_review
    }
    k = len(ranking.order)
    orders: dict[str, list[int]] = {
        "eslabon": [index[nm] for nm in ranking.order],
        "degree": degree_order(simple, k, exclude=blocked),
        "betweenness": betweenness_order(simple, k, exclude=blocked),
        "collective_influence": collective_influence_order(simple, k, exclude=blocked),
    }
    curves = {
        method: dismantling_curve(simple, order, method=method, seed=seed).to_dict()
        for method, order in orders.items()
    }
    return {
        "nodes": simple.vcount(),
        "edges": simple.ecount(),
        "ranking": ranking.to_dict(),
        "curves": curves,
        "baselines": {
            "degree": "adaptive degree",
            "betweenness": "adaptive betweenness (exact)",
            "collective_influence": "adaptive CI_2 (Morone & Makse 2015)",
            "excluded_from_all_orders": sorted(names[v] for v in blocked),
        },
    }
