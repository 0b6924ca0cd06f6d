"""The `resolution` section of `eslabon eval`: how well resolved entities match the truth."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from eslabon.evaluate.metrics import bcubed, pair_counts, pairwise
from eslabon.evaluate.registry import section
from eslabon.evaluate.truth import truth_by_mention
from eslabon.store.connection import Store


def score_kind(predicted: dict[str, str], truth: dict[str, str]) -> dict[str, Any]:
    """Scores for one entity kind: pairwise, B-cubed, entity and mention counts."""
    placed = {m: predicted[m] for m in truth if m in predicted}
    unplaced = len(truth) - len(placed)
    return {
        "pairwise": pairwise(predicted, truth).as_dict(),
        "bcubed": bcubed(predicted, truth).as_dict(),
        "entities": len(set(placed.values())) + unplaced,
        "true_entities": len(set(truth.values())),
        "mentions": len(truth),
        **pair_counts(predicted, truth),
    }


@section("resolution")
def resolution_section(store: Store, truth_dir: Path) -> dict[str, Any]:
    """One block per entity kind found in the truth."""
    truth = truth_by_mention(store, truth_dir)
    predicted: dict[str, str] = {}
    if store.table_exists("entity_mentions"):
        predicted = dict(store.query("SELECT mention_id, entity_id FROM entity_mentions"))
    by_kind: dict[str, dict[str, str]] = defaultdict(dict)
    for mention_id, (kind, entity) in truth.items():
        by_kind[kind][mention_id] = entity
    return {kind: score_kind(predicted, by_kind[kind]) for kind in sorted(by_kind)}
