"""Behaviour of each person as numbers: what events they appear in, on which side, money in and out.

Role rules (``role_rules.yaml``) and network labelling read these columns, so a new link kind in
the model becomes a feature (``<Kind>_subject`` / ``<Kind>_object``) without new code. Accounts
are mapped to their owners, so money direction is a person's, not an account's. The part a record
gives a person (detained *as guide*, accused *of smuggling*, stopped *with a group*) and the
route stage of the places a person is recorded at are read through vocabularies kept as data in
``role_rules.yaml`` (``record_parts``, ``places``), so an analyst can extend them.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

import pandas as pd

from eslabon.network.graph import HOME_KINDS
from eslabon.store.connection import Store, sql_string

STAGES = ("origin", "transit", "border", "destination")

# A structuring burst: this many transfers to this many receivers within this many days.
STRUCTURING_DAYS = 10
STRUCTURING_TRANSFERS = 3
STRUCTURING_RECEIVERS = 2

OWNERS = """
    SELECT subject_entity AS holder, subject_entity AS person FROM net_edges
    WHERE subject_kind = 'Person'
    UNION
    SELECT object_entity, subject_entity FROM net_edges
    WHERE kind = 'Ownership' AND object_kind = 'Account' AND subject_kind = 'Person'
"""


def upper_plain(text: str) -> str:
    """Upper case without accents, punctuation kept: how places and record values are written
    across agencies. (Unlike ``normalize.text.fold``, commas and slashes survive: they separate
    the parts of a place, and SQL compares the values with their punctuation.)"""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).upper()


def _part_sql(name: str, spec: dict[str, Any]) -> str:
    """One ``count(*) FILTER`` column for a record part (kind, field, in|words|contains|min|max)."""
    kinds = spec["kind"] if isinstance(spec["kind"], list) else [spec["kind"]]
    kinds_sql = ", ".join(sql_string(k) for k in kinds)
    value = f"props->>{sql_string(spec['field'])}"
    if "in" in spec:
        values = ", ".join(sql_string(upper_plain(str(v))) for v in spec["in"])
        cond = f"upper({value}) IN ({values})"
    elif "words" in spec:
        # a whole word of the value: a contact saved as "Flaco BODEGA", not the surname Casas
        words = ", ".join(sql_string(upper_plain(str(v))) for v in spec["words"])
        cond = f"list_has_any(string_split(upper(strip_accents({value})), ' '), [{words}])"
    elif "contains" in spec:
        cond = f"contains(upper({value}), {sql_string(upper_plain(str(spec['contains'])))})"
    else:
        number = f"TRY_CAST({value} AS DOUBLE)"
        bounds = [f"{number} >= {float(spec['min'])}"] if "min" in spec else []
        bounds += [f"{number} <= {float(spec['max'])}"] if "max" in spec else []
        cond = " AND ".join(bounds)
    return f'count(*) FILTER (WHERE kind IN ({kinds_sql}) AND {cond}) AS "{name}"'


def record_part_features(store: Store, parts: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """Counts of the records that give a person a telling part.

    A part is read on the record's subject (detained *as guide*) unless it says ``side: object``
    (a worker is the object of a Recruitment: the agency recruits).
    """
    frame = pd.DataFrame(index=pd.Index([], name="person"))
    for side in ("subject", "object"):
        mine = {n: s for n, s in parts.items() if s.get("side", "subject") == side}
        if not mine:
            continue
        cols = ",\n".join(_part_sql(n, s) for n, s in mine.items())
        sql = f"""
            SELECT {side}_entity AS person, {cols}
            FROM net_edges WHERE {side}_kind = 'Person' GROUP BY 1
        """
        part = store.connection.execute(sql).df().set_index("person")
        frame = part if frame.empty else frame.join(part, how="outer")
    return frame.fillna(0)


def stage_of(text: str, towns: list[tuple[str, str]], *, skip_first: bool) -> str | None:
    """The stage of the first town that a part of ``text`` names (``EL PASO AREA`` names El Paso).

    Parts are split on commas and slashes; an address's first part is its street, which often
    carries a town's or a hero's name (*Hidalgo 1027*), so it is skipped.
    """
    parts = [p.strip() for p in upper_plain(text).replace("/", ",").split(",")]
    if skip_first:
        parts = parts[1:]
    for part in parts:
        for stage, town in towns:
            if part == town or part.startswith(town + " "):
                return stage
    return None


def place_features(store: Store, places: dict[str, list[str]]) -> pd.DataFrame:
    """Share of a person's placed records (homes, events) in each route stage.

    A place is an address's caption or an event's ``place``; it belongs to a stage when it names
    one of that stage's towns. Records with no known town do not count.
    """
    towns = [(stage, upper_plain(t)) for stage in STAGES for t in places.get(stage, [])]
    if not towns:
        return pd.DataFrame(index=pd.Index([], name="person"))
    rows = store.query(
        """
        SELECT e.subject_entity, a.caption, e.props->>'place' AS place
        FROM net_edges e LEFT JOIN entities a
          ON a.entity_id = e.object_entity AND e.object_kind = 'Address'
        WHERE e.subject_kind = 'Person'
          AND (e.object_kind = 'Address' OR e.props->>'place' IS NOT NULL)
        """
    )
    counts: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(STAGES, 0.0))
    cache: dict[tuple[str, bool], str | None] = {}
    for person, address, place in rows:
        text, is_address = (address, True) if address else (place, False)
        if not text:
            continue
        key = (text, is_address)
        if key not in cache:
            cache[key] = stage_of(text, towns, skip_first=is_address)
        stage = cache[key]
        if stage:
            counts[person][stage] += 1
    frame = pd.DataFrame.from_dict(counts, orient="index")
    if frame.empty:
        return pd.DataFrame(index=pd.Index([], name="person"))
    total = frame.sum(axis=1)
    out = frame.div(total, axis=0).add_prefix("at_")
    out.index.name = "person"
    return out


def person_features(store: Store, role_rules: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per person entity in the network, indexed by entity id; missing counts are 0.

    ``role_rules`` is the parsed ``role_rules.yaml`` (its ``record_parts`` and ``places``);
    the shipped file when not given.
    """
    if role_rules is None:
        from eslabon.network.rules import load_role_rules_data

        role_rules = load_role_rules_data()
    con = store.connection
    sides = store.query_df(
        """
        SELECT person, kind || '_' || side AS col, count(*) AS n FROM (
            SELECT subject_entity AS person, kind, 'subject' AS side FROM net_edges
            WHERE subject_kind = 'Person'
            UNION ALL
            SELECT object_entity, kind, 'object' FROM net_edges WHERE object_kind = 'Person'
        ) GROUP BY ALL
        """
    )
    frame = sides.pivot_table(index="person", columns="col", values="n", fill_value=0)
    frame.columns.name = None
    extra = [
        # money, accounts mapped to owners
        f"""
        WITH owners AS ({OWNERS})
        SELECT o.person,
               count(*) FILTER (WHERE o.side = 'out') AS pay_out,
               count(*) FILTER (WHERE o.side = 'in') AS pay_in,
               count(DISTINCT o.other) FILTER (WHERE o.side = 'in') AS pay_in_parties,
               count(DISTINCT o.other) FILTER (WHERE o.side = 'out') AS pay_out_parties,
               coalesce(sum(o.amount) FILTER (WHERE o.side = 'in'), 0) AS pay_in_amount,
               coalesce(sum(o.amount) FILTER (WHERE o.side = 'out'), 0) AS pay_out_amount
        FROM (
            SELECT ps.person, 'out' AS side, p.object_entity AS other,
                   TRY_CAST(p.props->>'amount' AS DOUBLE) AS amount
            FROM net_edges p JOIN owners ps ON ps.holder = p.subject_entity
            WHERE p.kind = 'Payment'
            UNION ALL
            SELECT pr.person, 'in', p.subject_entity, TRY_CAST(p.props->>'amount' AS DOUBLE)
            FROM net_edges p JOIN owners pr ON pr.holder = p.object_entity
            WHERE p.kind = 'Payment'
        ) o GROUP BY o.person
        """,
        # structuring: months in which the person split money into several transfers to
        # several receivers within a few days (a launderer moving proceeds under the reporting
        # threshold; a family's remittance is one transfer at a time)
        f"""
        WITH owners AS ({OWNERS}), sent AS (
            SELECT DISTINCT o.person, p.object_entity AS other, p.start_at AS t
            FROM net_edges p JOIN owners o ON o.holder = p.subject_entity
            WHERE p.kind = 'Payment' AND p.start_at IS NOT NULL
        ), bursts AS (
            SELECT a.person, a.t FROM sent a JOIN sent b
              ON b.person = a.person
             AND b.t BETWEEN a.t AND a.t + INTERVAL {STRUCTURING_DAYS} DAY
            GROUP BY a.person, a.t
            HAVING count(*) >= {STRUCTURING_TRANSFERS}
               AND count(DISTINCT b.other) >= {STRUCTURING_RECEIVERS}
        )
        SELECT person, count(DISTINCT date_trunc('month', t)) AS structured_months
        FROM bursts GROUP BY 1
        """,
        # phones and call partners
        """
        SELECT pu.person_entity AS person, count(DISTINCT pu.phone_entity) AS phones
        FROM phone_users pu GROUP BY 1
        """,
        """
        SELECT person_a AS person, count(DISTINCT person_b) AS call_partners FROM (
            SELECT person_a, person_b FROM person_edges WHERE via = 'call'
            UNION ALL SELECT person_b, person_a FROM person_edges WHERE via = 'call'
        ) GROUP BY 1
        """,
        # hosting: distinct lodgers at addresses the person lives at, leases or owns
        f"""
        WITH lodgers AS (
            SELECT object_entity AS address, count(DISTINCT subject_entity) AS guests
            FROM net_edges WHERE kind = 'Lodging' AND object_kind = 'Address'
            GROUP BY 1
        )
        SELECT h.subject_entity AS person, max(l.guests) AS hosted_guests
        FROM net_edges h JOIN lodgers l ON l.address = h.object_entity
        WHERE h.kind IN ({", ".join(sql_string(k) for k in HOME_KINDS)})
          AND h.subject_kind = 'Person'
        GROUP BY 1
        """,
        # crossings together: the most people seen crossing in one vehicle with this person
        """
        WITH x AS (
            SELECT subject_entity AS person, object_entity AS vehicle,
                   CAST(start_at AS DATE) AS d
            FROM net_edges WHERE kind = 'Crossing' AND subject_kind = 'Person'
              AND object_kind = 'Vehicle'
        ), g AS (SELECT vehicle, d, count(DISTINCT person) AS n FROM x GROUP BY 1, 2)
        SELECT x.person, max(g.n) - 1 AS crossed_with, count(DISTINCT x.vehicle) AS crossed_vehicles
        FROM x JOIN g USING (vehicle, d) GROUP BY 1
        """,
        # crossings at a port of entry driving a vehicle the person owns (a courier's load car)
        """
        SELECT c.subject_entity AS person, count(*) AS own_vehicle_crossings
        FROM net_edges c JOIN net_edges o
          ON o.kind = 'Ownership' AND o.subject_entity = c.subject_entity
         AND o.object_entity = c.object_entity
        WHERE c.kind = 'Crossing' AND c.subject_kind = 'Person' AND c.object_kind = 'Vehicle'
        GROUP BY 1
        """,
        # stops: the most people ever found in the vehicle the person drove
        """
        SELECT subject_entity AS person,
               max(TRY_CAST(props->>'passengers' AS DOUBLE)) AS max_passengers
        FROM net_edges WHERE kind = 'Stop' AND subject_kind = 'Person' GROUP BY 1
        """,
        # hotel nights registered for a group (guests) rather than alone
        """
        SELECT subject_entity AS person,
               max(TRY_CAST(props->>'guests' AS DOUBLE)) AS max_guests
        FROM net_edges WHERE kind = 'Lodging' AND subject_kind = 'Person' GROUP BY 1
        """,
        # vehicles the person owns
        """
        SELECT subject_entity AS person, count(DISTINCT object_entity) AS owns_vehicles
        FROM net_edges WHERE kind = 'Ownership' AND object_kind = 'Vehicle'
          AND subject_kind = 'Person' GROUP BY 1
        """,
        # nationality as recorded most often
        """
        SELECT em.entity_id AS person, mode(m.props->>'nationality' ORDER BY m.props->>'nationality') AS nationality
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        WHERE em.kind = 'Person' AND m.props->>'nationality' IS NOT NULL
        GROUP BY 1
        """,
    ]
    for sql in extra:
        part = con.execute(sql).df().set_index("person")
        frame = frame.join(part, how="outer")
    for part in (
        record_part_features(store, role_rules.get("record_parts") or {}),
        place_features(store, role_rules.get("places") or {}),
    ):
        if not part.empty:
            frame = frame.join(part, how="outer")
    numeric = [c for c in frame.columns if c != "nationality"]
    frame[numeric] = frame[numeric].fillna(0)
    if "nationality" not in frame.columns:
        frame["nationality"] = None
    return frame
