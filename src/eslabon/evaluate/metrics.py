"""Clustering metrics against ground truth: pairwise and B-cubed precision, recall and F1.

Pure functions over two assignments ``mention -> cluster label``. The universe is the set of
mentions in the truth: a truth mention the prediction does not place counts as a singleton (the
resolver saw it and left it alone), and predicted mentions absent from the truth are ignored
(they cannot be judged). Everything is computed from the contingency table of (predicted,
true) labels, so a million mentions cost one pass, never a list of pairs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Scores:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float
    f1: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _contingency(
    predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]
) -> tuple[Counter, Counter, Counter]:
    """Counts per (predicted, true) cell, per predicted cluster and per true cluster."""
    cells: Counter = Counter()
    for mention, true_label in truth.items():
        pred = predicted.get(mention)
        # An unplaced mention is its own singleton cluster.
        pred_label = ("__single__", mention) if pred is None else ("c", pred)
        cells[(pred_label, true_label)] += 1
    pred_sizes: Counter = Counter()
    true_sizes: Counter = Counter()
    for (p, t), n in cells.items():
        pred_sizes[p] += n
        true_sizes[t] += n
    return cells, pred_sizes, true_sizes


def pairwise(predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> Scores:
    """Pairwise scores: a pair of mentions is positive when both sides put it in one cluster.

    With no predicted pairs precision is 1 (nothing claimed, nothing wrong); with no true pairs
    recall is 1 (nothing to find).
    """
    cells, pred_sizes, true_sizes = _contingency(predicted, truth)
    tp = sum(_pairs(n) for n in cells.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def bcubed(predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> Scores:
    """B-cubed scores: per mention, the share of its cluster that is right, averaged.

    Unlike pairwise scores, large clusters do not dominate: every mention weighs the same.
    """
    cells, pred_sizes, true_sizes = _contingency(predicted, truth)
    total = sum(cells.values())
    if total == 0:
        return Scores(1.0, 1.0, 1.0)
    precision = sum(n * n / pred_sizes[p] for (p, _t), n in cells.items()) / total
    recall = sum(n * n / true_sizes[t] for (_p, t), n in cells.items()) / total
    return Scores(precision, recall, _f1(precision, recall))


def pair_counts(predicted: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> dict[str, int]:
    """True-positive, predicted and true pair counts (for reports and for debugging)."""
    cells, pred_sizes, true_sizes = _contingency(predicted, truth)
    return {
        "true_positive_pairs": sum(_pairs(n) for n in cells.values()),
        "predicted_pairs": sum(_pairs(n) for n in pred_sizes.values()),
        "true_pairs": sum(_pairs(n) for n in true_sizes.values()),
    }
