"""`eslabon synth`: write a synthetic bilateral world with ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eslabon.cli.app import app, console


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write sources/, mappings/, truth/ into.")],
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same bytes.")] = 7,
    scale: Annotated[
        float, typer.Option(help="Multiplies population and number of networks (1 = demo).")
    ] = 1.0,
    force: Annotated[
        bool, typer.Option(help="Overwrite a non-empty folder that is not a synthetic world.")
    ] = False,
) -> None:
    """Generate a synthetic US–Mexico world (people, networks, 18 sources) with its truth."""
    from eslabon.synth.world import generate

    with Progress(
        TextColumn("{task.description:<32}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("synth", total=1.0)

        def progress(message: str, fraction: float) -> None:
            bar.update(task, description=message, completed=fraction)

        report = generate(out, seed=seed, scale=scale, force=force, progress=progress)
    table = Table(title=f"synthetic world (seed {seed}, scale {scale:g})")
    for col in ("source", "format", "country", "rows", "malformed", "duplicates"):
        table.add_column(
            col, justify="right" if col in ("rows", "malformed", "duplicates") else "left"
        )
    for s in report.sources:
        table.add_row(s.name, s.fmt, s.country, f"{s.rows:,}", str(s.malformed), str(s.duplicates))
    console.print(table)
    t = report.truth
    console.print(
        f"{report.rows:,} rows, {t.get('mentions', 0):,} mentions of {t.get('entities', 0):,} "
        f"entities, {t.get('networks', 0)} networks, {t.get('events', 0):,} events "
        f"in {report.seconds:.1f}s"
    )
    console.print(f"written to [bold]{out}[/]: sources/, mappings/, truth/, world.json")
