"""Behaviour of each person as numbers: what events they appear in, on which side, money in and out.

Role rules (``roles.yaml``) and network labelling read these columns, so a new link kind in the
model becomes a feature (``<Kind>_subject`` / ``<Kind>_object``) without new code. Accounts are
mapped to their owners, so money direction is a person's, not an account's.
"""

from __future__ import annotations

import pandas as pd

from eslabon.store.connection import Store

OWNERS = """
    SELECT subject_entity AS holder, subject_entity AS person FROM net_edges
    WHERE subject_kind = 'Person'
    UNION
    SELECT object_entity, subject_entity FROM net_edges
    WHERE kind = 'Ownership' AND object_kind = 'Account' AND subject_kind = 'Person'
"""


def person_features(store: Store) -> pd.DataFrame:
    """One row per person entity in the network, indexed by entity id; missing counts are 0."""
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
        """
        WITH lodgers AS (
            SELECT object_entity AS address, count(DISTINCT subject_entity) AS guests
            FROM net_edges WHERE kind = 'Lodging' AND object_kind = 'Address'
            GROUP BY 1
        )
        SELECT h.subject_entity AS person, max(l.guests) AS hosted_guests
        FROM net_edges h JOIN lodgers l ON l.address = h.object_entity
        WHERE h.kind IN ('Residence', 'Lease', 'Ownership') AND h.subject_kind = 'Person'
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
        # vehicles the person owns
        """
        SELECT subject_entity AS person, count(DISTINCT object_entity) AS owns_vehicles
        FROM net_edges WHERE kind = 'Ownership' AND object_kind = 'Vehicle'
          AND subject_kind = 'Person' GROUP BY 1
        """,
        # nationality as recorded most often
        """
        SELECT em.entity_id AS person, mode(m.props->>'nationality') AS nationality
        FROM entity_mentions em JOIN mentions m ON m.mention_id = em.mention_id
        WHERE em.kind = 'Person' AND m.props->>'nationality' IS NOT NULL
        GROUP BY 1
        """,
    ]
    for sql in extra:
        part = con.execute(sql).df().set_index("person")
        frame = frame.join(part, how="outer")
    numeric = [c for c in frame.columns if c != "nationality"]
    frame[numeric] = frame[numeric].fillna(0)
    if "nationality" not in frame.columns:
        frame["nationality"] = None
    return frame
