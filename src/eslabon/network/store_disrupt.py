"""Store-backed disruption: rank each detected network's actors with the dismantling core.

The graph is the network's person view; phones whose user is unknown are collapsed (their
contacts joined pairwise) because nobody can prosecute a phone. Capacity is the route's: how many
migrants (or, for drugs, distributors) are still connected to every stage of the route —
"migrants moved end to end" — so removing a replaceable driver costs little and removing the only
forger or the coordinator who joins the segments costs a lot.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection
from dataclasses import asdict
from itertools import combinations
from typing import Any

import igraph as ig

from eslabon.network.disrupt_rank import DisruptionRanking, Evidence, rank_for_disruption
from eslabon.network.evidence import evidence_for, evidence_summary
from eslabon.network.graph import PersonNetwork
from eslabon.network.recovery import Capacity, RecoveryConfig
from eslabon.store.connection import Store

# The people a route moves (never targets, and no part of its future capacity) and the stages
# a new group must pass, first to last, per network kind.
CARRIED = frozenset({"migrant", "victim"})
STAGES = {
    "smuggling": ("recruiter", "guide", "driver", "stash_keeper"),
    "labour_trafficking": ("fraudulent_recruiter", "recruiter", "driver", "stash_keeper"),
    "drugs": ("importer", "lab_operator", "courier", "distributor"),
}


def route_capacity(kind: str, present_roles: Collection[str] | None = None) -> Capacity:
    """How many new groups the crew could still move end to end.

    Over the crew alone (the people carried are past cargo, not future routes): in each
    component, (first-stage holders) × (last-stage holders) × (share of the middle stages
    present). Stages nobody holds in the network are left out, so the measure fits what the
    records show.
    """
    stages = tuple(
        x
        for x in STAGES.get(kind, STAGES["smuggling"])
        if present_roles is None or x in present_roles
    )

    def capacity(graph: ig.Graph) -> float:
        if graph.vcount() == 0 or len(stages) < 2:
            return 0.0
        crew = [i for i, rs in enumerate(graph.vs["roles"]) if not CARRIED.intersection(rs)]
        sub = graph.induced_subgraph(crew)
        membership = sub.connected_components().membership
        first: dict[int, int] = {}
        last: dict[int, int] = {}
        middle: dict[int, set[str]] = {}
        for c, rs in zip(membership, sub.vs["roles"], strict=True):
            first[c] = first.get(c, 0) + (stages[0] in rs)
            last[c] = last.get(c, 0) + (stages[-1] in rs)
            middle.setdefault(c, set()).update(x for x in rs if x in stages[1:-1])
        inner = max(1, len(stages) - 2)
        return float(
            sum(
                first[c] * last[c] * (len(middle[c]) / inner if len(stages) > 2 else 1.0)
                for c in first
            )
        )

    return capacity


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
    g = network_graph(net, members, roles)
    evidence = {
        k: v for k, v in evidence_for(store, net, members).items() if k in set(g.vs["name"])
    }
    present = {r for rs in g.vs["roles"] for r in rs}
    ranking = rank_for_disruption(
        g,
        top=top,
        evidence=evidence,
        capacity=route_capacity(kind, present),
        capacity_name=f"{kind} route: carried people still connected to every stage",
        # A network's route is short: the best dozen candidates per round and five recovery
        # runs each keep a whole workspace's ranking within seconds.
        recovery=RecoveryConfig(runs=5, measure_efficiency=False, seed=seed),
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
