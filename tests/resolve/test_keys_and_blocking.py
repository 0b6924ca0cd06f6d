"""Name keys, m flooring, blocking recall and the eval registry's skipping: small, real DuckDB."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest
from helpers import add_mention, add_source, new_store, person

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
