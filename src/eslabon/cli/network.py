"""`eslabon network`: build the person network, find the criminal networks, infer roles, rank."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from eslabon.cli.app import StoreOption, acting, app, console, err_console, stage_spinner
from eslabon.evaluate import network as _network_sections  # noqa: F401  (registers eval sections)
from eslabon.network.analyse import run_network
from eslabon.network.rules import load_rules


@app.command("network")
def network(
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Rules YAML (default: the shipped one).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Targets ranked per network.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Build the typed, timed network from resolved entities and links; detect networks and roles."""
    parsed = load_rules(rules)
    # A pipeline stage run by operators: allowed by the `ingest` permission.
    with (
        acting(store, "ingest", "network", rules=str(rules or ""), top=top) as (st, _who, note),
        stage_spinner("network", console=err_console if as_json else console) as say,
    ):
        summary = run_network(st, rules=parsed, top=top, progress=say)
        note(networks=[n["network_id"] for n in summary["networks"]])
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2, default=str) + "\n")
        return
    b = summary["build"]
    console.print(
        f"[bold]{b['net_edges']:,}[/] links as entity edges "
        f"({b['links_unresolved']:,} left out: an end not resolved), "
        f"[bold]{b['person_edges']:,}[/] person ties between {summary['actors']:,} actors; "
        f"{summary['burner_links']} burner-phone links "
        f"({summary['burner_attributed']} attributed to a known user)"
    )
    table = Table(title="networks")
    for col in ("network", "kind", "people", "criminal anchors"):
        table.add_column(col)
    for n in summary["networks"]:
        table.add_row(n["network_id"], n["kind"], str(n["size"]), str(n["anchors"]))
    console.print(table)
    roles = ", ".join(f"{k} {v}" for k, v in summary["roles"].items())
    console.print(f"roles: {roles}")
    console.print("next: [bold]eslabon trace SEED[/] or [bold]eslabon disrupt[/]")
