"""Infer each network member's role from behaviour, by the rules in ``role_rules.yaml``.

Behaviour = event counts by side (features.py) plus position in the member's own network:
partners, brokerage between Leiden segments, call partners inside the network. Background
people outside every network get no role; people detection placed in a network whose behaviour
is neither crew nor moved are called ``associate`` (no stage), with the ties that brought them in,
so they are neither accused nor protected as victims. A member who behaves as a victim *and*
matches an offending role (a coerced recruiter) is flagged for a human decision rather than
silently called either.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import pandas as pd

from eslabon.network.communities import DetectedNetwork, collectors
from eslabon.network.graph import PersonNetwork
from eslabon.network.recovery import CARRIED
from eslabon.network.rules import Rules, holds

VICTIM_ROLES = CARRIED
UNKNOWN_USER = "phone_unknown_user"
# Placed in a network by detection, but nothing recorded shows a part in the route: neither crew
# nor moved. Never ranked as a target, never treated as a victim (recovery.NON_TARGET_ROLES).
ASSOCIATE = "associate"
KINDS = ("smuggling", "labour_trafficking", "drugs")
# Networks that move people. A drug network moves loads, not people: someone in it who behaves
# like a migrant (a relative who receives its money, a stray record of a member) is no migrant
# of its route, and is left as an associate.
MOVES_PEOPLE = frozenset({"smuggling", "labour_trafficking"})


@dataclass
class RoleAssignment:
    entity_id: str
    network_id: str
    role: str
    stage: str | None
    score: float
    coerced: bool
    reasons: list[str] = field(default_factory=list)


MOVED_MARKS = ("detained_as_migrant", "Recruitment_object", "Employment_subject")
GROUP_WINDOW_DAYS = 0.5  # calls this long before a group's detention count as around the move


def moved_members(feats: pd.DataFrame | None, ids: list[str], members: list[int]) -> set[int]:
    """Members recorded as the people moved: detained as migrants, recruited, employed."""
    if feats is None or feats.empty:
        return set()
    marks = [c for c in MOVED_MARKS if c in feats.columns]
    if not marks:
        return set()
    moved = feats.index[(feats[marks].fillna(0) > 0).any(axis=1)]
    keep = set(moved)
    return {v for v in members if ids[v] in keep}


def network_features(
    net: PersonNetwork,
    network: DetectedNetwork,
    feats: pd.DataFrame | None = None,
    collector_min_payers: int = 4,
) -> pd.DataFrame:
    """Position of each member inside its network (igraph on the induced subgraph).

    Beyond degree and brokerage: ties to the people the network moves (by channel), money to and
    from other members (direction from the payer>payee tie) — and from how many of its
    collectors (members paid by ``collector_min_payers`` people or more), the money going up to
    the boss — and calls in the hours before a group of moved people was detained: the timing of
    a guide, lookout or driver.
    """
    g = net.graph(network.members)
    n = g.vcount()
    btw = g.betweenness(directed=False) if n > 2 else [0.0] * n
    top = max(btw, default=0.0) or 1.0
    inside = set(network.members)
    moved = moved_members(feats, net.ids, network.members)
    cashiers = collectors(net, network.members, collector_min_payers)
    moments = sorted(
        {
            t
            for v in moved
            for k in net.adjacency[v]
            if net.ties[k].via == "incident"
            for t in net.ties[k].times
        }
    )
    local = {v: i for i, v in enumerate(g.vs["idx"])}
    share = [b / top for b in btw]
    broker = g.vs["idx"][max(range(n), key=lambda i: btw[i])] if n else -1
    rows = {}
    for i, v in enumerate(g.vs["idx"]):
        calls: set[int] = set()
        by_via: dict[str, set[int]] = {}
        pay_in: set[int] = set()
        pay_out: set[int] = set()
        phone_partners: set[int] = set()
        around_moves = 0
        for k in net.adjacency[v]:
            t = net.ties[k]
            w = t.other(v)
            if w not in inside or w == v:
                continue
            if w in moved:
                by_via.setdefault(t.via, set()).add(w)
            if t.via == "call":
                calls.add(w)
                if not net.is_person(w):
                    phone_partners.add(w)
                around_moves += sum(1 for x in t.times if _before_a_move(x, moments))
            elif t.via == "payment":
                payer = t.via_entity.split(">", 1)[0]
                (pay_out if payer == net.ids[v] else pay_in).add(w)
        moved_ties = set().union(*by_via.values()) if by_via else set()
        partners = [g.vs[j]["idx"] for j in g.neighbors(i)]
        partner_btw = [share[local[w]] for w in partners]
        rows[net.ids[v]] = {
            "net_partners": g.degree(i),
            "net_betweenness": btw[i] / top,
            "net_call_partners": len(calls),
            "net_phone_partners": len(phone_partners),
            "net_size": n,
            "net_moved_ties": len(moved_ties),
            "net_moved_share": len(moved_ties) / g.degree(i) if g.degree(i) else 0.0,
            "net_moved_incident": len(by_via.get("incident", ())),
            "net_moved_calls": len(by_via.get("call", ())),
            "net_moved_payments": len(by_via.get("payment", ())),
            "net_pay_in_members": len(pay_in),
            "net_pay_out_members": len(pay_out),
            "net_paid_by_collectors": len(pay_in & cashiers.keys()),
            "net_calls_before_moves": around_moves,
            "is_moved": 1.0 if v in moved else 0.0,
            # who the person deals with: brokers (a forger, a lab) or the crowd (a recruiter)
            "net_partner_brokerage": sum(partner_btw) / len(partner_btw) if partner_btw else 0.0,
            "net_calls_top_broker": 1.0 if broker in calls and broker != v else 0.0,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def _before_a_move(t: float, moments: list[float]) -> bool:
    """Whether ``t`` falls in the hours before one of the sorted ``moments``."""
    j = bisect.bisect_left(moments, t)
    return j < len(moments) and moments[j] - t <= GROUP_WINDOW_DAYS


# How an associate is tied to the network, in words (person_edges.via).
CHANNEL_WORDS = {
    "call": "calls",
    "payment": "payments",
    "phone": "a shared phone",
    "vehicle": "a shared vehicle",
    "address": "a shared address",
    "account": "a shared account",
    "organization": "a common employer or agency",
    "incident": "a shared incident",
    "associate": "a declared association",
    "recruitment": "a recruitment",
    "employment": "an employment",
}
RECORD_WORDS = (("Arrest_subject", "arrest"), ("Detention_subject", "detention"))


def associate_reasons(net: PersonNetwork, v: int, inside: set[int], row: dict) -> list[str]:
    """Why a member is left as an associate: the channels that tie them to the network, and
    the enforcement records they have (none, or ones that show no part in the route)."""
    vias = sorted(
        {
            net.ties[k].via
            for k in net.adjacency[v]
            if net.ties[k].other(v) in inside and net.ties[k].other(v) != v
        }
    )
    words = [CHANNEL_WORDS.get(x, x) for x in vias]
    out = []
    if words:
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        out.append(f"tied to the network only by {joined}")
    records = [(int(row.get(col, 0) or 0), word) for col, word in RECORD_WORDS]
    records = [(n, w) for n, w in records if n > 0]
    if records:
        listed = ", ".join(f"{n} {w}{'s' if n > 1 else ''}" for n, w in records)
        out.append(f"enforcement records: {listed}")
    else:
        out.append("no arrest or detention on record")
    return out


def infer_roles(
    net: PersonNetwork, feats: pd.DataFrame, networks: list[DetectedNetwork], rules: Rules
) -> list[RoleAssignment]:
    """One assignment per person member of a detected network."""
    out: list[RoleAssignment] = []
    for network in networks:
        pos = network_features(
            net, network, feats, int(rules.detection.get("collector_min_payers", 4))
        )
        inside = set(network.members)
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
            if role == "migrant" and network.kind not in MOVES_PEOPLE:
                role, why = ASSOCIATE, f"behaves like the people moved, in a {network.kind} network"
            # An associate plays no offending role, so there is no coercion to weigh.
            coerced = role not in VICTIM_ROLES | {ASSOCIATE} and any(
                all(holds(row, c) for c in spec.get("when", [])) for spec in rules.coerced
            )
            reasons = [why]
            if role == ASSOCIATE:
                reasons += associate_reasons(net, v, inside, row)
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
