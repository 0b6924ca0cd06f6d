"""Guarded clustering over the store, one batch of connected components at a time.

``cluster.cluster`` keeps several Python sets per mention and the sorted strong edges; over a
million mentions that alone was gigabytes. But a merge only ever happens along an edge (or a
must-link), and every guard compares two clusters about to merge, so each connected component
of the graph (strong edges ∪ must-links) is clustered independently of the others, in the same
order: clustering the components in batches gives exactly the result of one big call.

Here DuckDB holds the edges; Python first finds the components on integer indexes (numpy
arrays, not per-mention objects), then hands ``cluster`` one batch of whole components at a time, with only that batch's
attributes. A mention alone in its component is its own cluster and needs nothing loaded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from eslabon.resolve.cluster import cluster
from eslabon.store.connection import Store

NODES = "_cl_nodes"
BATCH = "_cl_batch"
# Mentions per call of ``cluster``: memory is about this many mentions' sets, whatever the size.
BATCH_NODES = 100_000

# batch table name -> keyword arguments of ``cluster`` for that batch (hard values, names, ...)
Fetch = Callable[[str], dict[str, Any]]


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label (its smallest node) of each of ``n`` nodes joined by ``left[i]`` —
    ``right[i]``: vectorised union-find (hook each edge's larger root under its smaller one,
    then compress every path), a few passes over flat arrays whatever the graph's size."""
    parent = np.arange(n, dtype=np.int64)
    while True:
        a, b = parent[left], parent[right]
        differ = a != b
        if not differ.any():
            return parent
        low, high = np.minimum(a[differ], b[differ]), np.maximum(a[differ], b[differ])
        np.minimum.at(parent, high, low)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def batches(membership: np.ndarray, max_nodes: int) -> Iterator[np.ndarray]:
    """Node indexes of components larger than one, whole components per batch, about
    ``max_nodes`` per batch (a larger component makes a batch on its own)."""
    sizes = np.bincount(membership)
    order = np.argsort(membership, kind="stable")
    order = order[sizes[membership[order]] > 1]
    if not len(order):
        return
    labels = membership[order]
    starts = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1]])
    bounds = np.r_[starts, len(order)]
    first = 0
    for i in range(1, len(bounds)):
        if bounds[i] - bounds[first] >= max_nodes or i == len(bounds) - 1:
            yield order[bounds[first] : bounds[i]]
            first = i


def cluster_store(
    store: Store,
    *,
    nodes_sql: str,
    edges_sql: str,
    threshold: float,
    must_link: list[tuple[str, str]],
    cannot_link: list[tuple[str, str]],
    fetch: Fetch,
    batch_nodes: int = BATCH_NODES,
    **options: Any,
) -> tuple[dict[str, list[str]], Counter]:
    """``cluster`` of the mentions of ``nodes_sql`` (one column) over the edges of
    ``edges_sql`` (mention_l, mention_r, p) at or above ``threshold``, whole components per
    batch; (clusters as ``ClusterResult.clusters`` gives them, refused merges by reason).

    ``fetch(batch_table)`` returns the batch's per-mention keyword arguments of ``cluster``
    (``hard_values``, ``names``, ``shared_ids``); ``options`` are passed as they are.
    """
    store.execute(
        f"CREATE OR REPLACE TEMP TABLE {NODES} AS SELECT mention_id, "
        "CAST(row_number() OVER (ORDER BY mention_id) - 1 AS BIGINT) AS ix "
        f"FROM ({nodes_sql}) n(mention_id)"
    )
    ids = store.execute(f"SELECT mention_id FROM {NODES} ORDER BY ix").fetchnumpy()["mention_id"]
    ids = np.asarray(ids, dtype=object)
    pairs = store.execute(
        f"""SELECT a.ix AS l, b.ix AS r FROM ({edges_sql}) e
            JOIN {NODES} a ON a.mention_id = e.mention_l
            JOIN {NODES} b ON b.mention_id = e.mention_r
            WHERE e.p >= ?""",
        [threshold],
    ).fetchnumpy()
    left = np.asarray(pairs["l"], dtype=np.int64)
    right = np.asarray(pairs["r"], dtype=np.int64)
    del pairs
    if must_link:
        index = {m: i for i, m in enumerate(ids)}
        linked = [(index[a], index[b]) for a, b in must_link if a in index and b in index]
        if linked:
            left = np.r_[left, [a for a, _ in linked]].astype(np.int64)
            right = np.r_[right, [b for _, b in linked]].astype(np.int64)
        del index
    membership = components(len(ids), left, right)
    del left, right

    clusters: dict[str, list[str]] = {}
    refused: Counter = Counter()
    in_batch = np.zeros(len(ids), dtype=bool)
    for part in batches(membership, batch_nodes):
        in_batch[part] = True
        members = ids[part]
        store.execute(f"CREATE OR REPLACE TEMP TABLE {BATCH} (mention_id VARCHAR)")
        frame = pd.DataFrame({"mention_id": members})
        store.connection.register("_cl_frame", frame)
        store.execute(f"INSERT INTO {BATCH} SELECT mention_id FROM _cl_frame")
        store.connection.unregister("_cl_frame")
        edges = store.query(
            f"SELECT mention_l, mention_r, p FROM ({edges_sql}) e "
            f"WHERE p >= ? AND mention_l IN (SELECT mention_id FROM {BATCH})",
            [threshold],
        )
        result = cluster(
            sorted(members),
            edges,
            threshold=threshold,
            must_link=must_link,
            cannot_link=cannot_link,
            **fetch(BATCH),
            **options,
        )
        refused.update(result.refused)
        clusters.update(result.clusters())
        del edges, result
    for i in np.flatnonzero(~in_batch):
        clusters[ids[i]] = [ids[i]]
    store.execute(f"DROP TABLE IF EXISTS {BATCH}")
    store.execute(f"DROP TABLE IF EXISTS {NODES}")
    return clusters, refused
