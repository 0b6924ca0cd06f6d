"""A nickname contact joins the one named user of its number, and nobody when the number has two;
contacts saved alike (one number, one nickname) in several seized phones join each other."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import new_store

from eslabon.resolve.phone_alias import (
    CONTACT_METHOD,
    METHOD,
    alias_edges,
    contact_edges,
    store_alias_edges,
)

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


def with_contacts(tmp_path: Path, contacts: dict[str, tuple[list[str], list[str]]]):
    """A store whose nameless records (mention → (phones, saved names)) are contacts of seized
    phones; ``nick3`` of MENTIONS is one too, saved as "EL MUDO"."""
    store = store_with(tmp_path, [])
    for m, (phones, aliases) in {"nick3": (["+523333"], ["EL MUDO"]), **contacts}.items():
        if m != "nick3":
            store.execute(
                "INSERT INTO _person_input VALUES (?, ?, NULL, NULL, NULL, NULL)", [m, phones]
            )
        store.execute(
            "INSERT INTO mentions VALUES (?, 'extraction@1', 1, 'contact', 'Person', NULL, NULL, ?)",
            [m, json.dumps({"name": "", "aliases": aliases})],
        )
    return store


def test_one_contact_saved_alike_in_two_seized_phones_is_one_person(tmp_path: Path) -> None:
    store = with_contacts(
        tmp_path,
        {
            "other_phone": (["+523333"], [" el mudo"]),  # the same contact, another phone's list
            "third_phone": (["+523333", "+524444"], ["EL MUDO"]),
            "renamed": (["+523333"], ["MUDITO"]),  # the number under another nickname
            "elsewhere": (["+525555"], ["EL MUDO"]),  # the nickname on another number
            "numberless_nick": (["+523333"], []),  # the number saved without a name
        },
    )
    assert contact_edges(store) == [("nick3", "other_phone"), ("nick3", "third_phone")]
    assert store_alias_edges(store, 0.97, "run-1") == 2
    rows = store.query("SELECT mention_l, mention_r, method FROM match_edges ORDER BY 1, 2")
    assert rows == [
        ("nick3", "other_phone", CONTACT_METHOD),
        ("nick3", "third_phone", CONTACT_METHOD),
    ]
    # run again: the same edges, not twice
    assert store_alias_edges(store, 0.97, "run-2") == 2
    assert store.query_one("SELECT count(*) FROM match_edges")[0] == 2


def test_contacts_of_a_named_users_number_join_him_and_each_other(tmp_path: Path) -> None:
    store = with_contacts(tmp_path, {"nick_again": (["+521111"], ["EL MUDO"])})
    store.execute(
        "INSERT INTO mentions VALUES ('nick', 'extraction@1', 2, 'contact', 'Person', NULL, "
        "NULL, ?)",
        [json.dumps({"name": "", "aliases": ["EL MUDO"]})],
    )
    store.execute("INSERT INTO match_edges VALUES ('a1', 'a2', 'Person', 'splink', 9, 0.99, 'r')")
    store_alias_edges(store, 0.97, "run-1")
    methods = dict(
        ((a, b), m)
        for a, b, m in store.query("SELECT mention_l, mention_r, method FROM match_edges")
    )
    assert methods[("a1", "nick")] == METHOD and methods[("a1", "nick_again")] == METHOD
    assert methods[("nick", "nick_again")] == CONTACT_METHOD
