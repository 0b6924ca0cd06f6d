"""The role scores of `eslabon eval`: per-role precision/recall/F1 and their macro average."""

from __future__ import annotations

import pytest

from eslabon.evaluate.network import _macro_f1, _per_role


def test_per_role_scores_count_each_pair_once_per_role() -> None:
    # actual, predicted: two guides (one called a driver), a driver, a migrant called a guide
    pairs = [("guide", "guide"), ("guide", "driver"), ("driver", "driver"), ("migrant", "guide")]
    got = _per_role(pairs, ["driver", "guide", "migrant"])
    assert got["guide"]["support"] == 2
    assert got["guide"]["precision"] == pytest.approx(0.5)  # 1 of the 2 called guide
    assert got["guide"]["recall"] == pytest.approx(0.5)  # 1 of the 2 true guides
    assert got["driver"]["precision"] == pytest.approx(0.5)
    assert got["driver"]["recall"] == pytest.approx(1.0)
    assert got["migrant"]["f1"] == 0.0
    f1 = [0.5, 2 * 0.5 * 1.0 / 1.5, 0.0]  # guide, driver, migrant
    assert _macro_f1(got) == pytest.approx(sum(f1) / 3, abs=1e-4)  # per-role F1 kept to 4 places


def test_no_roles_give_a_macro_f1_of_zero() -> None:
    assert _macro_f1(_per_role([], [])) == 0.0
