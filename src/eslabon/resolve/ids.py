"""Stable entity ids across re-runs, new data, merges and splits.

A new cluster's id is a hash of its kind and its smallest member mention id, so re-running on the
same data reproduces the same ids. Before minting, each cluster tries to *inherit* an id from the
previous run: previous entities and new clusters are paired greedily by how many mentions they
share (largest overlap first, ties by id), each old id going to at most one cluster. So an entity
keeps its id when unrelated data arrive, when it gains members, and when the model changes a
little. An old id that no cluster inherits is retired with redirects in ``entity_history``:
``merged`` (all its mentions now in one entity), ``split`` (several) or ``dropped`` (its sources
were superseded). ``resolve_id`` follows these redirects.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping

from eslabon.store.connection import Store

PREFIX = {
    "Person": "P",
    "Organization": "O",
    "Phone": "T",
    "Vehicle": "V",
    "Address": "D",
    "Account": "C",
    "IdentityDocument": "I",
}


def mint_id(kind: str, anchor: str, salt: int = 0) -> str:
    """Deterministic id from the kind and a member mention id (``salt`` breaks collisions)."""
    digest = hashlib.sha256(f"{kind}\x00{anchor}\x00{salt}".encode()).hexdigest()[:12]
    return f"{PREFIX.get(kind, 'E')}-{digest}"


def assign_ids(
    kind: str,
    clusters: Mapping[str, list[str]],
    previous: Mapping[str, str],
    taken: set[str] | None = None,
) -> tuple[dict[str, str], list[tuple[str, str | None, str]]]:
    """Ids for ``clusters`` (key -> member mentions) given ``previous`` (mention -> old id).

    Returns (cluster key -> entity id, history rows (old_id, new_id, event)). ``taken`` holds ids
    used elsewhere that must not be minted again (e.g. other kinds' or retired ids).
    """
    overlap: Counter = Counter()
    for key, mentions in clusters.items():
        for m in mentions:
            old = previous.get(m)
            if old is not None:
                overlap[(key, old)] += 1
    ids: dict[str, str] = {}
    inherited: set[str] = set()
    for (key, old), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0])):
        if key in ids or old in inherited:
            continue
        ids[key] = old
        inherited.add(old)
    used = set(taken or ()) | inherited
    for key in sorted(clusters, key=lambda k: min(clusters[k])):
        if key in ids:
            continue
        anchor = min(clusters[key])
        salt = 0
        while (new := mint_id(kind, anchor, salt)) in used:
            salt += 1
        ids[key] = new
        used.add(new)

    # Where did each old id's mentions go?
    went: dict[str, set[str]] = {}
    for key, mentions in clusters.items():
        for m in mentions:
            old = previous.get(m)
            if old is not None:
                went.setdefault(old, set()).add(ids[key])
    history: list[tuple[str, str | None, str]] = []
    # A kept id that lost members to new entities: record the split-off part too.
    for old in sorted(inherited):
        history.extend((old, t, "split") for t in sorted(went.get(old, set()) - {old}))
    for old in sorted(set(previous.values()) - inherited):
        targets = sorted(went.get(old, set()))
        if not targets:
            history.append((old, None, "dropped"))
        elif len(targets) == 1:
            history.append((old, targets[0], "merged"))
        else:
            history.extend((old, t, "split") for t in targets)
    return ids, history


def resolve_id(store: Store, some_id: str) -> list[str]:
    """Current entity id(s) for an entity id (current or retired) or a mention id."""
    if store.query_one("SELECT 1 FROM entities WHERE entity_id = ?", [some_id]):
        return [some_id]
    row = store.query_one("SELECT entity_id FROM entity_mentions WHERE mention_id = ?", [some_id])
    if row:
        return [row[0]]
    current: set[str] = set()
    seen = {some_id}
    frontier = [some_id]
    while frontier:
        nxt: list[str] = []
        for old in frontier:
            for (new,) in store.query(
                "SELECT new_id FROM entity_history WHERE old_id = ? AND new_id IS NOT NULL", [old]
            ):
                if new in seen:
                    continue
                seen.add(new)
                if store.query_one("SELECT 1 FROM entities WHERE entity_id = ?", [new]):
                    current.add(new)
                else:
                    nxt.append(new)
        frontier = nxt
    return sorted(current)
