"""An entity's row is a function of its mentions alone: lists sorted, the caption's ties settled.

DuckDB aggregates in parallel, so an unordered ``list`` or a bare ``mode()`` can come out
differently from one run to the next; pages, case files and per-clearance views then differ too
(a name list read in another order once made the access matrix see two names as one).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from helpers import add_mention, add_source, new_store

from eslabon.resolve.pipeline import ENTITY_ROWS_SQL

NAMES = [f"NAME{i:02d} PEREZ" for i in range(40)]


def _rows(tmp_path: Path, seed: int) -> tuple[str, list[str], dict[str, list[str]]]:
    store = new_store(tmp_path, f"s{seed}.duckdb")
    src = add_source(store, "f")
    order = list(range(len(NAMES)))
    random.Random(seed).shuffle(order)
    for row, i in enumerate(order):
        props = {"name": NAMES[i], "curp": f"C{i:02d}"}
        m = add_mention(store, src, row, "p", "Person", props)
        store.execute("INSERT INTO entity_mentions VALUES (?, 'P-1', 'Person')", [m])
    # Two names recorded twice each: the caption is the fuller of them, whatever the order.
    for row, name in enumerate(["ANA PEREZ", "ANA PEREZ", "ANA MARIA PEREZ", "ANA MARIA PEREZ"]):
        m = add_mention(store, src, 100 + row, "p", "Person", {"name": name})
        store.execute("INSERT INTO entity_mentions VALUES (?, 'P-1', 'Person')", [m])
    store.execute(ENTITY_ROWS_SQL.replace("/*written*/", ""), ["Person", "run-1", "Person"])
    caption, names, identifiers = store.query_one(
        "SELECT caption, names, identifiers FROM entities WHERE entity_id = 'P-1'"
    )
    store.close()
    return caption, json.loads(names), json.loads(identifiers)


def test_entity_rows_are_the_same_whatever_order_the_mentions_come_in(tmp_path: Path) -> None:
    rows = [_rows(tmp_path, seed) for seed in (1, 2, 3)]
    caption, names, identifiers = rows[0]
    assert all(r == rows[0] for r in rows)
    assert caption == "ANA MARIA PEREZ"  # twice, like ANA PEREZ, and fuller
    assert names == sorted([*NAMES, "ANA MARIA PEREZ", "ANA PEREZ"])
    assert identifiers["curp"] == sorted(f"C{i:02d}" for i in range(40))
