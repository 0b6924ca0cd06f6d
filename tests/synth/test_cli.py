"""`eslabon synth` writes a world and refuses to overwrite a folder that is not one."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from eslabon.cli.app import app


def test_synth_command(tmp_path: Path) -> None:
    out = tmp_path / "w"
    result = CliRunner().invoke(app, ["synth", str(out), "--seed", "3", "--scale", "0.1"])
    assert result.exit_code == 0, result.output
    assert (out / "truth" / "mentions.csv").is_file()
    assert len(list((out / "sources").iterdir())) >= 8
    assert "rows" in result.output
    again = CliRunner().invoke(app, ["synth", str(out), "--seed", "3", "--scale", "0.1"])
    assert again.exit_code == 0  # re-running over a world is fine


def test_synth_refuses_foreign_folder(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(app, ["synth", str(tmp_path), "--scale", "0.1"])
    assert result.exit_code != 0
    assert (tmp_path / "precious.txt").read_text() == "keep me"
