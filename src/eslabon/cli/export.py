"""`eslabon export`: entities and links for other tools (FtM, GraphML, GEXF, Neo4j, CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from eslabon.cli.app import StoreOption, app, console, store_path
from eslabon.store import open_store


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="ftm, graphml, gexf, neo4j or csv.")],
    out: Annotated[Path, typer.Option("--out", help="File (ftm/graphml/gexf) or folder.")],
    network: Annotated[
        str | None, typer.Option("--network", help="Only this network (needs `eslabon network`).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export resolved entities and links, with role, network and disruption rank when known."""
    from eslabon.exchange.export import export

    with (
        open_store(store_path(store), read_only=True) as st,
        console.status(f"exporting {fmt}…"),
    ):
        counts = export(st, fmt, out, network=network)
    summary = ", ".join(f"{v:,} {k}" for k, v in counts.items())
    console.print(f"{summary} written to [bold]{out}[/]", highlight=False)
