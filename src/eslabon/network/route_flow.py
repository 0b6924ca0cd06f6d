"""How many groups a crew can still move end to end: a maximum flow through its route's stages.

A group moves when one holder of each stage takes it in turn (recruiter → guide → driver →
stash-house keeper; importer → lab → courier → distributor) and each hand-off is arranged: the two
holders are in contact, directly or through a third member of the crew (the broker who joins
segments, domain.md §6). Each holder takes one group per period, so the route's capacity is the
maximum number of groups that can pass every stage at once — a max-flow with unit vertex
capacities, computed by igraph. A crew that had an organiser (a coordinator) moves nothing in the
parts of the network that lost contact with one: nobody dispatches the groups.

The people carried (migrants, victims) are past cargo, not future capacity: they hold no stage and
pass no message. But two actors who handled the same person did hand that person on, so they count
as in contact (``shared_cargo``): the labour recruiter whose only recorded tie to the stash house
is the workers it holds is arranging its hand-offs all the same. A crew view that has dropped the
people carried keeps those pairs in the graph attribute ``HANDOFFS``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import combinations

import igraph as ig

from eslabon.network.graph_io import vertex_names, vertex_roles
from eslabon.network.recovery import CARRIED

ORGANISERS = frozenset({"coordinator"})
# The stages a new group must pass, first to last, per network kind.
STAGES: dict[str, tuple[str, ...]] = {
    "smuggling": ("recruiter", "guide", "driver", "stash_keeper"),
    "labour_trafficking": ("fraudulent_recruiter", "recruiter", "driver", "stash_keeper"),
    "drugs": ("importer", "lab_operator", "courier", "distributor"),
}
_UNBOUNDED = 1 << 30
# Graph attribute: name pairs of crew members who handled the same carried person.
HANDOFFS = "handoffs"


def shared_cargo(
    graph: ig.Graph, roles: Sequence[tuple[str, ...]] | None = None
) -> frozenset[tuple[str, str]]:
    """Pairs (by name, sorted) of crew members tied to the same carried person, plus any pairs a
    crew view kept in ``HANDOFFS`` when it dropped the people carried."""
    roles = vertex_roles(graph) if roles is None else roles
    names = vertex_names(graph)
    kept = graph[HANDOFFS] if HANDOFFS in graph.attributes() else ()
    pairs: set[tuple[str, str]] = set(kept)
    for v, rs in enumerate(roles):
        if CARRIED.intersection(rs):
            handlers = {names[u] for u in graph.neighbors(v) if not CARRIED.intersection(roles[u])}
            pairs.update(combinations(sorted(handlers), 2))
    return frozenset(pairs)


def _contacts(sub: ig.Graph) -> list[set[int]]:
    """Who can arrange a hand-off with whom: a direct tie or a common contact (2 hops)."""
    direct = [set(sub.neighbors(v)) for v in range(sub.vcount())]
    out = []
    for v, near in enumerate(direct):
        reach = set(near)
        for u in near:
            reach |= direct[u]
        reach.add(v)
        out.append(reach)
    return out


@dataclass
class _RouteNetwork:
    """The crew's flow network: (in, out) vertex pair per (stage, holder), source 0, sink 1."""

    crew: list[int]  # crew vertex → vertex of the graph given
    edges: list[tuple[int, int]]
    split: list[int]  # edge id of each (stage, holder) split edge, in ``owner`` order
    owner: list[int]  # crew vertex of each split edge
    organisers: list[int]  # crew vertices holding an organiser role (when organised)


@dataclass
class _Crew:
    """The crew (vertices of a graph not carried) and their contact graph ``sub``: their ties,
    and the hand-offs of the people they carried (``shared_cargo``)."""

    crew: list[int]  # sub vertex → vertex of the graph given
    sub: ig.Graph
    roles: list[tuple[str, ...]]  # per sub vertex
    names: list[str]  # per sub vertex

    @property
    def organisers(self) -> list[int]:
        return [v for v, rs in enumerate(self.roles) if ORGANISERS.intersection(rs)]


def _crew_contact(graph: ig.Graph) -> _Crew:
    roles = vertex_roles(graph)
    names = vertex_names(graph)
    crew = [v for v, rs in enumerate(roles) if not CARRIED.intersection(rs)]
    sub = graph.induced_subgraph(crew)
    local = {names[v]: i for i, v in enumerate(crew)}
    pairs = shared_cargo(graph, roles)
    if pairs:
        sub.add_edges([(local[a], local[b]) for a, b in pairs if a in local and b in local])
    return _Crew(crew, sub, [roles[v] for v in crew], [names[v] for v in crew])


def unled_crew(graph: ig.Graph) -> frozenset[str]:
    """Crew members with no recorded contact, even through others, with any organiser.

    On an intact network these are parts the records never joined to the coordinator although
    detection put them in his network (the one call that did was on a phone known only by a
    nickname): ``route_flow`` presumes the organisers dispatch them while any is left, rather
    than judge that the network moved nothing.
    """
    c = _crew_contact(graph)
    if not c.organisers:
        return frozenset()
    membership = c.sub.connected_components().membership
    led = {membership[i] for i in c.organisers}
    return frozenset(name for name, m in zip(c.names, membership, strict=True) if m not in led)


def _route_network(
    graph: ig.Graph,
    stages: Sequence[str],
    *,
    organised: bool,
    presumed_led: Collection[str] = (),
) -> _RouteNetwork | None:
    """The flow network of ``route_flow``, or None when a stage has no holder in contact."""
    if graph.vcount() == 0 or len(stages) < 2:
        return None
    c = _crew_contact(graph)
    crew, sub, sub_roles, organisers = c.crew, c.sub, c.roles, c.organisers
    allowed = set(range(sub.vcount()))
    if organised:
        membership = sub.connected_components().membership
        led = {membership[v] for v in organisers}
        if organisers and presumed_led:
            led |= {m for m, name in zip(membership, c.names, strict=True) if name in presumed_led}
        allowed = {v for v in allowed if membership[v] in led}
    holders = [[v for v in sorted(allowed) if stage in sub_roles[v]] for stage in stages]
    if any(not h for h in holders):
        return None
    contacts = _contacts(sub)
    node: dict[tuple[int, int], int] = {}
    edges: list[tuple[int, int]] = []
    split: list[int] = []
    owner: list[int] = []
    for i, hs in enumerate(holders):
        for v in hs:
            node[(i, v)] = 2 + 2 * len(node)
            split.append(len(edges))
            owner.append(v)
            edges.append((node[(i, v)], node[(i, v)] + 1))
    edges += [(0, node[(0, v)]) for v in holders[0]]
    edges += [(node[(len(stages) - 1, v)] + 1, 1) for v in holders[-1]]
    for i in range(len(stages) - 1):
        for v in holders[i]:
            near = contacts[v]
            edges += [(node[(i, v)] + 1, node[(i + 1, w)]) for w in holders[i + 1] if w in near]
    return _RouteNetwork(
        crew=crew,
        edges=edges,
        split=split,
        owner=owner,
        organisers=organisers if organised else [],
    )


def route_flow(
    graph: ig.Graph,
    stages: Sequence[str],
    *,
    organised: bool,
    presumed_led: Collection[str] = (),
) -> float:
    """Groups per period that can pass every stage of ``stages`` on ``graph`` (vertex ``roles``).

    ``organised``: only holders in contact (same component of the crew) with an organiser count,
    and those of ``presumed_led`` (``unled_crew`` of the intact network) while any organiser is.
    """
    rn = _route_network(graph, stages, organised=organised, presumed_led=presumed_led)
    if rn is None:
        return 0.0
    caps = [_UNBOUNDED] * len(rn.edges)
    for e in rn.split:
        caps[e] = 1
    flow = ig.Graph(n=2 + 2 * len(rn.split), edges=rn.edges, directed=True)
    return float(flow.maxflow_value(0, 1, capacity=caps))


def route_cuts(
    graph: ig.Graph,
    stages: Sequence[str],
    *,
    organised: bool,
    weight: Callable[[int], float],
    budget: int,
    max_weight: float = float("inf"),
    presumed_led: Collection[str] = (),
) -> list[list[int]]:
    """Disjoint sets of actors each of whose removal alone stops the route, lightest first.

    ``weight(v)`` is what it costs the network to lose actor ``v`` for good (e.g. −log of the
    chance it fills the place again), so the lightest cut is the one hardest to undo, not the
    smallest. After each cut its actors count as impossible to cut again, so the next cut is the
    route's fallback should the first be undone: a second stage, or the organisers. Cuts are
    taken while their actors fit ``budget`` and weigh less than ``max_weight``.
    """
    rn = _route_network(graph, stages, organised=organised, presumed_led=presumed_led)
    if rn is None:
        return []
    taken: set[int] = set()
    found: list[tuple[float, list[int]]] = []
    used = 0
    if rn.organisers:
        found.append((sum(weight(rn.crew[v]) for v in rn.organisers), sorted(rn.organisers)))
        taken |= set(rn.organisers)
        used = len(rn.organisers) if len(rn.organisers) <= budget else 0
    flow = ig.Graph(n=2 + 2 * len(rn.split), edges=rn.edges, directed=True)
    while used < budget:
        caps = [float(_UNBOUNDED)] * len(rn.edges)
        for e, v in zip(rn.split, rn.owner, strict=True):
            caps[e] = float(_UNBOUNDED) if v in taken else weight(rn.crew[v])
        cut = flow.mincut(0, 1, capacity=caps)
        if cut.value >= min(max_weight, _UNBOUNDED):
            break
        at = set(cut.cut)
        actors = sorted({v for e, v in zip(rn.split, rn.owner, strict=True) if e in at})
        if not actors:
            break
        if used + len(actors) <= budget:  # one too large is passed over for the next
            found.append((cut.value, actors))
            used += len(actors)
        taken |= set(actors)
    found.sort(key=lambda c: c[0])
    out: list[list[int]] = []
    used = 0
    for _w, actors in found:
        if used + len(actors) > budget:
            continue
        out.append([rn.crew[v] for v in actors])
        used += len(actors)
    return out


@dataclass(frozen=True)
class RouteCapacity:
    """A route's capacity (``route_flow``) that can also name its cuts (``route_cuts``)."""

    stages: tuple[str, ...]
    organised: bool
    presumed_led: frozenset[str] = frozenset()

    def __call__(self, graph: ig.Graph) -> float:
        return route_flow(
            graph, self.stages, organised=self.organised, presumed_led=self.presumed_led
        )

    def cuts(
        self,
        graph: ig.Graph,
        weight: Callable[[int], float],
        budget: int,
        max_weight: float = float("inf"),
    ) -> list[list[int]]:
        return route_cuts(
            graph,
            self.stages,
            organised=self.organised,
            weight=weight,
            budget=budget,
            max_weight=max_weight,
            presumed_led=self.presumed_led,
        )


def route_capacity(
    kind: str, present_roles: Collection[str] | None = None, intact: ig.Graph | None = None
) -> RouteCapacity:
    """A capacity function for networks of ``kind`` (see ``route_flow``).

    Stages nobody holds in the intact network are left out, so the measure fits what the records
    show; the organiser rule applies when the intact network has one. Given the ``intact`` network,
    its crew out of recorded contact with the organisers are presumed led (``unled_crew``).
    """
    stages = tuple(
        x
        for x in STAGES.get(kind, STAGES["smuggling"])
        if present_roles is None or x in present_roles
    )
    organised = present_roles is not None and bool(ORGANISERS.intersection(present_roles))
    presumed = unled_crew(intact) if organised and intact is not None else frozenset()
    return RouteCapacity(stages, organised, presumed)
