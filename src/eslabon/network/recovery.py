"""What the network looks like after others step in for the people removed.

Arresting a driver is often absorbed: another driver picks up the calls. Removing the only forger
or the coordinator is not, because nobody else holds the role (domain.md §6). This module makes
that difference measurable: after a removal, for each removed node with role r the best remaining
holder of r within reach (same component, or within two hops of the removed node's contacts) may
take over — with probability ``takeover_probability`` — and then inherits each of the orphaned ties
with probability ``tie_fraction``. Runs are seeded and averaged.

The result is measured with the largest component, the global efficiency and a *capacity*: any
``Callable[[igraph.Graph], float]`` over the residual graph (vertex attributes ``name`` and
``roles``). The default (``stage_pairs``) counts connected pairs of a route's first- and
last-stage roles (e.g. recruiter → stash keeper); the store-backed code passes the route's
max-flow (``route_flow.route_capacity``) and the newcomer odds of ``recovery.yaml``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import igraph as ig
import yaml

from eslabon.network.dismantle import (
    EXACT_LIMIT,
    SAMPLE_SOURCES,
    efficiency_sources,
    efficiency_value,
    resolve_order,
)
from eslabon.network.graph_io import simple_view, vertex_names, vertex_roles

Capacity = Callable[[ig.Graph], float]

# The people a route moves: its victims, never its future capacity.
CARRIED = frozenset({"migrant", "victim"})
# Never ranked as targets: the people moved, and associates — placed in a network with no act of
# the route recorded (network/roles.py), so there is nothing yet to prosecute them for.
NON_TARGET_ROLES = CARRIED | {"associate"}


@cache
def replacement_odds() -> dict[str, float]:
    """Chance that someone new is found for a role within a period (data: recovery.yaml), for
    ``RecoveryConfig.replacement``."""
    path = Path(__file__).with_name("recovery.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data["replacement"].items()}


# Stage roles of the typical routes, first to last (domain.md §6).
ROUTES: dict[str, tuple[str, ...]] = {
    "smuggling": ("recruiter", "guide", "driver", "stash_keeper"),
    "labour_trafficking": ("recruiter", "driver", "stash_keeper"),
    "drugs": ("importer", "lab_operator", "courier", "distributor"),
}


def stage_pairs(first: str | Collection[str], last: str | Collection[str]) -> Capacity:
    """Capacity = number of (first-stage, last-stage) actor pairs still in one component."""
    first_set = {first} if isinstance(first, str) else set(first)
    last_set = {last} if isinstance(last, str) else set(last)

    def capacity(graph: ig.Graph) -> float:
        if graph.vcount() == 0:
            return 0.0
        membership = graph.connected_components().membership
        a: dict[int, int] = {}
        b: dict[int, int] = {}
        both = 0
        for v, roles in enumerate(vertex_roles(graph)):
            if not roles:
                continue
            is_a = not first_set.isdisjoint(roles)
            is_b = not last_set.isdisjoint(roles)
            if is_a:
                a[membership[v]] = a.get(membership[v], 0) + 1
            if is_b:
                b[membership[v]] = b.get(membership[v], 0) + 1
            both += is_a and is_b
        return float(sum(count * b.get(c, 0) for c, count in a.items()) - both)

    return capacity


def connected_pairs(graph: ig.Graph) -> float:
    """Fallback capacity when no route roles are known: unordered pairs that can still reach."""
    return float(sum(s * (s - 1) // 2 for s in graph.connected_components().sizes()))


def default_capacity(graph: ig.Graph) -> tuple[Capacity, str]:
    """The first known route whose first and last roles both occur, else connected pairs."""
    present = {r for roles in vertex_roles(graph) for r in roles}
    for name, stages in ROUTES.items():
        if stages[0] in present and stages[-1] in present:
            return stage_pairs(stages[0], stages[-1]), (
                f"{name} route: connected {stages[0]}→{stages[-1]} pairs"
            )
    return connected_pairs, "connected actor pairs (no route roles found)"


@dataclass(frozen=True)
class RecoveryConfig:
    """How eagerly others take over; the defaults model a resilient, well-staffed network."""

    takeover_probability: float = 0.8
    tie_fraction: float = 0.6
    reach: Literal["two_hops", "component"] = "two_hops"
    runs: int = 20
    seed: int = 0
    measure_efficiency: bool = True
    exact_limit: int = EXACT_LIMIT
    # role → chance a newcomer is found when no member takes over (None: nobody new joins).
    replacement: Mapping[str, float] | None = None


@dataclass(frozen=True)
class Measures:
    """Network state: LCC and efficiency as fractions of the original network, and capacity."""

    lcc: float
    efficiency: float | None
    capacity: float


@dataclass(frozen=True)
class RecoveryOutcome:
    """Before, right after removal, and after recovery (mean over runs)."""

    removed: list[str]
    baseline: Measures
    after_removal: Measures
    after_recovery: Measures
    takeover_rate: dict[str, float]
    successors: dict[str, dict[str, float]]
    unreplaceable: dict[str, str]
    capacity_name: str
    runs: int
    notes: list[str] = field(default_factory=list)
    # standard error of after_recovery.capacity over the runs: how far another seed may move it
    capacity_se: float = 0.0

    @property
    def restored(self) -> float | None:
        """Share of the capacity lost to the removal that recovery gives back (None: none lost)."""
        lost = self.baseline.capacity - self.after_removal.capacity
        if lost <= 0:
            return None
        return (self.after_recovery.capacity - self.after_removal.capacity) / lost

    @property
    def lasting_damage(self) -> float:
        """Share of the original capacity still missing after recovery."""
        if self.baseline.capacity <= 0:
            return 0.0
        return max(0.0, 1.0 - self.after_recovery.capacity / self.baseline.capacity)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["restored"] = self.restored
        out["lasting_damage"] = self.lasting_damage
        return out


def _measure(
    graph: ig.Graph, n_original: int, capacity: Capacity, sources: list[int] | None, eff: bool
) -> Measures:
    sizes = graph.connected_components().sizes() if graph.vcount() else [0]
    return Measures(
        lcc=max(sizes) / n_original if n_original else 0.0,
        efficiency=efficiency_value(graph, n_original, sources) if eff else None,
        capacity=capacity(graph),
    )


def _mean(values: Sequence[Measures]) -> Measures:
    n = len(values)
    effs = [m.efficiency for m in values]
    return Measures(
        lcc=sum(m.lcc for m in values) / n,
        efficiency=None if any(e is None for e in effs) else sum(effs) / n,  # type: ignore[misc]
        capacity=sum(m.capacity for m in values) / n,
    )


def _standard_error(values: Sequence[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean = sum(values) / n
    return math.sqrt(sum((x - mean) ** 2 for x in values) / (n - 1) / n)


def simulate_recovery(
    graph: ig.Graph,
    removed: Sequence[int | str],
    *,
    capacity: Capacity | None = None,
    capacity_name: str | None = None,
    config: RecoveryConfig | None = None,
) -> RecoveryOutcome:
    """Remove ``removed``, let same-role actors take over, and measure the network each way.

    Takeovers are processed in removal order within a run, so one successor may absorb several
    removed actors, and a tie inherited earlier widens the reach of later successors.
    """
    config = config or RecoveryConfig()
    simple = simple_view(graph)
    n = simple.vcount()
    names = vertex_names(simple)
    roles = vertex_roles(simple)
    gone = resolve_order(simple, removed)
    gone_set = set(gone)
    if capacity is None:
        capacity, default_name = default_capacity(simple)
        capacity_name = capacity_name or default_name
    capacity_name = capacity_name or "caller-supplied capacity"

    keep = [v for v in range(n) if v not in gone_set]
    new_index = {v: i for i, v in enumerate(keep)}
    residual = simple.induced_subgraph(keep)
    sources_full = efficiency_sources(
        n, exact_limit=config.exact_limit, sample=SAMPLE_SOURCES, seed=config.seed
    )
    # Sampled sources are original nodes; removed ones contribute nothing, so map the rest.
    sources_res = (
        None if sources_full is None else [new_index[s] for s in sources_full if s in new_index]
    )
    scale_fix = 1.0 if sources_full is None else len(sources_res or []) / len(sources_full)

    def measure(g: ig.Graph, is_full: bool) -> Measures:
        if not is_full and sources_full is not None:
            if not sources_res:  # every sampled source was removed: estimate is 0
                m = _measure(g, n, capacity, None, False)
                return replace(m, efficiency=0.0 if config.measure_efficiency else None)
            m = _measure(g, n, capacity, sources_res, config.measure_efficiency)
            eff = None if m.efficiency is None else m.efficiency * scale_fix
            return Measures(m.lcc, eff, m.capacity)
        return _measure(
            g, n, capacity, sources_full if is_full else None, config.measure_efficiency
        )

    baseline = measure(simple, True)
    after_removal = measure(residual, False)

    base_cache: dict[int, set[int]] = {}

    def base_adj(u: int) -> set[int]:
        found = base_cache.get(u)
        if found is None:
            found = base_cache[u] = set(residual.neighbors(u))
        return found

    membership = simple.connected_components().membership
    holders: dict[str, list[int]] = {}
    for v in keep:
        for r in roles[v]:
            if r not in NON_TARGET_ROLES:
                holders.setdefault(r, []).append(v)

    unreplaceable: dict[str, str] = {}
    candidates_of: dict[int, list[int]] = {}
    for v in gone:
        own = [r for r in roles[v] if r not in NON_TARGET_ROLES]
        if not own:
            unreplaceable[names[v]] = "role unknown: no one is known to do the same job"
            continue
        pool = sorted({u for r in own for u in holders.get(r, [])})
        if config.reach == "component":
            pool = [u for u in pool if membership[u] == membership[v]]
        if not pool:
            unreplaceable[names[v]] = (
                f"no other {'/'.join(r.replace('_', ' ') for r in own)} left in the network"
            )
            continue
        candidates_of[v] = [new_index[u] for u in pool]

    takeovers = {names[v]: 0 for v in gone}
    successors: dict[str, dict[str, float]] = {names[v]: {} for v in gone}
    results: list[Measures] = []
    runs = max(1, config.runs) if candidates_of or config.replacement else 1

    def take_over(
        v: int,
        added: list[tuple[int, int]],
        extra: dict[int, set[int]],
        neighbours: Callable[[int], set[int]],
        rng: random.Random,
    ) -> bool:
        """The best holder of ``v``'s role within reach takes over some of its ties (or not)."""
        pool = candidates_of.get(v)
        if not pool:
            return False
        orphans = [new_index[u] for u in simple.neighbors(v) if u in new_index]
        if config.reach == "two_hops":
            region = set(orphans)
            frontier = set(orphans)
            for _hop in range(2):
                frontier = {w for u in frontier for w in neighbours(u)} - region
                region |= frontier
            pool = [u for u in pool if u in region]
        if not pool:
            return False
        best = max(pool, key=lambda u: (len(neighbours(u)), -u))
        if rng.random() >= config.takeover_probability:
            return False
        takeovers[names[v]] += 1
        heir = names[keep[best]]
        successors[names[v]][heir] = successors[names[v]].get(heir, 0) + 1
        for u in orphans:
            if u != best and u not in neighbours(best) and rng.random() < config.tie_fraction:
                extra.setdefault(u, set()).add(best)
                extra.setdefault(best, set()).add(u)
                added.append((u, best))
        return True

    for run in range(runs):
        extra: dict[int, set[int]] = {}

        def neighbours(u: int, extra: dict[int, set[int]] = extra) -> set[int]:
            return base_adj(u) | extra.get(u, set())

        added: list[tuple[int, int]] = []
        newcomers: list[tuple[str, tuple[str, ...], list[int]]] = []
        for v in gone:
            # Each removed actor draws from their own stream per run (common random numbers):
            # whether someone takes over from them in run r does not depend on who else was
            # removed, so two removal orders, or the first k and k+1 of one, are compared on the
            # same luck and a longer removal list never recovers by chance alone.
            rng = random.Random(f"{config.seed}/{run}/{names[v]}")
            if not take_over(v, added, extra, neighbours, rng):
                newcomer = _newcomer(v, simple, new_index, names, roles, config, rng)
                if newcomer:
                    newcomers.append(newcomer)
        if added or newcomers:
            recovered = residual.copy()
            recovered.add_edges(added)
            for name, own, ties in newcomers:
                recovered.add_vertex(name=name, roles=own)
                fresh = recovered.vcount() - 1
                recovered.add_edges([(u, fresh) for u in ties])
            results.append(measure(recovered, False))
        else:
            results.append(after_removal)

    for v in gone:
        if candidates_of.get(v) and not takeovers[names[v]]:
            unreplaceable.setdefault(names[v], "no other holder of the role within reach")
    notes = []
    if config.reach == "two_hops":
        notes.append("successors must be within two hops of the removed actor's contacts")
    return RecoveryOutcome(
        removed=[names[v] for v in gone],
        baseline=baseline,
        after_removal=after_removal,
        after_recovery=_mean(results),
        capacity_se=_standard_error([m.capacity for m in results]),
        takeover_rate={k: c / runs for k, c in takeovers.items()},
        successors={k: {h: c / runs for h, c in d.items()} for k, d in successors.items()},
        unreplaceable=unreplaceable,
        capacity_name=capacity_name,
        runs=runs,
        notes=notes,
    )


def _newcomer(
    v: int,
    simple: ig.Graph,
    new_index: dict[int, int],
    names: list[str],
    roles: list[tuple[str, ...]],
    config: RecoveryConfig,
    rng: random.Random,
) -> tuple[str, tuple[str, ...], list[int]] | None:
    """Someone new recruited into ``v``'s role, tied to part of ``v``'s remaining contacts.

    Drawn only when ``config.replacement`` is set: the chance is the role's (the most replaceable
    of the actor's roles); the newcomer keeps at least one contact, or could not be told of the job.
    """
    if not config.replacement:
        return None
    own = tuple(r for r in roles[v] if r not in NON_TARGET_ROLES)
    odds = max((config.replacement.get(r, 0.0) for r in own), default=0.0)
    if not own or rng.random() >= odds:
        return None
    orphans = [new_index[u] for u in simple.neighbors(v) if u in new_index]
    if not orphans:
        return None
    kept = [u for u in orphans if rng.random() < config.tie_fraction] or [rng.choice(orphans)]
    return f"new:{names[v]}", own, kept
