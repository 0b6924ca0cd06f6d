"""Clustering guards and stable ids: pure functions, hand-made graphs."""

from __future__ import annotations

from eslabon.resolve.cluster import cluster
from eslabon.resolve.ids import assign_ids, mint_id


def test_threshold_and_components() -> None:
    r = cluster("abcd", [("a", "b", 0.99), ("c", "d", 0.5)], threshold=0.9)
    assert r.label["a"] == r.label["b"]
    assert r.label["c"] != r.label["d"]


def test_weak_bridge_between_two_groups_is_refused() -> None:
    # Two tight groups of four joined by one bridge: chaining would make one cluster of eight.
    a = ["a1", "a2", "a3", "a4"]
    b = ["b1", "b2", "b3", "b4"]
    edges = [(x, y, 0.99) for g in (a, b) for i, x in enumerate(g) for y in g[i + 1 :]]
    edges.append(("a4", "b1", 0.96))
    r = cluster(a + b, edges, threshold=0.95)
    assert len(r.clusters()) == 2
    assert r.refused["weak_support"] == 1
    # With support from a third of the smaller group, the merge goes through.
    more = [*edges, ("a1", "b2", 0.97)]
    assert len(cluster(a + b, more, threshold=0.95).clusters()) == 1


def test_given_name_conflict_refused_unless_overwhelming() -> None:
    # Siblings: a record without a given name (n) bridges ANGEL and TERESA of one family.
    names = {
        "angel": (["A524", "~ANG"], ["A524", "~ANG", "R362", "S52"]),
        "teresa": (["T62", "~TER"], ["T62", "~TER", "R362", "S52"]),
        "chuy": (["C", "J26", "~CHU", "~JES"], ["J26", "~CHU", "~JES", "R362"]),
        "jesus": (["J26", "~JES"], ["J26", "~JES", "R362"]),
    }
    edges = [("angel", "n", 0.99), ("n", "teresa", 0.98), ("chuy", "jesus", 0.98)]
    r = cluster(["angel", "n", "teresa", "chuy", "jesus"], edges, threshold=0.95, names=names)
    assert r.label["angel"] == r.label["n"] != r.label["teresa"]
    assert r.refused["given_name"] == 1
    assert r.label["chuy"] == r.label["jesus"]  # a nickname key shared: compatible
    # Overwhelming edges override the guard.
    strong = [("angel", "n", 0.99999), ("n", "teresa", 0.99999)]
    r = cluster(["angel", "n", "teresa"], strong, threshold=0.95, names=names)
    assert len(r.clusters()) == 1
    # So does a direct edge between the two records (the model saw both given names).
    r = cluster(["angel", "teresa"], [("angel", "teresa", 0.98)], threshold=0.95, names=names)
    assert len(r.clusters()) == 1


def test_soft_conflict_refused_only_where_the_model_did_not_compare() -> None:
    # n has no birth date and bridges a (born 2 Jan) and b (born 3 Jan): a and b were never
    # scored against each other, so the bridge must not glue them.
    hard = {"a": {"birth": ["1980-01-02"]}, "b": {"birth": ["1980-01-03"]}}
    bridge = [("a", "n", 0.99), ("n", "b", 0.98)]
    r = cluster("anb", bridge, threshold=0.95, hard_values=hard, soft_attrs=["birth"])
    assert r.label["a"] == r.label["n"] != r.label["b"]
    assert r.refused["conflict"] == 1
    # Every pair across scored a match (a-b too): the model weighed the conflict itself.
    r = cluster(
        "anb", [*bridge, ("a", "b", 0.96)], threshold=0.95, hard_values=hard, soft_attrs=["birth"]
    )
    assert len(r.clusters()) == 1
    # Two single records joined by one edge: the same holds (FEBRL's replaced birth dates).
    single = cluster(
        "ab", [("a", "b", 0.98)], threshold=0.95, hard_values=hard, soft_attrs=["birth"]
    )
    assert len(single.clusters()) == 1 and not single.refused
    # Overwhelming edges override the bridge guard.
    strong = [("a", "n", 0.99999), ("n", "b", 0.99999)]
    r = cluster("anb", strong, threshold=0.95, hard_values=hard, soft_attrs=["birth"])
    assert len(r.clusters()) == 1
    # A hard (not soft) identifier is never overridden.
    hard_only = cluster("ab", [("a", "b", 0.99999)], threshold=0.95, hard_values=hard)
    assert len(hard_only.clusters()) == 2


def test_shared_document_number_outweighs_soft_guards_not_hard_ones() -> None:
    hard = {"a": {"birth": ["1980-01-02"]}, "b": {"birth": ["1975-06-30"]}}
    bridge = [("a", "n", 0.99), ("n", "b", 0.98)]
    names = {"a": (["K"], ["K", "S"]), "b": (["M"], ["M", "S"])}
    kw = {"threshold": 0.95, "hard_values": hard, "soft_attrs": ["birth"], "names": names}
    assert len(cluster("anb", bridge, **kw).clusters()) == 2
    same_ssn = cluster("anb", bridge, shared_ids={"a": ["SSN:1"], "b": ["SSN:1"]}, **kw)
    assert len(same_ssn.clusters()) == 1
    other_ssn = cluster("anb", bridge, shared_ids={"a": ["SSN:1"], "b": ["SSN:2"]}, **kw)
    assert len(other_ssn.clusters()) == 2
    # Two valid CURPs that differ stay two people whatever else is shared.
    curps = {"a": {"curp": ["AAAA800101HDFXXX01"]}, "b": {"curp": ["BBBB800101HDFXXX02"]}}
    r = cluster(
        "ab",
        [("a", "b", 0.99)],
        threshold=0.95,
        hard_values=curps,
        shared_ids={"a": ["PP:X1"], "b": ["PP:X1"]},
    )
    assert len(r.clusters()) == 2


def test_conflicting_hard_identifiers_split() -> None:
    hard = {"a": {"curp": ["AAAA800101HDFXXX01"]}, "c": {"curp": ["BBBB800101HDFXXX02"]}}
    r = cluster("abc", [("a", "b", 0.99), ("b", "c", 0.98)], threshold=0.9, hard_values=hard)
    assert r.label["a"] == r.label["b"] != r.label["c"]
    assert r.refused["conflict"] == 1


def test_judgements_override() -> None:
    r = cluster(
        "abcd",
        [("a", "b", 0.99), ("c", "d", 0.1)],
        threshold=0.9,
        must_link=[("c", "d")],
        cannot_link=[("a", "b")],
    )
    assert r.label["a"] != r.label["b"]
    assert r.label["c"] == r.label["d"]


def test_deterministic_order_independent() -> None:
    edges = [("a", "b", 0.99), ("b", "c", 0.97), ("c", "d", 0.99)]
    r1 = cluster("abcd", edges, threshold=0.9).clusters()
    r2 = cluster("dcba", list(reversed(edges)), threshold=0.9).clusters()
    assert sorted(r1.values()) == sorted(r2.values())


def test_ids_survive_new_members_and_rerun() -> None:
    first, hist = assign_ids("Person", {"x": ["m1", "m2"], "y": ["m3"]}, {})
    assert hist == []
    assert first["x"] == mint_id("Person", "m1")
    prev = {"m1": first["x"], "m2": first["x"], "m3": first["y"]}
    # A new mention m0 (smaller id) joins x; an unrelated m9 arrives.
    again, hist = assign_ids("Person", {"k1": ["m0", "m1", "m2"], "k2": ["m3"], "k3": ["m9"]}, prev)
    assert again["k1"] == first["x"] and again["k2"] == first["y"]
    assert hist == []


def test_merge_and_split_record_redirects() -> None:
    prev = {"m1": "P-a", "m2": "P-a", "m3": "P-b"}
    ids, hist = assign_ids("Person", {"k": ["m1", "m2", "m3"]}, prev)
    assert ids["k"] == "P-a"
    assert hist == [("P-b", "P-a", "merged")]
    prev = {"m1": "P-a", "m2": "P-a", "m3": "P-a", "m4": "P-a"}
    ids, hist = assign_ids("Person", {"k1": ["m1", "m2"], "k2": ["m3"], "k3": ["m4"]}, prev)
    assert ids["k1"] == "P-a"
    assert sorted(h[1] for h in hist) == sorted([ids["k2"], ids["k3"]])
    assert all(h[0] == "P-a" and h[2] == "split" for h in hist)
    ids, hist = assign_ids("Person", {}, {"m1": "P-a"})
    assert hist == [("P-a", None, "dropped")]
