"""The reach ceiling: how much of a true network its records tie to the seed at all."""

from __future__ import annotations

import shutil
from pathlib import Path

from eslabon.evaluate import evaluate
from eslabon.evaluate.reach import reach_ceiling
from eslabon.store import open_store
from tests.network.store_fixtures import built, world  # noqa: F401


def test_ceiling_is_a_share_and_outsiders_only_widen_it(built: Path, world: Path) -> None:  # noqa: F811
    with open_store(built) as st:
        report = evaluate(st, world / "truth", only=["reach"])["reach"]
    nets = report["per_network"]
    assert nets, "the tiny world has a network"
    for n in nets:
        assert 0 < n["members_only"] <= n["via_one_outsider"] <= 1
    assert report["min_members_only"] == min(n["members_only"] for n in nets)


def test_cutting_the_ties_leaves_only_the_seeds_people(
    built: Path,  # noqa: F811
    world: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    with open_store(built) as st:
        intact = reach_ceiling(st, world / "truth")["per_network"][0]
    cut = tmp_path / "cut.duckdb"
    shutil.copy(built, cut)
    with open_store(cut) as st:
        st.execute("DELETE FROM person_edges")
        alone = reach_ceiling(st, world / "truth")["per_network"][0]
    # the truck's seed stands for the people stopped in it; with no ties nobody else is reached
    assert 0 < alone["members_only"] == alone["via_one_outsider"] < intact["members_only"]
    reached = round(alone["members_only"] * alone["recorded_members"])
    assert len(alone["unreachable"]) == min(20, alone["recorded_members"] - reached)
