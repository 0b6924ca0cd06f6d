"""Store-backed disruption: rank each detected network's actors with the dismantling core.

The graph is the network's person view; phones whose user is unknown are collapsed (their
contacts joined pairwise) because nobody can prosecute a phone. Capacity is the route's: how many
groups can still pass every stage of the route (``route_flow``) after the others of the same role
take over and newcomers are found for the replaceable roles (``recovery.yaml``) — so removing a
replaceable driver costs little and removing the coordinator or the only forger costs a lot.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Mapping
from dataclasses import asdict
from itertools import combinations
from typing import Any

import igraph as ig

from eslabon.network.disrupt_rank import DisruptionRanking, Evidence, rank_for_disruption
from eslabon.network.evidence import evidence_for, evidence_summary
from eslabon.network.graph import PersonNetwork
from eslabon.network.recovery import CARRIED, RecoveryConfig, replacement_odds
from eslabon.network.route_flow import HANDOFFS, route_capacity, shared_cargo
from eslabon.store.connection import Store


def network_graph(
    net: PersonNetwork, members: list[int], roles: dict[str, tuple[str, ...]]
) -> ig.Graph:
    """Persons of the network with their roles; unknown-user phones collapsed into ties.

    Phones that call each other form one web (the crew's burners); every person who talks
    through the same web is tied to the others, so the crew stays connected as it is in life.
    """
    people = [v for v in members if net.is_person(v)]
    g = net.graph(members)
    idx = {v: i for i, v in enumerate(g.vs["idx"])}
    phones = [i for i in range(g.vcount()) if not net.is_person(g.vs[i]["idx"])]
    web = g.induced_subgraph(phones).connected_components().membership if phones else []
    talkers: dict[int, set[int]] = {}
    for j, i in enumerate(phones):
        talkers.setdefault(web[j], set()).update(
            u for u in g.neighbors(i) if net.is_person(g.vs[u]["idx"])
        )
    extra = [pair for group in talkers.values() for pair in combinations(sorted(group), 2)]
    if extra:
        g.add_edges(extra, attributes={"weight": [1.0] * len(extra)})
    g = g.induced_subgraph([idx[v] for v in people])
    g.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
    g.vs["roles"] = [roles.get(name, ()) for name in g.vs["name"]]
    return g


def crew_view(graph: ig.Graph) -> ig.Graph:
    """The network without the people it carried: they are past cargo, not its future.

    Who cuts off a recruiter's migrants or brokers between two drivers' passengers says nothing
    about the route's next trip; fragmentation, brokerage and key players are measured on the
    crew. People recorded both as carried and in an offending role stay (held for a human). The
    hand-offs the people carried witnessed — two crew members who handled the same person — stay
    as the graph attribute ``HANDOFFS``: the route's contacts (``route_flow.shared_cargo``).
    """
    keep = [v for v, rs in enumerate(graph.vs["roles"]) if not rs or set(rs) - CARRIED]
    view = graph.induced_subgraph(keep)
    view[HANDOFFS] = shared_cargo(graph)
    return view


def owners_graph(
    net: PersonNetwork,
    members: list[int],
    roles: dict[str, tuple[str, ...]],
    owner_of: Mapping[int, Collection[int]],
) -> ig.Graph:
    """Persons of ``members`` tied as in life: each entry of ``owner_of`` stands for its owners.

    For a network whose burner users are known (the evaluation's true network): two people are
    in contact when their phones called each other, not merely when both touched the same web
    of burners. A phone with no known user among ``members`` is left out. A person entity listed
    in ``owner_of`` (a second record of someone already in the network) is folded into the
    person it names, so one human is one vertex however many records they left.
    """
    people = sorted(v for v in members if net.is_person(v) and v not in owner_of)
    local = {v: i for i, v in enumerate(people)}

    def users(v: int) -> list[int]:
        return [v] if v in local else [u for u in owner_of.get(v, ()) if u in local]

    inside = set(members)
    pairs: set[tuple[int, int]] = set()
    for k in {k for v in members for k in net.adjacency[v]}:
        t = net.ties[k]
        if t.a not in inside or t.b not in inside:
            continue
        for x in users(t.a):
            for y in users(t.b):
                if x != y:
                    pairs.add((min(local[x], local[y]), max(local[x], local[y])))
    g = ig.Graph(n=len(people), edges=sorted(pairs), directed=False)
    g.vs["name"] = [net.ids[v] for v in people]
    g.vs["idx"] = people
    g.vs["roles"] = [roles.get(net.ids[v], ()) for v in people]
    return g


def rank_network(
    store: Store,
    net: PersonNetwork,
    network_id: str,
    kind: str,
    members: list[int],
    roles: dict[str, tuple[str, ...]],
    *,
    top: int = 10,
    seed: int = 0,
) -> tuple[DisruptionRanking, dict[str, Evidence]]:
    """The dismantling core's ranking for one stored network, weighed by evidence strength."""
    g = crew_view(network_graph(net, members, roles))
    evidence = {
        k: v for k, v in evidence_for(store, net, members).items() if k in set(g.vs["name"])
    }
    present = {r for rs in g.vs["roles"] for r in rs}
    ranking = rank_for_disruption(
        g,
        top=top,
        evidence=evidence,
        capacity=route_capacity(kind, present, intact=g),
        capacity_name=f"{kind} route: groups that can pass every stage (max-flow)",
        # A network's route is short: the best dozen candidates per round and five recovery
        # runs each keep a whole workspace's ranking within seconds.
        recovery=RecoveryConfig(
            runs=5, measure_efficiency=False, seed=seed, replacement=replacement_odds()
        ),
        pool=max(8, top),
        seed=seed,
    )
    return ranking, evidence


def targets_json(
    ranking: DisruptionRanking,
    evidence: dict[str, Evidence],
    network_id: str,
    captions: dict[str, str],
) -> list[dict[str, Any]]:
    """The `--json` shape: entity_id, name, role, network, score, evidence, reasons."""
    out = []
    for e in ranking.entries:
        out.append(
            {
                "entity_id": e.name,
                "name": captions.get(e.name, e.name),
                "role": next(iter(e.roles), None),
                "network": network_id,
                "score": round(e.score, 4),
                "evidence": evidence_summary(evidence.get(e.name)),
                "reasons": e.reasons,
                "rank": e.rank,
            }
        )
    return out


def store_ranking(
    store: Store,
    network_id: str,
    ranking: DisruptionRanking,
    evidence: dict[str, Evidence],
    captions: dict[str, str],
) -> None:
    """Rewrite this network's rows of disruption_ranking (ranked and held for review)."""
    store.execute("DELETE FROM disruption_ranking WHERE network_id = ?", [network_id])
    rows = []
    for e, held in [(x, False) for x in ranking.entries] + [
        (x, True) for x in ranking.held_for_review
    ]:
        rows.append(
            (
                network_id,
                None if held else e.rank,
                e.name,
                captions.get(e.name, e.name),
                next(iter(e.roles), None),
                float(e.score),
                json.dumps(evidence_summary(evidence.get(e.name))),
                json.dumps(e.reasons + ([] if not held else ["held for a human decision"])),
                held,
            )
        )
    if rows:
        store.connection.executemany(
            "INSERT INTO disruption_ranking VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
        )


def ranking_dict(ranking: DisruptionRanking) -> dict[str, Any]:
    return {
        "held_for_review": [asdict(e) for e in ranking.held_for_review],
        "never_ranked": len(ranking.never_ranked),
    }


def rank_stored(
    store: Store, *, network: str | None = None, top: int = 10, persist: bool = True
) -> dict[str, Any]:
    """`eslabon disrupt` in store mode: rank, store (unless ``persist`` is False: a reader's
    read-only view), and return ``{"targets": [...], ...}``.

    Targets of all networks are merged best first (scores are comparable: each is in [0, 1]).
    """
    from eslabon.errors import EslabonError
    from eslabon.network.analyse import load_results, role_tuples
    from eslabon.network.graph import load_network

    net = load_network(store)
    networks, roles, _info = load_results(store, net)
    if not networks:
        raise EslabonError(
            "no criminal networks found in this workspace",
            file=str(store.path),
            hint="run `eslabon network` after `eslabon resolve`",
        )
    known = [n.network_id for n in networks]
    if network is not None and network not in known:
        raise EslabonError(
            f"no network {network!r}",
            field="--network",
            hint=f"known networks: {', '.join(known)}",
        )
    tuples = role_tuples(roles)
    captions = dict(zip(net.ids, net.captions, strict=True))
    targets: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    with store.transaction() if persist else contextlib.nullcontext(store):
        for n in networks:
            if network is not None and n.network_id != network:
                continue
            ranking, evidence = rank_network(
                store, net, n.network_id, n.kind, n.members, tuples, top=top
            )
            if persist:
                store_ranking(store, n.network_id, ranking, evidence, captions)
            targets += targets_json(ranking, evidence, n.network_id, captions)
            for e in ranking.held_for_review:
                held.append(
                    {
                        "entity_id": e.name,
                        "name": captions.get(e.name, e.name),
                        "role": next((r for r in e.roles if r != "victim"), None),
                        "network": n.network_id,
                        "score": round(e.score, 4),
                        "evidence": evidence_summary(evidence.get(e.name)),
                        "reasons": e.reasons,
                    }
                )
    # Scores are adaptive (each on the network left by those above), so order by rank first.
    targets.sort(key=lambda t: (t["rank"], -t["score"], t["network"]))
    if network is None:
        targets = targets[:top] if len(networks) == 1 else targets
    return {
        "targets": targets,
        "held_for_review": held,
        "networks": [
            {"network_id": n.network_id, "kind": n.kind}
            for n in networks
            if network is None or n.network_id == network
        ],
    }
