"""How many groups a crew can still move end to end: a maximum flow through its route's stages.

A group moves when one holder of each stage takes it in turn (recruiter → guide → driver →
stash-house keeper; importer → lab → courier → distributor) and each hand-off is arranged: the two
holders are in contact, directly or through a third member of the crew (the broker who joins
segments, domain.md §6). Each holder takes one group per period, so the route's capacity is the
maximum number of groups that can pass every stage at once — a max-flow with unit vertex
capacities, computed by igraph. A crew that had an organiser (a coordinator) moves nothing in the
parts of the network that lost contact with one: nobody dispatches the groups.

The people carried (migrants, victims) are past cargo, not future capacity: they are left out, so
two actors who only share migrants are not "in contact".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import igraph as ig

from eslabon.network.graph_io import vertex_roles
from eslabon.network.recovery import CARRIED, Capacity

ORGANISERS = frozenset({"coordinator"})
# The stages a new group must pass, first to last, per network kind.
STAGES: dict[str, tuple[str, ...]] = {
    "smuggling": ("recruiter", "guide", "driver", "stash_keeper"),
    "labour_trafficking": ("fraudulent_recruiter", "recruiter", "driver", "stash_keeper"),
    "drugs": ("importer", "lab_operator", "courier", "distributor"),
}
_UNBOUNDED = 1 << 30


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


def route_flow(graph: ig.Graph, stages: Sequence[str], *, organised: bool) -> float:
    """Groups per period that can pass every stage of ``stages`` on ``graph`` (vertex ``roles``).

    ``organised``: only holders in contact (same component of the crew) with an organiser count.
    """
    if graph.vcount() == 0 or len(stages) < 2:
        return 0.0
    roles = vertex_roles(graph)
    crew = [v for v, rs in enumerate(roles) if not CARRIED.intersection(rs)]
    sub = graph.induced_subgraph(crew)
    sub_roles = [roles[v] for v in crew]
    allowed = set(range(sub.vcount()))
    if organised:
        membership = sub.connected_components().membership
        led = {membership[v] for v, rs in enumerate(sub_roles) if ORGANISERS.intersection(rs)}
        allowed = {v for v in allowed if membership[v] in led}
    holders = [[v for v in sorted(allowed) if stage in sub_roles[v]] for stage in stages]
    if any(not h for h in holders):
        return 0.0
    contacts = _contacts(sub)
    # Flow graph: 0 = source, 1 = sink, then an (in, out) pair per (stage, holder).
    node: dict[tuple[int, int], int] = {}
    edges: list[tuple[int, int]] = []
    caps: list[int] = []
    for i, hs in enumerate(holders):
        for v in hs:
            node[(i, v)] = 2 + 2 * len(node)
            edges.append((node[(i, v)], node[(i, v)] + 1))
            caps.append(1)
    for v in holders[0]:
        edges.append((0, node[(0, v)]))
        caps.append(_UNBOUNDED)
    for v in holders[-1]:
        edges.append((node[(len(stages) - 1, v)] + 1, 1))
        caps.append(_UNBOUNDED)
    for i in range(len(stages) - 1):
        for v in holders[i]:
            near = contacts[v]
            for w in holders[i + 1]:
                if w in near:
                    edges.append((node[(i, v)] + 1, node[(i + 1, w)]))
                    caps.append(_UNBOUNDED)
    flow = ig.Graph(n=2 + 2 * len(node), edges=edges, directed=True)
    return float(flow.maxflow_value(0, 1, capacity=caps))


def route_capacity(kind: str, present_roles: Collection[str] | None = None) -> Capacity:
    """A capacity function for networks of ``kind`` (see ``route_flow``).

    Stages nobody holds in the intact network are left out, so the measure fits what the records
    show; the organiser rule applies when the intact network has one.
    """
    stages = tuple(
        x
        for x in STAGES.get(kind, STAGES["smuggling"])
        if present_roles is None or x in present_roles
    )
    organised = present_roles is not None and bool(ORGANISERS.intersection(present_roles))

    def capacity(graph: ig.Graph) -> float:
        return route_flow(graph, stages, organised=organised)

    return capacity
