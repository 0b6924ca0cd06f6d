"""From what an analyst types (an id, a phone, a plate, a VIN, a name) to entities and a moment.

The moment (anchor time) is when the seed was last involved in an enforcement event — the truck
stop, the courier's arrest — because a trace must respect the time order around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from eslabon.errors import EslabonError
from eslabon.normalize.names import parse_name
from eslabon.normalize.phones import normalize_phone
from eslabon.normalize.text import fold
from eslabon.store.connection import Store

ENFORCEMENT_KINDS = ("Detention", "Arrest", "Seizure", "Stop")
# Enforcement events that accuse their subject (a migration detention records a migrant).
OFFENCE_KINDS = ("Arrest", "Seizure", "Stop")
_PLATE_CHARS = re.compile(r"[^A-Z0-9]")
SEIZURE_DAY = timedelta(days=1)  # the stop and the seizure records of one event


@dataclass(frozen=True)
class Seed:
    """The entity the analyst meant, the persons it stands for, and the anchor time."""

    query: str
    entity_id: str
    kind: str
    caption: str
    persons: tuple[str, ...]
    anchor: datetime | None
    matched_by: str
    moments: tuple[datetime, ...] = ()  # every enforcement event of the seed: anchor candidates


def _entity(store: Store, entity_id: str) -> tuple[str, str] | None:
    row = store.query_one(
        "SELECT kind, coalesce(caption, entity_id) FROM entities WHERE entity_id = ?", [entity_id]
    )
    return None if row is None else (row[0], row[1])


def _by_prop(store: Store, kind: str, props: tuple[str, ...], value: str) -> list[str]:
    cond = " OR ".join(f"m.props->>'{p}' = ?" for p in props)
    rows = store.query(
        f"""
        SELECT em.entity_id, count(*) AS n FROM mentions m
        JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
        JOIN entity_mentions em ON em.mention_id = m.mention_id
        WHERE m.kind = ? AND ({cond}) GROUP BY 1 ORDER BY n DESC, 1
        """,
        [kind, *([value] * len(props))],
    )
    return [r[0] for r in rows]


def _by_name(store: Store, query: str) -> list[str]:
    words = fold(query).split()
    if not words:
        return []
    conds = " AND ".join(["strip_accents(upper(caption)) LIKE ?"] * len(words))
    rows = store.query(
        f"SELECT entity_id FROM entities WHERE kind = 'Person' AND {conds} ORDER BY entity_id",
        [f"%{w}%" for w in words],
    )
    if rows:
        return [r[0] for r in rows]
    # Fall back to any recorded name or alias of a mention (aliases live there).
    conds = " AND ".join(["strip_accents(upper(m.props::VARCHAR)) LIKE ?"] * len(words))
    rows = store.query(
        f"""
        SELECT DISTINCT em.entity_id FROM mentions m
        JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
        JOIN entity_mentions em ON em.mention_id = m.mention_id
        WHERE m.kind = 'Person' AND {conds} ORDER BY 1 LIMIT 50
        """,
        [f"%{w}%" for w in words],
    )
    return [r[0] for r in rows]


def find_seed_entity(store: Store, query: str) -> tuple[str, str]:
    """(entity id, how it was matched); an unknown or ambiguous seed is a user error."""
    text = query.strip()
    if not text:
        raise EslabonError("empty seed", hint="give an entity id, phone, plate, VIN or name")
    if _entity(store, text):
        return text, "entity id"
    if sum(c.isdigit() for c in text) >= 7:
        for region in (None, "MX", "US", "GT", "HN", "SV"):
            res = normalize_phone(text, region)
            if res.e164:
                found = _by_prop(store, "Phone", ("number",), res.e164)
                if found:
                    return found[0], f"phone {res.e164}"
    plate = _PLATE_CHARS.sub("", text.upper())
    if plate and any(c.isdigit() for c in plate) and len(plate) <= 17:
        found = _by_prop(store, "Vehicle", ("vin", "plate"), plate)
        if found:
            return found[0], "VIN" if len(plate) == 17 else f"plate {plate}"

    def caption(entity_id: str) -> str:
        return (_entity(store, entity_id) or ("", entity_id))[1]

    found = reading_alike(text, _by_name(store, text), caption)
    return _one_by_name(query, found, caption)


def reading_alike(query: str, found: list[str], caption: Callable[[str], str]) -> list[str]:
    """Of several persons whose names hold every word of the query, those whose names read the
    same way: the query's given names as their given names and its surnames in the same places.

    "MORALES, ALBERTO" holds words of Alberto Escobar Morales and Luis Alberto Morales Flores too,
    but an analyst typing it from a record means a paternal surname Morales and a given name
    Alberto. When no candidate reads alike (a partial or misspelt query), all of them stay.
    """
    if len(found) < 2:
        return found
    asked = parse_name(full=query)
    if not asked.given or not asked.paternal:
        return found

    def alike(entity_id: str) -> bool:
        name = parse_name(full=caption(entity_id))
        return (
            name.given_canonical == asked.given_canonical
            and name.paternal == asked.paternal
            and asked.maternal in (None, name.maternal)
        )

    kept = [e for e in found if alike(e)]
    return kept or found


def _one_by_name(query: str, found: list[str], caption: Callable[[str], str]) -> tuple[str, str]:
    """The single person a name query found, or an error listing the candidates (or none)."""
    if len(found) == 1:
        return found[0], "name"
    if len(found) > 1:
        shown = ", ".join(f"{e} ({caption(e)})" for e in found[:5])
        raise EslabonError(
            f"{len(found)} persons match {query!r}: {shown}{' …' if len(found) > 5 else ''}",
            field="SEED",
            hint="pass one of the entity ids instead",
        )
    raise EslabonError(
        f"nothing in the workspace matches {query!r}",
        field="SEED",
        hint="give an entity id, a phone number, a plate or VIN, or part of a name",
    )


def persons_of(store: Store, entity_id: str, kind: str) -> list[str]:
    """The persons an entity stands for: itself, a phone's users, a vehicle's drivers and owners."""
    if kind == "Person":
        return [entity_id]
    if kind == "Phone":
        rows = store.query(
            "SELECT person_entity FROM phone_users WHERE phone_entity = ? ORDER BY 1", [entity_id]
        )
        if rows:
            return [r[0] for r in rows]
    rows = store.query(
        """
        SELECT p, count(*) FILTER (WHERE k IN ('Detention','Arrest','Seizure','Stop','Crossing'))
               AS acts, count(*) AS n
        FROM (
            SELECT subject_entity AS p, kind AS k FROM net_edges
            WHERE object_entity = ? AND subject_kind = 'Person'
            UNION ALL
            SELECT object_entity, kind FROM net_edges
            WHERE subject_entity = ? AND object_kind = 'Person'
        ) GROUP BY p ORDER BY acts DESC, n DESC, p
        """,
        [entity_id, entity_id],
    )
    return [r[0] for r in rows]


def anchor_time(store: Store, entity_ids: list[str]) -> datetime | None:
    """The latest enforcement event touching the seed, else its latest event of any kind."""
    if not entity_ids:
        return None
    marks = ",".join("?" * len(entity_ids))
    kinds = ",".join(f"'{k}'" for k in ENFORCEMENT_KINDS)
    row = store.query_one(
        f"""
        SELECT max(start_at) FILTER (WHERE kind IN ({kinds})), max(start_at)
        FROM net_edges WHERE subject_entity IN ({marks}) OR object_entity IN ({marks})
        """,
        [*entity_ids, *entity_ids],
    )
    if row is None:
        return None
    return row[0] or row[1]


def seized_anchor(touches: Iterable[tuple[str, str, datetime | None]]) -> datetime | None:
    """A seized vehicle's moment: the last enforcement record around its last seizure.

    A plate typed from a seizure means that event; a seized car sold at auction and stopped
    later with another driver is someone else's story, though that stop is its latest record.
    ``touches``: (person, link kind, time) of the vehicle's links. None when it was never seized.
    """
    touches = list(touches)
    seized = [t for _p, k, t in touches if k == "Seizure" and t is not None]
    if not seized:
        return None
    last = max(seized)
    return max(
        t
        for _p, k, t in touches
        if t is not None and k in ENFORCEMENT_KINDS and abs(t - last) <= SEIZURE_DAY
    )


def vehicle_moment(
    touches: Iterable[tuple[str, str, datetime | None]], anchor: datetime | None
) -> tuple[datetime | None, list[str]]:
    """A vehicle seed's moment (its seizure, else ``anchor``) and the people found with it then.

    A vehicle stands for those people when the records name any; ``touches`` as in
    `seized_anchor`.
    """
    touches = list(touches)
    anchor = seized_anchor(touches) or anchor
    return anchor, sorted({p for p, _k, t in touches if anchor is not None and t == anchor})


def resolve_seed(store: Store, query: str) -> Seed:
    """Everything a trace needs to start: entity, persons and anchor time."""
    entity_id, how = find_seed_entity(store, query)
    kind, caption = _entity(store, entity_id) or ("?", entity_id)
    persons = persons_of(store, entity_id, kind)
    if not persons:
        raise EslabonError(
            f"{kind} {caption} is tied to no person in the network",
            field="SEED",
            hint="try a phone, plate or name that appears in an event",
        )
    anchor = anchor_time(store, [entity_id])
    if kind == "Vehicle":
        touches = store.query(
            """
            SELECT subject_entity, kind, start_at FROM net_edges
            WHERE object_entity = ? AND subject_kind = 'Person'
            UNION ALL SELECT object_entity, kind, start_at FROM net_edges
            WHERE subject_entity = ? AND object_kind = 'Person'
            """,
            [entity_id, entity_id],
        )
        anchor, at_anchor = vehicle_moment(touches, anchor)
        if at_anchor:
            persons = at_anchor
    return Seed(query, entity_id, kind, caption, tuple(persons), anchor or None, how)


class SeedIndex:
    """Everything seed lookup needs, in memory: traces of many seeds then cost no queries.

    Loaded once per `Tracer` (the web workspace and the benchmark trace many seeds with one).
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._names_recorded: list[tuple[str, str]] | None = None
        self.entities: dict[str, tuple[str, str]] = {
            e: (k, c)
            for e, k, c in store.query(
                "SELECT entity_id, kind, coalesce(caption, entity_id) FROM entities"
            )
        }
        self.values: dict[tuple[str, str], str] = {}
        for kind, value, entity in store.query(
            """
            SELECT m.kind, v.value, mode(em.entity_id ORDER BY em.entity_id) FROM mentions m
            JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
            JOIN entity_mentions em ON em.mention_id = m.mention_id,
            LATERAL (SELECT unnest([m.props->>'number', m.props->>'plate', m.props->>'vin'])
                     AS value) v
            WHERE m.kind IN ('Phone', 'Vehicle') AND v.value IS NOT NULL
            GROUP BY 1, 2
            """
        ):
            self.values[(kind, value)] = entity
        self.users: dict[str, list[str]] = {}
        for phone, person in store.query(
            "SELECT phone_entity, person_entity FROM phone_users ORDER BY 1, 2"
        ):
            self.users.setdefault(phone, []).append(person)
        # Per non-person entity: (person, kind, time) of the links tying persons to it.
        self.touch: dict[str, list[tuple[str, str, datetime | None]]] = {}
        for entity, person, kind, at in store.query(
            """
            SELECT object_entity, subject_entity, kind, start_at FROM net_edges
            WHERE subject_kind = 'Person' AND object_kind IS NOT NULL AND object_kind <> 'Person'
            UNION ALL
            SELECT subject_entity, object_entity, kind, start_at FROM net_edges
            WHERE object_kind = 'Person' AND subject_kind <> 'Person'
            """
        ):
            self.touch.setdefault(entity, []).append((person, kind, at))
        self.last_seen: dict[str, tuple[datetime | None, datetime | None]] = {}
        self.moments: dict[str, tuple[datetime, ...]] = {}
        kinds = ",".join(f"'{k}'" for k in ENFORCEMENT_KINDS)
        for entity, enforced, any_time, moments in store.query(
            f"""
            SELECT e, max(t) FILTER (WHERE k IN ({kinds})), max(t),
                   list(DISTINCT t ORDER BY t) FILTER (WHERE k IN ({kinds}) AND t IS NOT NULL)
            FROM (
                SELECT subject_entity AS e, kind AS k, start_at AS t FROM net_edges
                UNION ALL SELECT object_entity, kind, start_at FROM net_edges
                WHERE object_entity IS NOT NULL
            ) GROUP BY e
            """
        ):
            self.last_seen[entity] = (enforced, any_time)
            if moments:
                self.moments[entity] = tuple(moments)
        # Persons in an offence event shared with others (the driver stopped with migrants, the
        # courier seized with a partner): of two namesakes, the one an analyst means. A
        # migration detention (the migrant's own record) is not an offence of the detainee.
        self.shared_offence: set[str] = {
            r[0]
            for r in store.query(
                f"""
                WITH ev AS (
                    SELECT subject_entity AS p, kind, props->>'incident' AS incident
                    FROM net_edges WHERE subject_kind = 'Person'
                    UNION ALL
                    SELECT object_entity, kind, props->>'incident' FROM net_edges
                    WHERE object_kind = 'Person'
                )
                SELECT DISTINCT a.p FROM ev a JOIN ev b ON b.incident = a.incident AND b.p <> a.p
                WHERE a.kind IN ({",".join(f"'{k}'" for k in OFFENCE_KINDS)})
                  AND a.incident IS NOT NULL AND a.incident <> ''
                """
            )
        }
        # Entities in a detected network (set by the Tracer): they break ties between namesakes.
        self.in_network: set[str] = set()
        self.names = [(e, fold(c)) for e, (k, c) in self.entities.items() if k == "Person"]
        self.tokens: dict[str, set[str]] = {}
        for e, name in self.names:
            for w in name.split():
                self.tokens.setdefault(w, set()).add(e)

    def find(self, query: str) -> tuple[str, str]:
        """Like `find_seed_entity`, from memory."""
        text = query.strip()
        if not text:
            raise EslabonError("empty seed", hint="give an entity id, phone, plate, VIN or name")
        if text in self.entities:
            return text, "entity id"
        if sum(c.isdigit() for c in text) >= 7:
            for region in (None, "MX", "US", "GT", "HN", "SV"):
                res = normalize_phone(text, region)
                if res.e164 and ("Phone", res.e164) in self.values:
                    return self.values[("Phone", res.e164)], f"phone {res.e164}"
        plate = _PLATE_CHARS.sub("", text.upper())
        if plate and ("Vehicle", plate) in self.values:
            return self.values[("Vehicle", plate)], "VIN" if len(plate) == 17 else f"plate {plate}"
        words = fold(text).split()
        # whole words first (an index lookup), then parts of words (a scan)
        hits = [self.tokens.get(w, set()) for w in words]
        found = sorted(set.intersection(*hits)) if hits and all(hits) else []
        if not found:
            found = sorted(e for e, name in self.names if all(w in name for w in words))
        if not found:
            # any name a record gave the person: the entity's caption may hold an initial
            # ("ANTHONY S ROBINSON") where a record and the query spell the name out
            found = sorted(
                {e for e, name in self._recorded_names() if all(w in name for w in words)}
            )
        found = reading_alike(text, found, lambda e: self.entities[e][1])
        if len(found) > 1:
            picked = self._namesake(found)
            if picked is not None:
                return picked
        return _one_by_name(query, found, lambda e: self.entities[e][1])

    def _recorded_names(self) -> list[tuple[str, str]]:
        """(person, folded name) for every distinct name the mentions recorded; loaded on the
        first query the captions do not answer."""
        if self._names_recorded is None:
            self._names_recorded = [
                (e, fold(c))
                for e, c in self._store.query(
                    """
                    SELECT DISTINCT em.entity_id, m.caption FROM mentions m
                    JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL
                    JOIN entity_mentions em ON em.mention_id = m.mention_id
                    WHERE m.kind = 'Person' AND m.caption IS NOT NULL
                    """
                )
            ]
        return self._names_recorded

    def _namesake(self, found: list[str]) -> tuple[str, str] | None:
        """Of several namesakes, the one a chain trace means, when the records single one out.

        A name is typed from the record of an enforcement event (the stop, the arrest) and the
        trace is after a criminal network: the only namesake with such an event who is also in a
        detected network; else the only one accused in an offence event shared with others (the
        driver stopped with migrants, rather than a migrant detained); else the only one with
        any enforcement event, or the only one in a network.
        """
        enforced = {e for e in found if self.last_seen.get(e, (None, None))[0] is not None}
        member = {e for e in found if e in self.in_network}
        shared = {e for e in found if e in self.shared_offence}
        for why, pool in (
            ("has an enforcement record and is in a detected network", enforced & member),
            (
                "is in an offence event shared with others and in a detected network",
                shared & member,
            ),
            ("has an enforcement record", enforced),
            ("is in an offence event shared with others", shared),
            ("is in a detected network", member),
        ):
            if len(pool) == 1:
                return next(iter(pool)), f"name (the only one of {len(found)} namesakes who {why})"
        return None

    def seed(self, query: str) -> Seed:
        """The seed, its persons and its moment — same rules as `resolve_seed`."""
        entity_id, how = self.find(query)
        kind, caption = self.entities.get(entity_id, ("?", entity_id))
        enforced, any_time = self.last_seen.get(entity_id, (None, None))
        anchor = enforced or any_time
        touches = self.touch.get(entity_id, [])
        at_anchor: list[str] = []
        if kind == "Vehicle":
            anchor, at_anchor = vehicle_moment(touches, anchor)
        if kind == "Person":
            persons = [entity_id]
        elif kind == "Phone" and self.users.get(entity_id):
            persons = list(self.users[entity_id])
        elif at_anchor:
            persons = at_anchor
        else:
            acts: dict[str, list[int]] = {}
            for p, k, _t in touches:
                score = acts.setdefault(p, [0, 0])
                score[0] += k in (*ENFORCEMENT_KINDS, "Crossing")
                score[1] += 1
            persons = sorted(acts, key=lambda p: (-acts[p][0], -acts[p][1], p))
        if not persons:
            raise EslabonError(
                f"{kind} {caption} is tied to no person in the network",
                field="SEED",
                hint="try a phone, plate or name that appears in an event",
            )
        return Seed(
            query,
            entity_id,
            kind,
            caption,
            tuple(persons),
            anchor,
            how,
            self.moments.get(entity_id, ()),
        )
