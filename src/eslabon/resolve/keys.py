"""Deterministic resolution for kinds with strong identifiers: mentions sharing a key are one.

Each kind lists SQL expressions over ``props`` giving its keys; two mentions of the kind that
share any key value are linked (probability 1). ``HARD`` names identifiers whose disagreement
forbids a merge (two vehicles with different VINs are different vehicles even if they once
carried the same plate), which the clustering guard enforces.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eslabon.store.connection import Store

KEYS: dict[str, dict[str, str]] = {
    "Phone": {"e164": "(props->>'number')"},
    "Vehicle": {
        "vin": "upper(props->>'vin')",
        "plate": (
            "CASE WHEN (props->>'plate') IS NOT NULL AND coalesce(props->>'make', "
            "(props->>'color')) IS NOT NULL THEN concat_ws('|', (props->>'plate'), "
            "coalesce(props->>'plate_state', ''), upper(coalesce(props->>'make', "
            "(props->>'color')))) END"
        ),
    },
    "Account": {
        "number": (
            "CASE WHEN (props->>'number') IS NOT NULL THEN concat_ws('|', (props->>'number'), "
            "upper(coalesce(props->>'institution', ''))) END"
        )
    },
    "Address": {
        "address": (
            "CASE WHEN coalesce(props->>'normalized', (props->>'full')) IS NOT NULL THEN "
            "concat_ws('|', upper(coalesce(props->>'normalized', (props->>'full'))), "
            "coalesce(props->>'postal_code', '')) END"
        )
    },
    "Organization": {
        "rfc": "upper(props->>'rfc')",
        "name": "upper(coalesce(props->>'normalized', (props->>'name')))",
    },
    "IdentityDocument": {
        "number": (
            "CASE WHEN (props->>'number') IS NOT NULL THEN concat_ws('|', "
            "upper(coalesce(props->>'doc_type', '')), upper(props->>'number')) END"
        )
    },
}

HARD: dict[str, dict[str, str]] = {
    "Vehicle": {"vin": "upper(props->>'vin')"},
    "Organization": {"rfc": "upper(props->>'rfc')"},
}


def key_rows_sql(kind: str) -> str:
    """SQL yielding (mention_id, key_name, key_value) for the current mentions of ``kind``."""
    parts = [
        f"SELECT mention_id, '{name}' AS key_name, NULLIF(trim({expr}), '') AS key_value "
        f"FROM _current_mentions WHERE kind = '{kind}'"
        for name, expr in KEYS[kind].items()
    ]
    return " UNION ALL ".join(parts)


def key_rows(
    store: Store, kind: str, mentions_sql: str, params: Sequence[Any] | None = None
) -> list[tuple[str, str, str]]:
    """(mention_id, key_name, key_value) of every key with a value, for the mentions of ``kind``
    that ``mentions_sql`` selects; they stand as ``_current_mentions`` only while this runs."""
    store.execute(f"CREATE OR REPLACE TEMP TABLE _current_mentions AS {mentions_sql}", params)
    try:
        return store.query(
            f"SELECT mention_id, key_name, key_value FROM ({key_rows_sql(kind)}) "
            "WHERE key_value IS NOT NULL"
        )
    finally:
        store.execute("DROP TABLE IF EXISTS _current_mentions")


def key_edges_sql(kind: str) -> str:
    """Star edges (mention_l, mention_r, key_name): every mention to the smallest sharing a key.

    A pair two keys link comes once per key; its stored edge takes the strongest
    (``key_rank_sql``)."""
    return f"""
        WITH k AS (SELECT * FROM ({key_rows_sql(kind)}) WHERE key_value IS NOT NULL),
        a AS (SELECT key_name, key_value, min(mention_id) AS anchor FROM k GROUP BY 1, 2)
        SELECT DISTINCT least(a.anchor, k.mention_id) AS mention_l,
               greatest(a.anchor, k.mention_id) AS mention_r, k.key_name
        FROM k JOIN a USING (key_name, key_value)
        WHERE k.mention_id <> a.anchor
    """


def key_rank_sql(kind: str, column: str) -> str:
    """SQL ranking the key named by ``column`` by strength (1 = strongest, as ``KEYS`` lists)."""
    strength = ", ".join(f"'{name}'" for name in KEYS[kind])
    return f"list_position([{strength}], {column})"


def hard_values_sql(kind: str) -> str | None:
    """SQL yielding (mention_id, attr, value) of hard identifiers, or None for the kind."""
    if kind not in HARD:
        return None
    parts = [
        f"SELECT mention_id, '{name}' AS attr, NULLIF(trim({expr}), '') AS value "
        f"FROM _current_mentions WHERE kind = '{kind}'"
        for name, expr in HARD[kind].items()
    ]
    return f"SELECT * FROM ({' UNION ALL '.join(parts)}) WHERE value IS NOT NULL"
