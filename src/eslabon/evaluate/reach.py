"""How much of each true network the records can reach at all: the ceiling for chain recall.

A trace can only find a member whose records tie them, through other members, to the seed. This
section walks the recorded network with hindsight — through the true members and the phones
they truly use (`members_only`), or also through one outsider at a time (`via_one_outsider`),
ignoring time — from the people each network's seeds stand for. The share of recorded
members reached is the recall no tracer could beat on these records; a member outside it left
no recorded tie to the rest of the crew (a distributor known only by a phone nobody attributed).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eslabon.evaluate.network import (
    SKIPPED,
    _has_network,
    entity_to_truth,
    read_csv,
    recorded_truth_ids,
    true_roles,
)
from eslabon.evaluate.registry import section
from eslabon.store.connection import Store

if TYPE_CHECKING:  # the network stage (igraph) loads only when this section runs
    from eslabon.network.graph import PersonNetwork


def reach_ceiling(store: Store, truth_dir: Path) -> dict[str, Any]:
    """Per true network: the share of recorded members reachable from its seeds."""
    if not _has_network(store):
        return dict(SKIPPED)
    from eslabon.network.graph import load_network

    net = load_network(store)
    to_truth = entity_to_truth(store, truth_dir)
    from_truth: dict[str, list[int]] = defaultdict(list)
    for entity, truth in to_truth.items():
        if entity in net.index:
            from_truth[truth].append(net.index[entity])
    recorded = recorded_truth_ids(store, truth_dir)
    members: dict[str, set[str]] = defaultdict(set)
    for person, rows in true_roles(truth_dir).items():
        for network, _role in rows:
            members[network].add(person)
    phones_of: dict[str, set[str]] = defaultdict(set)
    for r in read_csv(truth_dir, "phone_users.csv"):
        phones_of[r["person_id"]].add(r["phone_id"])
    starts = _seed_vertices(store, net, truth_dir, from_truth)
    out = []
    for network, people in sorted(members.items()):
        judged = people & recorded
        allowed = {
            v for p in people for t in {p} | phones_of.get(p, set()) for v in from_truth.get(t, [])
        }
        start = [v for v in starts.get(network, set()) if v in allowed]
        strict = _walk(net, start, allowed, via_outsider=False)
        loose = _walk(net, start, allowed, via_outsider=True)
        entry: dict[str, Any] = {"network_id": network, "recorded_members": len(judged)}
        for key, seen in (("members_only", strict), ("via_one_outsider", loose)):
            reached = {to_truth[net.ids[v]] for v in seen} & judged
            entry[key] = round(len(reached) / len(judged), 4) if judged else None
            if key == "via_one_outsider":
                entry["unreachable"] = sorted(judged - reached)[:20]
        out.append(entry)
    summary: dict[str, Any] = {"per_network": out}
    for key in ("members_only", "via_one_outsider"):
        values = [n[key] for n in out if n[key] is not None]
        summary[f"min_{key}"] = min(values, default=None)
        summary[f"mean_{key}"] = round(sum(values) / len(values), 4) if values else None
    return summary


def _seed_vertices(
    store: Store, net: PersonNetwork, truth_dir: Path, from_truth: dict[str, list[int]]
) -> dict[str, set[int]]:
    """Per network, the people its seeds stand for (a plate → the people in that vehicle)."""
    from eslabon.errors import EslabonError
    from eslabon.network.seeds import SeedIndex

    index = SeedIndex(store)
    out: dict[str, set[int]] = defaultdict(set)
    for s in read_csv(truth_dir, "seeds.csv"):
        found = set(from_truth.get(s["entity_id"], []))
        try:
            seed = index.seed(s.get("value") or s["entity_id"])
            found |= {net.index[p] for p in (*seed.persons, seed.entity_id) if p in net.index}
        except EslabonError:
            pass  # an ambiguous name: the true entity above still counts
        out[s["network_id"]] |= found
    return out


def _walk(
    net: PersonNetwork, start: list[int], allowed: set[int], *, via_outsider: bool
) -> set[int]:
    """Members reachable from ``start`` through members (and, if asked, one outsider at a time:
    the relative who pays for a migrant, the landlord of a stash house)."""
    seen = set(start)
    frontier = list(start)
    while frontier:
        v = frontier.pop()
        for u in net.neighbours(v):
            steps = [u] if u in allowed else (net.neighbours(u) if via_outsider else [])
            for w in steps:
                if w in allowed and w not in seen:
                    seen.add(w)
                    frontier.append(w)
    return seen


section("reach")(reach_ceiling)
