"""How good are the person blocking rules? Candidate pairs and recall of true pairs, per rule.

Blocking decides which pairs the model ever sees: a true pair it misses can only be recovered
through other members of the same person (clustering is transitive). So two recalls are
reported: *direct* (the share of true pairs that are candidate pairs) and *connected* (the share
of true pairs whose mentions are joined by a path of true candidate pairs — the ceiling on
pairwise recall after clustering). Pairs are generated in SQL exactly as Splink does (arrays
exploded, ``l.unique_id < r.unique_id``) on the person input table.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from eslabon.disjoint_sets import find
from eslabon.resolve import person_model, splink_engine
from eslabon.store.connection import Store


def _pairs_sql(rule: dict[str, Any], table: str) -> str:
    source = table
    for col in rule.get("arrays_to_explode", []):
        source = f"(SELECT * REPLACE (unnest({col}) AS {col}) FROM {source})"
    return (
        f"SELECT DISTINCT l.unique_id AS l, r.unique_id AS r FROM {source} l JOIN {source} r "
        f"ON ({rule['blocking_rule']}) AND l.unique_id < r.unique_id"
    )


def _connected_pairs(nodes: list[str], edges: list[tuple[str, str]]) -> int:
    parent = {n: n for n in nodes}

    for a, b in edges:
        ra, rb = find(parent, a), find(parent, b)
        if ra != rb:
            parent[ra] = rb
    sizes = Counter(find(parent, n) for n in nodes)
    return sum(s * (s - 1) // 2 for s in sizes.values())


def blocking_report(
    store: Store, truth: dict[str, str], rules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Per-rule and cumulative candidate pairs and recall against ``truth`` (person mention id
    → true entity). Builds the person input table if needed."""
    rules = rules if rules is not None else person_model.blocking_rules()
    table = splink_engine.INPUT_TABLE
    if not store.table_exists(table):
        splink_engine.build_input(store)
    frame = pd.DataFrame(list(truth.items()), columns=["mention_id", "entity_id"])
    store.connection.register("_truth_frame", frame)
    try:
        store.execute(
            "CREATE OR REPLACE TEMP TABLE _true_pairs AS SELECT a.mention_id AS l, "
            "b.mention_id AS r FROM _truth_frame a JOIN _truth_frame b "
            "ON a.entity_id = b.entity_id AND a.mention_id < b.mention_id"
        )
    finally:
        store.connection.unregister("_truth_frame")
    true_pairs = int(store.query_one("SELECT count(*) FROM _true_pairs")[0])
    store.execute("CREATE OR REPLACE TEMP TABLE _cand (l VARCHAR, r VARCHAR)")
    per_rule = []
    for rule in rules:
        store.execute(f"CREATE OR REPLACE TEMP TABLE _rule_pairs AS {_pairs_sql(rule, table)}")
        store.execute("INSERT INTO _cand SELECT * FROM _rule_pairs ANTI JOIN _cand USING (l, r)")
        per_rule.append(
            {
                "rule": rule["blocking_rule"],
                "pairs": int(store.query_one("SELECT count(*) FROM _rule_pairs")[0]),
                "cumulative_pairs": int(store.query_one("SELECT count(*) FROM _cand")[0]),
            }
        )
    found = store.query("SELECT l, r FROM _cand SEMI JOIN _true_pairs USING (l, r)")
    candidates = int(store.query_one("SELECT count(*) FROM _cand")[0])
    for name in ("_cand", "_rule_pairs", "_true_pairs"):
        store.execute(f"DROP TABLE IF EXISTS {name}")
    connected = _connected_pairs(list(truth), found)
    return {
        "candidate_pairs": candidates,
        "true_pairs": true_pairs,
        "direct_recall": len(found) / true_pairs if true_pairs else 1.0,
        "connected_recall": connected / true_pairs if true_pairs else 1.0,
        "rules": per_rule,
    }
