"""A headless piece of a network (a recruiter's crew cut loose by Leiden) joins the network it serves."""

from __future__ import annotations

from eslabon.network.communities import DetectedNetwork
from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.roles import RoleAssignment
from eslabon.network.segments import merge_segments, segment_owners

# 0 coordinator, 1 collector, 2 guide (NET001) · 3 recruiter, 4 driver, 5 migrant (NET002)
# 6 fraudulent recruiter, 7 victim (NET003: a labour network, headed)
ROLES = [
    ("NET001", "coordinator"),
    ("NET001", "money_collector"),
    ("NET001", "guide"),
    ("NET002", "recruiter"),
    ("NET002", "driver"),
    ("NET002", "migrant"),
    ("NET003", "fraudulent_recruiter"),
    ("NET003", "victim"),
]


def _world(calls: list[tuple[int, int]]) -> tuple[PersonNetwork, list[DetectedNetwork], list]:
    ids = [f"p{i}" for i in range(len(ROLES))]
    ties = [
        Tie(a, b, "call", f"c{k}", (float(k),), (f"l{k}",), False) for k, (a, b) in enumerate(calls)
    ]
    net = PersonNetwork(ids, ids, ties)
    networks = [
        DetectedNetwork(
            n,
            "labour_trafficking" if n == "NET003" else "smuggling",
            [i for i, (m, _r) in enumerate(ROLES) if m == n],
            {},
            5,
        )
        for n in ("NET001", "NET002", "NET003")
    ]
    roles = [RoleAssignment(ids[i], n, r, None, 1.0, False) for i, (n, r) in enumerate(ROLES)]
    return net, networks, roles


INSIDE = [(0, 1), (0, 2), (3, 4), (3, 5), (4, 5), (6, 7)]


def test_a_headless_crew_tied_to_a_network_joins_it() -> None:
    net, networks, roles = _world([*INSIDE, (2, 4), (2, 3), (0, 4)])
    owners = segment_owners(net, networks, roles, min_ties=3)
    assert owners == {"NET002": "NET001"}
    merged = merge_segments(networks, owners)
    assert [(n.network_id, n.members) for n in merged] == [
        ("NET001", [0, 1, 2, 3, 4, 5]),
        ("NET002", [6, 7]),
    ]
    assert merged[0].anchors == 10


def test_too_few_ties_leave_the_piece_apart() -> None:
    net, networks, roles = _world([*INSIDE, (2, 4), (0, 4)])
    assert segment_owners(net, networks, roles, min_ties=3) == {}
    assert merge_segments(networks, {}) is networks


def test_ties_through_migrants_do_not_count() -> None:
    """The piece's migrant calling the guide is not the crews working together."""
    net, networks, roles = _world([*INSIDE, (2, 5), (0, 5), (1, 5), (2, 4)])
    assert segment_owners(net, networks, roles, min_ties=3) == {}


def test_a_headed_network_never_joins_another() -> None:
    """The labour network's fraudulent recruiter calls the smugglers often: it stays itself."""
    net, networks, roles = _world([*INSIDE, (6, 0), (6, 1), (6, 2), (6, 0)])
    assert "NET003" not in segment_owners(net, networks, roles, min_ties=3)


def test_a_segment_joins_only_a_network_of_its_own_kind() -> None:
    """Smugglers tied to the labour network's recruiter stay apart from that other business."""
    net, networks, roles = _world([*INSIDE, (3, 6), (4, 6), (3, 6)])
    assert segment_owners(net, networks, roles, min_ties=3) == {}


def test_migrants_with_no_crew_of_their_own_join_the_crew_that_moved_them() -> None:
    """Leiden kept migrants detained together apart: their ties to a crew say whose they are."""
    roles = [*ROLES, ("NET004", "migrant"), ("NET004", "migrant")]
    ids = [f"p{i}" for i in range(len(roles))]
    calls = [*INSIDE, (8, 9), (8, 2), (9, 2), (9, 0)]
    ties = [
        Tie(a, b, "call", f"c{k}", (float(k),), (f"l{k}",), False) for k, (a, b) in enumerate(calls)
    ]
    net = PersonNetwork(ids, ids, ties)
    kinds = {"NET003": "labour_trafficking"}
    networks = [
        DetectedNetwork(
            n, kinds.get(n, "smuggling"), [i for i, (m, _r) in enumerate(roles) if m == n], {}, 5
        )
        for n in ("NET001", "NET002", "NET003", "NET004")
    ]
    assigned = [RoleAssignment(ids[i], n, r, None, 1.0, False) for i, (n, r) in enumerate(roles)]
    assert segment_owners(net, networks, assigned, min_ties=3) == {"NET004": "NET001"}
    # with fewer ties than the bar they stay apart, as a crew's segment would
    assert segment_owners(net, networks, assigned, min_ties=4) == {}
