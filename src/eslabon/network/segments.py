"""Put a route segment that community detection cut loose back into the network that runs it.

Leiden sometimes carves one recruiter's crew — the recruiter, a driver and the migrants they
moved — out of its smuggling network: those people call each other far more than they call the
guides and the coordinator. Such a piece is not a network of its own: no one in it heads a
route (no coordinator, no money collector, no fraudulent recruiter). Left apart, a trace from
its driver stops at its edge, and the coordinator and collectors who run it are never reached.

After a first role pass, a detected network without a head joins the network of the same kind
whose crew its own crew is tied to most often, when there are at least ``segment_min_ties``
such ties; roles are then inferred again on the merged networks. A piece with no crew at all
(migrants detained together, whom Leiden kept as a cluster of their own) is counted by the ties
of the people in it. A network with a head, and a piece tied to no crew of its kind, are left as
they are: a smuggling crew that works with a labour network's recruiter serves another
business, and merging them would hand one network's trace the other's people.
"""

from __future__ import annotations

from collections import Counter

from eslabon.network.communities import DetectedNetwork, network_id, network_order
from eslabon.network.graph import PersonNetwork
from eslabon.network.recovery import NON_TARGET_ROLES
from eslabon.network.roles import RoleAssignment

# Roles that run a route: a network with one of them is a network, not a segment.
HEADS = frozenset(
    {"coordinator", "money_collector", "fraudulent_recruiter", "launderer", "importer"}
)


def _crew(net: PersonNetwork, roles: list[RoleAssignment]) -> dict[int, tuple[str, str]]:
    """Actor index → (network, role) of the members who do something on the route; a phone whose
    user is unknown stands for a crew member (a guide's burner), as in detection."""
    return {
        net.index[r.entity_id]: (r.network_id, r.role)
        for r in roles
        if r.network_id and r.role not in NON_TARGET_ROLES and r.entity_id in net.index
    }


def segment_owners(
    net: PersonNetwork,
    networks: list[DetectedNetwork],
    roles: list[RoleAssignment],
    min_ties: int,
) -> dict[str, str]:
    """Headless network id → the id of the network it joins (only those that join one)."""
    crew = _crew(net, roles)
    kind = {n.network_id: n.kind for n in networks}
    members = {n.network_id: n.members for n in networks}
    headed = {n for n, role in crew.values() if role in HEADS}
    headless = set(kind) - headed
    owners: dict[str, str] = {}
    for seg in sorted(headless):
        ties: Counter[str] = Counter()
        # A piece with no crew at all (migrants detained together, a cluster of their own to
        # Leiden) is the people some crew carried: their ties to that crew say whose.
        movers = [v for v, (n, _role) in crew.items() if n == seg] or members[seg]
        for v in movers:
            for k in net.adjacency[v]:
                other = crew.get(net.ties[k].other(v))
                if other is not None and other[0] in headed and kind[other[0]] == kind[seg]:
                    ties[other[0]] += 1
        if ties:
            best, count = max(ties.items(), key=lambda kv: (kv[1], kv[0]))
            if count >= min_ties:
                owners[seg] = best
    return owners


def merge_segments(
    networks: list[DetectedNetwork], owners: dict[str, str]
) -> list[DetectedNetwork]:
    """The networks with each segment folded into its owner, numbered again by size."""
    if not owners:
        return networks
    by_id = {n.network_id: n for n in networks}
    members = {n.network_id: list(n.members) for n in networks if n.network_id not in owners}
    anchors = {n.network_id: n.anchors for n in networks if n.network_id not in owners}
    for seg, owner in owners.items():
        members[owner] += by_id[seg].members
        anchors[owner] += by_id[seg].anchors
    kept = sorted(members, key=lambda n: network_order(members[n]))
    return [
        DetectedNetwork(
            network_id(i),
            by_id[n].kind,
            sorted(members[n]),
            by_id[n].kind_scores,
            anchors[n],
        )
        for i, n in enumerate(kept, start=1)
    ]
