"""`eslabon ingest`, `eslabon status`, `eslabon quarantine`: load sources and show what was loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eslabon.cli.app import StoreOption, acting, app, console, reading, store_path
from eslabon.ingest.load import ingest as run_ingest
from eslabon.ingest.status import quarantine as list_quarantine
from eslabon.ingest.status import status as store_status


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(help="A folder holding mappings/, or a data file.")],
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping YAML for a single data file.")
    ] = None,
    store: StoreOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load every source through its mapping; refused rows go to quarantine with a reason."""
    with (
        acting(store, "ingest", "ingest", path=str(path), mapping=str(mapping or "")) as (
            st,
            principal,
            note,
        ),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=json_out,
        ) as bar,
    ):
        tasks: dict[str, int] = {}

        def progress(source: str, done: int, total: int) -> None:
            if source not in tasks:
                tasks[source] = bar.add_task(source, total=total)
            bar.update(tasks[source], completed=done)

        reports = run_ingest(st, path, mapping=mapping, progress=progress, principal=principal)
        note(
            statements=[],
            sources=[
                {"source_id": r.source_id, "status": r.status, "loaded": r.rows_loaded,
                 "refused": r.rows_quarantined}
                for r in reports
            ],
        )  # fmt: skip
    if json_out:
        console.print_json(json.dumps([r.__dict__ for r in reports]))
        return
    table = Table(title="ingest")
    table.add_column("source", no_wrap=True)
    table.add_column("status")
    for col in ("read", "loaded", "refused", "mentions", "links"):
        table.add_column(col, justify="right")
    for r in reports:
        table.add_row(
            r.source_id,
            r.status,
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_quarantined:,}",
            f"{r.mentions:,}",
            f"{r.links:,}",
        )
    console.print(table)
    q = sum(r.rows_quarantined for r in reports if r.status == "loaded")
    if q:
        console.print(f"{q:,} rows quarantined: see `eslabon quarantine`")


@app.command()
def status(
    store: StoreOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
    all_versions: Annotated[
        bool, typer.Option("--all", help="Include superseded versions.")
    ] = False,
) -> None:
    """Per-source and total rows read, loaded and quarantined, and mentions by kind."""
    with reading(store, "status", all_versions=all_versions) as (st, _principal, note):
        data = store_status(st, all_versions=all_versions)
        note(sources=[s["source_id"] for s in data["sources"]])
    if json_out:
        console.print_json(json.dumps(data, default=str))
        return
    kinds = sorted(data["totals"]["mentions"])
    table = Table(title=f"workspace {store_path(store)}")
    table.add_column("source")
    for col in ("read", "loaded", "quarantined", *kinds):
        table.add_column(col, justify="right")
    for s in data["sources"]:
        table.add_row(
            s["source_id"],
            f"{s['rows_read']:,}",
            f"{s['rows_loaded']:,}",
            f"{s['rows_quarantined']:,}",
            *(f"{s['mentions'].get(k, 0):,}" for k in kinds),
        )
    t = data["totals"]
    table.add_row(
        "[bold]total",
        f"{t['rows_read']:,}",
        f"{t['rows_loaded']:,}",
        f"{t['rows_quarantined']:,}",
        *(f"{t['mentions'].get(k, 0):,}" for k in kinds),
        style="bold",
    )
    console.print(table)


@app.command()
def quarantine(
    source: Annotated[str | None, typer.Option(help="Only this source (name or id).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (0: all).")] = 200,
    store: StoreOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List refused rows with the reason each was refused."""
    with reading(store, "quarantine", source=source, limit=limit) as (st, _principal, note):
        rows = list_quarantine(st, source, limit or None)
        note(statements=[(r["source_id"], r["row_num"]) for r in rows])
    if json_out:
        console.print_json(json.dumps(rows, default=str))
        return
    if not rows:
        console.print("no quarantined rows")
        return
    table = Table(title="quarantine")
    for col in ("source", "row", "line", "field", "reason", "raw"):
        table.add_column(col, overflow="fold")
    for r in rows:
        raw = (r["raw"] or "")[:80]
        table.add_row(
            r["source_id"], str(r["row_num"]), str(r["line"]), r["field"] or "", r["reason"], raw
        )
    console.print(table)
