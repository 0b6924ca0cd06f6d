"""Small hand-made networks whose answers can be worked out on paper."""

from __future__ import annotations

import igraph as ig
import pytest


def named(graph: ig.Graph, roles: list[str] | None = None, prefix: str = "n") -> ig.Graph:
    """Name vertices n0, n1, … and attach roles ('a;b' for several)."""
    graph.vs["name"] = [f"{prefix}{i}" for i in range(graph.vcount())]
    roles = roles or [""] * graph.vcount()
    graph.vs["roles"] = [tuple(r for r in role.split(";") if r) for role in roles]
    return graph


@pytest.fixture
def star() -> ig.Graph:
    """Hub n0 with five leaves."""
    return named(ig.Graph.Star(6))


@pytest.fixture
def barbell() -> ig.Graph:
    """Two K4 cliques (n0–n3, n4–n7) joined through bridge node n8 (n0–n8–n4)."""
    g = ig.Graph.Full(4) + ig.Graph.Full(4)
    g.add_vertices(1)
    g.add_edges([(0, 8), (4, 8)])
    return named(g)


@pytest.fixture
def path4() -> ig.Graph:
    """n0 – n1 – n2 – n3."""
    return named(ig.Graph([(0, 1), (1, 2), (2, 3)]))


# Store-backed fixtures of the network stage (a tiny world, ingested, resolved, built).
from tests.network.store_fixtures import built, st, world  # noqa: E402, F401
