"""Scored pairs → clusters, with guards against chaining.

Plain connected components over edges above a threshold let one weak link glue two large
clusters together (A~B, B~C, ... Z: the chain). We instead add edges greedily from the strongest
down (single-linkage order, union-find), and refuse a merge of two clusters when:

1. **cannot-link**: a reviewer judged some member of one different from some member of the other;
2. **conflict**: both clusters carry values of a *hard* identifier (a valid CURP, an A-Number,
   a VIN) and no value is shared — two people with two different CURPs are two people;
3. **given-name conflict** (persons): no given name of either cluster appears, by phonetic
   key or first three letters (so typos, nicknames and swapped fields still agree), anywhere in
   the other cluster's names. Siblings share surnames, an address and often a phone; their given names
   are what tells them apart, and one record missing its given name must not bridge them;
4. **weak support**: both clusters already have several members and fewer than
   ``min_support`` of the smaller one's members have an above-threshold edge into the other.
   A single bridge between two groups of size ≥ 2 is exactly what chaining looks like;
   a true merge of two fragments of one person is normally backed by many edges, because
   blocking compares them pairwise.

Guards 2 (for *soft* attributes such as a birth date, often mistyped) and 3 protect against
what the model did **not** see: a conflict between members that were never compared. They give
way when the evidence has already weighed the conflict:

- the edge is overwhelming (p ≥ ``names_overridden_at``);
- every member of one cluster has an above-threshold edge to every member of the other (two
  single records joined by one edge, typically): the model compared each conflicting pair
  itself and still called it a match, so a guard would only second-guess it;
- the clusters share an exact document number (``shared_ids``: passport, national id, SSN,
  A-Number, CURP) — issued to one person, it outweighs a replaced given name or birth date.

Must-link judgements are applied first and are not subject to the guards (a person decided).
Processing is deterministic: edges are sorted by (probability desc, ids).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from eslabon.disjoint_sets import find


@dataclass
class ClusterResult:
    """``label[node]`` is a representative node of its cluster; ``refused`` counts by reason."""

    label: dict[str, str]
    refused: Counter = field(default_factory=Counter)

    def clusters(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for node, root in self.label.items():
            out[root].append(node)
        return {root: sorted(members) for root, members in out.items()}


def cluster(
    nodes: Iterable[str],
    edges: Iterable[tuple[str, str, float]],
    *,
    threshold: float,
    hard_values: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    min_support: float = 1 / 3,
    names: Mapping[str, tuple[Iterable[str], Iterable[str]]] | None = None,
    names_overridden_at: float = 0.9999,
    soft_attrs: Iterable[str] = (),
    shared_ids: Mapping[str, Iterable[str]] | None = None,
) -> ClusterResult:
    """Cluster ``nodes`` using ``edges`` (a, b, probability) at or above ``threshold``.

    ``hard_values[node][attr]`` lists the node's values of a hard identifier (conflict guard).
    ``names[node]`` is (given-name keys, all name keys) for the given-name guard. An edge of
    probability ≥ ``names_overridden_at`` overrides it and conflicts on ``soft_attrs`` (values
    that are often mistyped, like a birth date): shared identifiers, address and the rest of the
    name outweigh one wrong field. So do an edge for every pair across the two clusters and a
    shared value of ``shared_ids[node]`` (exact document numbers); see the module docstring.
    """
    soft = set(soft_attrs)
    parent: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    values: dict[str, dict[str, set[str]]] = {}
    cannot: dict[str, set[str]] = defaultdict(set)  # node -> nodes it must not join
    hard_values = hard_values or {}
    for node in nodes:
        parent[node] = node
        members[node] = [node]
        values[node] = {a: set(v) for a, v in hard_values.get(node, {}).items() if v}
    names = names or {}
    shared_ids = shared_ids or {}
    ids: dict[str, set[str]] = {n: set(shared_ids.get(n, ())) for n in parent}
    given: dict[str, set[str]] = {}
    known: dict[str, set[str]] = {}
    for node in parent:
        g, every = names.get(node, ((), ()))
        given[node], known[node] = set(g), set(every) | set(g)
    for a, b in cannot_link:
        if a in parent and b in parent:
            cannot[a].add(b)
            cannot[b].add(a)

    def root(x: str) -> str:
        return find(parent, x)

    def union(ra: str, rb: str) -> None:
        if len(members[ra]) < len(members[rb]) or (
            len(members[ra]) == len(members[rb]) and rb < ra
        ):
            ra, rb = rb, ra
        parent[rb] = ra
        members[ra].extend(members.pop(rb))
        for attr, vals in values.pop(rb).items():
            values[ra].setdefault(attr, set()).update(vals)
        ids[ra].update(ids.pop(rb))
        given[ra].update(given.pop(rb))
        known[ra].update(known.pop(rb))

    def blocked_by_judgement(ra: str, rb: str) -> bool:
        small, other = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        return any(root(c) == other for n in members[small] for c in cannot.get(n, ()))

    def conflicting(ra: str, rb: str, hard_only: bool) -> bool:
        va, vb = values[ra], values[rb]
        return any(
            attr in vb and not (va[attr] & vb[attr])
            for attr in va
            if not (hard_only and attr in soft)
        )

    def other_given(ra: str, rb: str) -> bool:
        return bool(given[ra] and given[rb]) and not (
            given[ra] & known[rb] or given[rb] & known[ra]
        )

    def weighed(ra: str, rb: str) -> bool:
        """The evidence already outweighs soft conflicts: the clusters share a document number,
        or every pair across them was scored a match."""
        if ids[ra] & ids[rb]:
            return True
        small, other = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        links = sum(1 for x in members[small] for y in adjacency[x] if root(y) == other)
        return links >= len(members[ra]) * len(members[rb])

    strong = sorted(
        ((a, b, p) for a, b, p in edges if p >= threshold and a in parent and b in parent),
        key=lambda e: (-e[2], e[0], e[1]),
    )
    adjacency: dict[str, list[str]] = defaultdict(list)
    for a, b, _p in strong:
        adjacency[a].append(b)
        adjacency[b].append(a)

    refused: Counter = Counter()
    for a, b in must_link:
        if a in parent and b in parent and (ra := root(a)) != (rb := root(b)):
            union(ra, rb)

    for a, b, p in strong:
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        if cannot and blocked_by_judgement(ra, rb):
            refused["cannot_link"] += 1
            continue
        overwhelming = p >= names_overridden_at
        if conflicting(ra, rb, True) or (
            conflicting(ra, rb, False) and not overwhelming and not weighed(ra, rb)
        ):
            refused["conflict"] += 1
            continue
        if not overwhelming and other_given(ra, rb) and not weighed(ra, rb):
            refused["given_name"] += 1
            continue
        size_a, size_b = len(members[ra]), len(members[rb])
        if min(size_a, size_b) >= 2:
            small, other = (ra, rb) if size_a <= size_b else (rb, ra)
            support = sum(1 for n in members[small] if any(root(m) == other for m in adjacency[n]))
            if support < math.ceil(min_support * len(members[small])):
                refused["weak_support"] += 1
                continue
        union(ra, rb)
    return ClusterResult({node: root(node) for node in parent}, refused)
