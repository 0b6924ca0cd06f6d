"""The person network in memory: typed, timed ties with their evidence, and an igraph view.

Loaded once from ``person_edges`` (written by ``build``); trace, roles, communities and disrupt
all read this one structure, so a trace costs a walk over adjacency lists, not a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import igraph as ig
import numpy as np

from eslabon.errors import EslabonError
from eslabon.store.connection import Store

EPOCH = datetime(1970, 1, 1)


def to_days(ts: datetime | None) -> float | None:
    """Timestamps as float days since 1970: cheap to compare inside the trace loop."""
    return None if ts is None else (ts - EPOCH).total_seconds() / 86400.0


def from_days(d: float | None) -> datetime | None:
    return None if d is None else EPOCH + timedelta(seconds=round(float(d) * 86400.0))


@dataclass(frozen=True)
class Tie:
    """One channel between two persons (a phone, a vehicle, calls, payments, an incident …)."""

    a: int
    b: int
    via: str
    via_entity: str
    times: tuple[float, ...]
    link_ids: tuple[str, ...]
    criminal: bool

    def other(self, v: int) -> int:
        return self.b if v == self.a else self.a


@dataclass
class PersonNetwork:
    """Actors (index ↔ entity id): persons, and phones whose user is unknown; ties per actor."""

    ids: list[str]
    captions: list[str]
    ties: list[Tie]
    kinds: list[str] = field(default_factory=list)
    adjacency: list[list[int]] = field(default_factory=list)  # person → tie indices
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = {e: i for i, e in enumerate(self.ids)}
        if len(self.kinds) < len(self.ids):
            self.kinds += ["Person"] * (len(self.ids) - len(self.kinds))
        self.adjacency = [[] for _ in self.ids]
        for k, t in enumerate(self.ties):
            self.adjacency[t.a].append(k)
            self.adjacency[t.b].append(k)

    @property
    def n(self) -> int:
        return len(self.ids)

    def is_person(self, v: int) -> bool:
        return self.kinds[v] == "Person"

    def neighbours(self, v: int) -> set[int]:
        return {self.ties[k].other(v) for k in self.adjacency[v]}

    def graph(
        self, members: Iterable[int] | None = None, *, weights: dict[str, float] | None = None
    ) -> ig.Graph:
        """Undirected simple igraph (one edge per pair, weights summed over channels).

        ``members`` restricts to an induced subgraph; vertex attribute ``name`` is the entity id,
        ``idx`` the index in this network.
        """
        keep = list(range(self.n)) if members is None else sorted(set(members))
        local = {v: i for i, v in enumerate(keep)}
        pair_w: dict[tuple[int, int], float] = {}
        for t in self.ties:
            if t.a in local and t.b in local:
                key = (min(local[t.a], local[t.b]), max(local[t.a], local[t.b]))
                w = 1.0 if weights is None else weights.get(t.via, 1.0)
                pair_w[key] = pair_w.get(key, 0.0) + w
        g = ig.Graph(n=len(keep), edges=list(pair_w), directed=False)
        g.vs["name"] = [self.ids[v] for v in keep]
        g.vs["idx"] = keep
        g.es["weight"] = list(pair_w.values())
        return g


def load_network(store: Store) -> PersonNetwork:
    """Read persons and person_edges into memory (fails clearly before `eslabon network`)."""
    if not store.table_exists("person_edges"):
        raise EslabonError("this workspace has no network tables", hint="run `eslabon network`")
    n_built = store.query_one("SELECT count(*) FROM net_edges")[0]
    if not n_built:
        raise EslabonError(
            "no network built yet", file=str(store.path), hint="run `eslabon network` first"
        )
    actors = store.query(
        """
        SELECT entity_id, coalesce(caption, entity_id), kind FROM entities
        WHERE kind = 'Person' OR entity_id IN (
            SELECT person_a FROM person_edges UNION SELECT person_b FROM person_edges)
        ORDER BY kind <> 'Person', entity_id
        """
    )
    ids = [p[0] for p in actors]
    captions = [p[1] for p in actors]
    kinds = [p[2] for p in actors]
    index = {e: i for i, e in enumerate(ids)}
    frame = store.query_df(
        "SELECT person_a, person_b, via, via_entity, criminal, link_ids, "
        "list_transform(coalesce(times, []), lambda x: epoch(x) / 86400.0) AS days "
        "FROM person_edges ORDER BY person_a, person_b, via, via_entity"
    )
    ties: list[Tie] = []
    for a, b, via, ve, crim, links, days in zip(
        frame["person_a"],
        frame["person_b"],
        frame["via"],
        frame["via_entity"],
        frame["criminal"],
        frame["link_ids"],
        frame["days"],
        strict=True,
    ):
        for e in (a, b):
            if e not in index:  # a person known only through links (should not happen)
                index[e] = len(ids)
                ids.append(e)
                captions.append(e)
                kinds.append("Person")
        ties.append(
            Tie(
                index[a],
                index[b],
                via,
                ve,
                tuple(float(x) for x in (days if days is not None else np.array([]))),
                tuple(links),
                bool(crim),
            )
        )
    return PersonNetwork(ids, captions, ties, kinds)


# A person's own dated events that show them on the move or in the hands of the authorities:
# what follows a recruitment (the trip), unlike a call between friends.
MOVE_KINDS = ("Detention", "Arrest", "Crossing", "Stop", "Lodging", "Seizure", "Recruitment")


def person_moves(store: Store, net: PersonNetwork) -> dict[int, tuple[float, ...]]:
    """Times (days) of each person's own movement and enforcement events, sorted."""
    kinds = ", ".join(f"'{k}'" for k in MOVE_KINDS)
    rows = store.query(
        f"""
        SELECT p, list_sort(list(epoch(t) / 86400.0)) FROM (
            SELECT subject_entity AS p, start_at AS t FROM net_edges
            WHERE kind IN ({kinds}) AND subject_kind = 'Person' AND start_at IS NOT NULL
            UNION ALL
            SELECT object_entity, start_at FROM net_edges
            WHERE kind IN ({kinds}) AND object_kind = 'Person' AND start_at IS NOT NULL
        ) GROUP BY p
        """
    )
    return {net.index[p]: tuple(float(x) for x in times) for p, times in rows if p in net.index}


# Links that make an address someone's home (a lodging night does not).
HOME_KINDS = ("Residence", "Lease", "Ownership")


def person_homes(store: Store, net: PersonNetwork) -> dict[int, frozenset[str]]:
    """The addresses each person lives at, leases or owns: who shares one is their household."""
    kinds = ", ".join(f"'{k}'" for k in HOME_KINDS)
    rows = store.query(
        f"""
        SELECT subject_entity, list(DISTINCT object_entity) FROM net_edges
        WHERE kind IN ({kinds}) AND subject_kind = 'Person' AND object_kind = 'Address'
        GROUP BY 1
        """
    )
    return {net.index[p]: frozenset(a) for p, a in rows if p in net.index}


def person_lines(store: Store, net: PersonNetwork) -> dict[int, frozenset[str]]:
    """The phones each person is on record as using, or was given by burner inference."""
    rows = store.query(
        "SELECT person_entity, list(DISTINCT phone_entity) FROM phone_users GROUP BY 1"
    )
    return {net.index[p]: frozenset(ph) for p, ph in rows if p in net.index}


def person_phones(store: Store, net: PersonNetwork) -> dict[int, tuple[tuple[int, float], ...]]:
    """Each person's phones as (country calling code, day the phone is first seen in any record).

    A migrant who has just arrived uses a new line of the country they arrived in: a phone of
    that country first seen only after the crossing. First seen is the earliest call on the
    phone or the earliest dated record in the same source row as someone's use of it (the
    transfer that names the receiver's phone).
    """
    from eslabon.normalize.phones import parse_e164

    rows = store.query(
        """
        WITH uses AS (
            SELECT subject_entity AS p, object_entity AS ph, source_id, row_num, start_at
            FROM net_edges WHERE kind = 'PhoneUse' AND subject_kind = 'Person'
        ), dated AS (
            SELECT source_id, row_num, min(start_at) AS t FROM net_edges
            WHERE start_at IS NOT NULL GROUP BY source_id, row_num
        ), seen AS (
            SELECT subject_entity AS ph, start_at AS t FROM net_edges WHERE kind = 'Call'
            UNION ALL
            SELECT object_entity, start_at FROM net_edges WHERE kind = 'Call'
            UNION ALL
            SELECT u.ph, coalesce(u.start_at, d.t) FROM uses u
            LEFT JOIN dated d USING (source_id, row_num)
        ), first AS (
            SELECT ph, min(epoch(t) / 86400.0) AS first_day FROM seen
            WHERE t IS NOT NULL GROUP BY ph
        )
        SELECT DISTINCT u.p, e.caption, f.first_day
        FROM uses u JOIN entities e ON e.entity_id = u.ph
        JOIN first f ON f.ph = u.ph
        """
    )
    out: dict[int, set[tuple[int, float]]] = {}
    codes: dict[str, int | None] = {}
    for person, number, first in rows:
        v = net.index.get(person)
        if v is None or not number:
            continue
        if number not in codes:
            parsed = parse_e164(number)
            codes[number] = None if parsed is None else parsed.country_code
        code = codes[number]
        if code is not None:
            out.setdefault(v, set()).add((int(code), float(first)))
    return {v: tuple(sorted(items)) for v, items in out.items()}


def person_starts(
    store: Store, net: PersonNetwork
) -> dict[int, tuple[tuple[float, str, str], ...]]:
    """Each person's employment starts as (day, link id, organization), sorted.

    A trafficked worker's first day at the farm follows the recruiter's payment to the
    smugglers who brought them (trace.cross_network); the link id keeps the roster row.
    """
    rows = store.query(
        """
        SELECT subject_entity, epoch(start_at) / 86400.0, link_id, object_entity
        FROM net_edges
        WHERE kind = 'Employment' AND subject_kind = 'Person' AND start_at IS NOT NULL
        """
    )
    out: dict[int, list[tuple[float, str, str]]] = {}
    for p, day, lid, org in rows:
        if p in net.index:
            out.setdefault(net.index[p], []).append((float(day), str(lid), str(org)))
    return {v: tuple(sorted(items)) for v, items in out.items()}
