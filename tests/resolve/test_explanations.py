"""Explanations persisted at resolve time: equal to a fresh Splink scoring of the same pairs,
summing to the match weight, following their edges across runs, and readable read-only."""

from __future__ import annotations

import json
import math
from pathlib import Path

from helpers import add_mention, add_source, person

from eslabon.resolve import splink_engine
from eslabon.resolve.explain import explain, explain_pairs, waterfall
from eslabon.resolve.pipeline import latest_model, run_resolve
from eslabon.store.connection import open_store


def _stored_pairs(store, n: int = 40) -> list[tuple[str, str]]:
    return store.query(
        "SELECT mention_l, mention_r FROM match_explanations ORDER BY hash(mention_l || mention_r) "
        "LIMIT ?",
        [n],
    )


def _fresh(store, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """Splink's own per-comparison weights for ``pairs``, scored now (no stored data used)."""
    _model_id, settings, _t = latest_model(store)
    ids = sorted({m for p in pairs for m in p})
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _current_mentions AS SELECT m.* FROM mentions m "
        "JOIN sources s ON s.source_id = m.source_id WHERE s.superseded_by IS NULL"
    )
    splink_engine.build_input(store)
    frame = splink_engine.score_pairs(store, settings, ids, ids)
    store.execute("DROP TABLE _person_input")
    store.execute("DROP TABLE _current_mentions")
    rows = {(r["unique_id_l"], r["unique_id_r"]): r for _i, r in frame.iterrows()}
    return {p: rows[p] for p in pairs}


def test_persisted_equal_fresh_scoring(world_copy: Path) -> None:
    with open_store(world_copy) as store:
        n_edges = store.query_one("SELECT count(*) FROM match_edges WHERE method = 'splink'")[0]
        assert store.query_one("SELECT count(*) FROM match_explanations")[0] == n_edges > 0
        pairs = _stored_pairs(store)
        stored = explain_pairs(store, pairs)
        fresh = _fresh(store, pairs)
        _m, settings, _t = latest_model(store)
        for pair in pairs:
            x, row = stored[pair], fresh[pair]
            assert x["source"] == "stored"
            assert abs(x["match_weight"] - float(row["match_weight"])) < 1e-9
            for comparison, step in zip(settings["comparisons"], x["comparisons"], strict=True):
                col = comparison["output_column_name"]
                assert abs(step["weight"] - float(row[f"mw_{col}"])) < 1e-9, (pair, col)
                tf = row.get(f"mw_tf_adj_{col}")
                tf = 0.0 if tf is None or math.isnan(float(tf)) else float(tf)
                assert abs(step["tf_weight"] - tf) < 1e-9, (pair, col)
            # the waterfall adds up to the match weight Splink gave the edge
            assert abs(x["comparisons"][-1]["running"] - x["match_weight"]) < 1e-9
            assert abs(
                x["prior_weight"] + sum(s["weight"] + s["tf_weight"] for s in x["comparisons"])
                - x["match_weight"]
            ) < 1e-9  # fmt: skip
        # The fallback (nothing stored: one batched Splink scoring) gives the same levels.
        store.execute("DELETE FROM match_explanations")
        scored = explain_pairs(store, pairs)
        for pair in pairs:
            assert scored[pair]["source"] == "scored"
            a, b = stored[pair]["comparisons"], scored[pair]["comparisons"]
            assert [s["level"] for s in a] == [s["level"] for s in b]
            assert [s["left"] for s in a] == [s["left"] for s in b]
            assert [s["right"] for s in a] == [s["right"] for s in b]
            for sa, sb in zip(a, b, strict=True):
                assert abs(sa["weight"] - sb["weight"]) < 1e-9
                assert abs(sa["tf_weight"] - sb["tf_weight"]) < 1e-9


def test_orientation_and_unknown_pairs(resolved_world: tuple[Path, dict[str, str]]) -> None:
    with open_store(resolved_world[0], read_only=True) as store:
        (a, b), *_ = _stored_pairs(store, 1)
        out = explain_pairs(store, [(a, b), (b, a), (a, a), ("nope/1/x", a)])
        assert set(out) == {(a, b), (b, a)}
        fwd, back = out[(a, b)], out[(b, a)]
        assert fwd["pair"] == [a, b] and back["pair"] == [b, a]
        assert [s["left"] for s in fwd["comparisons"]] == [s["right"] for s in back["comparisons"]]
        assert fwd["match_weight"] == back["match_weight"]


def test_read_only_reads_stored_and_says_when_it_cannot_score(
    resolved_world: tuple[Path, dict[str, str]],
) -> None:
    with open_store(resolved_world[0], read_only=True) as store:
        stored = _stored_pairs(store, 1)[0]
        persons = [
            r[0] for r in store.query("SELECT mention_id FROM mentions WHERE kind = 'Person'")
        ]
        linked = {m for p in store.query("SELECT mention_l, mention_r FROM match_edges") for m in p}
        never = next(
            (x, y)
            for x in persons
            for y in persons
            if x < y
            and not store.query(
                "SELECT 1 FROM match_edges WHERE mention_l = ? AND mention_r = ?", [x, y]
            )
            and x in linked
        )
        out = explain_pairs(store, [stored, never])
        assert out[stored]["source"] == "stored" and out[stored]["comparisons"]
        assert out[never]["source"] == "unavailable" and "writable" in out[never]["note"]


def test_runs_keep_explanations_with_their_edges(world_copy: Path) -> None:
    def counts(store) -> tuple[int, int, int]:
        return store.query_one(
            """SELECT (SELECT count(*) FROM match_edges WHERE method = 'splink'),
                      (SELECT count(*) FROM match_explanations),
                      (SELECT count(*) FROM match_explanations x WHERE NOT EXISTS (
                           SELECT 1 FROM match_edges e WHERE e.mention_l = x.mention_l
                           AND e.mention_r = x.mention_r))"""
        )

    with open_store(world_copy) as store:
        edges, explained, orphans = counts(store)
        assert edges == explained and orphans == 0
        run_resolve(store, full=True, seed=7)  # idempotent
        assert counts(store) == (edges, explained, 0)
        known = json.loads(
            store.query_one(
                "SELECT m.props FROM mentions m JOIN entity_mentions e USING (mention_id) "
                "WHERE e.kind = 'Person' ORDER BY m.mention_id LIMIT 1"
            )[0]
        )
        src = add_source(store, "later")
        new = add_mention(store, src, 1, "person", "Person", known)
        add_mention(store, src, 2, "person", "Person", person("ZOE", "QWERTY", None, "1901-01-01"))
        report = run_resolve(store)
        assert report.mode == "incremental"
        edges2, explained2, orphans2 = counts(store)
        assert edges2 == explained2 > edges and orphans2 == 0
        pair = store.query_one(
            "SELECT mention_l, mention_r FROM match_edges WHERE ? IN (mention_l, mention_r) "
            "ORDER BY match_weight DESC LIMIT 1",
            [new],
        )
        x = explain_pairs(store, [tuple(pair)])[tuple(pair)]
        assert x["source"] == "stored"
        assert abs(x["comparisons"][-1]["running"] - x["match_weight"]) < 1e-9
        assert explain(store, pair[0], pair[1])["pairs_scored"] == 1


def test_waterfall_is_pure_arithmetic() -> None:
    settings = {
        "probability_two_random_records_match": 0.2,
        "comparisons": [
            {
                "output_column_name": "name",
                "comparison_levels": [
                    {"is_null_level": True, "label_for_charts": "missing"},
                    {"label_for_charts": "exact", "m_probability": 0.8, "u_probability": 0.1},
                    {"label_for_charts": "else", "m_probability": 0.2, "u_probability": 0.9},
                ],
            },
            {
                "output_column_name": "dob",
                "comparison_levels": [
                    {"label_for_charts": "exact", "m_probability": 0.5, "u_probability": 0.5},
                    {"label_for_charts": "else", "m_probability": 0.5, "u_probability": 0.5},
                ],
            },
        ],
    }
    w = waterfall(settings, [1, 0], [0.5, 0.0], ["ANA", "x"], ["ANA", "y"])
    assert [s["level"] for s in w["comparisons"]] == ["exact", "else"]
    assert w["prior_weight"] == math.log2(0.25)
    assert w["comparisons"][0]["weight"] == math.log2(8)
    assert w["comparisons"][0]["running"] == math.log2(0.25) + 3 + 0.5
    assert w["match_weight"] == w["comparisons"][-1]["running"]
    missing = waterfall(settings, [-1, 0])
    assert missing["comparisons"][0]["level"] == "missing"
    assert missing["comparisons"][0]["weight"] == 0.0
