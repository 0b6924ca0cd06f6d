"""Every recorded event of an actor, in time order, with place, counterpart and source row.

Reads only ``links``/``entity_mentions`` (001/002), so it works before the network stage; for a
person, events of the phones it used (``phone_users``, when the network stage ran) are included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from eslabon.report.statements import Provenance, Statement, Term
from eslabon.store.connection import Store

PLACE_KEYS = ("place", "port", "location", "city", "agency")


@dataclass(frozen=True)
class Event:
    """One link or event touching the actor."""

    link_id: str
    kind: str
    at: str  # ISO date-time as recorded after normalisation, '' when unknown
    place: str
    counterpart_id: str | None
    counterpart: str
    via: str | None  # the phone/vehicle of the actor the event went through, if not direct
    statement: Statement


def _fmt(ts: Any) -> str:
    if ts is None or (isinstance(ts, float) and ts != ts):
        return ""
    text = ts.isoformat(sep=" ") if hasattr(ts, "isoformat") else str(ts)
    if text.endswith(" 00:00:00"):
        return text[:10]  # a date without a time of day
    return text[:16] if len(text) > 16 else text


def actor_ends(store: Store, entity_id: str, kind: str) -> dict[str, str | None]:
    """Entities that stand for the actor in events: itself, and for a person its phones."""
    ends: dict[str, str | None] = {entity_id: None}
    if kind == "Person" and store.table_exists("phone_users"):
        for (phone,) in store.query(
            "SELECT phone_entity FROM phone_users WHERE person_entity = ? ORDER BY 1", [entity_id]
        ):
            ends.setdefault(phone, phone)
    return ends


def phone_user_map(store: Store) -> dict[str, str]:
    """Phone entity → its single recorded (or attributed) user, for naming counterparts."""
    if not store.table_exists("phone_users"):
        return {}
    rows = store.query(
        "SELECT phone_entity, min(person_entity), count(*) FROM phone_users GROUP BY 1"
    )
    return {p: u for p, u, n in rows if n == 1}


def entity_captions(store: Store, ids: set[str]) -> dict[str, str]:
    """Captions of the given entities (the id stands in when there is none)."""
    if not ids:
        return {}
    rows = store.query(
        "SELECT entity_id, caption FROM entities WHERE list_contains(?, entity_id)", [sorted(ids)]
    )
    return {e: c or e for e, c in rows}


def build_timeline(
    store: Store,
    entity_id: str,
    kind: str,
    provenance: dict[tuple[str, int], Provenance],
) -> list[Event]:
    """Events of the actor; an event whose source row is unknown is left out (no source, no fact)."""
    ends = actor_ends(store, entity_id, kind)
    rows = store.query(
        """
        WITH mine AS (
            SELECT mention_id, entity_id FROM entity_mentions WHERE list_contains(?, entity_id)
        ), hit AS (
            SELECT l.* FROM links l WHERE l.subject_id IN (SELECT mention_id FROM mine)
            UNION
            SELECT l.* FROM links l WHERE l.object_id IN (SELECT mention_id FROM mine)
        )
        SELECT h.link_id, h.kind, h.source_id, h.row_num, h.start_at, h.props,
               es.entity_id, eo.entity_id
        FROM hit h
        JOIN sources s ON s.source_id = h.source_id AND s.superseded_by IS NULL
        LEFT JOIN entity_mentions es ON es.mention_id = h.subject_id
        LEFT JOIN entity_mentions eo ON eo.mention_id = h.object_id
        ORDER BY h.start_at NULLS LAST, h.link_id
        """,
        [list(ends)],
    )
    users = phone_user_map(store)
    captions = entity_captions(
        store,
        {e for r in rows for e in r[6:8] if e}
        | {users[e] for r in rows for e in r[6:8] if e in users},
    )
    events: list[Event] = []
    for link_id, lkind, source_id, row_num, start_at, props, subj, obj in rows:
        prov = provenance.get((source_id, row_num))
        if prov is None:
            continue
        mine_end = subj if subj in ends else obj
        other = obj if mine_end == subj else subj
        if other in ends:
            other = None  # e.g. the person's own PhoneUse of its phone
        shown = other
        if other is not None and other in users and users[other] != entity_id:
            shown = users[other]
        p = json.loads(props) if isinstance(props, str) else (props or {})
        place = next((str(p[k]) for k in PLACE_KEYS if p.get(k)), "")
        at = _fmt(start_at)
        counterpart = ""
        if shown is not None:
            counterpart = captions.get(shown, shown)
            if shown != other:
                counterpart += f" ({captions.get(other, other)})"
        events.append(
            Event(
                link_id=link_id,
                kind=lkind,
                at=at,
                place=place,
                counterpart_id=shown,
                counterpart=counterpart,
                via=ends.get(mine_end),
                statement=Statement(
                    "event",
                    {"kind": Term("link", lkind), "date": at or "—"},
                    (prov,),
                    section="timeline",
                ),
            )
        )
    return events
