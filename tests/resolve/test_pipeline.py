"""End-to-end resolution on a hand-made store: accuracy, stable ids, incremental runs,
judgements and explain."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import add_mention, add_source, person

from eslabon.evaluate.metrics import pairwise
from eslabon.resolve.explain import explain
from eslabon.resolve.ids import resolve_id
from eslabon.resolve.person_model import ID_DIFFER_M
from eslabon.resolve.pipeline import run_resolve
from eslabon.resolve.review import record_judgement, uncertain_pairs
from eslabon.store.connection import open_store


def _assignment(store, kind: str = "Person") -> dict[str, str]:
    return dict(
        store.query("SELECT mention_id, entity_id FROM entity_mentions WHERE kind = ?", [kind])
    )


def test_resolves_people_and_phones(resolved_world: tuple[Path, dict[str, str]]) -> None:
    path, truth = resolved_world
    with open_store(path) as store:
        pred = _assignment(store)
        people = {m: t for m, t in truth.items() if m.endswith("/person")}
        scores = pairwise(pred, people)
        assert scores.precision >= 0.98, scores
        assert scores.recall >= 0.9, scores
        phones = {m: t for m, t in truth.items() if m.endswith("/phone")}
        assert pairwise(_assignment(store, "Phone"), phones).f1 == 1.0
        model = store.query("SELECT model_id, settings FROM linkage_models")
        assert len(model) == 1 and json.loads(model[0][1])["comparisons"]
        # no Splink scratch tables left in the workspace
        names = {r[0] for r in store.query("SELECT table_name FROM duckdb_tables()")}
        assert not any(n.startswith("__splink") for n in names)


def test_document_disagreement_keeps_its_fixed_m(
    resolved_world: tuple[Path, dict[str, str]],
) -> None:
    """EM does not train "different CURP / A-Number": a world where every such
    pair was a certain non-match made Splink refuse the m of 0 EM computed (seed 7 at scale 0.2
    could not be resolved). The stored model keeps the fixed value; floor_m scales the others."""
    path, _ = resolved_world
    with open_store(path, read_only=True) as store:
        settings = json.loads(store.query_one("SELECT settings FROM linkage_models")[0])
    differ = {
        c["output_column_name"]: c["comparison_levels"][-1]
        for c in settings["comparisons"]
        if c["output_column_name"] in ("curp", "a_number")
    }
    assert set(differ) == {"curp", "a_number"}
    for level in differ.values():
        assert level["sql_condition"] == "ELSE" and level["fix_m_probability"] is True
        assert level["m_probability"] == ID_DIFFER_M


def test_rerun_keeps_ids(world_copy: Path) -> None:
    with open_store(world_copy) as store:
        before = _assignment(store)
        report = run_resolve(store, full=True, seed=7)
        assert report.mode == "full"
        assert _assignment(store) == before


def test_incremental_links_new_mentions_only(world_copy: Path) -> None:
    with open_store(world_copy) as store:
        before = _assignment(store)
        # A new source naming an existing person (same name and birth date) and a stranger.
        known = store.query(
            "SELECT m.props FROM mentions m JOIN entity_mentions e USING (mention_id) "
            "WHERE e.kind = 'Person' LIMIT 1"
        )[0][0]
        props = json.loads(known)
        src = add_source(store, "new_src")
        same = add_mention(store, src, 1, "person", "Person", props)
        stranger = add_mention(
            store, src, 2, "person", "Person", person("ZACARIAS", "QWERTY", None, "1901-01-01")
        )
        report = run_resolve(store)
        assert report.mode == "incremental"
        assert report.new_mentions == 2
        after = _assignment(store)
        assert {m: after[m] for m in before} == before  # nobody else moved
        assert after[same] in set(before.values())
        assert after[stranger] not in set(before.values())


def test_judgements_override_model(world_copy: Path) -> None:
    with open_store(world_copy) as store:
        pred = _assignment(store)
        groups: dict[str, list[str]] = {}
        for m, e in pred.items():
            groups.setdefault(e, []).append(m)
        a, b = sorted(next(v for v in groups.values() if len(v) >= 2))[:2]
        old_entity = pred[a]
        singles = sorted(m for m, e in pred.items() if len(groups[e]) == 1)
        c, d = singles[0], singles[-1]
        record_judgement(store, a, b, "different", "tester")
        record_judgement(store, c, d, "same", "tester")
        run_resolve(store)
        after = _assignment(store)
        assert after[a] != after[b]
        assert after[c] == after[d]
        # the old id still resolves to wherever its mentions went
        assert set(resolve_id(store, old_entity)) >= {after[a]} or old_entity in (
            after[a],
            after[b],
        )
        who = store.query("SELECT DISTINCT username FROM review_judgements")
        assert who == [("tester",)]
        assert isinstance(uncertain_pairs(store, low=0.0, high=1.0, limit=5), list)


def test_explain_waterfall(resolved_world: tuple[Path, dict[str, str]]) -> None:
    path, _truth = resolved_world
    with open_store(path) as store:
        pred = _assignment(store)
        entity = next(e for e in set(pred.values()) if list(pred.values()).count(e) >= 2)
        data = explain(store, entity, entity)
        assert data["kind"] == "Person"
        total = data["prior_weight"] + sum(
            s["weight"] + s["tf_weight"] for s in data["comparisons"]
        )
        assert abs(total - data["match_weight"]) < 1e-6
        assert {s["comparison"] for s in data["comparisons"]} >= {"given", "paternal", "maternal"}
        assert data["entity_l"] == data["entity_r"] == entity
        by = {s["comparison"]: s for s in data["comparisons"]}
        assert by["given"]["weight"] > 0


def test_domain_levels(world_copy: Path) -> None:
    with open_store(world_copy) as store:
        src = add_source(store, "levels")
        a = add_mention(
            store, src, 1, "person", "Person",
            person("JOSE LUIS", "XICOHTENCATL", "BARRIENTOS", "1980-03-07"),
        )  # fmt: skip
        b = add_mention(  # US: no maternal surname, day/month swapped
            store, src, 2, "person", "Person",
            person("JOSE LUIS", "XICOHTENCATL", None, "1980-07-03"),
        )  # fmt: skip
        c = add_mention(  # surnames swapped
            store, src, 3, "person", "Person",
            person("JOSE LUIS", "BARRIENTOS", "XICOHTENCATL", "1980-03-07"),
        )  # fmt: skip
        run_resolve(store)
        ab = {s["comparison"]: s for s in explain(store, a, b)["comparisons"]}
        assert ab["maternal"]["level"] == "missing" and ab["maternal"]["weight"] == 0
        assert ab["birth_date"]["level"] == "day and month swapped"
        assert ab["birth_date"]["weight"] > 0
        ac = {s["comparison"]: s for s in explain(store, a, c)["comparisons"]}
        assert ac["paternal"]["level"] == "paternal and maternal swapped"
        assert ac["maternal"]["level"] == "paternal and maternal swapped"
        assert ac["paternal"]["weight"] > 0 and ac["maternal"]["weight"] > 0
