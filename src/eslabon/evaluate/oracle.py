"""Oracle resolution: fill `entities`/`entity_mentions` from a synthetic world's truth.

An evaluation tool, not a resolver: it lets the network stage be measured "with perfect
resolution", separately from resolution errors. It overwrites whatever resolution the store holds,
so use it on a store made for evaluation.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from eslabon.evaluate.truth import truth_by_mention, truth_file
from eslabon.store.connection import Store


def _captions(truth_dir: Path) -> dict[str, str]:
    """True captions from ``entities.csv`` when the world has one (display only)."""
    try:
        path = truth_file(truth_dir, "entities.csv")
    except Exception:
        return {}
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["entity_id"]: r.get("caption") or "" for r in csv.DictReader(fh)}


def resolve_from_truth(store: Store, truth_dir: Path) -> dict[str, int]:
    """Replace the resolution with the true one; mentions absent from the truth stay singletons."""
    truth = truth_by_mention(store, truth_dir)
    captions = _captions(truth_dir)
    mentions = store.query_df(
        "SELECT m.mention_id, m.kind, m.caption FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id AND s.superseded_by IS NULL"
    )
    mentions["entity_id"] = [truth.get(m, (None, m))[1] for m in mentions["mention_id"]]
    em = mentions[["mention_id", "entity_id", "kind"]]
    grouped = mentions.groupby("entity_id", sort=True)
    ents = pd.DataFrame(
        {
            "entity_id": grouped.size().index,
            "kind": grouped["kind"].first().values,
            "caption": grouped["caption"].first().values,
            "mention_count": grouped.size().values,
        }
    )
    ents["caption"] = [
        captions.get(e) or c for e, c in zip(ents["entity_id"], ents["caption"], strict=True)
    ]
    with store.transaction():
        store.execute("DELETE FROM entity_mentions")
        store.execute("DELETE FROM entities")
        con = store.connection
        con.register("_oracle_em", em)
        con.register("_oracle_ents", ents)
        try:
            store.execute(
                "INSERT INTO entity_mentions SELECT mention_id, entity_id, kind FROM _oracle_em"
            )
            store.execute(
                "INSERT INTO entities (entity_id, kind, caption, names, identifiers, "
                "mention_count, first_run, last_run) SELECT entity_id, kind, caption, NULL, NULL, "
                "mention_count, 'oracle', 'oracle' FROM _oracle_ents"
            )
        finally:
            con.unregister("_oracle_em")
            con.unregister("_oracle_ents")
    return {"mentions": len(em), "entities": len(ents), "from_truth": len(truth)}
