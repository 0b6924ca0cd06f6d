"""Trace a chain from one seed along time-respecting paths, backwards and forwards.

Backwards from the anchor moment (the truck stop), a tie carries the trace only through an event
no later than the step before it (plus a small slack) and within a per-hop window; forwards,
symmetrically. Ties without a time (a shared address, a declared associate) carry the moment
unchanged. Expansion continues only through people the network stage placed in the seed's
criminal network, so a driver's mother or a shared landlord is reached but not walked through;
reached people outside the network stay out unless several strong ties bind them to the chain.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from eslabon.network.graph import PersonNetwork, Tie, from_days, to_days
from eslabon.network.roles import ASSOCIATE
from eslabon.network.seeds import Seed

# Channels that bind people by themselves; calls and payments need repetition.
STRONG_VIA = frozenset(
    {
        "incident",
        "recruitment",
        "phone",
        "vehicle",
        "address",
        "employment",
        "associate",
        "account",
        "organization",
    }
)
VIA_WEIGHT = {
    "incident": 3.0,
    "recruitment": 3.0,
    "phone": 2.5,
    "vehicle": 2.0,
    "account": 2.0,
    "address": 1.5,
    "organization": 1.0,
    "employment": 1.5,
    "associate": 1.0,
    "call": 1.0,
    "payment": 1.0,
}


@dataclass(frozen=True)
class TraceConfig:
    """Limits and windows of the time-respecting expansion (days)."""

    max_hops: int = 10
    hop_window_days: float = 730.0
    slack_days: float = 2.0
    horizon_days: float = 1100.0
    min_outside_ties: int = 3
    anchor_days: float = 30.0  # ties this close to an enforcement event make it the anchor
    turns: int = 2  # times a network member reached one way may start a path the other way
    # An outsider reached (the relative who paid the collectors) is passed through, one at a
    # time, to the network's members beyond (the migrant they paid for); never walked further.
    bridge: bool = True
    # Victims smuggled by another network and then put to work by its recruiter: members of
    # that network who start work within cross_days after a payment between it and the chain
    # (None: the value of rules.yaml, detection.cross_days; see cross_network).
    cross_days: float | None = None
    top: int | None = None


@dataclass
class Step:
    """One hop of an evidence path: who, through what, when, and the links behind it."""

    from_id: str
    to_id: str
    via: str
    via_entity: str
    at: str | None
    link_ids: list[str]


@dataclass
class Actor:
    """A person reached by the trace."""

    entity_id: str
    name: str
    kind: str  # Person, or Phone for a phone whose user is unknown
    role: str | None
    network: str | None
    stage: str | None
    strength: float
    direction: str  # seed | backward | forward | both
    hops: int
    path: list[Step] = field(default_factory=list)
    ties_in_chain: int = 0


@dataclass
class Label:
    time: float | None
    hops: int
    pred: int | None
    tie: int | None
    at: float | None


def _pick(times: tuple[float, ...], lo: float, hi: float, latest: bool) -> float | None:
    """The latest (or earliest) event time within [lo, hi], if any."""
    if latest:
        i = bisect.bisect_right(times, hi) - 1
        return times[i] if i >= 0 and times[i] >= lo else None
    i = bisect.bisect_left(times, lo)
    return times[i] if i < len(times) and times[i] <= hi else None


def expand(
    net: PersonNetwork,
    seeds: list[int],
    anchor: float | None,
    *,
    backward: bool,
    walkable: set[int] | None,
    config: TraceConfig,
    start: dict[int, Label] | None = None,
) -> dict[int, Label]:
    """Label-correcting, hop-bounded search; backwards a later label is better, forwards earlier.

    With ``start`` (the labels of an earlier search) the search goes on from ``seeds`` at the
    moments those labels give them, and leaves every earlier label as it was: this is how a crew
    member reached backwards starts a forward path of their own.
    """
    if start is None:
        labels: dict[int, Label] = {s: Label(anchor, 0, None, None, None) for s in seeds}
        fixed: set[int] = set()
    else:
        labels = dict(start)
        fixed = set(start)
    frontier = list(seeds)
    lo_limit = -math.inf if anchor is None else anchor - config.horizon_days
    hi_limit = math.inf if anchor is None else anchor + config.horizon_days
    for _round in range(config.max_hops):
        changed: list[int] = []
        for v in frontier:
            lab = labels[v]
            if lab.hops >= config.max_hops:
                continue
            tau = lab.time
            outsider = walkable is not None and v not in walkable
            for k in net.adjacency[v]:
                tie = net.ties[k]
                u = tie.other(v)
                if outsider and u not in walkable:  # type: ignore[operator]
                    continue
                if tie.times and tau is not None:
                    if backward:
                        lo = max(tau - config.hop_window_days, lo_limit)
                        t = _pick(tie.times, lo, tau + config.slack_days, True)
                    else:
                        hi = min(tau + config.hop_window_days, hi_limit)
                        t = _pick(tie.times, tau - config.slack_days, hi, False)
                    if t is None:
                        continue
                    new_time, at = t, t
                elif tie.times:
                    new_time, at = (tie.times[-1] if backward else tie.times[0]), None
                else:
                    new_time, at = tau, None
                if u in fixed:
                    continue
                old = labels.get(u)
                better = old is None or (
                    new_time is not None
                    and old.time is not None
                    and (new_time > old.time if backward else new_time < old.time)
                    and old.hops > 0
                )
                if better:
                    labels[u] = Label(new_time, lab.hops + 1, v, k, at)
                    if walkable is None or u in walkable or (config.bridge and not outsider):
                        changed.append(u)
        frontier = changed
        if not frontier:
            break
    return labels


def _merge(own: dict[int, Label], turned: dict[int, Label], other: dict[int, Label]) -> set[int]:
    """Add to ``own`` the labels a turned search found; return the actors it newly reached.

    ``turned`` started from a copy of ``other`` (the opposite direction), so the paths of its
    new labels run back through ``other``'s; those ancestors are copied too, so every path can be
    rebuilt from ``own`` alone (they do not count as reached this way).
    """
    new = {v for v in turned if v not in other and v not in own}
    for v in new:
        own[v] = turned[v]
        u = turned[v].pred
        while u is not None and u not in own:
            own[u] = turned[u]
            u = turned[u].pred
    return new


def _path(
    net: PersonNetwork,
    labels: dict[int, Label],
    v: int,
    memo: dict[tuple[int, int], list[Step]] | None = None,
) -> list[Step]:
    """Steps from the seed to ``v``; paths share prefixes, so each is built once per trace."""
    memo = {} if memo is None else memo
    key = (id(labels), v)
    if key in memo:
        return memo[key]
    chain: list[int] = []
    u = v
    while labels[u].pred is not None and (id(labels), u) not in memo and u not in chain:
        chain.append(u)
        u = labels[u].pred  # type: ignore[assignment]
    steps = list(memo.get((id(labels), u), []))
    for w in reversed(chain):
        lab = labels[w]
        tie = net.ties[lab.tie]  # type: ignore[index]
        at = from_days(lab.at)
        steps = [
            *steps,
            Step(
                net.ids[lab.pred],  # type: ignore[index]
                net.ids[w],
                tie.via,
                tie.via_entity,
                at.isoformat(timespec="minutes") if at else None,
                list(tie.link_ids[:5]),
            ),
        ]
        memo[(id(labels), w)] = steps
    memo[key] = steps
    return steps


@dataclass
class TraceResult:
    """Actors ranked by strength, the network's associates reached, money flow, what was kept
    out, and the settings used."""

    seed: dict[str, Any]
    actors: list[Actor]
    money: list[dict[str, Any]]
    excluded: dict[str, int]
    config: dict[str, Any]
    # members of the seed's network that role inference judged not part of the crew (a crew
    # member's friend or relative): reached, shown apart, not walked through
    associates: list[Actor] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "actors": [_actor_dict(a) for a in self.actors],
            "associates": [_actor_dict(a) for a in self.associates],
            "money": self.money,
            "excluded": self.excluded,
            "config": self.config,
        }


def _actor_dict(a: Actor) -> dict[str, Any]:
    """Like dataclasses.asdict, without its deep copies (the trace's hot path)."""
    out = dict(a.__dict__)
    out["path"] = [dict(step.__dict__, link_ids=list(step.link_ids)) for step in a.path]
    return out


@dataclass
class NodeInfo:
    """What the network stage knows about each person (role, network, stage)."""

    role: dict[int, str] = field(default_factory=dict)
    network: dict[int, str] = field(default_factory=dict)
    stage: dict[int, str] = field(default_factory=dict)
    _members: dict[str, set[int]] = field(default_factory=dict, repr=False)

    def members_of(self, network_id: str) -> set[int]:
        """Actors of one network (indexed once: every trace asks)."""
        if not self._members:
            for v, n in self.network.items():
                self._members.setdefault(n, set()).add(v)
        return self._members.get(network_id, set())


def cross_network(
    net: PersonNetwork,
    info: NodeInfo,
    chain: set[int],
    own_nets: set[str],
    starts: dict[int, tuple[tuple[float, str, str], ...]],
    days: float,
) -> dict[int, tuple[int, int, int, float, tuple[float, str, str]]]:
    """Members of other networks who start work just after a payment between the two crews.

    A labour network's recruiter pays the smugglers' collector for the people they bring and
    puts them to work within days of paying: whoever of the recruiter's network starts work
    within ``days`` after one of those payments is the chain's migrant too. Returns, for each
    such victim, (collector, recruiter, payment tie, payment day, employment start).
    """
    found: dict[int, tuple[int, int, int, float, tuple[float, str, str]]] = {}
    for v in sorted(chain):
        if info.network.get(v) not in own_nets:
            continue
        for k in net.adjacency[v]:
            tie = net.ties[k]
            u = tie.other(v)
            other = info.network.get(u)
            if tie.via != "payment" or not tie.times or other is None or other in own_nets:
                continue
            for w in sorted(info.members_of(other) - chain - {u}):
                if w in found:
                    continue
                for start in starts.get(w, ()):
                    i = bisect.bisect_right(tie.times, start[0]) - 1
                    if i >= 0 and start[0] - tie.times[i] <= days:
                        found[w] = (v, u, k, tie.times[i], start)
                        break
    return found


def _cross_path(
    net: PersonNetwork,
    base: list[Step],
    recruiter: int,
    victim: int,
    tie_k: int,
    pay: float,
    start: tuple[float, str, str],
) -> list[Step]:
    """collector → (payment) → recruiter → (employment) → victim, after the collector's path."""
    tie = net.ties[tie_k]
    paid, hired = from_days(pay), from_days(start[0])
    return [
        *base,
        Step(
            net.ids[tie.other(recruiter)],
            net.ids[recruiter],
            "payment",
            tie.via_entity,
            paid.isoformat(timespec="minutes") if paid else None,
            list(tie.link_ids[:5]),
        ),
        Step(
            net.ids[recruiter],
            net.ids[victim],
            "employment",
            start[2],
            hired.isoformat(timespec="minutes") if hired else None,
            [start[1]],
        ),
    ]


def trace(
    net: PersonNetwork,
    seed: Seed,
    info: NodeInfo,
    config: TraceConfig | None = None,
    starts: dict[int, tuple[tuple[float, str, str], ...]] | None = None,
) -> TraceResult:
    """Run both expansions from the seed and keep the actors the evidence binds to the chain.

    ``starts`` (graph.person_starts) lets the chain reach the victims another network put to
    work (cross_network); without it, or without ``config.cross_days``, that step is skipped.
    """
    config = config or TraceConfig()
    seeds = [net.index[p] for p in seed.persons if p in net.index]
    anchor = to_days(seed.anchor)
    if len(seed.moments) > 1:
        # Of the seed's enforcement events, the one its ties crowd around (the stop with the
        # migrants aboard, not a later citation) is the moment the chain turns on.
        # Ties through an offence event shared with others (the migrants aboard) count first.
        times = [t for s in seeds for k in net.adjacency[s] for t in net.ties[k].times]
        shared = [
            t
            for s in seeds
            for k in net.adjacency[s]
            if net.ties[k].criminal
            for t in net.ties[k].times
        ]

        def busy(m: float) -> tuple[int, int, float]:
            near = config.anchor_days
            return (
                sum(1 for t in shared if abs(t - m) <= near),
                sum(1 for t in times if abs(t - m) <= near),
                m,
            )

        anchor = max((to_days(m) for m in seed.moments), key=busy)  # type: ignore[arg-type]
    seed_nets = {info.network[s] for s in seeds if s in info.network}
    if not seed_nets:
        # A seed outside every detected network (a driver known only from the stop): the
        # network most of its direct contacts belong to.
        votes: dict[str, int] = defaultdict(int)
        for s in seeds:
            for u in net.neighbours(s):
                if u in info.network:
                    votes[info.network[u]] += 1
        if votes:
            seed_nets = {max(votes, key=lambda n: (votes[n], n))}
    # Members role inference judged not part of the crew (associates: a crew member's friend or
    # relative) are reported apart and passed like outsiders — on to members beyond them, never
    # into their own circle.
    walkable = {
        v
        for v in set().union(*(info.members_of(n) for n in seed_nets))
        if info.role.get(v) != ASSOCIATE
    } | set(seeds)
    back = expand(net, seeds, anchor, backward=True, walkable=walkable, config=config)
    fwd = expand(net, seeds, anchor, backward=False, walkable=walkable, config=config)
    # A crew member reached backwards (the coordinator who called before the stop) also ran
    # the trips after that moment, and one reached forwards those before: each turns the
    # direction once, from their own moment. Only members of the seed's network walk on.
    went_b, went_f = set(back), set(fwd)
    turned_f, turned_b = set(seeds), set(seeds)
    for _ in range(config.turns):
        # an outsider turns too, but only towards members (the relative who paid the
        # collectors after the crossing, and later supports the migrant who came)
        turn_f = sorted(v for v in went_b - turned_f if config.bridge or v in walkable)
        turn_b = sorted(v for v in went_f - turned_b if config.bridge or v in walkable)
        turned_f.update(turn_f)
        turned_b.update(turn_b)
        n_before = len(went_b) + len(went_f)
        if turn_f:
            found = expand(
                net, turn_f, anchor, backward=False, walkable=walkable, config=config, start=back
            )
            went_f |= _merge(fwd, found, back)
        if turn_b:
            found = expand(
                net, turn_b, anchor, backward=True, walkable=walkable, config=config, start=fwd
            )
            went_b |= _merge(back, found, fwd)
        if len(went_b) + len(went_f) == n_before:
            break
    reached = set(back) | set(fwd)
    chain = {v for v in reached if v in walkable}
    # Outsiders: only with several distinct strong ties into the chain.
    excluded: dict[str, int] = defaultdict(int)
    apart: set[int] = set()  # the seed network's associates the trace reached
    for v in reached - chain:
        strong = {
            t.other(v)
            for k in net.adjacency[v]
            if (t := net.ties[k]).other(v) in chain and t.via in STRONG_VIA
        }
        # co-detained with the chain (migrants in the stopped van) counts by itself
        caught = any(
            net.ties[k].criminal and net.ties[k].other(v) in chain for k in net.adjacency[v]
        )
        if caught or len(strong) >= config.min_outside_ties:
            chain.add(v)
        elif info.role.get(v) == ASSOCIATE and info.network.get(v) in seed_nets:
            apart.add(v)
        elif v in info.network:
            excluded["other_network"] += 1
        else:
            excluded["background"] += 1
    crossed = (
        cross_network(net, info, chain, seed_nets, starts, config.cross_days)
        if starts and config.cross_days is not None
        else {}
    )
    chain |= set(crossed)

    def nearest(v: int) -> dict[int, Label]:
        """The search that reached ``v`` in fewer hops (backwards when even)."""
        return back if v in back and (v not in fwd or back[v].hops <= fwd[v].hops) else fwd

    def placement(v: int, in_b: bool, in_f: bool) -> tuple[str, dict[int, Label]]:
        """The direction ``v`` was reached in, and the labels its path is read from."""
        if in_b and in_f:
            return "both", nearest(v)
        return ("backward", back) if in_b else ("forward", fwd)

    scores: dict[int, float] = {}
    ties_in: dict[int, int] = {}
    for v in chain | apart:
        s = 0.0
        partners = set()
        for k in net.adjacency[v]:
            t = net.ties[k]
            u = t.other(v)
            if u in chain:
                partners.add(u)
                s += VIA_WEIGHT.get(t.via, 1.0) * (1.0 + math.log1p(len(t.link_ids)))
        ties_in[v] = len(partners)
        # a victim another network put to work: two steps beyond the collector paid for them
        via = crossed[v][0] if v in crossed else v
        hops = nearest(via)[via].hops + (2 if v in crossed else 0)
        scores[v] = s / (1.0 + hops)
    top = max((scores[v] for v in chain), default=1.0) or 1.0
    actors: list[Actor] = []
    memo: dict[tuple[int, int], list[Step]] = {}

    def actor(v: int, strength: float, direction: str, hops: int, path: list[Step]) -> Actor:
        return Actor(
            entity_id=net.ids[v],
            name=net.captions[v],
            kind=net.kinds[v],
            role=info.role.get(v),
            network=info.network.get(v),
            stage=info.stage.get(v),
            strength=round(strength, 4),
            direction=direction,
            hops=hops,
            path=path,
            ties_in_chain=ties_in[v],
        )

    for v in chain:
        in_b, in_f = v in went_b, v in went_f
        if v in crossed:
            collector, recruiter, tie_k, pay, start = crossed[v]
            c_labels = nearest(collector)
            base = _path(net, c_labels, collector, memo)
            path = _cross_path(net, base, recruiter, v, tie_k, pay, start)
            strength = min(1.0, scores[v] / top)
            actors.append(actor(v, strength, "forward", c_labels[collector].hops + 2, path))
            continue
        direction, labels = ("seed", back) if v in seeds else placement(v, in_b, in_f)
        strength = 1.0 if v in seeds else min(1.0, scores[v] / top)
        actors.append(actor(v, strength, direction, labels[v].hops, _path(net, labels, v, memo)))
    actors.sort(key=lambda a: (a.direction != "seed", -a.strength, a.entity_id))
    if config.top:
        actors = actors[: config.top]
    associates = []
    for v in apart:
        direction, labels = placement(v, v in back, v in fwd)
        strength = min(1.0, scores[v] / top)
        associates.append(
            actor(v, strength, direction, labels[v].hops, _path(net, labels, v, memo))
        )
    associates.sort(key=lambda a: (-a.strength, a.entity_id))
    kept = {net.index[a.entity_id] for a in actors}
    return TraceResult(
        seed={
            "query": seed.query,
            "entity_id": seed.entity_id,
            "kind": seed.kind,
            "caption": seed.caption,
            "matched_by": seed.matched_by,
            "persons": list(seed.persons),
            "anchor": seed.anchor.isoformat(timespec="minutes") if seed.anchor else None,
        },
        actors=actors,
        associates=associates,
        money=_money(net, kept),
        excluded=dict(excluded),
        config=asdict(config),
    )


def _money(net: PersonNetwork, kept: set[int]) -> list[dict[str, Any]]:
    """Payment ties touching the chain (direction and amounts are added from the store)."""
    out = []
    for v in sorted(kept):
        for k in net.adjacency[v]:
            t: Tie = net.ties[k]
            if t.via != "payment":
                continue
            u = t.other(v)
            if u in kept and u < v:
                continue
            out.append(
                {
                    "between": [net.ids[t.a], net.ids[t.b]],
                    "inside_chain": u in kept,
                    "payments": len(t.link_ids),
                    "link_ids": list(t.link_ids),
                    "first": from_days(t.times[0]).isoformat() if t.times else None,  # type: ignore[union-attr]
                    "last": from_days(t.times[-1]).isoformat() if t.times else None,  # type: ignore[union-attr]
                }
            )
    return out
