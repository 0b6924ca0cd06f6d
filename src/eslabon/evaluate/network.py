"""Network sections of `eslabon eval`: chains, roles, networks, disruption, burners.

Predicted entities are mapped to true ids by the majority of their mentions, so the same code
scores the network stage on eslabon's resolution and on the oracle's. Only people the store
records can be found: each section says how many true members it could judge.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from itertools import pairwise
from math import comb
from pathlib import Path
from typing import Any

from eslabon.disjoint_sets import find
from eslabon.errors import EslabonError
from eslabon.evaluate.registry import section
from eslabon.evaluate.truth import truth_by_mention, truth_file
from eslabon.store.connection import Store

NO_ROLE = "none"


# ----------------------------------------------------------------------------- truth helpers


def read_csv(truth_dir: Path, name: str) -> list[dict[str, str]]:
    with truth_file(truth_dir, name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def true_roles(truth_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """person → [(network, role)] (a coerced person has two rows)."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in read_csv(truth_dir, "roles.csv"):
        out[r["person_id"]].append((r["network_id"], r["role"]))
    return out


def entity_to_truth(store: Store, truth_dir: Path) -> dict[str, str]:
    """Predicted entity id → the true entity most of its mentions belong to."""
    truth = truth_by_mention(store, truth_dir)
    votes: dict[str, Counter] = defaultdict(Counter)
    for mention, entity in store.query("SELECT mention_id, entity_id FROM entity_mentions"):
        if mention in truth:
            votes[entity][truth[mention][1]] += 1
    return {e: c.most_common(1)[0][0] for e, c in votes.items()}


def recorded_truth_ids(store: Store, truth_dir: Path) -> set[str]:
    return {t for _k, t in truth_by_mention(store, truth_dir).values()}


def _has_network(store: Store) -> bool:
    return store.table_exists("net_edges") and bool(
        store.query_one("SELECT count(*) FROM net_edges")[0]
    )


SKIPPED = {"skipped": "no network built in this workspace: run `eslabon network`"}


# ----------------------------------------------------------------------------- metrics


def adjusted_rand_index(a: list[Any], b: list[Any]) -> float:
    """ARI of two labelings of the same items (1 = identical partitions, ~0 = chance)."""
    n = len(a)
    if n < 2:
        return 1.0
    cells = Counter(zip(a, b, strict=True))
    sum_cells = sum(comb(c, 2) for c in cells.values())
    sum_a = sum(comb(c, 2) for c in Counter(a).values())
    sum_b = sum(comb(c, 2) for c in Counter(b).values())
    expected = sum_a * sum_b / comb(n, 2)
    maximum = (sum_a + sum_b) / 2
    if maximum == expected:
        return 1.0
    return (sum_cells - expected) / (maximum - expected)


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


# ----------------------------------------------------------------------------- sections


def chains_report(store: Store, truth_dir: Path, tracer: Any | None = None) -> dict[str, Any]:
    """Trace every seed as an analyst would (its `value`) and compare with the true members."""
    from eslabon.network.tracer import Tracer

    if not _has_network(store):
        return dict(SKIPPED)
    tracer = tracer or Tracer(store)
    to_truth = entity_to_truth(store, truth_dir)
    recorded = recorded_truth_ids(store, truth_dir)
    members: dict[str, set[str]] = defaultdict(set)
    for person, rows in true_roles(truth_dir).items():
        for network, _role in rows:
            members[network].add(person)
    per_seed = []
    for s in read_csv(truth_dir, "seeds.csv"):
        truth = members.get(s["network_id"], set())
        judged = truth & recorded
        query = s.get("value") or s["entity_id"]
        entry: dict[str, Any] = {
            "network_id": s["network_id"],
            "seed": query,
            "seed_kind": s.get("kind"),
            "true_members": len(truth),
            "recorded_members": len(judged),
        }
        try:
            result = tracer.trace(query)
        except EslabonError as err:
            entry.update(recall=0.0, precision=0.0, found=0, error=err.message)
            per_seed.append(entry)
            continue
        # phones whose user is unknown are leads, not people: they are not scored
        found = {
            to_truth.get(a["entity_id"], a["entity_id"])
            for a in result["actors"]
            if a.get("kind", "Person") == "Person"
        }
        found_people = {f for f in found if f in recorded}
        hits = found_people & judged
        entry.update(
            found=len(found_people),
            recall=round(len(hits) / len(judged), 4) if judged else 1.0,
            precision=round(len(hits) / len(found_people), 4) if found_people else 0.0,
            missed=sorted(judged - hits)[:20],
            extra=sorted(found_people - judged)[:20],
        )
        per_seed.append(entry)
    n = len(per_seed) or 1
    return {
        "mean_recall": round(sum(e["recall"] for e in per_seed) / n, 4),
        "mean_precision": round(sum(e["precision"] for e in per_seed) / n, 4),
        "min_recall": min((e["recall"] for e in per_seed), default=0.0),
        "min_precision": min((e["precision"] for e in per_seed), default=0.0),
        "per_seed": per_seed,
    }


def _predicted_roles(store: Store, to_truth: dict[str, str]) -> dict[str, tuple[str, str]]:
    """truth person id → (predicted network, predicted role)."""
    out = {}
    for eid, nid, role in store.query(
        "SELECT entity_id, network_id, role FROM node_roles WHERE role <> 'phone_unknown_user'"
    ):
        out[to_truth.get(eid, eid)] = (nid, role)
    return out


def _per_role(pairs: list[tuple[str, str]], roles: list[str]) -> dict[str, dict[str, Any]]:
    """Precision, recall, F1 and support of each of ``roles`` over (actual, predicted) pairs."""
    out = {}
    for role in roles:
        tp = sum(1 for a, g in pairs if a == role and g == role)
        fp = sum(1 for a, g in pairs if a != role and g == role)
        fn = sum(1 for a, g in pairs if a == role and g != role)
        out[role] = {**_prf(tp, fp, fn), "support": tp + fn}
    return out


def _macro_f1(per_role: dict[str, dict[str, Any]]) -> float:
    return sum(v["f1"] for v in per_role.values()) / len(per_role) if per_role else 0.0


def roles_report(store: Store, truth_dir: Path) -> dict[str, Any]:
    """Macro-F1 over the true roles; people outside every network count as role 'none'."""
    if not _has_network(store):
        return dict(SKIPPED)
    to_truth = entity_to_truth(store, truth_dir)
    recorded = recorded_truth_ids(store, truth_dir)
    truth = {p: rows for p, rows in true_roles(truth_dir).items() if p in recorded}
    pred = {p: r for p, (_n, r) in _predicted_roles(store, to_truth).items() if p in recorded}
    universe = set(truth) | set(pred)
    confusion: dict[str, Counter] = defaultdict(Counter)
    pairs = []
    for person in sorted(universe):
        options = [r for _n, r in truth.get(person, [])] or [NO_ROLE]
        got = pred.get(person, NO_ROLE)
        actual = got if got in options else options[0]
        confusion[actual][got] += 1
        pairs.append((actual, got))
    scores = role_scores(pairs, sorted({r for rows in truth.values() for _n, r in rows}))
    return {
        "macro_f1": scores["macro_f1"],
        "per_role": scores["per_role"],
        "confusion": {a: dict(c) for a, c in sorted(confusion.items())},
        "judged_people": len(universe),
        "placed_members": scores["placed_members"],
    }


def role_scores(pairs: list[tuple[str, str]], roles: list[str]) -> dict[str, Any]:
    """Macro-F1 over ``roles`` from (actual, predicted) pairs, and the same over the true members
    placed in some network only: role inference apart from network detection."""
    per_role = _per_role(pairs, roles)
    placed = [(a, g) for a, g in pairs if a != NO_ROLE and g != NO_ROLE]
    placed_roles = _per_role(placed, sorted({a for a, _g in placed}))
    return {
        "macro_f1": round(_macro_f1(per_role), 4),
        "per_role": per_role,
        "placed_members": {
            "macro_f1": round(_macro_f1(placed_roles), 4),
            "accuracy": round(sum(a == g for a, g in placed) / len(placed), 4) if placed else 0.0,
            "people": len(placed),
        },
    }


def pooled_roles(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """Role scores over the people of several worlds at once (`roles_report`s' confusions
    summed). One world holds one importer and two forgers: its macro-F1 moves by 0.07 when one
    of them is found, so a change is judged on the pool, not on the mean of worlds."""
    pairs = [
        (actual, got)
        for r in reports
        for actual, row in r["confusion"].items()
        for got, n in row.items()
        for _ in range(n)
    ]
    return role_scores(pairs, sorted({role for r in reports for role in r["per_role"]}))


def networks_report(store: Store, truth_dir: Path) -> dict[str, Any]:
    """ARI of detected networks against true ones over true members ∪ predicted members.

    A person outside every network is a singleton on that side, so pulling in a bystander or
    leaving out a member both cost.
    """
    if not _has_network(store):
        return dict(SKIPPED)
    to_truth = entity_to_truth(store, truth_dir)
    recorded = recorded_truth_ids(store, truth_dir)
    truth = {p: rows[0][0] for p, rows in true_roles(truth_dir).items() if p in recorded}
    pred = {p: n for p, (n, _r) in _predicted_roles(store, to_truth).items() if p in recorded}
    people = sorted(set(truth) | set(pred))
    a = [truth.get(p, f"single:{p}") for p in people]
    b = [pred.get(p, f"single:{p}") for p in people]
    members_only = sorted(truth)
    kinds = {r["network_id"]: r["kind"] for r in read_csv(truth_dir, "networks.csv")}
    stored = dict(store.query("SELECT network_id, kind FROM networks"))
    # A detected network's kind is right when it matches the kind of the true network most of
    # its members belong to.
    kind_hits = 0
    for nid, kind in stored.items():
        votes = Counter(truth[p] for p, n in pred.items() if n == nid and p in truth)
        if votes and kinds.get(votes.most_common(1)[0][0]) == kind:
            kind_hits += 1
    return {
        "ari": round(adjusted_rand_index(a, b), 4),
        "ari_true_members": round(
            adjusted_rand_index(
                [truth[p] for p in members_only], [pred.get(p, f"single:{p}") for p in members_only]
            ),
            4,
        ),
        "true_networks": len(kinds),
        "detected_networks": len(stored),
        "kind_accuracy": round(kind_hits / len(stored), 4) if stored else 0.0,
        "people": len(people),
    }


def burners_report(store: Store, truth_dir: Path) -> dict[str, Any]:
    """Precision/recall of proposed same-user phone links against truth/phone_users.csv.

    True pairs: consecutive phones of one person with disjoint spans, both seen in a call.
    """
    if not _has_network(store):
        return dict(SKIPPED)
    to_truth = entity_to_truth(store, truth_dir)
    by_person: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    owner: dict[str, set[str]] = defaultdict(set)
    for r in read_csv(truth_dir, "phone_users.csv"):
        by_person[r["person_id"]].append((r["start"], r["end"], r["phone_id"]))
        owner[r["phone_id"]].add(r["person_id"])
    called = {
        to_truth.get(p, p)
        for (p,) in store.query(
            "SELECT subject_entity FROM net_edges WHERE kind = 'Call' "
            "UNION SELECT object_entity FROM net_edges WHERE kind = 'Call'"
        )
    }
    true_pairs = set()
    for spans in by_person.values():
        spans.sort()
        for (_s1, e1, p1), (s2, _e2, p2) in pairwise(spans):
            if e1 < s2 and p1 in called and p2 in called:
                true_pairs.add(frozenset((p1, p2)))
    proposed = [
        (to_truth.get(a, a), to_truth.get(b, b), score)
        for a, b, score in store.query("SELECT phone_a, phone_b, score FROM burner_links")
    ]
    correct = sum(1 for a, b, _s in proposed if owner.get(a, set()) & owner.get(b, set()))
    # Recall: true consecutive pairs joined by the proposals' chains (transitively).
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        return find(parent, x)

    for a, b, _s in proposed:
        parent[root(a)] = root(b)
    found = sum(1 for pair in true_pairs if len({root(p) for p in pair}) == 1)
    return {
        "precision": round(correct / len(proposed), 4) if proposed else 1.0,
        "recall": round(found / len(true_pairs), 4) if true_pairs else 1.0,
        "proposed": len(proposed),
        "correct": correct,
        "true_pairs": len(true_pairs),
        "joined": found,
    }


# The judge's recovery runs: their own seed (see below), and enough of them that a route left
# running in 1 run in 100 (a newcomer coordinator, say) shows instead of rounding to nothing.
JUDGE_SEED = 1
JUDGE_RUNS = 200


def disruption_report(store: Store, truth_dir: Path, k: int = 5) -> dict[str, Any]:
    """Per true network: route capacity surviving eslabon's top-k vs degree's top-k.

    Both orders come from what eslabon sees (its detected network and inferred roles; degree
    skips people eslabon calls victims or holds for review, as eslabon does). The damage is
    measured on the *true* network — true members, true roles, burners standing for their true
    users — after recovery: members of the same role take over and newcomers fill replaceable
    roles (``route_flow``, ``recovery.yaml``).
    """
    from eslabon.network.analyse import load_results, role_tuples
    from eslabon.network.graph import load_network
    from eslabon.network.recovery import (
        NON_TARGET_ROLES,
        RecoveryConfig,
        replacement_odds,
        simulate_recovery,
    )
    from eslabon.network.route_flow import route_capacity
    from eslabon.network.store_disrupt import network_graph, owners_graph, rank_network

    if not _has_network(store):
        return dict(SKIPPED)
    to_truth = entity_to_truth(store, truth_dir)
    from_truth: dict[str, list[str]] = defaultdict(list)
    for e, t in to_truth.items():
        from_truth[t].append(e)
    kinds = {r["network_id"]: r["kind"] for r in read_csv(truth_dir, "networks.csv")}
    roles_by_person = true_roles(truth_dir)
    phone_owner: dict[str, set[str]] = defaultdict(set)
    for r in read_csv(truth_dir, "phone_users.csv"):
        phone_owner[r["phone_id"]].add(r["person_id"])
    net = load_network(store)
    networks, roles, _info = load_results(store, net)
    inferred = role_tuples(roles)
    per_network = []
    for tid, kind in sorted(kinds.items()):
        true_people = {p for p, rows in roles_by_person.items() if any(n == tid for n, _ in rows)}
        # the true network as recorded: its people and the phones they use
        owned = {ph for ph, who in phone_owner.items() if who & true_people}
        member_idx = sorted(
            {
                net.index[e]
                for p in true_people | owned
                for e in from_truth.get(p, [])
                if e in net.index
            }
        )
        if len(member_idx) < 3:
            per_network.append({"network_id": tid, "kind": kind, "skipped": "too few recorded"})
            continue
        true_tuple = {
            net.ids[v]: tuple(
                sorted({r for n, r in roles_by_person[to_truth.get(net.ids[v])] if n == tid})
            )
            for v in member_idx
        }
        # One vertex per true person: a person eslabon split over several entities is one
        # human, arrested whole whichever of their records is named (``person_of``).
        person_of = {
            e: min(x for x in from_truth[p] if x in net.index)
            for p in true_people
            for e in from_truth.get(p, [])
            if e in net.index
        }
        # burners stand for their true users: the crew's contacts as they are in life
        owner_of = {
            net.index[e]: [
                net.index[person_of[x]]
                for o in who
                for x in from_truth.get(o, [])
                if x in net.index and x in person_of
            ]
            for ph, who in phone_owner.items()
            if who & true_people
            for e in from_truth.get(ph, [])
            if e in net.index
        }
        owner_of.update(
            {net.index[e]: [net.index[first]] for e, first in person_of.items() if e != first}
        )
        truth_graph = owners_graph(net, member_idx, true_tuple, owner_of)
        # the detected network that overlaps this true one most
        best = max(networks, key=lambda n: len(set(n.members) & set(member_idx)), default=None)
        if best is None or not set(best.members) & set(member_idx):
            per_network.append({"network_id": tid, "kind": kind, "skipped": "not detected"})
            continue
        ranking, _ev = rank_network(
            store, net, best.network_id, best.kind, best.members, inferred, top=k
        )
        eslabon_top = ranking.order[:k]
        seen = network_graph(net, best.members, inferred)
        # degree may not take anyone eslabon may not: held for review, never ranked, and the
        # people eslabon takes for migrants or victims (left out of its crew view altogether)
        blocked = {e.name for e in ranking.held_for_review} | set(ranking.never_ranked)
        blocked |= {
            name
            for name, rs in zip(seen.vs["name"], seen.vs["roles"], strict=True)
            if rs and not set(rs) - NON_TARGET_ROLES
        }
        degree_top = [
            seen.vs[i]["name"]
            for i in sorted(
                range(seen.vcount()), key=lambda i: (-seen.degree(i), seen.vs[i]["name"])
            )
            if seen.vs[i]["name"] not in blocked
        ][:k]
        cap = route_capacity(
            kind, {r for rs in true_tuple.values() for r in rs}, intact=truth_graph
        )
        # Judged on draws of its own: the ranking's recovery runs use seed 0 (store_disrupt), and
        # with common random numbers the same seed would replay them here.
        config = RecoveryConfig(
            runs=JUDGE_RUNS,
            measure_efficiency=False,
            seed=JUDGE_SEED,
            replacement=replacement_odds(),
        )
        names = set(truth_graph.vs["name"])

        def surviving(
            order: list[str],
            cap=cap,
            config=config,
            names=names,
            graph=truth_graph,
            person_of=person_of,
        ) -> tuple[float | None, float | None]:
            """Share of the route left after recovery, and its standard error over the runs."""
            removed = people_removed(order, person_of, names)
            out = simulate_recovery(graph, removed, capacity=cap, config=config)
            base = out.baseline.capacity
            if not base:
                return None, None
            return round(out.after_recovery.capacity / base, 4), round(out.capacity_se / base, 4)

        # the whole curve (after 1, 2, … k removals) shows who collapses the route sooner; its
        # last point is the whole top k
        points_e = [surviving(eslabon_top[:i]) for i in range(1, len(eslabon_top) + 1)]
        points_d = [surviving(degree_top[:i]) for i in range(1, len(degree_top) + 1)]
        s_eslabon, se_eslabon = points_e[-1] if points_e else surviving(eslabon_top)
        s_degree, se_degree = points_d[-1] if points_d else surviving(degree_top)
        curve_e = [s for s, _se in points_e]
        curve_d = [s for s, _se in points_d]
        per_network.append(
            {
                "network_id": tid,
                "kind": kind,
                "detected_as": best.network_id,
                "k": k,
                "eslabon_top": eslabon_top,
                "degree_top": degree_top,
                "eslabon_surviving": s_eslabon,
                "degree_surviving": s_degree,
                # how far another draw of the recovery runs may move each (standard error)
                "eslabon_surviving_se": se_eslabon,
                "degree_surviving_se": se_degree,
                "eslabon_better": None
                if s_eslabon is None or s_degree is None
                else s_eslabon < s_degree,
                "eslabon_curve": curve_e,
                "degree_curve": curve_d,
                "eslabon_curve_area": _area(curve_e),
                "degree_curve_area": _area(curve_d),
            }
        )
    judged = [n for n in per_network if n.get("eslabon_better") is not None]
    return {
        "k": k,
        "per_network": per_network,
        "eslabon_better_everywhere": bool(judged) and all(n["eslabon_better"] for n in judged),
        "eslabon_not_worse_everywhere": bool(judged)
        and all(n["eslabon_surviving"] <= n["degree_surviving"] for n in judged),
        "eslabon_curve_area_smaller_everywhere": bool(judged)
        and all(
            n["eslabon_curve_area"] is not None
            and n["degree_curve_area"] is not None
            and n["eslabon_curve_area"] < n["degree_curve_area"]
            for n in judged
        ),
        "mean_eslabon_surviving": round(
            sum(n["eslabon_surviving"] for n in judged) / len(judged), 4
        )
        if judged
        else None,
        "mean_degree_surviving": round(sum(n["degree_surviving"] for n in judged) / len(judged), 4)
        if judged
        else None,
        **{
            f"mean_{who}_curve_area": _mean_of([n[f"{who}_curve_area"] for n in judged])
            for who in ("eslabon", "degree")
        },
    }


def _mean_of(values: list[float | None]) -> float | None:
    """Mean of the values given, or None when any is missing (a curve cut short)."""
    if not values or any(v is None for v in values):
        return None
    return round(sum(v for v in values if v is not None) / len(values), 4)


def people_removed(
    order: list[str], person_of: Mapping[str, str], names: Collection[str]
) -> list[str]:
    """The people an order of picked records removes, first pick first, each person once.

    A pick names a record (an entity); prosecuting it removes the person behind it, so a second
    record of someone already removed takes nobody more, and a record of someone outside the
    network (``person_of`` has no entry, or the person is not in ``names``) takes nobody.
    """
    people = dict.fromkeys(person_of[x] for x in order if x in person_of)
    return [p for p in people if p in names]


def _area(curve: list[float | None]) -> float | None:
    """Mean surviving capacity over the removal steps (lower = faster collapse)."""
    return _mean_of(curve)


section("chains")(chains_report)
section("roles")(roles_report)
section("networks")(networks_report)
section("burners")(burners_report)
section("disruption")(disruption_report)
