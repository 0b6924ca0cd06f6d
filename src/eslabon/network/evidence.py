"""Evidence strength: how well the records tie a person to their network.

A prosecutor needs independent sources and direct offence events, not just centrality: a
coordinator seen only in call records is a weaker case than a driver arrested with migrants.
Strength = 1 − exp(−(sources + 2·offences) / 4), so three sources and one offence ≈ 0.71.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd

from eslabon.network.disrupt_rank import Evidence
from eslabon.network.graph import PersonNetwork
from eslabon.store.connection import Store

OFFENCE_KINDS = ("Detention", "Arrest", "Seizure", "Stop", "Recruitment")


def evidence_for(store: Store, net: PersonNetwork, members: list[int]) -> dict[str, Evidence]:
    """Per member: distinct sources of the ties inside the network, and offence events."""
    inside = set(members)
    link_owner: dict[str, set[str]] = defaultdict(set)
    for v in members:
        for k in net.adjacency[v]:
            t = net.ties[k]
            if t.other(v) in inside:
                for lid in t.link_ids:
                    link_owner[lid].add(net.ids[v])
    ids = [net.ids[v] for v in members if net.is_person(v)]
    if not ids:
        return {}
    frame = pd.DataFrame({"link_id": list(link_owner)})
    con = store.connection
    con.register("_ev_links", frame)
    con.register("_ev_people", pd.DataFrame({"person": ids}))
    try:
        by_link = store.query(
            "SELECT e.link_id, s.name FROM _ev_links x JOIN net_edges e USING (link_id) "
            "JOIN sources s ON s.source_id = e.source_id"
        )
        kinds = ",".join(f"'{k}'" for k in OFFENCE_KINDS)
        offences = store.query(
            f"""
            SELECT p.person, count(DISTINCT e.link_id), list(DISTINCT e.kind)
            FROM _ev_people p JOIN net_edges e
              ON (e.subject_entity = p.person OR e.object_entity = p.person)
            WHERE e.kind IN ({kinds}) GROUP BY 1
            """
        )
    finally:
        con.unregister("_ev_links")
        con.unregister("_ev_people")
    sources: dict[str, set[str]] = defaultdict(set)
    for lid, name in by_link:
        for person in link_owner[lid]:
            sources[person].add(name)
    off = {p: (n, sorted(k)) for p, n, k in offences}
    out = {}
    for person in ids:
        n_src = len(sources.get(person, ()))
        n_off, off_kinds = off.get(person, (0, []))
        strength = 1.0 - math.exp(-(n_src + 2 * n_off) / 4)
        reasons = [f"{n_src} independent source{'s' if n_src != 1 else ''}"]
        if n_src:
            reasons[0] += f" ({', '.join(sorted(sources[person])[:4])})"
        reasons.append(
            f"{n_off} direct offence event{'s' if n_off != 1 else ''}"
            + (f" ({', '.join(off_kinds)})" if off_kinds else "")
        )
        out[person] = Evidence(round(strength, 4), tuple(reasons))
    return out


def evidence_summary(ev: Evidence | None) -> dict[str, object]:
    if ev is None:
        return {"strength": 0.0, "reasons": []}
    return {"strength": ev.strength, "reasons": list(ev.reasons)}
