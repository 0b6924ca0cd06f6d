"""Why two mentions (or entities) are, or are not, the same actor: a match-weight waterfall.

For persons the stored model re-scores every pair between the two sides and the strongest pair is
broken down comparison by comparison (prior, then each comparison's log2 Bayes factor and its
term-frequency adjustment). For other kinds the shared deterministic keys are listed.
"""

from __future__ import annotations

import math
from typing import Any

from eslabon.errors import EslabonError
from eslabon.resolve import keys, splink_engine
from eslabon.resolve.ids import resolve_id
from eslabon.resolve.pipeline import latest_model
from eslabon.store.connection import Store


def mentions_of(store: Store, some_id: str) -> tuple[str, list[str]]:
    """(kind, mention ids) behind an entity id (current or retired) or a mention id."""
    rows = store.query("SELECT kind FROM mentions WHERE mention_id = ?", [some_id])
    if rows:
        return rows[0][0], [some_id]
    current = resolve_id(store, some_id) if store.table_exists("entities") else []
    if not current:
        raise EslabonError(
            f"no mention or entity with id {some_id!r}",
            hint="mention ids look like 'source@1/12/person'; entity ids like 'P-3f2a…'",
        )
    found = store.query(
        "SELECT kind, mention_id FROM entity_mentions WHERE list_contains(?, entity_id) "
        "ORDER BY mention_id",
        [current],
    )
    return found[0][0], [m for _k, m in found]


def _num(value: Any) -> float:
    """A match weight as a float; absent or NaN is 0 (no evidence)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(out) else out


def _entity_of(store: Store, mention_id: str) -> str | None:
    rows = store.query("SELECT entity_id FROM entity_mentions WHERE mention_id = ?", [mention_id])
    return rows[0][0] if rows else None


def explain(store: Store, a: str, b: str) -> dict[str, Any]:
    """The evidence between ``a`` and ``b`` as data (the CLI renders it)."""
    kind_a, left = mentions_of(store, a)
    kind_b, right = mentions_of(store, b)
    if kind_a != kind_b:
        raise EslabonError(f"{a} is a {kind_a} and {b} a {kind_b}: nothing to compare")
    out: dict[str, Any] = {"a": a, "b": b, "kind": kind_a}
    if kind_a != "Person":
        return out | _explain_keys(store, kind_a, left, right)
    stored = latest_model(store)
    if stored is None:
        raise EslabonError("no person model in this workspace", hint="run `eslabon resolve` first")
    model_id, settings, threshold = stored
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _current_mentions AS SELECT m.* FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL"
    )
    try:
        splink_engine.build_input(store)
        frame = splink_engine.score_pairs(store, settings, left, right)
    finally:
        store.execute("DROP TABLE IF EXISTS _person_input")
        store.execute("DROP TABLE IF EXISTS _current_mentions")
    frame = frame[frame["unique_id_l"] != frame["unique_id_r"]]
    if frame.empty:
        raise EslabonError("the two sides share no distinct mention to compare")
    best = frame.sort_values(
        ["match_weight", "unique_id_l", "unique_id_r"], ascending=[False, True, True]
    ).iloc[0]
    prior = settings["probability_two_random_records_match"]
    steps: list[dict[str, Any]] = []
    for comparison in settings["comparisons"]:
        col = comparison["output_column_name"]
        gamma = int(best.get(f"gamma_{col}", -1))
        levels = comparison["comparison_levels"]
        # Levels are numbered from the top, null level -1, else 0, in Splink's convention.
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        label = (
            "missing"
            if gamma == -1
            else non_null[len(non_null) - 1 - gamma].get("label_for_charts", "")
            if 0 <= len(non_null) - 1 - gamma < len(non_null)
            else str(gamma)
        )
        steps.append(
            {
                "comparison": col,
                "level": label,
                "left": _plain(best.get(f"{col}_l")),
                "right": _plain(best.get(f"{col}_r")),
                "weight": _num(best.get(f"mw_{col}")),
                "tf_weight": _num(best.get(f"mw_tf_adj_{col}")),
            }
        )
    ml, mr = str(best["unique_id_l"]), str(best["unique_id_r"])
    return out | {
        "model_id": model_id,
        "threshold": threshold,
        "pair": [ml, mr],
        "pairs_scored": len(frame),
        "prior_weight": math.log2(prior / (1 - prior)),
        "comparisons": steps,
        "match_weight": float(best["match_weight"]),
        "match_probability": float(best["match_probability"]),
        "entity_l": _entity_of(store, ml),
        "entity_r": _entity_of(store, mr),
    }


def _plain(value: Any) -> Any:
    """JSON-friendly value (numpy arrays, dates)."""
    if value is None:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _explain_keys(store: Store, kind: str, left: list[str], right: list[str]) -> dict[str, Any]:
    if kind not in keys.KEYS:
        return {"shared_keys": [], "note": f"{kind} mentions are not linked automatically"}
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _current_mentions AS SELECT m.* FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL"
    )
    try:
        rows = store.query(
            f"SELECT mention_id, key_name, key_value FROM ({keys.key_rows_sql(kind)}) "
            "WHERE key_value IS NOT NULL"
        )
    finally:
        store.execute("DROP TABLE IF EXISTS _current_mentions")
    lk = {(k, v) for m, k, v in rows if m in left}
    rk = {(k, v) for m, k, v in rows if m in right}
    shared = sorted(lk & rk)
    return {
        "shared_keys": [{"key": k, "value": v} for k, v in shared],
        "same_entity_by_keys": bool(shared),
    }
