"""Disjoint sets (union-find): resolution clusters, merge forests, burner chains and dismantling
curves all ask "which group is this in?" the same way."""

from __future__ import annotations

from collections.abc import MutableMapping, MutableSequence
from typing import Any


def find(parent: MutableMapping[Any, Any] | MutableSequence[Any], x: Any) -> Any:
    """The root of ``x``'s set, halving the path on the way (``parent[x]`` must exist)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
