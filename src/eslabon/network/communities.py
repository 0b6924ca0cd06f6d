"""Find the criminal networks in the person network, guided by criminal events.

A plain community detection over everyone would carve the population into families. Instead:
people touched by criminal events (detentions, seizures, recruitment, crowded crossings, stash
houses, structured collection) are the *anchors*; the candidate set grows from them to people
bound to several candidates; Leiden splits the candidate graph into communities, and a community
counts as a network only with enough anchors. Then each network gets its kind from the events of
its members (rules in ``rules.yaml``).
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import igraph as ig
import pandas as pd

from eslabon.network.graph import PersonNetwork
from eslabon.network.rules import Rules, feature_value
from eslabon.normalize.names import parse_name


@dataclass
class DetectedNetwork:
    """One detected network: members (actor indices), kind, and the evidence for the kind."""

    network_id: str
    kind: str
    members: list[int]
    kind_scores: dict[str, float]
    anchors: int


def network_order(people: list[int]) -> tuple[int, int]:
    """Networks are numbered largest first (ties: lowest actor index), when detected and again
    after segments merge (network/segments.py), so the same networks get the same ids."""
    return (-len(people), min(people))


def network_id(rank: int) -> str:
    return f"NET{rank:03d}"


def split_anchor_scores(
    net: PersonNetwork, feats: pd.DataFrame, rules: Rules
) -> tuple[dict[int, float], dict[int, float]]:
    """Criminal-event weight per actor: (markers that stand alone, markers that need the crew).

    Ordinary life produces some markers too (a legal temporary-worker hiring, one small
    seizure): rules flag those ``needs_crew`` and they count only for people tied to the crew.
    """
    alone: dict[int, float] = {}
    weak: dict[int, float] = {}
    spec = rules.anchors
    for v, eid in enumerate(net.ids):
        if eid not in feats.index:
            continue
        row = feats.loc[eid]
        for item in spec:
            if feature_value(row, item["feature"]) >= item.get("min", 1):
                out = weak if item.get("needs_crew") else alone
                out[v] = out.get(v, 0.0) + float(item.get("weight", 1.0))
    return alone, weak


def pays(net: PersonNetwork, k: int, v: int) -> bool:
    """Whether ``v`` is the payer of payment tie ``k`` (via_entity is ``payer>payee``)."""
    return net.ties[k].via_entity.startswith(net.ids[v] + ">")


def is_payer(net: PersonNetwork, v: int, inside: set[int]) -> bool:
    """Someone who pays into the network and otherwise only talks to it (a migrant's relative).

    Money in the other direction (a settled migrant's remittance home) does not make them a
    member; sharing a vehicle, house, phone or incident does.
    """
    paid = False
    for k in net.adjacency[v]:
        t = net.ties[k]
        if t.other(v) not in inside:
            continue
        if t.via == "payment":
            paid = paid or pays(net, k, v)
        elif t.via != "call" or t.criminal:
            return False
    return paid


def incident_sizes(net: PersonNetwork) -> dict[str, int]:
    """Persons per shared incident (a van stopped with nine migrants is one incident of ten)."""
    people: dict[str, set[int]] = {}
    for t in net.ties:
        if t.via == "incident":
            people.setdefault(t.via_entity, set()).update((t.a, t.b))
    return {e: len(p) for e, p in people.items()}


def _tie_weight(
    net: PersonNetwork, k: int, rules: Rules, sizes: dict[str, int] | None = None
) -> float:
    t = net.ties[k]
    w = rules.tie_weights.get(t.via, 1.0)
    if t.via == "incident" and sizes:
        # one incident weighs the same for each person in it, however many were caught: the
        # clique of a crowded stop would otherwise outweigh the crew's whole history
        w /= max(1, sizes.get(t.via_entity, 2) - 1)
    if t.criminal:
        w *= rules.criminal_factor
    return w * (1.0 + 0.25 * min(len(t.link_ids) - 1, 8))


def burner_like(net: PersonNetwork, v: int, max_span_days: float, min_calls: int = 5) -> bool:
    """A phone nobody is recorded using, busy for a short span only: a prepaid burner.

    A personal line is used for years; a phone seen once says nothing either way.
    """
    if net.is_person(v):
        return False
    times = [t for k in net.adjacency[v] for t in net.ties[k].times]
    return len(times) >= min_calls and max(times) - min(times) <= max_span_days


def call_times(net: PersonNetwork) -> dict[str, set[float]]:
    """When each phone was on a call, read from the call ties' phone pairs."""
    times: dict[str, set[float]] = {}
    for t in net.ties:
        if t.via == "call" and "~" in t.via_entity:
            for phone in t.via_entity.split("~"):
                times.setdefault(phone, set()).update(t.times)
    return times


def short_lived_phones(
    times: dict[str, set[float]], max_span_days: float, min_calls: int
) -> set[str]:
    """Phones (recorded user or not) busy for a short span only: prepaid business lines.

    A personal line is used for years; a phone with a handful of calls in a few weeks is the
    one a courier or a coordinator uses for a run. ``times``: ``call_times``.
    """
    return {
        p for p, ts in times.items() if len(ts) >= min_calls and max(ts) - min(ts) <= max_span_days
    }


def long_held_phones(times: dict[str, set[float]], max_span_days: float) -> set[str]:
    """Phones on calls further apart than a burner lives: someone's own line."""
    return {p for p, ts in times.items() if max(ts) - min(ts) > max_span_days}


def business_call(net: PersonNetwork, k: int, short: set[str]) -> bool:
    """A call on a short-lived phone: the crew's business, not family."""
    t = net.ties[k]
    return t.via == "call" and any(p in short for p in t.via_entity.split("~"))


def _leiden(
    net: PersonNetwork, rules: Rules, seed: int, resolution: float, members: list[int]
) -> list[list[int]]:
    """Leiden communities of the subgraph induced by ``members`` (local indices)."""
    local = {v: i for i, v in enumerate(members)}
    sizes = incident_sizes(net)
    pair_w: dict[tuple[int, int], float] = {}
    for k, t in enumerate(net.ties):
        if t.a in local and t.b in local:
            key = (min(local[t.a], local[t.b]), max(local[t.a], local[t.b]))
            pair_w[key] = pair_w.get(key, 0.0) + _tie_weight(net, k, rules, sizes)
    g = ig.Graph(n=len(members), edges=list(pair_w), directed=False)
    g.es["weight"] = list(pair_w.values())
    ig.set_random_number_generator(random.Random(seed))
    try:
        parts = g.community_leiden(
            objective_function="modularity",
            weights="weight",
            resolution=resolution,
            n_iterations=-1,
        )
    finally:
        ig.set_random_number_generator(random)
    return [list(p) for p in parts]


def burst(tie_times: tuple[float, ...], days: float) -> bool:
    """Calls all within ``days`` of each other: a recruitment or a pick-up, not a friendship."""
    return bool(tie_times) and tie_times[-1] - tie_times[0] <= days


def followed(
    net: PersonNetwork,
    v: int,
    call_times: tuple[float, ...],
    inside: set[int],
    moves: dict[int, tuple[float, ...]] | None,
    cfg: dict,
) -> bool:
    """Whether a trip follows ``v``'s burst of calls with the crew: a recruitment, not a chat.

    After a recruiter's call a migrant is on the move within weeks (a crossing, a stop, a
    detention, a hotel night) or a relative pays the network; a friend's or a sibling's call
    with the same recruiter is followed by neither. ``moves`` None: no event times known, every
    burst counts.
    """
    if moves is None or not call_times:
        return True
    lo = call_times[0] - float(cfg.get("follow_slack_days", 3))
    hi = call_times[-1] + float(cfg.get("follow_days", 120))
    own = moves.get(v, ())
    i = bisect.bisect_left(own, lo)
    if i < len(own) and own[i] <= hi:
        return True
    for k in net.adjacency[v]:
        t = net.ties[k]
        u = t.other(v)
        if t.via != "payment" or u in inside or not pays(net, k, u):
            continue
        # u sends v money (a relative abroad): does u pay the network in that window?
        for k2 in net.adjacency[u]:
            t2 = net.ties[k2]
            w = t2.other(u)
            if w == v or w not in inside or t2.via != "payment" or not pays(net, k2, u):
                continue
            if any(lo <= x <= hi for x in t2.times):
                return True
    return False


def grow_core(
    net: PersonNetwork,
    seeds: set[int],
    min_partners: int,
    rounds: int = 3,
    crew: set[int] | None = None,
    *,
    callers: set[int] | None = None,
    burst_days: float = 0.0,
    moves: dict[int, tuple[float, ...]] | None = None,
    cfg: dict | None = None,
) -> set[int]:
    """The criminal core, grown from anchors and burners.

    Others join when tied to the core through an offence event; or to several core members
    through other channels than paying them; or when in touch with the *crew* and with a
    relative who pays the crew (a migrant). A member's family (who call only that member) and a
    migrant's relatives (who only pay, or who talk only to the migrant) stay out: the background
    the trace must skip. ``crew`` are the seeds that stand for offenders (burners, people with
    criminal markers of their own); people who join only through a paying relative are carried
    by the network, not crew, so their own families do not follow them in. ``callers`` are the
    crew whose every short burst of calls with someone recruits them (people with markers of
    their own, such as a recruiter paid by many families): one call is how a migrant is known,
    when a trip follows it (``followed``).
    """
    cfg = cfg or {}
    callers = set() if callers is None else callers
    core = set(seeds)
    crew = set(seeds) if crew is None else set(crew)
    for _ in range(rounds):
        frontier = {u for v in core for u in net.neighbours(v)} - core
        payers = {v for v in frontier if is_payer(net, v, core)}
        added = set()
        for v in frontier - payers:
            partners: set[int] = set()
            crew_partner = False
            criminal = False
            via_payer = False
            recruited = False
            for k in net.adjacency[v]:
                t = net.ties[k]
                u = t.other(v)
                via_payer = via_payer or u in payers
                if u not in core:
                    continue
                criminal = criminal or t.criminal
                if t.via != "payment" or not pays(net, k, v):
                    partners.add(u)
                    crew_partner = crew_partner or u in crew
                if (
                    t.via == "call"
                    and u in callers
                    and burst(t.times, burst_days)
                    and followed(net, v, t.times, core, moves, cfg)
                ):
                    recruited = True
            if criminal or len(partners) >= min_partners:
                added.add(v)
                crew.add(v)
            elif (crew_partner and via_payer) or recruited:
                added.add(v)
        if not added:
            break
        core |= added
    return core


def in_touch(
    net: PersonNetwork, v: int, crew: set[int], burners: set[int], short: set[str]
) -> bool:
    """Whether ``v`` is in touch with the crew beyond what a friend or a relative is.

    A shared offence event, a vehicle, phone, account or hiring, a call on a burner or on a
    short-lived phone (``short``), or calls and payments with two of the crew count (a
    victim paying the recruiter and the collector); one personal call, or one payment (the
    fee a relative pays), do not: a bystander with a small seizure of their own and a call
    with a driver is not crew.
    """
    partners: set[int] = set()
    for k in net.adjacency[v]:
        t = net.ties[k]
        u = t.other(v)
        if u not in crew:
            continue
        if t.criminal or t.via == "incident" or u in burners or business_call(net, k, short):
            return True
        if t.via in _SCHEME_VIA:
            return True
        partners.add(u)  # calls, payments, a declared associate, a shared address
    return len(partners) >= 2


def _votes(net: PersonNetwork, people: list[int], owner: dict[int, int]) -> dict[int, int]:
    """Which network a split-off piece serves: its direct ties, and the families that pay it.

    The collectors and the coordinator may form their own community with the relatives who pay
    them; those relatives' migrants (their remittance partners, their callers) are in the
    network the piece works for.
    """
    votes: dict[int, int] = {}
    inside = set(people)
    for v in people:
        for k in net.adjacency[v]:
            u = net.ties[k].other(v)
            if u in owner:
                votes[owner[u]] = votes.get(owner[u], 0) + 1
            elif net.ties[k].via == "payment" and pays(net, k, u) and u not in inside:
                for w in {owner[x] for x in net.neighbours(u) if x in owner}:
                    votes[w] = votes.get(w, 0) + 1
    return votes


def collectors(net: PersonNetwork, members: Iterable[int], many: int) -> dict[int, set[int]]:
    """The collectors among ``members`` — those paid by ``many`` people or more (a migrant
    placed earlier, paid by family, is not one) — each with the people who paid them."""
    payers_of: dict[int, set[int]] = {}
    for v in members:
        for k in net.adjacency[v]:
            u = net.ties[k].other(v)
            if net.ties[k].via == "payment" and pays(net, k, u):
                payers_of.setdefault(v, set()).add(u)
    return {v: us for v, us in payers_of.items() if len(us) >= many}


def collectors_payee(net: PersonNetwork, groups: list[list[int]], cfg: dict) -> dict[int, int]:
    """Whom a network's collectors hand the money on to: its boss, when no record of his joins
    him to the crew.

    Money flows back along the route to the collectors and from them up (domain.md §6). A
    person outside every network paid by ``payee_min_collectors`` collectors of one network,
    ``payee_min_payments`` times or more, is where it goes: the coordinator whose only call to
    the crew was on a phone known by a nickname, which resolution rightly left apart. A
    collector's mother is paid by one collector, not two. Returns person → index in ``groups``.
    """
    owner = {v: i for i, people in enumerate(groups) for v in people}
    payers_of = collectors(net, owner, int(cfg.get("collector_min_payers", 4)))
    need = int(cfg.get("payee_min_collectors", 2))
    payments = int(cfg.get("payee_min_payments", 4))
    paid: dict[int, dict[int, dict[int, int]]] = {}  # payee → network → collector → payments
    for c in payers_of:
        for k in net.adjacency[c]:
            t = net.ties[k]
            u = t.other(c)
            if t.via == "payment" and u not in owner and net.is_person(u) and pays(net, k, c):
                by = paid.setdefault(u, {}).setdefault(owner[c], {})
                by[c] = by.get(c, 0) + len(t.times)
    out: dict[int, int] = {}
    for u, nets in sorted(paid.items()):
        total = {i: sum(by.values()) for i, by in nets.items() if len(by) >= need}
        fits = {i: n for i, n in total.items() if n >= payments}
        if fits:  # the network that paid most, the first of a tie
            out[u] = max(fits, key=lambda i: (fits[i], -i))
    return out


def arrivals(
    net: PersonNetwork,
    groups: list[list[int]],
    phones: dict[int, tuple[tuple[int, float], ...]],
    cfg: dict,
) -> dict[int, int]:
    """People the networks brought across, found through the relative who paid for them.

    A relative abroad pays a network's collectors for a crossing, and afterwards supports the
    person who came: on a phone of the relative's own country, first seen only after that
    payment (a new arrival's new line). The relative's family at home receives the same
    remittances on phones of the home country, and stays out. Returns person → index in
    ``groups`` of the network the relative paid most.
    """
    owner = {v: i for i, people in enumerate(groups) for v in people}
    slack = float(cfg.get("arrival_slack_days", 3))
    window = float(cfg.get("arrival_days", 365))
    payers_of = collectors(net, owner, int(cfg.get("collector_min_payers", 4)))
    out: dict[int, int] = {}
    for u in sorted({u for us in payers_of.values() for u in us} - set(owner)):
        paid: dict[int, list[float]] = {}
        kids: list[int] = []
        for k in net.adjacency[u]:
            t = net.ties[k]
            w = t.other(u)
            if t.via != "payment" or not pays(net, k, u):
                continue
            if w in payers_of:
                paid.setdefault(owner[w], []).extend(t.times)
            elif w not in owner and net.is_person(w):
                kids.append(w)
        if not paid:
            continue
        best = max(paid, key=lambda i: (len(paid[i]), -i))
        since = min(paid[best], default=None)
        # the relative's own country then: their line most recently taken up before paying
        lines = [(first, code) for code, first in phones.get(u, ()) if first <= since + slack]
        if since is None or not lines:
            continue
        home = max(lines)[1]
        for w in kids:
            if any(
                code == home and since - slack <= first <= since + window
                for code, first in phones.get(w, ())
            ):
                out.setdefault(w, best)
    return out


def line_callers(
    net: PersonNetwork,
    groups: list[list[int]],
    cfg: dict,
    business: dict[int, set[str]] | None = None,
) -> dict[int, int]:
    """People who work the crew's unrecorded lines: lookouts, drivers, a guide off the books.

    A phone in a network whose user nobody recorded is a crew line; so is a member's business
    line (``business``: see ``business_lines``), whose user a record or burner inference named
    — the call is then a tie between two persons, but still on the crew's line. Someone who
    calls two such lines, or one line repeatedly within ``burst_days`` (the calls around a
    crossing), works with the crew. A relative who pays the network is called by
    a collector's line once or twice too: payers stay out. Returns person → index in ``groups``.
    """
    owner = {v: i for i, people in enumerate(groups) for v in people}
    days = float(cfg.get("burst_days", 60))
    out: dict[int, int] = {}
    for v in range(net.n):
        if v in owner or not net.is_person(v):
            continue
        lines: dict[int, dict[int, list[float]]] = {}
        pays_in = False
        for k in net.adjacency[v]:
            t = net.ties[k]
            u = t.other(v)
            if u not in owner:
                continue
            if t.via == "payment" and pays(net, k, v):
                pays_in = True
                break
            if t.via != "call":
                continue
            if not net.is_person(u):
                lines.setdefault(owner[u], {}).setdefault(net.ids[u], []).extend(t.times)
            elif business and u in business:
                for phone in set(t.via_entity.split("~")) & business[u]:
                    lines.setdefault(owner[u], {}).setdefault(phone, []).extend(t.times)
        if pays_in or not lines:
            continue
        for i, calls in sorted(lines.items()):
            times = sorted(x for ts in calls.values() for x in ts)
            if len(calls) >= 2 or (len(times) >= 2 and burst(tuple(times), days)):
                out[v] = i
                break
    return out


def business_lines(
    lines: dict[int, frozenset[str]], short: set[str], long_held: set[str]
) -> dict[int, set[str]]:
    """Each person's short-lived phones, when they also hold a long-held one.

    A coordinator keeps a personal line for years and a prepaid one for each run: whoever calls
    the prepaid one is calling the crew's business. A driver whose only phones are prepaid ones
    is called on them by his mother too.
    """
    out = {}
    for v, phones in lines.items():
        mine = phones & short
        if mine and phones & long_held:
            out[v] = set(mine)
    return out


def detect_networks(
    net: PersonNetwork,
    feats: pd.DataFrame,
    rules: Rules,
    *,
    seed: int = 0,
    moves: dict[int, tuple[float, ...]] | None = None,
    phones: dict[int, tuple[tuple[int, float], ...]] | None = None,
    homes: dict[int, frozenset[str]] | None = None,
    lines: dict[int, frozenset[str]] | None = None,
) -> list[DetectedNetwork]:
    """Leiden over all actors → communities with enough criminal markers → their core.

    ``moves``: each person's own dated movement events (graph.person_moves); with them a
    single burst of calls with the crew recruits only when a trip follows it. ``phones``:
    each person's phones (graph.person_phones); with them the migrants a relative paid for
    join the network they crossed with (``arrivals``). ``homes``: each person's homes
    (graph.person_homes); with them a member's household does not vouch for them in pruning.
    ``lines``: each person's phones (graph.person_lines); with them whoever works a member's
    business line joins (``line_callers``).
    """
    cfg = rules.detection
    own, weak = split_anchor_scores(net, feats, rules)
    span = float(cfg.get("burner_max_span_days", 120))
    min_calls = int(cfg.get("burner_min_calls", 5))
    burners = {v for v in range(net.n) if burner_like(net, v, span, min_calls)}
    times = call_times(net)
    short = short_lived_phones(times, span, int(cfg.get("short_phone_min_calls", 4)))
    on_burners = {u for v in burners for u in net.neighbours(v) if net.is_person(u)}
    # Markers ordinary life produces count only for people in touch with the crew.
    crew0 = burners | set(own) | on_burners
    anchors = dict(own)
    for v, w in weak.items():
        if v in crew0 or in_touch(net, v, crew0, burners, short):
            anchors[v] = anchors.get(v, 0.0) + w
    own = dict(anchors)
    # People in a shared offence event (co-detained, seized together) are anchors too: once
    # per incident, not once per person caught with them.
    caught: dict[int, set[str]] = {}
    for t in net.ties:
        if t.via == "incident":
            for v in (t.a, t.b):
                caught.setdefault(v, set()).add(t.via_entity)
    for v, incidents in caught.items():
        anchors[v] = anchors.get(v, 0.0) + float(cfg.get("incident_weight", 1.0)) * len(incidents)
    # Crew: burners, people with criminal markers of their own, and those on a burner's calls.
    crew = burners | {v for v, w in own.items() if w > 0} | on_burners
    core = grow_core(
        net,
        set(anchors) | burners,
        int(cfg.get("core_min_partners", 2)),
        crew=crew,
        callers={v for v, w in own.items() if w >= float(cfg.get("caller_min_markers", 3))},
        burst_days=float(cfg.get("burst_days", 60)),
        moves=moves,
        cfg=cfg,
    )
    members = sorted(core)
    parts = [
        [members[i] for i in part]
        for part in _leiden(net, rules, seed, float(cfg.get("resolution", 1.0)), members)
    ]
    found: list[tuple[list[int], float]] = []
    leftovers: list[list[int]] = []
    for people in parts:
        markers = sum(anchors.get(v, 0.0) for v in people) + float(
            cfg.get("burner_weight", 1.0)
        ) * sum(1 for v in people if v in burners)
        # Size in actors: a phone whose user is unknown stands for a person (a crew known only
        # by its burners — a drug network's couriers — is a network all the same).
        if len(people) < int(cfg.get("min_size", 6)) or markers < float(cfg.get("min_markers", 10)):
            if markers >= float(cfg.get("attach_min_markers", 2)):
                leftovers.append(people)
            continue
        found.append((sorted(people), markers))
    # A small piece of the core (a group of migrants detained together) belongs to the network
    # it is most tied to.
    owner = {v: i for i, (people, _m) in enumerate(found) for v in people}
    for people in leftovers:
        votes = _votes(net, people, owner)
        if votes and max(votes.values()) >= 2:
            best = max(votes, key=lambda i: (votes[i], -i))
            found[best] = (sorted(found[best][0] + people), found[best][1])
    found = [
        (people, m)
        for people, m in (
            (prune(net, people, set(own) | burners, cfg, moves, homes), m) for people, m in found
        )
        if people
    ]
    business = business_lines(lines or {}, short, long_held_phones(times, span))
    came = line_callers(net, [people for people, _m in found], cfg, business)
    came.update(collectors_payee(net, [people for people, _m in found], cfg))
    if phones:
        came.update(arrivals(net, [people for people, _m in found], phones, cfg))
    for v, i in came.items():
        found[i] = (sorted([*found[i][0], v]), found[i][1])
    found.sort(key=lambda x: network_order(x[0]))
    out = []
    for i, (people, n_anchor) in enumerate(found, start=1):
        scores = kind_scores(
            feats,
            [net.ids[v] for v in people if net.ids[v] in feats.index],
            rules,
            cap=float(cfg.get("kind_member_cap", 6)),
        )
        kind = max(scores, key=lambda k: (scores[k], k)) if scores else "smuggling"
        out.append(DetectedNetwork(network_id(i), kind, people, scores, int(n_anchor)))
    return out


def kind_scores(
    feats: pd.DataFrame, people: list[str], rules: Rules, cap: float
) -> dict[str, float]:
    """Evidence per network kind: weighted feature totals, each member counted at most ``cap``.

    Without the cap a few members who cross the border weekly for their own reasons outvote a
    hundred detained migrants, and a smuggling network reads as a drug one.
    """
    sub = feats.loc[people]
    out = {}
    for kind, weights in rules.kinds.items():
        total = 0.0
        for feature, w in weights.items():
            if feature in sub.columns:
                col = pd.to_numeric(sub[feature], errors="coerce").fillna(0).clip(upper=cap)
                total += float(w) * float(col.sum())
        out[kind] = round(total, 3)
    return out


# Channels through which sharing an entity, undated, says family or neighbours (a residence),
# not a trip: such a tie alone does not keep someone in a network.
_HOME_VIA = frozenset({"address"})
# Direct channels that are part of the scheme by themselves (a recruitment, an employment).
_SCHEME_VIA = frozenset({"recruitment", "employment", "vehicle", "phone", "account"})


@lru_cache(maxsize=65536)
def surnames(caption: str) -> frozenset[str]:
    """Paternal and maternal surnames of a person's name (either may be missing)."""
    name = parse_name(full=caption)
    return frozenset(s for s in (name.paternal, name.maternal) if s)


def household(net: PersonNetwork, v: int, homes: dict[int, frozenset[str]]) -> set[int]:
    """``v``'s relatives at home: people who live at, lease or own an address with them and
    share a surname with them. (Workers housed by their employer, migrants at a stash house and
    the keeper who leases it share a home but not a family.)"""
    mine = homes.get(v)
    if not mine:
        return set()
    names = surnames(net.captions[v])
    out = set()
    for k in net.adjacency[v]:
        t = net.ties[k]
        u = t.other(v)
        if (
            t.via in _HOME_VIA
            and t.via_entity in mine
            and t.via_entity in homes.get(u, ())
            and names & surnames(net.captions[u])
        ):
            out.add(u)
    return out


def _keeps(
    net: PersonNetwork,
    v: int,
    inside: set[int],
    crew: set[int],
    cfg: dict,
    moves: dict[int, tuple[float, ...]] | None = None,
    homes: dict[int, frozenset[str]] | None = None,
) -> bool:
    """Whether the evidence ties ``v`` to the network ``inside`` beyond one weak tie.

    A migrant or victim is kept by one tie of the scheme itself: a shared incident, a night at
    the same hotel, a recruitment, or a burst of calls with the crew (the recruiter's call, the
    pick-up); a crew member by their own markers. A friend of a recruiter who talks to them now
    and then over years, or a relative known only by a remittance, is not; nor is a member's
    household, who call and visit them as family (``homes``: graph.person_homes).
    """
    if v in crew:
        return True
    if is_payer(net, v, inside):
        return False  # a migrant's relative: pays, and otherwise only talks to the network
    days = float(cfg.get("burst_days", 60))
    home = household(net, v, homes or {})
    partners: set[int] = set()
    for k in net.adjacency[v]:
        t = net.ties[k]
        u = t.other(v)
        if u not in inside:
            continue
        if t.criminal or t.via == "incident":
            return True
        if u in home:
            continue  # a relative's calls and visits are family life, not the scheme
        if t.via in _SCHEME_VIA or (t.via in _HOME_VIA and t.times):
            if u in crew:
                return True
            partners.add(u)
        elif t.via == "call":
            if u in crew and burst(t.times, days) and followed(net, v, t.times, inside, moves, cfg):
                return True
            partners.add(u)
        elif t.via == "payment":
            if pays(net, k, u):
                partners.add(u)  # paid by a member; paying in is what relatives do
        else:
            partners.add(u)
    return len(partners) >= int(cfg.get("prune_min_partners", 2)) and bool(partners & crew)


def prune(
    net: PersonNetwork,
    members: list[int],
    crew: set[int],
    cfg: dict,
    moves: dict[int, tuple[float, ...]] | None = None,
    homes: dict[int, frozenset[str]] | None = None,
) -> list[int]:
    """Drop members a single weak tie attached to the community (repeat until stable).

    Modularity happily absorbs someone with one call to a member; the trace would then walk
    through them into their family. ``crew`` are the members with criminal markers of their
    own and the burners.
    """
    inside = set(members)
    for _ in range(int(cfg.get("prune_rounds", 3))):
        drop = {v for v in inside if not _keeps(net, v, inside, crew, cfg, moves, homes)}
        if not drop:
            break
        inside -= drop
    return sorted(inside)


def membership(networks: list[DetectedNetwork]) -> dict[int, str]:
    return {v: n.network_id for n in networks for v in n.members}


def summary(networks: list[DetectedNetwork]) -> list[dict[str, Any]]:
    return [
        {"network_id": n.network_id, "kind": n.kind, "size": len(n.members), "anchors": n.anchors}
        for n in networks
    ]
