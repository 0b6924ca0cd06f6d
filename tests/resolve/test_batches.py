"""Clustering by batches of components equals one call of ``cluster``; the memory bound holds
only during a run. Real DuckDB files, random graphs with guards in play."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from eslabon.resolve import memory
from eslabon.resolve.batches import batches, cluster_store, components
from eslabon.resolve.cluster import cluster
from eslabon.store.connection import Store, open_store


def _reference_components(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(x) for x in range(n)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_components_match_a_plain_union_find(seed: int) -> None:
    rng = random.Random(seed)
    n = 400
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(300)]
    # A long path too: the hooking must keep going until nothing changes.
    pairs += [(i, i + 1) for i in range(n - 60, n - 1)]
    got = components(n, np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]))
    assert got.tolist() == _reference_components(n, pairs)


def test_batches_hold_whole_components_and_skip_singletons() -> None:
    membership = np.array([0, 0, 2, 3, 3, 3, 6, 7, 7, 9])  # 2, 6 and 9 are alone
    parts = list(batches(membership, max_nodes=3))
    seen = np.concatenate(parts)
    assert sorted(seen.tolist()) == [0, 1, 3, 4, 5, 7, 8]
    for part in parts:
        labels = set(membership[part].tolist())
        for label in labels:  # a component is never cut in two
            assert set(np.flatnonzero(membership == label).tolist()) <= set(part.tolist())
    assert len(parts) == 2


def _random_graph(seed: int) -> tuple[list[str], list[tuple[str, str, float]], dict[str, Any]]:
    rng = random.Random(seed)
    nodes = [f"m{i:04d}" for i in range(600)]
    edges = []
    for _ in range(400):  # sparse: many components, several batches
        a, b = rng.sample(nodes[:500], 2)  # the last 100 stay alone
        edges.append((min(a, b), max(a, b), round(rng.uniform(0.9, 1.0), 3)))
    hard = {n: {"curp": [rng.choice("ABCD")]} for n in nodes if rng.random() < 0.3}
    names = {
        n: ([g := rng.choice(["JUAN", "ANA", "LUIS"])], [g, "PEREZ"])
        for n in nodes
        if rng.random() < 0.7
    }
    return nodes, edges, {"hard_values": hard, "names": names}


def _load(store: Store, edges: list[tuple[str, str, float]], nodes: list[str]) -> None:
    store.execute("CREATE TABLE g_edges (mention_l VARCHAR, mention_r VARCHAR, p DOUBLE)")
    store.execute("CREATE TABLE g_nodes (mention_id VARCHAR)")
    store.connection.register("_e", pd.DataFrame(edges, columns=["a", "b", "p"]))
    store.execute("INSERT INTO g_edges SELECT * FROM _e")
    store.connection.register("_n", pd.DataFrame({"m": nodes}))
    store.execute("INSERT INTO g_nodes SELECT * FROM _n")


@pytest.mark.parametrize("seed", [5, 6])
def test_cluster_store_in_small_batches_equals_one_call(tmp_path: Path, seed: int) -> None:
    nodes, edges, attrs = _random_graph(seed)
    must = [(nodes[0], nodes[550]), (nodes[10], nodes[20])]
    cannot = [(nodes[1], nodes[2]), (nodes[3], nodes[4])]
    whole = cluster(nodes, edges, threshold=0.95, must_link=must, cannot_link=cannot, **attrs)

    calls = []

    def fetch(batch: str) -> dict[str, Any]:
        ids = {r[0] for r in store.query(f"SELECT mention_id FROM {batch}")}
        calls.append(len(ids))
        return {k: {n: v for n, v in d.items() if n in ids} for k, d in attrs.items()}

    with open_store(tmp_path / "g.duckdb") as store:
        _load(store, edges, nodes)
        got, refused = cluster_store(
            store,
            nodes_sql="SELECT mention_id FROM g_nodes",
            edges_sql="SELECT * FROM g_edges",
            threshold=0.95,
            must_link=must,
            cannot_link=cannot,
            fetch=fetch,
            batch_nodes=40,
        )
    assert got == whole.clusters()
    assert len(calls) > 3  # several batches, not one
    assert refused == whole.refused
    assert sum(whole.refused.values()) > 0  # the guards were exercised
    assert len(got) < len(nodes)


def test_memory_bound_is_set_during_a_run_and_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESLABON_RESOLVE_MEMORY", "512MB")
    with open_store(tmp_path / "m.duckdb") as store:
        before = store.query_one("SELECT current_setting('memory_limit')")[0]
        seen: Counter = Counter()
        with memory.bounded(store):
            seen[store.query_one("SELECT current_setting('memory_limit')")[0]] += 1
            assert store.query_one("SELECT current_setting('temp_directory')")[0]
        after = store.query_one("SELECT current_setting('memory_limit')")[0]
    assert list(seen) == ["488.2 MiB"]
    assert after == before != "488.2 MiB"


def _scored(store: Store) -> dict[tuple[str, str], float]:
    from eslabon.resolve import splink_engine

    return {
        (a, b): w
        for a, b, w in store.query(
            f"SELECT mention_l, mention_r, match_weight FROM {splink_engine.SCORED_TABLE}"
        )
    }


def test_chunked_predict_scores_the_same_pairs(
    world_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eslabon.resolve import splink_engine
    from eslabon.resolve.pipeline import latest_model

    with open_store(world_copy) as store:
        stored = latest_model(store)
        assert stored is not None
        n = splink_engine.build_input(store)
        whole = splink_engine.predict(store, stored[1])
        one = _scored(store)
        monkeypatch.setattr(splink_engine, "CHUNK_MENTIONS", n // 3)
        assert splink_engine.predict_chunks(n) == 4
        chunked = splink_engine.predict(store, stored[1])
        four = _scored(store)
    assert whole == chunked == len(one) > 100
    assert one.keys() == four.keys()
    assert all(abs(one[k] - four[k]) < 1e-9 for k in one)
