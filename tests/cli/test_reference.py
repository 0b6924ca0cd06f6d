"""docs/cli.md is generated from the CLI; it must match the commands that exist."""

from __future__ import annotations

from pathlib import Path

from eslabon.cli.reference import cli_reference

DOC = Path(__file__).parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current():
    assert DOC.read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `.venv/bin/python -m eslabon.cli.reference > docs/cli.md`"
    )


def test_reference_lists_every_command_and_option():
    text = cli_reference()
    for command in ("ingest", "status", "quarantine", "synth", "resolve", "eval"):
        assert f"## `eslabon {command}`" in text
    assert "`--store`" in text
