"""The `eslabon network` stage: build, burners, networks, roles, ranking — one transaction.

Each step reads what the previous one wrote; every table is rewritten whole, so a re-run gives
the same store and an interrupted run leaves the previous results in place.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from eslabon.network.build import build_network
from eslabon.network.burners import attribute_burners, propose_burners, store_burners
from eslabon.network.communities import DetectedNetwork, detect_networks
from eslabon.network.features import person_features
from eslabon.network.graph import (
    PersonNetwork,
    load_network,
    person_homes,
    person_lines,
    person_moves,
    person_phones,
)
from eslabon.network.roles import VICTIM_ROLES, RoleAssignment, infer_roles
from eslabon.network.rules import Rules, load_rules
from eslabon.network.segments import merge_segments, segment_owners
from eslabon.network.store_disrupt import rank_network, store_ranking
from eslabon.network.strays import move_strays, orphan_moves, payee_moves, stray_moves
from eslabon.network.trace import NodeInfo
from eslabon.store.connection import Store

Progress = Callable[[str], None]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run_network(
    store: Store, *, rules: Rules | None = None, top: int = 10, progress: Progress | None = None
) -> dict[str, Any]:
    """Run the whole network stage and return a summary for people and for `--json`."""
    rules = rules or load_rules()
    step = progress or (lambda _msg: None)
    run_id = uuid.uuid4().hex[:12]
    started = _now()
    timings: dict[str, float] = {}
    t = time.perf_counter()
    burners: list = []

    def attribute(st: Store) -> None:
        step("proposing burner-phone links")
        burners.extend(propose_burners(st))
        store_burners(st, burners)
        attribute_burners(st, burners)

    with store.transaction():
        step("building the entity network and the person view")
        report = build_network(store, attribute=attribute)
        timings["build_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        step("loading the person network")
        net = load_network(store)
        feats = person_features(store)
        step("detecting networks")
        networks = detect_networks(
            net,
            feats,
            rules,
            moves=person_moves(store, net),
            phones=person_phones(store, net),
            homes=person_homes(store, net),
            lines=person_lines(store, net),
        )
        networks = move_strays(
            net, networks, stray_moves(net, networks, feats, rules), feats, rules
        )
        paid = payee_moves(net, networks, int(rules.detection.get("payee_min_payers", 6)))
        networks = move_strays(net, networks, paid, feats, rules)
        if paid:
            networks = move_strays(net, networks, orphan_moves(net, networks, paid), feats, rules)
        timings["detect_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        step("inferring roles")
        roles = infer_roles(net, feats, networks, rules)
        owners = segment_owners(
            net, networks, roles, int(rules.detection.get("segment_min_ties", 3))
        )
        if owners:
            networks = merge_segments(networks, owners)
            roles = infer_roles(net, feats, networks, rules)
        write_networks(store, networks, roles)
        timings["roles_s"] = round(time.perf_counter() - t, 3)
        t = time.perf_counter()
        step("ranking prosecution targets")
        rank_all(store, net, networks, roles, top=top)
        timings["disrupt_s"] = round(time.perf_counter() - t, 3)
        summary = {
            "run_id": run_id,
            "build": report.to_dict(),
            "actors": net.n,
            "ties": len(net.ties),
            "burner_links": len(burners),
            "burner_attributed": sum(1 for b in burners if b.user_entity),
            "networks": [
                {
                    "network_id": n.network_id,
                    "kind": n.kind,
                    "size": sum(1 for v in n.members if net.is_person(v)),
                    "anchors": n.anchors,
                }
                for n in networks
            ],
            "roles": _role_counts(roles),
            "timings": timings,
            "rules": rules.path,
        }
        store.execute(
            "INSERT INTO network_runs VALUES (?, ?, ?, ?)",
            [run_id, started, _now(), json.dumps(summary)],
        )
    return summary


def _role_counts(roles: list[RoleAssignment]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in roles:
        out[r.role] = out.get(r.role, 0) + 1
    return dict(sorted(out.items()))


def write_networks(
    store: Store, networks: list[DetectedNetwork], roles: list[RoleAssignment]
) -> None:
    """Rewrite networks and node_roles."""
    store.execute("DELETE FROM networks")
    store.execute("DELETE FROM node_roles")
    if networks:
        store.connection.executemany(
            "INSERT INTO networks VALUES (?, ?, ?, ?, ?)",
            [
                (n.network_id, n.kind, len(n.members), json.dumps(n.kind_scores), n.anchors)
                for n in networks
            ],
        )
    if roles:
        store.connection.executemany(
            "INSERT INTO node_roles VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    r.entity_id,
                    r.network_id,
                    r.role,
                    r.stage,
                    r.score,
                    r.coerced,
                    json.dumps(r.reasons),
                )
                for r in roles
            ],
        )


def role_tuples(roles: list[RoleAssignment]) -> dict[str, tuple[str, ...]]:
    """Roles as the dismantling core wants them; coerced actors carry 'victim' too."""
    return {
        r.entity_id: (r.role, "victim") if r.coerced and r.role not in VICTIM_ROLES else (r.role,)
        for r in roles
    }


def rank_all(
    store: Store,
    net: PersonNetwork,
    networks: list[DetectedNetwork],
    roles: list[RoleAssignment],
    *,
    top: int,
    only: str | None = None,
) -> dict[str, Any]:
    """Rank every (or one) network and store the result; returns rankings by network id."""
    tuples = role_tuples(roles)
    captions = dict(zip(net.ids, net.captions, strict=True))
    out = {}
    for n in networks:
        if only is not None and n.network_id != only:
            continue
        ranking, evidence = rank_network(
            store, net, n.network_id, n.kind, n.members, tuples, top=top
        )
        store_ranking(store, n.network_id, ranking, evidence, captions)
        out[n.network_id] = (n, ranking, evidence)
    return out


def load_results(
    store: Store, net: PersonNetwork
) -> tuple[list[DetectedNetwork], list[RoleAssignment], NodeInfo]:
    """Networks, roles and node info as stored by the last `eslabon network`."""
    networks = []
    rows = store.query(
        "SELECT network_id, kind, kind_scores, anchor_events FROM networks ORDER BY network_id"
    )
    members: dict[str, list[int]] = {r[0]: [] for r in rows}
    roles = []
    info = NodeInfo()
    for eid, nid, role, stage, score, coerced, reasons in store.query(
        "SELECT entity_id, network_id, role, stage, score, coerced, reasons FROM node_roles"
    ):
        roles.append(RoleAssignment(eid, nid, role, stage, score, coerced, json.loads(reasons)))
        v = net.index.get(eid)
        if v is None:
            continue
        info.role[v] = role
        if stage:
            info.stage[v] = stage
        if nid:
            info.network[v] = nid
            members.setdefault(nid, []).append(v)
    for nid, kind, scores, anchors in rows:
        networks.append(
            DetectedNetwork(nid, kind, sorted(members.get(nid, [])), json.loads(scores), anchors)
        )
    return networks, roles, info
