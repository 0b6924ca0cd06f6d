"""Why two mentions (or entities) are, or are not, the same actor: a match-weight waterfall.

For persons every scored edge's comparison levels are persisted at resolve time
(``match_explanations``, see ``pipeline._store_explanations``); ``explain_pairs`` reads them
and breaks each pair down comparison by comparison (prior, then each comparison's log2 Bayes
factor — from the stored model's m and u — and its term-frequency adjustment). Only pairs
without a stored explanation (never compared, or compared under an older model) are scored by
Splink, all together in one batch. For other kinds the shared deterministic keys are listed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
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


# Splink clamps m and u at this before taking log2(m/u) (splink.internals.comparison_level);
# kept here so reading stored explanations does not import Splink.
M_U_CLAMP_MIN = 1e-300

# Explanations compare mentions of the sources in force (not superseded by a reload).
_CURRENT_MENTIONS = (
    "SELECT m.* FROM mentions m "
    "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL"
)


def level_of(comparison: dict[str, Any], gamma: int) -> dict[str, Any] | None:
    """The comparison level with Splink's comparison vector value ``gamma`` (null level -1,
    else counted from the last level, 0), or None."""
    if gamma == -1:
        return next((lv for lv in comparison["comparison_levels"] if lv.get("is_null_level")), {})
    non_null = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    pos = len(non_null) - 1 - gamma
    return non_null[pos] if 0 <= pos < len(non_null) else None


def level_weight(level: dict[str, Any] | None) -> float:
    """log2(m/u) of a trained level as Splink computes it (m and u clamped at 1e-300); a null
    level, or one without m and u, weighs 0 (no evidence)."""
    if not level or level.get("is_null_level"):
        return 0.0
    m, u = level.get("m_probability"), level.get("u_probability")
    if m is None or u is None:
        return 0.0
    return math.log2(max(float(m), M_U_CLAMP_MIN) / max(float(u), M_U_CLAMP_MIN))


def prior_weight(settings: dict[str, Any]) -> float:
    prior = settings["probability_two_random_records_match"]
    return math.log2(prior / (1 - prior))


def waterfall(
    settings: dict[str, Any],
    gammas: Sequence[int],
    tf_weights: Sequence[float] | None = None,
    values_l: Sequence[Any] | None = None,
    values_r: Sequence[Any] | None = None,
) -> dict[str, Any]:
    """The waterfall of one pair from its comparison levels (pure).

    ``gammas``, ``tf_weights`` and the values follow ``settings["comparisons"]``. Returns
    ``prior_weight``, ``comparisons`` (comparison, level, left, right, weight, tf_weight,
    running: the weight after this step) and ``match_weight`` (the last running weight)."""
    running = prior_weight(settings)
    out: dict[str, Any] = {"prior_weight": running}
    steps: list[dict[str, Any]] = []
    for i, comparison in enumerate(settings["comparisons"]):
        gamma = int(gammas[i]) if gammas[i] is not None else -1
        level = level_of(comparison, gamma)
        label = (
            "missing"
            if gamma == -1
            else str(gamma)
            if level is None
            else level.get("label_for_charts", "")
        )
        weight = level_weight(level)
        tf = _num(tf_weights[i]) if tf_weights is not None else 0.0
        running += weight + tf
        steps.append(
            {
                "comparison": comparison["output_column_name"],
                "level": label,
                "left": _plain(values_l[i]) if values_l is not None else None,
                "right": _plain(values_r[i]) if values_r is not None else None,
                "weight": weight,
                "tf_weight": tf,
                "running": running,
            }
        )
    return out | {"comparisons": steps, "match_weight": running}


def _json_list(value: Any) -> list[Any]:
    return json.loads(value) if isinstance(value, str) else list(value or [])


def _explanation(
    settings: dict[str, Any], row: dict[str, Any], a: str, b: str, source: str
) -> dict[str, Any]:
    """explain()'s shape for the stored or scored row of the pair {a, b}, oriented a → b."""
    values_l, values_r = _json_list(row["values_l"]), _json_list(row["values_r"])
    if a != row["mention_l"]:
        values_l, values_r = values_r, values_l
    w = waterfall(settings, row["gammas"], row["tf_weights"], values_l, values_r)
    weight = _num(row.get("match_weight")) if row.get("match_weight") is not None else None
    if weight is None:
        weight = w["match_weight"]
    probability = row.get("match_probability")
    if probability is None:
        probability = 2**weight / (1 + 2**weight)
    return {
        "a": a,
        "b": b,
        "pair": [a, b],
        "prior_weight": w["prior_weight"],
        "comparisons": w["comparisons"],
        "match_weight": float(weight),
        "match_probability": float(probability),
        "source": source,
    }


Pair = tuple[str, str]


def explain_pairs(store: Store, pairs: Iterable[Pair]) -> dict[Pair, dict[str, Any]]:
    """The waterfall of each person mention pair (a, b), keyed as asked, oriented a → b.

    Stored explanations of the latest model are read; every other pair is scored by Splink in
    ONE batch (the input table and term frequencies are built once). Splink needs a scratch
    catalog, which a read-only store cannot attach: such pairs then come back with
    ``source: "unavailable"`` and a ``note`` instead of a waterfall. Pairs of the same mention,
    or of mentions that are not current persons, are left out. Each explanation carries
    ``model_id``, ``threshold``, ``entity_l``/``entity_r`` and ``source`` (stored | scored)."""
    wanted = list(dict.fromkeys((a, b) for a, b in pairs if a != b))
    stored_model = latest_model(store) if store.table_exists("linkage_models") else None
    if stored_model is None or not wanted:
        return {}
    model_id, settings, threshold = stored_model
    keys = sorted({(min(a, b), max(a, b)) for a, b in wanted})
    rows: dict[Pair, tuple[dict[str, Any], str]] = {}
    if store.table_exists("match_explanations"):
        found = store.query_dicts(
            """
            SELECT x.mention_l, x.mention_r, x.gammas, x.tf_weights,
                   CAST(x.values_l AS VARCHAR) AS values_l, CAST(x.values_r AS VARCHAR) AS values_r,
                   e.match_weight, e.match_probability
            FROM (SELECT unnest($l) AS l, unnest($r) AS r) p
            JOIN match_explanations x ON x.mention_l = p.l AND x.mention_r = p.r
            LEFT JOIN match_edges e ON e.mention_l = x.mention_l AND e.mention_r = x.mention_r
            WHERE x.model_id = $m
            """,
            {"l": [k[0] for k in keys], "r": [k[1] for k in keys], "m": model_id},
        )
        rows = {(r["mention_l"], r["mention_r"]): (r, "stored") for r in found}
    missing = [k for k in keys if k not in rows]
    notes: dict[Pair, str] = {}
    if missing:
        persons = {
            r[0]
            for r in store.query(
                "SELECT m.mention_id FROM mentions m JOIN sources s ON s.source_id = m.source_id "
                "WHERE s.superseded_by IS NULL AND m.kind = 'Person' "
                "AND list_contains(?, m.mention_id)",
                [sorted({m for k in missing for m in k})],
            )
        }
        missing = [k for k in missing if k[0] in persons and k[1] in persons]
    if missing and store.read_only:
        for k in missing:
            notes[k] = (
                "not stored at resolve time, and scoring it needs a writable workspace "
                "(Splink's scratch catalog)"
            )
    elif missing:
        for r in _score(store, settings, missing):
            rows[(r["mention_l"], r["mention_r"])] = (r, "scored")
    mentions = sorted({m for k in keys for m in k})
    entity = dict(
        store.query(
            "SELECT mention_id, entity_id FROM entity_mentions WHERE list_contains(?, mention_id)",
            [mentions],
        )
    )
    common = {"model_id": model_id, "threshold": threshold}
    out: dict[Pair, dict[str, Any]] = {}
    for a, b in wanted:
        key = (min(a, b), max(a, b))
        ends = {"entity_l": entity.get(a), "entity_r": entity.get(b)}
        if key in rows:
            row, source = rows[key]
            out[(a, b)] = _explanation(settings, row, a, b, source) | common | ends
        elif key in notes:
            out[(a, b)] = {"a": a, "b": b, "pair": [a, b], "source": "unavailable"}
            out[(a, b)] |= {"note": notes[key]} | common | ends
    return out


def _score(store: Store, settings: dict[str, Any], pairs: list[Pair]) -> list[dict[str, Any]]:
    """Score ``pairs`` (ordered) in one Splink batch: left ids × right ids, wanted pairs kept."""
    store.execute(f"CREATE OR REPLACE TEMP TABLE _current_mentions AS {_CURRENT_MENTIONS}")
    try:
        splink_engine.build_input(store)
        left = sorted({a for a, _b in pairs})
        right = sorted({b for _a, b in pairs})
        scored = splink_engine.score_explanations(store, settings, left, right)
    finally:
        store.execute(f"DROP TABLE IF EXISTS {splink_engine.INPUT_TABLE}")
        store.execute("DROP TABLE IF EXISTS _current_mentions")
    wanted = set(pairs)
    return [r for r in scored if (r["mention_l"], r["mention_r"]) in wanted]


def _num(value: Any) -> float:
    """A match weight as a float; absent or NaN is 0 (no evidence)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(out) else out


def explain(store: Store, a: str, b: str) -> dict[str, Any]:
    """The evidence between ``a`` and ``b`` as data (the CLI renders it).

    Persons: the strongest of the pairs between the two sides (``explain_pairs``)."""
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
    # Each unordered pair once, oriented left → right as asked.
    pairs: dict[Pair, Pair] = {}
    for ml in left:
        for mr in right:
            if ml != mr:
                pairs.setdefault((min(ml, mr), max(ml, mr)), (ml, mr))
    found = explain_pairs(store, pairs.values())
    ready = [x for x in found.values() if x["source"] != "unavailable"]
    if not ready:
        if found:
            raise EslabonError(next(iter(found.values()))["note"])
        raise EslabonError("the two sides share no distinct mention to compare")
    best = min(ready, key=lambda x: (-x["match_weight"], x["pair"][0], x["pair"][1]))
    return out | {
        "model_id": best["model_id"],
        "threshold": best["threshold"],
        "pair": best["pair"],
        "pairs_scored": len(ready),
        "prior_weight": best["prior_weight"],
        "comparisons": [
            {k: v for k, v in step.items() if k != "running"} for step in best["comparisons"]
        ],
        "match_weight": best["match_weight"],
        "match_probability": best["match_probability"],
        "entity_l": best["entity_l"],
        "entity_r": best["entity_r"],
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
    rows = keys.key_rows(store, kind, _CURRENT_MENTIONS)
    lk = {(k, v) for m, k, v in rows if m in left}
    rk = {(k, v) for m, k, v in rows if m in right}
    shared = sorted(lk & rk)
    return {
        "shared_keys": [{"key": k, "value": v} for k, v in shared],
        "same_entity_by_keys": bool(shared),
    }


def explanations_stored(store: Store) -> bool:
    """The latest person model's explanations were persisted at resolve time, so merges are
    explained by reading rows (a read-only connection will do: no Splink scratch catalog)."""
    if not (store.table_exists("linkage_models") and store.table_exists("match_explanations")):
        return False
    return bool(
        store.query_one(
            "SELECT 1 FROM match_explanations WHERE model_id = (SELECT model_id FROM "
            "linkage_models WHERE kind = 'Person' ORDER BY trained_at DESC LIMIT 1) LIMIT 1"
        )
    )
