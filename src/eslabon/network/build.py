"""Build the entity-level network and its person-to-person view from resolved entities and links.

Everything is SQL over the store, so a million mentions cost a few joins, and every tie keeps the
link ids it rests on (each link names its source row, and the source its file hash). The person
view collapses phones, vehicles, accounts, addresses, organisations and incidents onto the people
who share them, keeping *which* one joins them (``via``/``via_entity``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from eslabon.errors import EslabonError
from eslabon.store.connection import Store

# Entities that join the persons tied to them, and the name of that channel.
HUB_KINDS = {
    "Phone": "phone",
    "Vehicle": "vehicle",
    "Address": "address",
    "Account": "account",
    "Organization": "organization",
}
# Above this many persons a shared hub (a hotel, a big employer, a bus) says nothing about a tie.
HUB_CAP = 40
# Link kinds that are offences or enforcement events: ties through them are criminal evidence.
CRIMINAL_KINDS = ("Detention", "Arrest", "Seizure", "Recruitment", "Stop")
# Person → person links kept as direct ties.
DIRECT_KINDS = {"Associate": "associate", "Recruitment": "recruitment", "Employment": "employment"}
# Dated ties through one hub (hotel nights, a crossing) join people only this close in time.
TOGETHER_DAYS = 3
# A call is attributed to a phone's users active within this slack of the call.
SPAN_SLACK_DAYS = 2
# One record naming someone as the user of a phone that another person is on record using
# this many times is a slip (a payee's phone typed into the sender's field), not a shared phone:
# it would join a relative who paid a collector to every call the collector makes.
SLIP_OTHER_RECORDS = 3

NET_TABLES = ("net_edges", "phone_users", "person_edges")


@dataclass(frozen=True)
class BuildReport:
    """Counts a person can check: what went in, what was left out and why."""

    links: int
    links_unresolved: int
    net_edges: int
    phone_users: int
    person_edges: int
    persons: int

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def _require_resolution(store: Store) -> None:
    if (
        not store.table_exists("entity_mentions")
        or not store.query_one("SELECT count(*) FROM entity_mentions")[0]
    ):
        raise EslabonError(
            "no resolved entities in this workspace",
            file=str(store.path),
            hint="run `eslabon resolve` first",
        )


def build_network(store: Store, attribute: Callable[[Store], object] | None = None) -> BuildReport:
    """Rewrite net_edges, phone_users and person_edges (idempotent; call inside a transaction).

    ``attribute`` runs between recorded phone users and the person view: it may add inferred
    phone users (burner chains), so calls on those phones join their user.
    """
    _require_resolution(store)
    for table in NET_TABLES:
        store.execute(f"DELETE FROM {table}")
    current = "JOIN sources s ON s.source_id = l.source_id AND s.superseded_by IS NULL"
    total = store.query_one(f"SELECT count(*) FROM links l {current}")[0]
    store.execute(
        f"""
        INSERT INTO net_edges
        SELECT l.link_id, l.kind, es.entity_id, es.kind, eo.entity_id, eo.kind,
               l.start_at, l.end_at, l.props, l.source_id, l.row_num
        FROM links l {current}
        JOIN entity_mentions es ON es.mention_id = l.subject_id
        LEFT JOIN entity_mentions eo ON eo.mention_id = l.object_id
        WHERE l.object_id IS NULL OR eo.entity_id IS NOT NULL
        """
    )
    _phone_users(store)
    if attribute is not None:
        attribute(store)
    _person_edges(store)
    n_edges = store.query_one("SELECT count(*) FROM net_edges")[0]
    return BuildReport(
        links=total,
        links_unresolved=total - n_edges,
        net_edges=n_edges,
        phone_users=store.query_one("SELECT count(*) FROM phone_users")[0],
        person_edges=store.query_one("SELECT count(*) FROM person_edges")[0],
        persons=store.query_one(
            "SELECT count(DISTINCT p) FROM (SELECT person_a p FROM person_edges "
            "UNION ALL SELECT person_b FROM person_edges)"
        )[0],
    )


def _phone_users(store: Store) -> None:
    """Who used which phone, and when: the PhoneUse span, else the span of the phone's calls.

    A lone record against a phone someone else uses on record is left out (SLIP_OTHER_RECORDS).
    """
    store.execute(
        f"""
        INSERT INTO phone_users
        WITH use AS (
            SELECT object_entity AS phone, subject_entity AS person,
                   min(start_at) AS s, max(coalesce(end_at, start_at)) AS e,
                   list(link_id ORDER BY link_id) AS ids
            FROM net_edges WHERE kind = 'PhoneUse' AND subject_kind = 'Person'
              AND object_kind = 'Phone'
            GROUP BY ALL
        ), calls AS (
            SELECT phone, min(t) AS s, max(t) AS e FROM (
                SELECT subject_entity AS phone, start_at AS t FROM net_edges WHERE kind = 'Call'
                UNION ALL
                SELECT object_entity, start_at FROM net_edges WHERE kind = 'Call'
            ) GROUP BY phone
        ), kept AS (
            SELECT * FROM use u WHERE NOT (len(u.ids) = 1 AND EXISTS (
                SELECT 1 FROM use o WHERE o.phone = u.phone AND o.person <> u.person
                  AND len(o.ids) >= {SLIP_OTHER_RECORDS}))
        )
        -- A phone with one recorded user (a burner seized at a stop) is theirs for all its
        -- calls; a shared phone keeps each user's recorded span.
        SELECT u.phone, u.person,
               CASE WHEN n.users = 1 THEN least(u.s, c.s) ELSE coalesce(u.s, c.s) END,
               CASE WHEN n.users = 1 THEN greatest(u.e, c.e) ELSE coalesce(u.e, c.e) END,
               u.ids, 'record'
        FROM kept u LEFT JOIN calls c ON c.phone = u.phone
        JOIN (SELECT phone, count(*) AS users FROM kept GROUP BY phone) n ON n.phone = u.phone
        """
    )


def _person_edges(store: Store) -> None:
    """Person pairs through shared hubs, incidents, calls, payments and direct links."""
    hub_case = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in HUB_KINDS.items())
    kinds = ", ".join(f"'{k}'" for k in HUB_KINDS)
    criminal = ", ".join(f"'{k}'" for k in CRIMINAL_KINDS)
    con = store.connection
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _ties AS
        SELECT subject_entity AS person, object_entity AS hub,
               CASE object_kind {hub_case} END AS via, link_id, start_at AS t,
               kind IN ({criminal}) AS criminal
        FROM net_edges WHERE subject_kind = 'Person' AND object_kind IN ({kinds})
        UNION ALL
        SELECT object_entity, subject_entity, CASE subject_kind {hub_case} END, link_id,
               start_at, kind IN ({criminal})
        FROM net_edges WHERE object_kind = 'Person' AND subject_kind IN ({kinds})
          AND kind <> 'Payment'
        UNION ALL
        -- keyed by the number alone: agencies cite one event number (the stop, the arrest and
        -- the migrants' detention of one event), so co-detention joins across sources
        SELECT e.person, 'incident:' || e.incident, 'incident', e.link_id, e.t,
               e.kind IN ({criminal})
        FROM (
            SELECT subject_entity AS person, link_id, start_at AS t, kind, source_id,
                   props->>'incident' AS incident
            FROM net_edges WHERE subject_kind = 'Person'
            UNION ALL
            SELECT object_entity, link_id, start_at, kind, source_id, props->>'incident'
            FROM net_edges WHERE object_kind = 'Person'
        ) e
        WHERE e.incident IS NOT NULL AND e.incident <> ''
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _hubs AS
        SELECT hub, via FROM _ties GROUP BY hub, via
        HAVING count(DISTINCT person) BETWEEN 2 AND {HUB_CAP}
        """
    )
    slack = f"INTERVAL {SPAN_SLACK_DAYS} DAY"
    together = TOGETHER_DAYS
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _busy AS
        SELECT hub, via, CAST(t AS DATE) AS d FROM _ties WHERE t IS NOT NULL
        GROUP BY ALL HAVING count(DISTINCT person) > {HUB_CAP}
        """
    )
    # A phone nobody is known to use stands for its unknown user: it stays an actor.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _attrib AS
        SELECT phone_entity, person_entity, first_at, last_at FROM phone_users
        UNION ALL
        SELECT p, p, NULL, NULL FROM (
            SELECT subject_entity AS p FROM net_edges WHERE kind = 'Call'
            UNION SELECT object_entity FROM net_edges WHERE kind = 'Call'
        ) WHERE p IS NOT NULL AND p NOT IN (SELECT phone_entity FROM phone_users)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _pairs AS
        -- shared hubs: timeless ties (a residence, an ownership) under the hub cap …
        SELECT a.person AS pa, b.person AS pb, a.via, a.hub AS via_entity,
               a.link_id AS la, a.t AS ta, b.link_id AS lb, b.t AS tb,
               (a.criminal OR b.criminal OR a.via = 'incident') AS criminal
        FROM _ties a JOIN _hubs h ON h.hub = a.hub AND h.via = a.via
        JOIN _ties b ON b.hub = a.hub AND b.via = a.via AND a.person < b.person
        WHERE a.t IS NULL OR b.t IS NULL
        UNION ALL
        -- … and dated ties only when the two were there together (the same hotel nights, the
        -- same crossing), unless the place was crowded that day
        SELECT a.person, b.person, a.via, a.hub, a.link_id, a.t, b.link_id, b.t,
               (a.criminal OR b.criminal OR a.via = 'incident')
        FROM _ties a JOIN _ties b ON b.hub = a.hub AND b.via = a.via AND a.person < b.person
             AND b.t BETWEEN a.t - INTERVAL {together} DAY AND a.t + INTERVAL {together} DAY
        WHERE NOT EXISTS (SELECT 1 FROM _busy x WHERE x.hub = a.hub AND x.via = a.via
                          AND x.d = CAST(a.t AS DATE))
        UNION ALL
        -- calls, attributed to the phones' users at the time of the call
        SELECT ua.person_entity, ub.person_entity, 'call',
               least(c.subject_entity, c.object_entity) || '~' ||
               greatest(c.subject_entity, c.object_entity),
               c.link_id, c.start_at, NULL, NULL, false
        FROM net_edges c
        JOIN _attrib ua ON ua.phone_entity = c.subject_entity
        JOIN _attrib ub ON ub.phone_entity = c.object_entity
        WHERE c.kind = 'Call' AND ua.person_entity <> ub.person_entity
          AND (c.start_at IS NULL OR ua.first_at IS NULL OR c.start_at BETWEEN
               ua.first_at - {slack} AND ua.last_at + {slack})
          AND (c.start_at IS NULL OR ub.first_at IS NULL OR c.start_at BETWEEN
               ub.first_at - {slack} AND ub.last_at + {slack})
        UNION ALL
        -- payments, accounts mapped to their owners
        SELECT pa.person, pb.person, 'payment', pa.person || '>' || pb.person,
               p.link_id, p.start_at, NULL, NULL,
               false
        FROM net_edges p
        JOIN (SELECT subject_entity AS holder, subject_entity AS person FROM net_edges
              WHERE subject_kind = 'Person'
              UNION SELECT object_entity, subject_entity FROM net_edges
              WHERE kind = 'Ownership' AND object_kind = 'Account' AND subject_kind = 'Person'
             ) pa ON pa.holder = p.subject_entity
        JOIN (SELECT subject_entity AS holder, subject_entity AS person FROM net_edges
              WHERE subject_kind = 'Person'
              UNION SELECT object_entity, subject_entity FROM net_edges
              WHERE kind = 'Ownership' AND object_kind = 'Account' AND subject_kind = 'Person'
             ) pb ON pb.holder = p.object_entity
        WHERE p.kind = 'Payment' AND pa.person <> pb.person
        UNION ALL
        -- direct person-to-person links
        SELECT subject_entity, object_entity,
               CASE kind {" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in DIRECT_KINDS.items())} END,
               link_id, link_id, start_at, NULL, NULL, kind IN ({criminal})
        FROM net_edges WHERE kind IN ({", ".join(f"'{k}'" for k in DIRECT_KINDS)})
          AND subject_kind = 'Person' AND object_kind = 'Person'
          AND subject_entity <> object_entity
        """
    )
    con.execute(
        """
        INSERT INTO person_edges
        SELECT least(pa, pb), greatest(pa, pb), via, via_entity,
               count(DISTINCT l) AS n_links, list(DISTINCT l ORDER BY l), min(t), max(t),
               list(DISTINCT t ORDER BY t) FILTER (WHERE t IS NOT NULL), bool_or(criminal)
        FROM (
            SELECT pa, pb, via, via_entity, la AS l, ta AS t, criminal FROM _pairs
            UNION ALL
            SELECT pa, pb, via, via_entity, lb, tb, criminal FROM _pairs WHERE lb IS NOT NULL
        )
        GROUP BY least(pa, pb), greatest(pa, pb), via, via_entity
        """
    )
    for temp in ("_ties", "_hubs", "_pairs", "_attrib", "_busy"):
        con.execute(f"DROP TABLE IF EXISTS {temp}")
