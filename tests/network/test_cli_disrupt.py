"""`eslabon disrupt --edges`: tables or JSON on good input; a clear message and exit 2 on bad."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EDGES = """source,target,weight,kind,time,note
a1,a2,1,Call,,x
a1,a3,2,Call,,
a2,a3,1,Call,,
a3,boss,1,Call,,
boss,b1,1,Payment,,
b1,b2,1,Call,,
b2,b3,1,Call,,
b1,b3,1,Call,,
b3,m1,1,Crossing,,
a1,m2,1,Recruitment,,
"""
ROLES = """node,role
a1,recruiter
a2,recruiter;victim
a3,guide
boss,coordinator
b1,driver
b2,driver
b3,stash_keeper
m1,migrant
m2,migrant
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a fresh interpreter, as a user would run it."""
    return subprocess.run(
        [sys.executable, "-c", "from eslabon.cli import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    edges = tmp_path / "edges.csv"
    roles = tmp_path / "roles.csv"
    edges.write_text(EDGES, encoding="utf-8")
    roles.write_text(ROLES, encoding="utf-8")
    return edges, roles


def test_json_and_out_file(files: tuple[Path, Path], tmp_path: Path) -> None:
    edges, roles = files
    out = tmp_path / "report.json"
    result = run(
        "disrupt",
        "--edges",
        str(edges),
        "--roles",
        str(roles),
        "--top",
        "3",
        "--json",
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == report
    ranking = report["ranking"]
    assert len(ranking["order"]) == 3
    assert not {"m1", "m2", "a2"} & set(ranking["order"])
    assert ranking["never_ranked"] == ["m1", "m2"]
    assert ranking["held_for_review"][0]["name"] == "a2"
    assert ranking["held_for_review"][0]["needs_human_decision"] is True
    for method in ("eslabon", "degree", "betweenness", "collective_influence"):
        curve = report["curves"][method]
        assert len(curve["lcc"]) == 4 and 0 <= curve["lcc_auc"] <= 1
    assert all(e["reasons"] for e in ranking["entries"])


def test_tables(files: tuple[Path, Path]) -> None:
    edges, roles = files
    result = run("disrupt", "--edges", str(edges), "--roles", str(roles), "--top", "2")
    assert result.returncode == 0, result.stderr
    for text in (
        "eslabon ranking",
        "held for a human decision",
        "dismantling curves",
        "collective_influence",
        # Look-ahead order: a3 and boss tie on LCC (5/9 then 3/9 vs 4/9 then 4/9); a3 first
        # leaves less efficiency.
        "removal leaves the largest connected group at 56%",
        "sole guide in the network",
    ):
        assert text in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("source,target,weight\na,b,1\nb,c,lots\n", "line 3, field 'weight'"),
        ("source,destination\na,b\n", "missing column 'target'"),
        ("", "empty file"),
    ],
)
def test_bad_input_is_a_clear_message_with_exit_2(
    tmp_path: Path, content: str, expected: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    result = run("disrupt", "--edges", str(bad))
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert expected in output
    assert str(bad.name) in output
    assert "Traceback" not in output


def test_store_mode_without_a_network_is_a_clear_error(tmp_path: Path) -> None:
    # Store mode needs `eslabon network` to have run; on an empty workspace it must say so.
    result = run("disrupt", "--network", "N1", "--store", str(tmp_path / "empty.duckdb"))
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert "eslabon network" in output
    assert "Traceback" not in output


def test_roles_without_edges_or_both_modes_are_refused(files: tuple[Path, Path]) -> None:
    edges, roles = files
    both = run("disrupt", "--edges", str(edges), "--network", "N1")
    assert both.returncode == 2 and "two different modes" in both.stdout + both.stderr
    lone = run("disrupt", "--roles", str(roles), "--network", "N1")
    assert lone.returncode == 2 and "--roles goes with --edges" in lone.stdout + lone.stderr
