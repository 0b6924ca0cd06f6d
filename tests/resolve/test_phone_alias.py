"""A nickname contact joins the one named user of its number, and nobody when the number has two."""

from __future__ import annotations

from pathlib import Path

from helpers import new_store

from eslabon.resolve.phone_alias import METHOD, alias_edges, store_alias_edges

# mention → (phones, named?)
MENTIONS = {
    "a1": (["+521111"], True),  # one person, two records (joined by the model)
    "a2": (["+521111"], True),
    "nick": (["+521111"], False),  # "EL MUDO" saved with a1/a2's number
    "b": (["+522222"], True),  # two different people share a number
    "c": (["+522222"], True),
    "nick2": (["+522222"], False),
    "nick3": (["+523333"], False),  # a number nobody named uses
}


def store_with(tmp_path: Path, edges: list[tuple[str, str, str, float]]):
    store = new_store(tmp_path)
    store.execute(
        "CREATE TEMP TABLE _person_input (unique_id VARCHAR, phones VARCHAR[], full_name VARCHAR, "
        "given VARCHAR, paternal VARCHAR, maternal VARCHAR)"
    )
    for m, (phones, named) in MENTIONS.items():
        name = "JUAN PEREZ" if named else None
        store.execute(
            "INSERT INTO _person_input VALUES (?, ?, ?, ?, ?, NULL)",
            [m, phones, name, name and "JUAN", name and "PEREZ"],
        )
    for a, b, method, p in edges:
        store.execute(
            "INSERT INTO match_edges VALUES (?, ?, 'Person', ?, NULL, ?, 'run-0')",
            [a, b, method, p],
        )
    return store


def test_the_one_named_user_of_the_number_takes_the_nickname(tmp_path: Path) -> None:
    store = store_with(tmp_path, [("a1", "a2", "splink", 0.99), ("b", "c", "splink", 0.2)])
    assert alias_edges(store, 0.97) == [("a1", "nick")]
    # below the threshold a1 and a2 are not known to be one person: the number has two users
    assert alias_edges(store, 0.995) == []


def test_alias_edges_replace_a_weak_model_edge_and_leave_a_strong_one(tmp_path: Path) -> None:
    store = store_with(tmp_path, [("a1", "a2", "splink", 0.99), ("a1", "nick", "splink", 0.5)])
    assert store_alias_edges(store, 0.97, "run-1") == 1
    rows = store.query("SELECT mention_l, mention_r, method, match_probability FROM match_edges")
    assert ("a1", "nick", METHOD, 1.0) in rows and ("a1", "nick", "splink", 0.5) not in rows
    # run again: the same edges, not twice
    assert store_alias_edges(store, 0.97, "run-2") == 1
    assert store.query_one("SELECT count(*) FROM match_edges WHERE method = ?", [METHOD])[0] == 1
    # a pair the model already joins keeps the model's edge
    store.execute("DELETE FROM match_edges WHERE method = ?", [METHOD])
    store.execute("INSERT INTO match_edges VALUES ('a1', 'nick', 'Person', 'splink', 9, 0.99, 'r')")
    assert store_alias_edges(store, 0.97, "run-3") == 0
    assert store.query_one("SELECT method FROM match_edges WHERE mention_r = 'nick'")[0] == "splink"


def test_a_nickname_edge_is_never_queued_for_review(tmp_path: Path) -> None:
    from eslabon.resolve.review import uncertain_pairs

    store = store_with(tmp_path, [("a1", "a2", "splink", 0.99), ("b", "c", "splink", 0.5)])
    store_alias_edges(store, 0.97, "run-1")
    queued = {(p["mention_l"], p["mention_r"]) for p in uncertain_pairs(store, high=1.01)}
    assert ("b", "c") in queued and ("a1", "nick") not in queued
