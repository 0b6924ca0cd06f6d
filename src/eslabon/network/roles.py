"""Infer each network member's role from behaviour, by the rules in ``rules.yaml``.

Behaviour = event counts by side (features.py) plus position in the member's own network:
partners, brokerage between Leiden segments, call partners inside the network. Background
people get no role. A member who behaves as a victim *and* matches an offending role (a coerced
recruiter) is flagged for a human decision rather than silently called either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from eslabon.network.communities import DetectedNetwork
from eslabon.network.graph import PersonNetwork
from eslabon.network.rules import Rules, holds

VICTIM_ROLES = frozenset({"migrant", "victim"})
UNKNOWN_USER = "phone_unknown_user"
KINDS = ("smuggling", "labour_trafficking", "drugs")


@dataclass
class RoleAssignment:
    entity_id: str
    network_id: str
    role: str
    stage: str | None
    score: float
    coerced: bool
    reasons: list[str] = field(default_factory=list)


def network_features(net: PersonNetwork, network: DetectedNetwork) -> pd.DataFrame:
    """Position of each member inside its network (igraph on the induced subgraph)."""
    g = net.graph(network.members)
    n = g.vcount()
    btw = g.betweenness(directed=False) if n > 2 else [0.0] * n
    top = max(btw, default=0.0) or 1.0
    inside = set(network.members)
    rows = {}
    for i, v in enumerate(g.vs["idx"]):
        calls = {
            net.ties[k].other(v)
            for k in net.adjacency[v]
            if net.ties[k].via == "call" and net.ties[k].other(v) in inside
        }
        rows[net.ids[v]] = {
            "net_partners": g.degree(i),
            "net_betweenness": btw[i] / top,
            "net_call_partners": len(calls),
            "net_size": n,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def infer_roles(
    net: PersonNetwork, feats: pd.DataFrame, networks: list[DetectedNetwork], rules: Rules
) -> list[RoleAssignment]:
    """One assignment per person member of a detected network."""
    out: list[RoleAssignment] = []
    for network in networks:
        pos = network_features(net, network)
        for v in network.members:
            eid = net.ids[v]
            if not net.is_person(v):
                out.append(
                    RoleAssignment(
                        eid,
                        network.network_id,
                        UNKNOWN_USER,
                        None,
                        0.0,
                        False,
                        ["a phone in the network whose user is unknown"],
                    )
                )
                continue
            row = feats.loc[eid].to_dict() if eid in feats.index else {}
            row.update(pos.loc[eid].to_dict() if eid in pos.index else {})
            for kind in KINDS:
                row[f"kind_{kind}"] = 1.0 if network.kind == kind else 0.0
            role, why = rules.role_of(row, network.kind)
            coerced = role not in VICTIM_ROLES and any(
                all(holds(row, c) for c in spec.get("when", [])) for spec in rules.coerced
            )
            reasons = [why]
            if coerced:
                reasons.append("also behaves as a victim (recruited/moved): human decision")
            out.append(
                RoleAssignment(
                    entity_id=eid,
                    network_id=network.network_id,
                    role=role,
                    stage=rules.stages.get(role),
                    score=float(row.get("net_betweenness", 0.0)),
                    coerced=coerced,
                    reasons=reasons,
                )
            )
    return out
