"""Move members whose own acts belong to another network into the network that runs it.

Community detection places people by who they are tied to, not by what they did. A drug courier
seized at a port of entry whose brother keeps a stash house for a smuggling network, and who
reaches the drug coordinator only through one call on a burner, lands in the smuggling network:
a trace from the seizure then walks through the courier's family into a business the courier
never worked for. Every criminal marker of such a member (seizures, port crossings) points to one
kind of network (``rules.yaml``, ``kinds``), and the network they were placed in is of another.

A *stray* is a member whose own evidence names exactly one kind, and strongly
(``detection.stray_min_evidence``: a seizure and a crossing, not one hotel night), placed in a
network of a different kind, who is tied to a network of their own kind — or to one with less
evidence of any kind than that (a crew known only by its burners, its coordinator and its
launderer). The stray moves to the network of that sort they have most ties with; the kinds of
the networks that changed are read again. A member whose own evidence is weak, mixed or empty,
and a stray tied to no such network, stay where detection put them.

The money side strays too: a collector is placed by who pays them, and one payment from another
network's recruiter can outweigh, for community detection, the families who pay the collector
and otherwise deal with the collector's own network (its recruiter's calls, its burners). A
member paid by ``detection.payee_min_payers`` families from outside, most of whom deal with one
other network, moves to it (``payee_moves``); a coordinator then left with no tie in the old
network follows (``orphan_moves``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

import pandas as pd

from eslabon.network.communities import DetectedNetwork, kind_scores, membership, pays
from eslabon.network.graph import PersonNetwork
from eslabon.network.rules import Rules


def own_kind(
    feats: pd.DataFrame, entity_id: str, rules: Rules, cap: float, least: float
) -> str | None:
    """The one kind of network a person's own markers point to with at least ``least``
    evidence, or None (too little, or several kinds)."""
    if entity_id not in feats.index:
        return None
    scores = kind_scores(feats, [entity_id], rules, cap)
    named = [k for k, s in scores.items() if s > 0]
    return named[0] if len(named) == 1 and scores[named[0]] >= least else None


def stray_moves(
    net: PersonNetwork, networks: list[DetectedNetwork], feats: pd.DataFrame, rules: Rules
) -> dict[int, str]:
    """Member (actor index) → the network id they move to (only the members who move)."""
    cap = float(rules.detection.get("kind_member_cap", 6))
    least = float(rules.detection.get("stray_min_evidence", 3))
    where = membership(networks)
    by_id = {n.network_id: n for n in networks}
    # a network with less evidence of its kind than one stray has is of no known kind yet
    unknown = {n.network_id for n in networks if sum(n.kind_scores.values()) < least}
    moves: dict[int, str] = {}
    for n in networks:
        for v in n.members:
            if not net.is_person(v):
                continue
            kind = own_kind(feats, net.ids[v], rules, cap, least)
            if kind is None or kind == n.kind:
                continue
            ties: Counter[str] = Counter()
            for k in net.adjacency[v]:
                other = where.get(net.ties[k].other(v))
                if other is None or other == n.network_id:
                    continue
                if by_id[other].kind == kind or other in unknown:
                    ties[other] += 1
            if ties:
                moves[v] = max(ties.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return moves


def payee_moves(
    net: PersonNetwork, networks: list[DetectedNetwork], min_payers: int, share: float = 0.5
) -> dict[int, str]:
    """Member → the network the families who pay them belong to (only those who move).

    A money collector is paid by the relatives of the migrants a network moves; the relatives
    are otherwise in touch with that network (its recruiter's calls, its burners, the migrant
    they paid for). When detection placed the collector elsewhere — through one payment from
    another network's recruiter, say — most of the collector's payers vote for the network they
    deal with: at least ``min_payers`` of them and ``share`` of all, and twice the votes for the
    collector's own network. A payer's own outgoing payments do not vote (they pay every
    collector of the scheme alike).
    """
    where = membership(networks)
    moves: dict[int, str] = {}
    for n in networks:
        for v in n.members:
            if not net.is_person(v):
                continue
            payers = {
                w
                for k in net.adjacency[v]
                if net.ties[k].via == "payment"
                and where.get(w := net.ties[k].other(v)) != n.network_id
                and pays(net, k, w)
            }
            if len(payers) < min_payers:
                continue
            votes: Counter[str] = Counter()
            for w in payers:
                nets = {
                    where[u]
                    for k in net.adjacency[w]
                    if (u := net.ties[k].other(w)) != v
                    and u in where
                    and not (net.ties[k].via == "payment" and pays(net, k, w))
                }
                votes.update(nets)
            best = max(
                (m for m in votes if m != n.network_id),
                key=lambda m: (votes[m], m),
                default=None,
            )
            if (
                best is not None
                and votes[best] >= max(min_payers, share * len(payers))
                and votes[best] >= 2 * votes.get(n.network_id, 0)
            ):
                moves[v] = best
    return moves


def orphan_moves(
    net: PersonNetwork, networks: list[DetectedNetwork], moved: Collection[int]
) -> dict[int, str]:
    """Member → the network they are tied to, for members left with no tie in their own.

    After a network's collectors follow their payers (``moved``, who stay where they went: their
    ties are to the families), the coordinator they report to may be left in the old network
    with every tie of theirs in the new one: the coordinator follows. So do the migrants known
    only by the relative who paid those collectors (ties two steps away, when none is direct).
    """
    where = membership(networks)
    moves: dict[int, str] = {}
    for v, own in where.items():
        if not net.is_person(v) or v in moved:
            continue
        ties: Counter[str] = Counter()
        for k in net.adjacency[v]:
            other = where.get(net.ties[k].other(v))
            if other is not None:
                ties[other] += 1
        if not ties:
            # a migrant known only by the relative who paid for them: the relative's network
            for k in net.adjacency[v]:
                u = net.ties[k].other(v)
                for k2 in net.adjacency[u]:
                    w = net.ties[k2].other(u)
                    if w != v and w in where:
                        ties[where[w]] += 1
        if ties and not ties.get(own):
            moves[v] = max(ties.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return moves


def move_strays(
    net: PersonNetwork,
    networks: list[DetectedNetwork],
    moves: dict[int, str],
    feats: pd.DataFrame,
    rules: Rules,
) -> list[DetectedNetwork]:
    """The networks after the moves, with the kinds of the networks that changed read again."""
    if not moves:
        return networks
    cap = float(rules.detection.get("kind_member_cap", 6))
    moving = set(moves)
    changed = set(moves.values()) | {
        n.network_id for n in networks if moving.intersection(n.members)
    }
    out = []
    for n in networks:
        members = sorted(
            [v for v in n.members if v not in moving]
            + [v for v, to in moves.items() if to == n.network_id]
        )
        if n.network_id not in changed:
            out.append(n)
            continue
        people = [net.ids[v] for v in members if net.ids[v] in feats.index]
        scores = kind_scores(feats, people, rules, cap)
        kind = max(scores, key=lambda k: (scores[k], k)) if any(scores.values()) else n.kind
        out.append(DetectedNetwork(n.network_id, kind, members, scores, n.anchors))
    return out
