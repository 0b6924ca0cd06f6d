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


def test_placed_members_leave_out_people_detection_missed_and_strangers_it_took() -> None:
    from eslabon.evaluate.network import NO_ROLE, role_scores

    pairs = [
        ("guide", "guide"),
        ("guide", NO_ROLE),  # a guide never placed: a miss overall, no verdict on roles
        (NO_ROLE, "driver"),  # a stranger placed as a driver
        ("driver", "driver"),
    ]
    got = role_scores(pairs, ["driver", "guide"])
    assert got["per_role"]["guide"]["recall"] == pytest.approx(0.5)
    assert got["per_role"]["driver"]["precision"] == pytest.approx(0.5)
    assert got["placed_members"] == {"macro_f1": 1.0, "accuracy": 1.0, "people": 2}


def test_pooled_roles_score_the_worlds_people_together() -> None:
    """Pooling is not averaging: world A's one forger found and world B's missed give a forger
    F1 of 2/3 over the pool, where the worlds' own macro-F1s would average 1.0 and 0.0."""
    from eslabon.evaluate.network import NO_ROLE, pooled_roles, role_scores

    a = [("forger", "forger"), ("guide", "guide")]
    b = [("forger", NO_ROLE), ("guide", "guide"), ("guide", "guide")]

    def report(pairs: list[tuple[str, str]]) -> dict:
        confusion: dict[str, dict[str, int]] = {}
        for actual, got in pairs:
            row = confusion.setdefault(actual, {})
            row[got] = row.get(got, 0) + 1
        return {**role_scores(pairs, sorted({x for x, _g in pairs})), "confusion": confusion}

    pooled = pooled_roles([report(a), report(b)])
    assert pooled == role_scores(a + b, ["forger", "guide"])
    assert pooled["per_role"]["forger"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
