"""Find the criminal networks in the person network, guided by criminal events.

A plain community detection over everyone would carve the population into families. Instead:
people touched by criminal events (detentions, seizures, recruitment, crowded crossings, stash
houses, structured collection) are the *anchors*; the candidate set grows from them to people
bound to several candidates; Leiden splits the candidate graph into communities, and a community
counts as a network only with enough anchors. Then each network gets its kind from the events of
its members (rules in ``rules.yaml``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import igraph as ig
import pandas as pd

from eslabon.network.graph import PersonNetwork
from eslabon.network.rules import Rules, feature_value


@dataclass
class DetectedNetwork:
    """One detected network: members (actor indices), kind, and the evidence for the kind."""

    network_id: str
    kind: str
    members: list[int]
    kind_scores: dict[str, float]
    anchors: int


def anchor_scores(net: PersonNetwork, feats: pd.DataFrame, rules: Rules) -> dict[int, float]:
    """Criminal-event weight per actor (0 for the background)."""
    out: dict[int, float] = {}
    spec = rules.anchors
    for v, eid in enumerate(net.ids):
        if eid not in feats.index:
            continue
        row = feats.loc[eid]
        score = 0.0
        for item in spec:
            if feature_value(row, item["feature"]) >= item.get("min", 1):
                score += float(item.get("weight", 1.0))
        if score > 0:
            out[v] = score
    return out


def _tie_weight(net: PersonNetwork, k: int, rules: Rules) -> float:
    t = net.ties[k]
    w = rules.tie_weights.get(t.via, 1.0)
    if t.criminal:
        w *= rules.criminal_factor
    return w * (1.0 + 0.25 * min(len(t.link_ids) - 1, 8))


def detect_networks(
    net: PersonNetwork, feats: pd.DataFrame, rules: Rules, *, seed: int = 0
) -> list[DetectedNetwork]:
    """Anchors → grown candidate set → Leiden communities → networks with enough anchors."""
    cfg = rules.detection
    anchors = anchor_scores(net, feats, rules)
    candidates = set(anchors)
    for _ in range(int(cfg.get("grow_rounds", 2))):
        added = set()
        for v in range(net.n):
            if v in candidates:
                continue
            partners: dict[int, float] = {}
            for k in net.adjacency[v]:
                u = net.ties[k].other(v)
                if u in candidates:
                    partners[u] = partners.get(u, 0.0) + _tie_weight(net, k, rules)
            if not partners:
                continue
            strong = any(
                net.ties[k].criminal and net.ties[k].other(v) in candidates
                for k in net.adjacency[v]
            )
            if strong or (
                len(partners) >= int(cfg.get("grow_min_partners", 2))
                and sum(partners.values()) >= float(cfg.get("grow_min_weight", 3.0))
            ):
                added.add(v)
        if not added:
            break
        candidates |= added
    members = sorted(candidates)
    local = {v: i for i, v in enumerate(members)}
    pair_w: dict[tuple[int, int], float] = {}
    for k, t in enumerate(net.ties):
        if t.a in local and t.b in local:
            key = (min(local[t.a], local[t.b]), max(local[t.a], local[t.b]))
            pair_w[key] = pair_w.get(key, 0.0) + _tie_weight(net, k, rules)
    g = ig.Graph(n=len(members), edges=list(pair_w), directed=False)
    g.es["weight"] = list(pair_w.values())
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=float(cfg.get("resolution", 1.0)),
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    found: list[tuple[list[int], float]] = []
    for part in parts:
        people = [members[i] for i in part]
        n_anchor = sum(1 for v in people if v in anchors)
        n_person = sum(1 for v in people if net.is_person(v))
        if n_person < int(cfg.get("min_size", 6)) or n_anchor < int(cfg.get("min_anchors", 3)):
            continue
        # People with a single weak tie into the community are its fringe (family, landlord).
        keep = []
        inside = set(people)
        for v in people:
            ties = [k for k in net.adjacency[v] if net.ties[k].other(v) in inside]
            partners = {net.ties[k].other(v) for k in ties}
            if v in anchors or any(net.ties[k].criminal for k in ties) or len(partners) >= 2:
                keep.append(v)
        found.append((sorted(keep), sum(anchors.get(v, 0.0) for v in keep)))
    found.sort(key=lambda x: (-len(x[0]), x[0][0]))
    out = []
    for i, (people, n_anchor) in enumerate(found, start=1):
        scores = rules.kind_scores(feats, [net.ids[v] for v in people if net.ids[v] in feats.index])
        kind = max(scores, key=lambda k: (scores[k], k)) if scores else "smuggling"
        out.append(DetectedNetwork(f"NET{i:03d}", kind, people, scores, int(n_anchor)))
    return out


def membership(networks: list[DetectedNetwork]) -> dict[int, str]:
    return {v: n.network_id for n in networks for v in n.members}


def summary(networks: list[DetectedNetwork]) -> list[dict[str, Any]]:
    return [
        {"network_id": n.network_id, "kind": n.kind, "size": len(n.members), "anchors": n.anchors}
        for n in networks
    ]
