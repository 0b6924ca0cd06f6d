"""Strays: a member whose own offences belong to another kind of network moves to it."""

from __future__ import annotations

import pandas as pd

from eslabon.network.communities import DetectedNetwork
from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.rules import load_rules
from eslabon.network.strays import (
    move_strays,
    orphan_moves,
    own_kind,
    payee_moves,
    stray_moves,
)


def _call(a: int, b: int) -> Tie:
    return Tie(min(a, b), max(a, b), "call", f"c{a}-{b}", (1.0,), (f"l{a}-{b}",), False)


def _world() -> tuple[PersonNetwork, list[DetectedNetwork], pd.DataFrame]:
    """Smuggling network S (0-3: migrants detained, and 3, a courier seized with a load, whose
    brother 2 is in S); a crew C (4, 5) known only by its coordinator and launderer; a labour
    network L (6, 7) with 7, who slept one night in a hotel."""
    ids = [f"P{i}" for i in range(8)]
    ties = [_call(0, 1), _call(1, 2), _call(2, 3), _call(3, 4), _call(4, 5), _call(6, 7)]
    ties += [_call(7, 0)]
    net = PersonNetwork(ids, ids, ties)
    feats = pd.DataFrame(
        {
            "Detention_subject": [3, 3, 2, 0, 0, 0, 0, 0],
            "Seizure_subject": [0, 0, 0, 1, 0, 0, 0, 0],
            "Crossing_subject": [0, 0, 0, 4, 0, 0, 0, 0],
            "Employment_subject": [0, 0, 0, 0, 0, 0, 2, 1],
            "Lodging_subject": [0, 0, 0, 0, 0, 0, 0, 1],
        },
        index=ids,
    )
    nets = [
        DetectedNetwork("NET001", "smuggling", [0, 1, 2, 3], {"smuggling": 8.0, "drugs": 6.0}, 9),
        DetectedNetwork("NET002", "smuggling", [4, 5], {"smuggling": 0.0, "drugs": 0.0}, 6),
        DetectedNetwork("NET003", "labour_trafficking", [6, 7], {"labour_trafficking": 3.0}, 3),
    ]
    return net, nets, feats


def test_own_kind_needs_strong_evidence_of_one_kind() -> None:
    _net, _nets, feats = _world()
    rules = load_rules()
    assert own_kind(feats, "P3", rules, cap=6, least=3) == "drugs"  # seizure 2 + crossings 4
    assert own_kind(feats, "P7", rules, cap=6, least=3) is None  # labour 1 and a hotel night
    assert own_kind(feats, "P0", rules, cap=6, least=3) == "smuggling"
    assert own_kind(feats, "P9", rules, cap=6, least=3) is None  # no features at all


def test_a_seized_courier_moves_from_her_brothers_network_to_the_crew_she_calls() -> None:
    net, nets, feats = _world()
    rules = load_rules()
    moves = stray_moves(net, nets, feats, rules)
    # the courier moves to the crew of no known kind; the migrants stay (their kind is the
    # network's); the labour worker with one hotel night stays (too little evidence)
    assert moves == {3: "NET002"}
    after = {n.network_id: n for n in move_strays(net, nets, moves, feats, rules)}
    assert after["NET001"].members == [0, 1, 2] and after["NET002"].members == [3, 4, 5]
    assert after["NET002"].kind == "drugs" and after["NET002"].kind_scores["drugs"] > 0
    assert after["NET001"].kind == "smuggling"
    assert after["NET003"] is nets[2]  # untouched networks are returned as they were


def test_a_stray_tied_to_no_network_of_its_kind_stays() -> None:
    net, nets, feats = _world()
    rules = load_rules()
    nets[1] = DetectedNetwork(
        "NET002", "labour_trafficking", [4, 5], {"labour_trafficking": 9.0}, 6
    )
    assert stray_moves(net, nets, feats, rules) == {}
    assert move_strays(net, nets, {}, feats, rules) is nets


def _pay(payer: int, payee: int, ids: list[str]) -> Tie:
    a, b = min(payer, payee), max(payer, payee)
    return Tie(a, b, "payment", f"{ids[payer]}>{ids[payee]}", (1.0,), (f"p{payer}-{payee}",), False)


def test_a_collector_follows_the_families_who_pay_it_and_its_coordinator_follows() -> None:
    """Labour network A: fraudulent recruiter 0 (who once paid collector 2), victim 1, collector
    2, coordinator 3 (tied only to 2). Smuggling network B: recruiter 4, guide 5. Families 6-11
    pay collector 2 and talk to B's recruiter 4. The collector moves to B; then the
    coordinator, left with no tie in A, follows."""
    ids = [f"P{i}" for i in range(12)]
    ties = [_call(0, 1), _pay(0, 2, ids), _call(2, 3), _call(4, 5)]
    ties += [_pay(f, 2, ids) for f in range(6, 12)] + [_call(f, 4) for f in range(6, 12)]
    net = PersonNetwork(ids, ids, ties)
    nets = [
        DetectedNetwork("NET001", "labour_trafficking", [0, 1, 2, 3], {"labour_trafficking": 9}, 5),
        DetectedNetwork("NET002", "smuggling", [4, 5], {"smuggling": 9.0}, 5),
    ]
    moved = payee_moves(net, nets, min_payers=6)
    assert moved == {2: "NET002"}
    # six families are too few when seven are asked for
    assert payee_moves(net, nets, min_payers=7) == {}
    feats = pd.DataFrame(index=pd.Index(ids))
    rules = load_rules()
    after = move_strays(net, nets, moved, feats, rules)
    follow = orphan_moves(net, after, moved)
    assert follow == {3: "NET002"}  # the collector itself, tied only to families, stays put
    final = {n.network_id: n.members for n in move_strays(net, after, follow, feats, rules)}
    assert final == {"NET001": [0, 1], "NET002": [2, 3, 4, 5]}


def test_a_migrant_known_only_by_the_paying_relative_follows_the_collector() -> None:
    """Migrant 12 was placed in A because relative 6 paid A's collector 2 and then sent the
    migrant money; 12 has no tie to any member. Once the collector is in B, so is 12."""
    ids = [f"P{i}" for i in range(13)]
    ties = [_call(0, 1), _pay(0, 2, ids), _call(4, 5), _pay(6, 12, ids)]
    ties += [_pay(f, 2, ids) for f in range(6, 12)] + [_call(f, 4) for f in range(6, 12)]
    net = PersonNetwork(ids, ids, ties)
    nets = [
        DetectedNetwork("NET001", "labour_trafficking", [0, 1, 12], {}, 5),
        DetectedNetwork("NET002", "smuggling", [2, 4, 5], {"smuggling": 9.0}, 5),
    ]
    assert orphan_moves(net, nets, {2}) == {12: "NET002"}
