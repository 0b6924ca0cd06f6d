"""A small synthetic world generated once per test session (scale 0.3 takes about a second)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eslabon.synth.model import World
from eslabon.synth.world import WorldReport, build_world, generate

SMALL_SCALE = 0.3


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WorldReport]:
    out = tmp_path_factory.mktemp("world")
    report = generate(out, seed=7, scale=SMALL_SCALE)
    return out, report


def read_truth(world: Path, name: str) -> list[dict[str, str]]:
    with (world / "truth" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def true_world() -> World:
    """The in-memory truth of a small world (no files), shared by the model-level tests."""
    return build_world(seed=5, scale=0.3)
