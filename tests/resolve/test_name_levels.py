"""Which surname level a pair of readings of one name falls in (the comparison SQL, on DuckDB)."""

from __future__ import annotations

from typing import Any

import duckdb

from eslabon.resolve.person_model import comparisons


def first_level(comparison: str, left: dict[str, Any], right: dict[str, Any]) -> str:
    """The label of the first level of ``comparison`` whose condition the pair meets."""
    levels = next(c for c in comparisons() if c["output_column_name"] == comparison)
    row = {f"{k}_l": v for k, v in left.items()} | {f"{k}_r": v for k, v in right.items()}
    cols = ", ".join(f"${k} AS {k}" for k in row)
    con = duckdb.connect()
    for level in levels["comparison_levels"]:
        sql = level["sql_condition"]
        if sql == "ELSE" or con.execute(f"SELECT ({sql}) FROM (SELECT {cols})", row).fetchone()[0]:
            return level["label_for_charts"]
    raise AssertionError("no level matched")


def reading(given: str, paternal: str, maternal: str | None) -> dict[str, Any]:
    return {
        "given": given,
        "given_tokens": given.split(),
        "paternal": paternal,
        "maternal": maternal,
        "surname_tokens": [x for x in (paternal, maternal) if x],
    }


def test_a_us_form_reading_the_paternal_surname_as_a_middle_name() -> None:
    mx = reading("SERGIO", "AVENDANO", "GUERRERO")
    us = reading("SERGIO AVENDANO", "GUERRERO", None)
    assert first_level("paternal", mx, us) == "paternal surname in the middle-name field"
    assert first_level("paternal", us, mx) == "paternal surname in the middle-name field"


def test_a_mother_and_child_share_a_surname_in_the_other_slot_only() -> None:
    # child JUAN PEREZ LOPEZ, mother MARIA LOPEZ GARCIA: not the middle-name pattern
    child = reading("JUAN", "PEREZ", "LOPEZ")
    mother = reading("MARIA", "LOPEZ", "GARCIA")
    assert first_level("paternal", child, mother) == "in the other slot or hyphen-merged"
    # a record that names the mother with her maternal surname missing is no shift either
    assert first_level("paternal", child, reading("MARIA", "LOPEZ", None)) == (
        "in the other slot or hyphen-merged"
    )


def named(given: str, *phones: str) -> dict[str, Any]:
    """A record of someone called ``given`` FLORES BARAJAS, on ``phones``."""
    tokens = given.split()
    return reading(given, "FLORES", "BARAJAS") | {
        "given_canonical": given,
        "given_key": tokens[0],
        "given_forms": tokens,
        "phones": list(phones),
    }


def test_a_phone_two_differently_named_siblings_use_is_a_household_phone() -> None:
    # a brother's transfer keyed with the other brother's number: kin, not one person
    assert first_level(
        "phones", named("JUAN", "+14694892242"), named("JAVIER", "+14694892242")
    ) == ("shared, by people with different given names")


def test_a_phone_shared_under_one_name_or_its_variants_is_one_persons() -> None:
    phone = "+14694892242"
    for other in ("JUAN", "JUAN CARLOS", "JAUN", "JUANA"):
        assert first_level("phones", named("JUAN", phone), named(other, phone)) == "shared"
    # no given name on one side (a contact saved under a number): nothing says they differ
    nameless = named("JUAN", phone) | {"given": None, "given_canonical": None}
    assert first_level("phones", nameless, named("JAVIER", phone)) == "shared"
    assert first_level("phones", named("JUAN", phone), named("JAVIER", "+5215512345678")) == (
        "All other comparisons"
    )
