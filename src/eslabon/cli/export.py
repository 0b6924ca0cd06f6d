"""`eslabon export`: entities and links for other tools (FtM, GraphML, GEXF, Neo4j, CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from eslabon.cli.app import StoreOption, app, console, err_console, reading
from eslabon.cli.case import HELD_EXIT, PurposeOption


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="ftm, graphml, gexf, neo4j or csv.")],
    out: Annotated[Path, typer.Option("--out", help="File (ftm/graphml/gexf) or folder.")],
    network: Annotated[
        str | None, typer.Option("--network", help="Only this network (needs `eslabon network`).")
    ] = None,
    purpose: PurposeOption = None,
    store: StoreOption = None,
) -> None:
    """Export resolved entities and links, with role, network and disruption rank when known.

    What you may see is exported. If it holds another agency's originator-controlled
    statements, nothing is written until that agency approves the release request this
    creates (exit status 3); then the same command writes the file."""
    from eslabon.access.release import write_export

    with (
        reading(store, "export", require=("read", "export"), purpose=purpose) as r,
        console.status(f"exporting {fmt}…"),
    ):
        written = write_export(r, fmt, out, network=network, purpose=purpose)
    if written.counts is not None:
        summary = ", ".join(f"{v:,} {k}" for k, v in written.counts.items())
        console.print(f"{summary} written to [bold]{out}[/]", highlight=False)
    if written.held:
        err_console.print(f"[yellow]{escape(written.message())}[/]", highlight=False,
                          soft_wrap=True)  # fmt: skip
        raise typer.Exit(HELD_EXIT)
