"""A workspace too small to train the whole person model still resolves, and says what it could
not train: no pair met a deterministic rule (the prior) and no two people share a birth date."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eslabon.ingest.load import ingest
from eslabon.resolve.pipeline import run_resolve
from eslabon.resolve.splink_engine import INPUT_TABLE, MIN_EM_PAIRS, block_pairs
from eslabon.store import open_store
from tests.conftest import run_cli
from tests.network.world import make_world


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The network tests' tiny world, ingested: 152 person mentions, no birth dates."""
    folder = tmp_path_factory.mktemp("small")
    world = make_world(folder / "w")
    with open_store(folder / "ws.duckdb") as st:
        ingest(st, world)
    return folder / "ws.duckdb"


def test_a_small_workspace_resolves_and_names_what_it_could_not_train(small: Path) -> None:
    with open_store(small) as st:
        report = run_resolve(st, seed=7)
        notes = st.query_one(
            "SELECT notes FROM linkage_models WHERE model_id = ?", [report.model_id]
        )
    assert report.entities["Person"] > 0
    assert report.untrained == [
        "the prior (no two records meet a deterministic rule)",
        "EM on `l.birth_date = r.birth_date` (only 0 pairs)",
    ]
    assert "too few records" in notes[0] and "birth_date" in notes[0]


def test_the_cli_tells_the_user_instead_of_failing(small: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ws.duckdb"
    copy.write_bytes(small.read_bytes())
    out = run_cli("resolve", "--store", str(copy), "--full")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "too few records to train all of the person model" in " ".join(out.stdout.split())
    data = json.loads(run_cli("resolve", "--store", str(copy), "--full", "--json").stdout)
    assert any("prior" in x for x in data["untrained"])


def test_block_pairs_stops_counting_at_the_cap(small: Path) -> None:
    with open_store(small) as st:
        st.execute(
            f"CREATE TEMP TABLE {INPUT_TABLE} AS SELECT * FROM (VALUES (1, 'A'), (2, 'A'), "
            "(3, 'A'), (4, 'B')) t(unique_id, paternal)"
        )
        rule = "l.paternal = r.paternal"
        assert block_pairs(st, rule, cap=MIN_EM_PAIRS) == 3
        assert block_pairs(st, rule, cap=2) == 2
        assert block_pairs(st, "l.paternal = 'none'", cap=1) == 0
