"""A level whose m EM drives to 0 is fixed at the floor and training runs again, instead of
resolution failing on the data (seed 21 at scale 0.2: nationality's 'All other comparisons')."""

from __future__ import annotations

from typing import Any

import pytest
from splink.internals import expectation_maximisation as em
from splink.internals.comparison import Comparison

from eslabon.resolve import person_model
from eslabon.resolve.splink_engine import (
    M_FLOOR,
    fit_fixing_zeroed_m,
    fix_level_m,
    fixed_in_training,
    zeroed_level,
)

ELSE = "All other comparisons"


def _splink_refuses_a_zero_m(column: str) -> ValueError:
    """The error Splink's own maximisation step raises for an m of 5e-324 on ``column``'s
    last level (built with Splink, so a change in its internals shows here first)."""
    spec = next(c for c in person_model.comparisons() if c["output_column_name"] == column)
    level = Comparison(spec["comparison_levels"], "duckdb", output_column_name=column)
    last = level.comparison_levels[-1]
    lookup = {column: {last.comparison_vector_value: {"m_probability": 5e-324}}}
    with pytest.raises(ValueError) as caught:
        em.populate_m_u_from_lookup({"u"}, last, column, lookup)
    return caught.value


def test_the_refused_level_is_named_from_splinks_maximisation_step() -> None:
    assert zeroed_level(_splink_refuses_a_zero_m("nationality")) == ("nationality", ELSE)
    assert zeroed_level(ValueError("something else")) is None


def test_a_level_is_fixed_once_and_only_if_it_exists() -> None:
    settings = person_model.settings()
    assert fix_level_m(settings, "nationality", ELSE)
    level = next(
        lv
        for c in settings["comparisons"]
        if c["output_column_name"] == "nationality"
        for lv in c["comparison_levels"]
        if lv["label_for_charts"] == ELSE
    )
    assert level["m_probability"] == M_FLOOR and level["fix_m_probability"]
    assert not fix_level_m(settings, "nationality", ELSE)  # fixed already: no help
    assert not fix_level_m(settings, "no_such_column", ELSE)
    assert not fix_level_m(settings, "curp", ELSE)  # fixed by the model itself


def test_training_runs_again_with_each_zeroed_level_fixed() -> None:
    """EM zeroes nationality, then sex; the third run trains. Each run gets fresh settings with
    the levels fixed so far."""
    errors = [_splink_refuses_a_zero_m("nationality"), _splink_refuses_a_zero_m("sex")]
    seen: list[dict[str, Any]] = []

    def attempt(settings: dict[str, Any]) -> dict[str, Any]:
        seen.append(settings)
        if errors:
            raise errors.pop(0)
        return {"trained": True}

    trained = fit_fixing_zeroed_m(person_model.settings(), attempt)
    assert trained == {"trained": True}
    assert fixed_in_training(seen[-1]) == [f"nationality: {ELSE}", f"sex: {ELSE}"]
    assert len(seen) == 3 and seen[0] is not seen[1]

    def fixed_in(settings: dict[str, Any]) -> set[str]:
        return {
            c["output_column_name"]
            for c in settings["comparisons"]
            for lv in c["comparison_levels"]
            if lv.get("fix_m_probability")
        }

    assert fixed_in(seen[0]) == {"curp", "a_number"}
    assert fixed_in(seen[2]) == {"curp", "a_number", "nationality", "sex"}


def test_a_refusal_that_fixing_cannot_cure_is_raised() -> None:
    def attempt(_settings: dict[str, Any]) -> dict[str, Any]:
        raise _splink_refuses_a_zero_m("nationality")

    with pytest.raises(ValueError, match="m_probability"):
        fit_fixing_zeroed_m(person_model.settings(), attempt)


def test_the_levels_training_fixed_are_told_apart_from_the_models_own() -> None:
    settings = person_model.settings()
    assert fixed_in_training(settings) == []  # curp and a_number are fixed by the model itself
    fix_level_m(settings, "nationality", ELSE)
    assert fixed_in_training(settings) == [f"nationality: {ELSE}"]
