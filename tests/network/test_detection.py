"""Network detection on small in-memory person networks (no store needed: detection is pure)."""

from __future__ import annotations

import pandas as pd

from eslabon.network.communities import (
    _votes,
    arrivals,
    business_lines,
    call_times,
    collectors_payee,
    detect_networks,
    followed,
    grow_core,
    household,
    in_touch,
    kind_scores,
    line_callers,
    long_held_phones,
    prune,
    short_lived_phones,
    split_anchor_scores,
)
from eslabon.network.graph import PersonNetwork, Tie
from eslabon.network.rules import load_rules


def _crew_known_by_burners(n_phones: int) -> PersonNetwork:
    """One caller (a person) and ``n_phones`` prepaid phones nobody is recorded using, calling
    each other in a ring, busy for two months: a drug crew known only by its burners."""
    ids = ["P1", *[f"PH{i}" for i in range(n_phones)]]
    kinds = ["Person", *["Phone"] * n_phones]
    ties = []
    for i in range(n_phones):
        a, b = 1 + i, 1 + (i + 1) % n_phones
        times = tuple(19000.0 + 10 * j + i for j in range(6))
        ties.append(Tie(min(a, b), max(a, b), "call", f"c{i}", times, (f"l{i}",), False))
    ties.append(Tie(0, 1, "call", "c-p", (19001.0, 19020.0), ("lp",), False))
    return PersonNetwork(ids, ids, ties, kinds)


def test_a_crew_known_only_by_its_burners_is_a_network() -> None:
    rules = load_rules()
    net = _crew_known_by_burners(12)
    found = detect_networks(net, pd.DataFrame(), rules)
    assert len(found) == 1
    # sized in actors: twelve burners stand for the crew although one person is known
    assert {f"PH{i}" for i in range(12)} <= {net.ids[v] for v in found[0].members}


def test_a_few_short_lived_phones_are_not_a_network() -> None:
    rules = load_rules()
    net = _crew_known_by_burners(4)  # too few markers and actors
    assert detect_networks(net, pd.DataFrame(), rules) == []


def _tie(a: int, b: int, via: str, times: tuple[float, ...], entity: str = "") -> Tie:
    return Tie(
        min(a, b), max(a, b), via, entity or f"{via}{a}-{b}", times, ("l",) * len(times), False
    )


def test_prune_keeps_recruits_and_drops_friends_and_relatives() -> None:
    """Crew 0-1; 2 got one burst of recruiter calls; 3 talks to the recruiter now and then over
    years; 4 only pays the crew (a relative); 5 shares a hotel night with a crew member."""
    ids = [f"P{i}" for i in range(6)]
    ties = [
        _tie(0, 1, "call", (100.0, 101.0, 400.0)),
        _tie(0, 2, "call", (200.0, 201.5)),
        _tie(0, 3, "call", (10.0, 300.0, 700.0, 1000.0)),
        Tie(1, 4, "payment", "P4>P1", (210.0,), ("p",), False),
        _tie(1, 5, "address", (220.0, 221.0)),
    ]
    net = PersonNetwork(ids, ids, ties)
    kept = prune(net, list(range(6)), {0, 1}, {"burst_days": 60})
    assert kept == [0, 1, 2, 5]


def test_a_members_family_does_not_vouch_for_a_relative() -> None:
    """0 is crew and lives with her brother 1, who calls her and now and then a collector (3):
    one tie outside the family, so he leaves. A worker 4 housed with 0 by the employer (no
    shared surname) is kept by the same ties. Without the homes, 1 stays (the old behaviour)."""
    ids = [f"P{i}" for i in range(5)]
    captions = [
        "Jennifer Rose Johnson",
        "Kevin Dean Johnson",
        "Maria Lopez Garcia",
        "Ana Perez Ruiz",
        "Selvin Torres Gonzalez",
    ]
    ties = [
        _tie(0, 1, "address", (5.0,), "AD1"),
        _tie(0, 1, "call", (10.0, 300.0)),
        _tie(1, 3, "call", (50.0, 500.0)),
        _tie(0, 4, "address", (5.0,), "AD1"),
        _tie(0, 4, "call", (12.0, 310.0)),
        _tie(4, 3, "call", (60.0, 700.0)),
    ]
    net = PersonNetwork(ids, captions, ties)
    homes = {0: frozenset({"AD1"}), 1: frozenset({"AD1"}), 4: frozenset({"AD1"})}
    cfg = {"burst_days": 60}
    assert household(net, 0, homes) == {1}
    assert household(net, 4, homes) == set()
    assert prune(net, [0, 1, 3, 4], {0, 3}, cfg, homes=homes) == [0, 3, 4]
    assert prune(net, [0, 1, 3, 4], {0, 3}, cfg) == [0, 1, 3, 4]


def test_markers_of_ordinary_life_need_the_crew() -> None:
    """A legal temporary-worker hire counts only for someone in touch with the crew."""
    rules = load_rules()
    ids = ["P0", "P1", "P2"]
    net = PersonNetwork(ids, ids, [_tie(0, 1, "call", (5.0,))])
    feats = pd.DataFrame({"Recruitment_object": [1, 1, 0], "pay_in_parties": [0, 0, 9]}, index=ids)
    alone, weak = split_anchor_scores(net, feats, rules)
    assert set(alone) == {2} and set(weak) == {0, 1}


def test_a_split_off_piece_joins_the_network_its_payers_belong_to() -> None:
    """Collectors (0, 1) are paid by relatives (2, 3) whose migrants (4, 5) are in network 0."""
    ids = [f"P{i}" for i in range(6)]
    ties = [
        Tie(0, 2, "payment", "P2>P0", (1.0,), ("a",), False),
        Tie(1, 3, "payment", "P3>P1", (1.0,), ("b",), False),
        Tie(2, 4, "payment", "P2>P4", (1.0,), ("c",), False),
        Tie(3, 5, "payment", "P3>P5", (1.0,), ("d",), False),
    ]
    net = PersonNetwork(ids, ids, ties)
    assert _votes(net, [0, 1], {4: 0, 5: 0}) == {0: 2}
    assert _votes(net, [0, 1], {}) == {}


def test_one_burst_of_calls_with_a_marked_recruiter_recruits() -> None:
    ids = ["R", "M", "F"]
    ties = [_tie(0, 1, "call", (50.0, 52.0)), _tie(0, 2, "call", (10.0, 400.0))]
    net = PersonNetwork(ids, ids, ties)
    core = grow_core(net, {0}, 3, callers={0}, burst_days=60)
    assert core == {0, 1}
    assert grow_core(net, {0}, 3, callers=set(), burst_days=60) == {0}


def test_a_few_frequent_crossers_do_not_outvote_the_detained() -> None:
    """Kind vote: each member counts a capped number of events of one type."""
    rules = load_rules()
    cap = float(rules.detection.get("kind_member_cap", 6))
    migrants = {f"M{i}": {"Detention_subject": 1, "Lodging_subject": 1} for i in range(20)}
    commuters = {f"C{i}": {"Crossing_subject": 60} for i in range(2)}
    feats = pd.DataFrame.from_dict({**migrants, **commuters}, orient="index").fillna(0)
    people = list(feats.index)
    capped = kind_scores(feats, people, rules, cap=cap)
    assert max(capped, key=capped.get) == "smuggling"
    # the same members counted without a cap read as a drug network: the cap is what decides
    uncapped = kind_scores(feats, people, rules, cap=float("inf"))
    assert max(uncapped, key=uncapped.get) == "drugs"


def test_a_drug_crew_with_a_few_legal_hires_stays_a_drug_network() -> None:
    rules = load_rules()
    couriers = {f"K{i}": {"Crossing_subject": 12, "Seizure_subject": 1} for i in range(2)}
    hired = {f"H{i}": {"Employment_subject": 1, "Recruitment_object": 1} for i in range(3)}
    feats = pd.DataFrame.from_dict({**couriers, **hired}, orient="index").fillna(0)
    scores = kind_scores(feats, list(feats.index), rules, cap=6)
    assert max(scores, key=scores.get) == "drugs"


def test_a_recruiter_call_recruits_only_when_a_trip_follows() -> None:
    """R recruits (three markers); M1 is detained weeks after R's call, M2's brother pays the
    crew's collector C after it; F, a friend, got one call from R and nothing followed."""
    ids = ["R", "C", "M1", "M2", "B", "F"]
    ties = [
        _tie(0, 1, "call", (90.0, 300.0, 700.0)),
        _tie(0, 2, "call", (100.0,)),
        _tie(0, 3, "call", (100.0,)),
        Tie(3, 4, "payment", "B>M2", (20.0, 400.0), ("b1", "b2"), False),
        Tie(1, 4, "payment", "B>C", (150.0,), ("b3",), False),
        _tie(0, 5, "call", (500.0,)),
    ]
    net = PersonNetwork(ids, ids, ties)
    moves = {2: (130.0,), 5: (900.0,)}
    core = grow_core(net, {0, 1}, 3, callers={0}, burst_days=60, moves=moves, cfg={})
    assert core == {0, 1, 2, 3}
    # without event times every burst recruits, as before
    assert 5 in grow_core(net, {0, 1}, 3, callers={0}, burst_days=60)
    assert not followed(net, 5, (500.0,), {0, 1}, moves, {"follow_days": 120})


def test_a_bystander_with_a_small_seizure_and_one_call_is_not_crew() -> None:
    """0 and 1 are crew; 2 has a seizure of their own and one call with 0; 3 (a victim) pays
    0 and 1; 4 called 1 on a phone busy for two weeks only."""
    ids = [f"P{i}" for i in range(5)]
    ties = [
        _tie(0, 2, "call", (5.0,)),
        Tie(0, 3, "payment", "P3>P0", (10.0, 40.0), ("a", "b"), False),
        Tie(1, 3, "payment", "P3>P1", (70.0,), ("c",), False),
        Tie(1, 4, "call", "PHX~PHY", (1.0, 3.0, 5.0, 9.0), ("d",) * 4, False),
    ]
    net = PersonNetwork(ids, ids, ties)
    short = short_lived_phones(call_times(net), 120, 4)
    assert short == {"PHX", "PHY"}
    assert not in_touch(net, 2, {0, 1}, set(), short)
    assert in_touch(net, 3, {0, 1}, set(), short)
    assert in_touch(net, 4, {0, 1}, set(), short)


def test_the_migrant_a_relative_paid_for_arrives_on_a_new_line_of_their_country() -> None:
    """Collector C is paid by four families; relative R (a +502 line, then a +1 line from day
    0) pays C on day 100. R then supports M on a +1 line first seen on day 150 (the migrant who
    came), S on a +502 line (a sibling at home) and U on a +1 line seen since day -200 (a
    relative long settled in the US)."""
    ids = ["C", "R", "M", "S", "U", "F1", "F2", "F3"]
    ties = [
        Tie(0, 1, "payment", "R>C", (100.0, 101.0), ("a", "b"), False),
        *[Tie(0, i, "payment", f"{ids[i]}>C", (90.0,), (f"f{i}",), False) for i in (5, 6, 7)],
        Tie(1, 2, "payment", "R>M", (200.0, 400.0), ("c", "d"), False),
        Tie(1, 3, "payment", "R>S", (50.0, 300.0), ("e", "f"), False),
        Tie(1, 4, "payment", "R>U", (250.0,), ("g",), False),
    ]
    net = PersonNetwork(ids, ids, ties)
    phones = {
        1: ((502, -500.0), (1, 0.0)),
        2: ((1, 150.0),),
        3: ((502, -400.0),),
        4: ((1, -200.0),),
    }
    cfg = {"arrival_days": 365, "arrival_slack_days": 3, "collector_min_payers": 4}
    assert arrivals(net, [[0]], phones, cfg) == {2: 0}
    # a payee paid by fewer families is not a collector: nothing is inferred from paying them
    assert arrivals(net, [[0]], phones, {**cfg, "collector_min_payers": 5}) == {}
    # a line first seen beyond the window is someone else's arrival
    assert arrivals(net, [[0]], phones, {**cfg, "arrival_days": 30}) == {}


def test_the_boss_the_collectors_pay_on_joins_their_network() -> None:
    """Collectors C1 and C2 (network 0) are each paid by four families; B receives from both
    (the boss); M from C1 alone (his mother); X from C3, a collector of network 1, and once
    from C1."""
    ids = ["C1", "C2", "C3", "B", "M", "X"] + [f"F{i}" for i in range(12)]
    fam = {0: range(6, 10), 1: range(10, 14), 2: range(14, 18)}
    ties = [
        Tie(c, f, "payment", f"{ids[f]}>{ids[c]}", (10.0,), (f"p{c}{f}",), False)
        for c, fs in fam.items()
        for f in fs
    ]
    ties += [
        Tie(0, 3, "payment", "C1>B", (20.0, 50.0, 80.0), ("a", "b", "c"), False),
        Tie(1, 3, "payment", "C2>B", (30.0, 60.0), ("d", "e"), False),
        Tie(0, 4, "payment", "C1>M", (25.0, 55.0, 85.0, 95.0), ("f", "g", "h", "i"), False),
        Tie(2, 5, "payment", "C3>X", (20.0, 40.0, 60.0, 70.0), ("j", "k", "l", "m"), False),
        Tie(0, 5, "payment", "C1>X", (90.0,), ("n",), False),
    ]
    net = PersonNetwork(ids, ids, ties)
    cfg = {"collector_min_payers": 4, "payee_min_collectors": 2, "payee_min_payments": 4}
    assert collectors_payee(net, [[0, 1], [2]], cfg) == {3: 0}
    # X's two collectors belong to two networks: neither hands him its money
    assert collectors_payee(net, [[0, 1, 2]], cfg) == {3: 0, 5: 0}
    # five payments in all are needed now: B's are too few
    assert collectors_payee(net, [[0, 1], [2]], {**cfg, "payee_min_payments": 6}) == {}
    # money from a member into the collectors' hands is not money paid on
    back = [
        Tie(
            t.a, t.b, t.via, ">".join(reversed(t.via_entity.split(">"))), t.times, t.link_ids, False
        )
        if t.via_entity.endswith(">B")
        else t
        for t in ties
    ]
    assert collectors_payee(PersonNetwork(ids, ids, back), [[0, 1], [2]], cfg) == {}


def test_people_who_work_the_crews_unrecorded_lines_join_it() -> None:
    """L1, L2 are crew lines (phones with no recorded user) of network 0 (crew member K).
    W calls both once; X calls L1 three times in a week; Y, a friend, calls L1 twice a year
    apart; Z pays K and was called by both lines (a relative pressed to pay)."""
    ids = ["K", "L1", "L2", "W", "X", "Y", "Z"]
    kinds = ["Person", "Phone", "Phone", "Person", "Person", "Person", "Person"]
    ties = [
        _tie(0, 1, "call", (1.0, 2.0)),
        _tie(0, 2, "call", (3.0,)),
        _tie(1, 3, "call", (10.0,)),
        _tie(2, 3, "call", (12.0,)),
        _tie(1, 4, "call", (20.0, 22.0, 26.0)),
        _tie(1, 5, "call", (30.0, 400.0)),
        _tie(1, 6, "call", (40.0,)),
        _tie(2, 6, "call", (41.0,)),
        Tie(0, 6, "payment", "Z>K", (42.0,), ("z",), False),
    ]
    net = PersonNetwork(ids, ids, ties, kinds)
    assert line_callers(net, [[0, 1, 2]], {"burst_days": 60}) == {3: 0, 4: 0}


def test_calls_on_a_members_business_line_count_as_calls_on_a_crew_line() -> None:
    """K is crew, and burner inference has given K the short-lived line PHB besides the
    personal line PHK: calls on PHB are person-to-person ties now. A (lab hand) calls PHB twice
    in a week from a personal line; F (family) calls PHK twice in a week. Only A works the
    crew's line; without business lines, neither is found."""
    ids = ["K", "A", "F"]
    ties = [
        Tie(0, 1, "call", "PHA~PHB", (10.0, 14.0), ("a1", "a2"), False),
        Tie(0, 2, "call", "PHF~PHK", (10.0, 14.0), ("f1", "f2"), False),
    ]
    net = PersonNetwork(ids, ids, ties)
    cfg = {"burst_days": 60}
    assert line_callers(net, [[0]], cfg, business={0: {"PHB"}}) == {1: 0}
    assert line_callers(net, [[0]], cfg) == {}


def test_a_short_lived_phone_is_a_business_line_only_beside_a_longer_lived_one() -> None:
    """The coordinator keeps PHK for years and PHB for a run; the driver's only phones are two
    prepaid ones (PHD2 seen too little to count as short-lived, yet no long-held line either),
    on which his mother calls him too; A's one phone is short-lived too."""
    lines = {0: frozenset({"PHK", "PHB"}), 1: frozenset({"PHD1", "PHD2"}), 2: frozenset({"PHA"})}
    short, long_held = {"PHB", "PHD1", "PHA"}, {"PHK"}
    assert business_lines(lines, short, long_held) == {0: {"PHB"}}


def test_a_phone_on_calls_further_apart_than_a_burner_lives_is_long_held() -> None:
    ids = ["K", "A"]
    ties = [
        Tie(0, 1, "call", "PHK~PHA", (1.0, 300.0), ("a", "b"), False),
        Tie(0, 1, "call", "PHB~PHA", (10.0, 12.0, 15.0, 20.0), ("c",) * 4, False),
    ]
    net = PersonNetwork(ids, ids, ties)
    assert long_held_phones(call_times(net), 120) == {"PHK", "PHA"}
    assert short_lived_phones(call_times(net), 120, 4) == {"PHB"}
