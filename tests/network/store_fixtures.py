"""Store fixtures for the network stage: a tiny world, ingested, resolved by the oracle, built.

Imported by the store-backed test modules (the dismantling tests own conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eslabon.evaluate.oracle import resolve_from_truth
from eslabon.ingest.load import ingest
from eslabon.network.analyse import run_network
from eslabon.store import open_store
from tests.network.world import make_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_world(tmp_path_factory.mktemp("world") / "w")


@pytest.fixture(scope="module")
def built(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a store holding the tiny world with its network built."""
    path = tmp_path_factory.mktemp("store") / "ws.duckdb"
    with open_store(path) as st:
        ingest(st, world)
        resolve_from_truth(st, world / "truth")
        run_network(st)
    return path


@pytest.fixture
def st(built: Path):
    with open_store(built) as store:
        yield store
