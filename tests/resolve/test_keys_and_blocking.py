"""Name keys, m flooring, blocking recall and the eval registry's skipping: small, real DuckDB."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest
from helpers import add_link, add_mention, add_source, new_store, person

from eslabon.errors import EslabonError
from eslabon.evaluate.registry import SECTIONS, evaluate, section
from eslabon.resolve import person_model, splink_engine
from eslabon.resolve.blocking import blocking_report


def _codes(*names: str) -> list[str]:
    con = duckdb.connect()
    con.execute(person_model.NAME_CODE_MACRO)
    return [con.execute("SELECT eslabon_name_code(?)", [n]).fetchall()[0][0] for n in names]


def test_name_code_absorbs_typos_and_keeps_names_apart() -> None:
    wood, wod, gonzalez, gonzlaez, glenda, glemda = _codes(
        "WOOD", "WOD", "GONZALEZ", "GONZLAEZ", "GLENDA", "GLEMDA"
    )
    assert wood == wod and gonzalez == gonzlaez and glenda == glemda
    assert len(set(_codes("HERNANDEZ", "MARTINEZ", "LOPEZ"))) == 3
    assert _codes("A") == [None]


def test_macro_lambdas_do_not_capture_the_callers_variable() -> None:
    con = duckdb.connect()
    con.execute(person_model.NAME_CODE_MACRO)
    got = con.execute(
        "SELECT list_transform(['JACK', 'ELTON'], lambda x: eslabon_name_code(x))"
    ).fetchall()[0][0]
    assert got == _codes("JACK", "ELTON")


def test_floor_m_removes_vetoes_and_renormalises() -> None:
    settings = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"sql_condition": "x IS NULL", "is_null_level": True},
                    {"sql_condition": "x_l = x_r", "m_probability": 1.0},
                    {"sql_condition": "ELSE", "m_probability": 0.0},
                ]
            }
        ]
    }
    out = splink_engine.floor_m(copy.deepcopy(settings), floor=0.01)
    levels = out["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] == pytest.approx(0.01 / 1.01)
    assert levels[1]["m_probability"] + levels[2]["m_probability"] == pytest.approx(1.0)
    assert "m_probability" not in levels[0]


def test_floor_m_keeps_a_fixed_m_and_scales_the_trained_ones() -> None:
    def comparison(*ms: float | None, fixed: float = 0.001) -> dict:
        trained = [{"sql_condition": f"l{i}", "m_probability": m} for i, m in enumerate(ms)]
        fixed_level = {"sql_condition": "ELSE", "m_probability": fixed, "fix_m_probability": True}
        return {"comparison_levels": [*trained, fixed_level]}

    out = splink_engine.floor_m({"comparisons": [comparison(0.9, 0.0), comparison(None)]}, 0.01)
    first, untrained = (c["comparison_levels"] for c in out["comparisons"])
    assert first[2]["m_probability"] == 0.001  # fixed: kept
    assert first[0]["m_probability"] + first[1]["m_probability"] == pytest.approx(0.999)
    assert first[1]["m_probability"] == pytest.approx(0.999 * 0.01 / 0.91)
    # nothing trained beside it (EM never saw the comparison): the fixed m is not inflated to 1
    assert untrained[1]["m_probability"] == 0.001 and untrained[0]["m_probability"] is None


def test_deconvolve_u_removes_the_matches_random_pairs_hold() -> None:
    # Sampled u = λ·m + (1 − λ)·u_true: with λ = 1e-4 and m = 0.9, a measured u of 1e-4 is
    # nine tenths contamination; the stronger weight is restored, bounded by max_shrink.
    settings = {
        "probability_two_random_records_match": 1e-4,
        "comparisons": [
            {
                "comparison_levels": [
                    {"sql_condition": "x IS NULL", "is_null_level": True},
                    {"sql_condition": "x_l = x_r", "m_probability": 0.9, "u_probability": 1e-4},
                    {"sql_condition": "ELSE", "m_probability": 0.1, "u_probability": 1 - 1e-4},
                ]
            }
        ],
    }
    out = splink_engine.deconvolve_u(copy.deepcopy(settings))
    levels = out["comparisons"][0]["comparison_levels"]
    assert levels[1]["u_probability"] == pytest.approx((1e-4 - 0.9e-4) / (1 - 1e-4), rel=1e-3)
    assert levels[1]["u_probability"] + levels[2]["u_probability"] == pytest.approx(1.0)
    bounded = splink_engine.deconvolve_u(copy.deepcopy(settings), max_shrink=2.0)
    assert bounded["comparisons"][0]["comparison_levels"][1]["u_probability"] == pytest.approx(
        0.5e-4, rel=1e-3
    )
    unknown = copy.deepcopy(settings) | {"probability_two_random_records_match": None}
    assert splink_engine.deconvolve_u(copy.deepcopy(unknown)) == unknown


def _store_with_people(tmp_path: Path) -> tuple[object, dict[str, str]]:
    store = new_store(tmp_path)
    src = add_source(store, "us")
    mx = add_source(store, "mx")
    truth = {}
    people = [
        ("a", add_mention(store, mx, 1, "p", "Person", person("ISABEL", "OROZCO", "ESCOBAR", "2000-01-20"))),
        ("a", add_mention(store, src, 1, "p", "Person", person("OROZCO", "ISABEL", None, None))),  # swapped fields
        ("a", add_mention(store, src, 2, "p", "Person", person("ISABEL", "OROSCO", None, "2000-01-20"))),  # typo
        ("b", add_mention(store, mx, 2, "p", "Person", person("JUAN", "PEREZ", "LOPEZ", "1970-05-05"))),
        ("c", add_mention(store, src, 3, "p", "Person", person("ANA", "RUIZ", None, "1990-02-02"))),
        ("c", add_mention(store, mx, 3, "p", "Person", person("ANA", "SOTO", None, None))),  # married name
    ]  # fmt: skip
    for entity, mention in people:
        truth[mention] = entity
    return store, truth


def test_blocking_report_counts_pairs_and_recall(tmp_path: Path) -> None:
    store, truth = _store_with_people(tmp_path)
    report = blocking_report(store, truth)
    assert report["true_pairs"] == 4
    # The swapped and the misspelt Isabel are found; Ana (two different surnames on file,
    # no shared birth date or phone) is not: 3 of 4 true pairs.
    assert report["direct_recall"] == pytest.approx(3 / 4)
    assert report["connected_recall"] == pytest.approx(3 / 4)
    assert report["rules"][-1]["cumulative_pairs"] == report["candidate_pairs"] >= 3
    assert sum(r["pairs"] for r in report["rules"]) >= report["candidate_pairs"]


def test_blocking_by_phone_alone_and_birth_date_with_postcode(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    src = add_source(store, "calls")
    unnamed = {"name": None, "given": None, "paternal": None}
    a = add_mention(store, src, 1, "p", "Person", unnamed)
    b = add_mention(store, src, 2, "p", "Person", person("LUCIA", "TZUNUN"))
    c = add_mention(store, src, 3, "p", "Person", person("RHIANNON", "BISHOP", None, "1908-05-13"))
    d = add_mention(store, src, 4, "p", "Person", person("NICHOQLAS", "HOPE", None, "1908-05-13"))
    for i, m in enumerate((a, b)):
        ph = add_mention(store, src, 1 + i, "ph", "Phone", {"number": "+525512345678"})
        add_link(store, "PhoneUse", m, ph)
    for i, m in enumerate((c, d)):
        addr = add_mention(store, src, 3 + i, "addr", "Address", {
            "normalized": f"ROSSARDEN ST 39 {'CLAYTON' if i == 0 else 'CLAYT LN'}",
            "postal_code": "02037", "city": "CLAYTON" if i == 0 else "CLAYT LN"})  # fmt: skip
        add_link(store, "Residence", m, addr)
    report = blocking_report(store, {a: "x", b: "x", c: "y", d: "y"})
    # A contact saved without a name shares only the phone; a replaced name and a misspelt
    # town leave the birth date and the postcode.
    assert report["direct_recall"] == 1.0
    assert report["candidate_pairs"] == 2


def test_registry_skips_a_stage_not_run_but_not_a_named_one(tmp_path: Path) -> None:
    store = new_store(tmp_path)
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "mentions.csv").write_text("source,row,mapping_key,entity_id\n", encoding="utf-8")

    @section("zz_not_built")
    def _not_built(_store: object, _truth: Path) -> dict:
        raise EslabonError("no network built", hint="run `eslabon network`")

    try:
        report = evaluate(store, truth)
        assert report["zz_not_built"] == {
            "skipped": "no network built\n  hint: run `eslabon network`"
        }
        assert "resolution" in report
        with pytest.raises(EslabonError, match="no network built"):
            evaluate(store, truth, only=["zz_not_built"])
        with pytest.raises(EslabonError, match="no evaluation section"):
            evaluate(store, truth, only=["nope"])
    finally:
        SECTIONS.pop("zz_not_built", None)


def test_frequent_blocking_keys_are_dropped() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TEMP TABLE t AS SELECT * FROM (VALUES ('a', ['X', 'Y']), ('b', ['X']), "
        "('c', ['X', 'Z']), ('d', ['Z'])) v(unique_id, keys)"
    )
    for sql in person_model.cap_keys_sql("t", "keys", cap=2):
        con.execute(sql)
    got = dict(con.execute("SELECT unique_id, keys FROM t ORDER BY 1").fetchall())
    assert got == {"a": ["Y"], "b": [], "c": ["Z"], "d": ["Z"]}
