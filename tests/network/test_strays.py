"""Strays: a member whose own offences belong to another kind of network moves to it."""

from __future__ import annotations

import pandas as pd

from eslabon.network.communities import DetectedNetwork
from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.rules import load_rules
from eslabon.network.strays import move_strays, own_kind, stray_moves


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
