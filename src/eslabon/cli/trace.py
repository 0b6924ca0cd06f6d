"""`eslabon trace SEED`: the chain around one seed, in time order, with evidence and money."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.table import Table

from eslabon.access.guard import trace_shown
from eslabon.cli.app import StoreOption, app, console, reading
from eslabon.network.trace import TraceConfig
from eslabon.network.tracer import Tracer


@app.command("trace")
def trace_cmd(
    seed: Annotated[str, typer.Argument(help="Entity id, phone, plate, VIN or name.")],
    hops: Annotated[int, typer.Option("--hops", min=1, help="Most hops from the seed.")] = 10,
    window: Annotated[
        float, typer.Option("--window", min=0.5, help="Days allowed between consecutive events.")
    ] = 365.0,
    horizon: Annotated[
        float, typer.Option("--horizon", min=1, help="Days before/after the seed moment.")
    ] = 1100.0,
    top: Annotated[int | None, typer.Option("--top", min=1, help="Show only the top N.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Trace the chain backwards and forwards from SEED along time-respecting paths."""
    config = TraceConfig(max_hops=hops, hop_window_days=window, horizon_days=horizon, top=top)
    with reading(store, "trace", seed=seed, hops=hops, window=window, horizon=horizon, top=top) as (
        st,
        _principal,
        note,
    ):
        result = Tracer(st).trace(seed, config)
        note(**trace_shown(result))
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    _print(result)


def _print(result: dict[str, Any]) -> None:
    s = result["seed"]
    console.print(
        f"seed [bold]{s['caption']}[/] ({s['kind']} {s['entity_id']}, matched by "
        f"{s['matched_by']}), moment {s['anchor'] or 'unknown'}"
    )
    table = Table(title=f"chain: {len(result['actors'])} actors, strongest first")
    for col in ("actor", "role", "stage", "network", "strength", "dir", "how reached"):
        table.add_column(col, overflow="fold")
    for a in result["actors"]:
        path = a["path"][-1] if a["path"] else None
        how = "seed"
        if path:
            ev = path["evidence"][0] if path["evidence"] else {}
            how = f"{path['via']} {path['at'] or ''} ← {path['from_id']}" + (
                f"\n{ev.get('source')} row {ev.get('row')}" if ev else ""
            )
        table.add_row(
            f"{a['name']}\n{a['entity_id']}",
            a["role"] or "?",
            a["stage"] or "",
            a["network"] or "",
            f"{a['strength']:.2f}",
            a["direction"],
            how,
        )
    console.print(table)
    if result["money"]:
        money = Table(title="money flow")
        for col in ("from", "to", "amount", "payments", "first", "last", "sources"):
            money.add_column(col, overflow="fold")
        for m in result["money"][:20]:
            money.add_row(
                m["from_name"],
                m["to_name"],
                f"{m['amount']:,.2f} {m['currency'] or ''}",
                str(m["payments"]),
                m["first"] or "",
                m["last"] or "",
                ", ".join(m["sources"]),
            )
        console.print(money)
    if result.get("associates"):
        console.print(
            "in the network but not judged crew (associates, not followed): "
            + "; ".join(
                f"{a['name'] or 'no name on record'} ({a['entity_id']})"
                for a in result["associates"][:20]
            )
            + (
                f" and {len(result['associates']) - 20} more"
                if len(result["associates"]) > 20
                else ""
            )
        )
    ex = result["excluded"]
    if ex:
        console.print(
            "kept out: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(ex.items()))
        )
