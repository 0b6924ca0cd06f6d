"""Hand-computed pairwise and B-cubed values on small made-up truths."""

from __future__ import annotations

import pytest

from eslabon.evaluate.metrics import bcubed, pair_counts, pairwise

# truth: {a,b,c} {d,e} {f}; prediction: {a,b} {c,d,e} {f}
TRUTH = {"a": 1, "b": 1, "c": 1, "d": 2, "e": 2, "f": 3}
PRED = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "y", "f": "z"}


def test_pairwise_hand_computed() -> None:
    # predicted pairs: ab, cd, ce, de = 4; true pairs: ab, ac, bc, de = 4; TP: ab, de = 2
    s = pairwise(PRED, TRUTH)
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(0.5)
    assert pair_counts(PRED, TRUTH) == {
        "true_positive_pairs": 2,
        "predicted_pairs": 4,
        "true_pairs": 4,
    }


def test_bcubed_hand_computed() -> None:
    # precision per mention: a 2/2, b 2/2, c 1/3, d 2/3, e 2/3, f 1 -> (1+1+1/3+2/3+2/3+1)/6
    # recall per mention:    a 2/3, b 2/3, c 1/3, d 1, e 1, f 1     -> (2/3+2/3+1/3+3)/6
    s = bcubed(PRED, TRUTH)
    p = (1 + 1 + 1 / 3 + 2 / 3 + 2 / 3 + 1) / 6
    r = (2 / 3 + 2 / 3 + 1 / 3 + 3) / 6
    assert s.precision == pytest.approx(p)
    assert s.recall == pytest.approx(r)
    assert s.f1 == pytest.approx(2 * p * r / (p + r))


def test_perfect_and_all_singletons() -> None:
    assert pairwise(TRUTH, TRUTH).f1 == 1.0
    assert bcubed(TRUTH, TRUTH).f1 == 1.0
    singles = {m: m for m in TRUTH}
    s = pairwise(singles, TRUTH)
    assert (s.precision, s.recall, s.f1) == (1.0, 0.0, 0.0)
    assert bcubed(singles, TRUTH).precision == 1.0
    assert bcubed(singles, TRUTH).recall == pytest.approx((1 / 3 * 3 + 1 / 2 * 2 + 1) / 6)


def test_everything_in_one_cluster() -> None:
    one = {m: "all" for m in TRUTH}
    s = pairwise(one, TRUTH)
    assert s.recall == 1.0
    assert s.precision == pytest.approx(4 / 15)


def test_unplaced_truth_mentions_are_singletons_and_extra_predictions_ignored() -> None:
    pred = {"a": "x", "b": "x", "zz": "x"}  # c..f unplaced; zz not in truth
    s = pairwise(pred, TRUTH)
    assert s.precision == 1.0
    assert s.recall == pytest.approx(1 / 4)
    # Two unplaced mentions with the same missing label must not be merged by accident.
    assert pairwise({}, {"a": 1, "b": 1}).recall == 0.0
