"""`eslabon disrupt`: whom to prosecute so the network is disrupted, with reasons and curves.

Edge-list mode (``--edges``) runs the store-independent core on a CSV (no workspace is read, so
there is nothing to audit); store mode ranks the networks found by ``eslabon network`` in the
reader's view and stores nothing (``eslabon network`` keeps the stored ranking current).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from eslabon.access.guard import disrupt_shown
from eslabon.cli.app import StoreOption, app, console, err_console
from eslabon.errors import EslabonError
from eslabon.network.disrupt_rank import compare_with_baselines
from eslabon.network.graph_io import read_edge_list


@app.command("disrupt")
def disrupt(
    edges: Annotated[
        Path | None,
        typer.Option(
            "--edges",
            help="Edge list CSV: source,target[,weight][,kind][,time] (',' or ';' or tab).",
        ),
    ] = None,
    roles: Annotated[
        Path | None,
        typer.Option("--roles", help="Roles CSV: node,role (a;b or a|b for several)."),
    ] = None,
    network: Annotated[
        str | None, typer.Option("--network", help="Network id in the store (store mode).")
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top",
            min=1,
            help="How many actors to rank in each network (store mode lists every network's "
            "first, then every network's second, …); in the edge list with --edges.",
        ),
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Also write the JSON here.")] = None,
    store: StoreOption = None,
) -> None:
    """Rank actors for removal and compare dismantling curves with degree, betweenness and CI."""
    if edges is None:
        if roles is not None:
            raise EslabonError(
                "--roles goes with --edges", hint="in store mode roles come from `eslabon network`"
            )
        _store_mode(network, store, top=top, as_json=as_json, out=out)
        return
    if network is not None:
        raise EslabonError(
            "--network and --edges are two different modes", hint="pass one of them, not both"
        )
    graph = read_edge_list(edges, roles=roles)
    status_console = err_console if as_json else console
    with status_console.status(f"ranking {graph.vcount()} actors and computing curves…"):
        report = compare_with_baselines(graph, top=top)
    report["input"] = {"edges": str(edges), "roles": str(roles) if roles else None}
    if out is not None:
        try:
            out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        except OSError as err:
            raise EslabonError(f"cannot write: {err.strerror}", file=str(out)) from None
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return
    _print_report(report)
    if out is not None:
        console.print(f"JSON written to [bold]{out}[/]")


def _store_mode(
    network: str | None, store: Path | None, *, top: int, as_json: bool, out: Path | None
) -> None:
    """Store-backed ranking over the networks of the reader's view (read-only: not stored)."""
    from eslabon.cli.app import reading, store_path
    from eslabon.network.store_disrupt import rank_stored

    if not store_path(store).exists():
        raise EslabonError(
            "no workspace here yet",
            file=str(store_path(store)),
            hint="store mode ranks the networks of `eslabon ingest`, `resolve` and "
            "`eslabon network`: run them first",
        )
    status_console = err_console if as_json else console
    with (
        reading(store, "disrupt", network=network, top=top) as (st, _principal, note),
        status_console.status("ranking prosecution targets…"),
    ):
        report = rank_stored(st, network=network, top=top, persist=False)
        note(**disrupt_shown(report))
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as err:
            raise EslabonError(f"cannot write: {err.strerror}", file=str(out)) from None
    if as_json:
        sys.stdout.write(text + "\n")
        return
    _print_targets(report)
    if out is not None:
        console.print(f"JSON written to [bold]{out}[/]")


def _print_targets(report: dict[str, Any]) -> None:
    networks = len({t["network"] for t in report["targets"]})
    several = networks > 1
    table = Table(
        title=f"prosecution targets ({len(report['targets'])}"
        + (f" in {networks} networks" if several else "")
        + "), best first",
        caption="victims are never ranked; each actor is scored on the network left after "
        "removing those of the same network ranked above"
        + ("; across networks: every network's first target, then every network's second, …"
           if several else ""),
    )  # fmt: skip
    for column in ("#", "actor", "role", "network", "score", "evidence", "why"):
        table.add_column(column, overflow="fold")
    for i, t in enumerate(report["targets"], start=1):
        table.add_row(
            str(i),
            f"{t['name']}\n{t['entity_id']}",
            t["role"] or "?",
            t["network"],
            f"{t['score']:.3f}",
            f"{t['evidence']['strength']:.2f}",
            "\n".join(t["reasons"][:4]),
        )
    console.print(table)
    if report["held_for_review"]:
        held = Table(title="held for a human decision (possibly coerced; not ranked)")
        for column in ("actor", "role", "network", "why"):
            held.add_column(column, overflow="fold")
        for h in report["held_for_review"]:
            held.add_row(
                f"{h['name']}\n{h['entity_id']}",
                h["role"] or "?",
                h["network"],
                "\n".join(h["reasons"][:3]),
            )
        console.print(held)


def _print_report(report: dict[str, Any]) -> None:
    ranking = report["ranking"]
    table = Table(
        title=f"eslabon ranking ({report['nodes']} actors, {report['edges']} ties)",
        caption="each actor is scored on the network left after removing those ranked above",
    )
    for column in ("#", "actor", "roles", "score", "evidence", "why"):
        table.add_column(column, overflow="fold")
    for e in ranking["entries"]:
        ev = e["evidence"]
        table.add_row(
            str(e["rank"]),
            e["name"],
            ", ".join(e["roles"]) or "?",
            f"{e['score']:.3f}",
            "—" if ev is None else f"{ev['strength']:.2f}",
            "\n".join(e["reasons"]),
        )
    console.print(table)
    if ranking["held_for_review"]:
        held = Table(title="held for a human decision (not ranked)")
        for column in ("actor", "roles", "score", "why"):
            held.add_column(column, overflow="fold")
        for e in ranking["held_for_review"]:
            held.add_row(
                e["name"], ", ".join(e["roles"]), f"{e['score']:.3f}", "\n".join(e["reasons"])
            )
        console.print(held)
    if ranking["never_ranked"]:
        console.print(
            f"never ranked (migrant/victim/associate): {len(ranking['never_ranked'])} people"
        )
    console.print(f"route capacity measured as: {ranking['capacity']}")

    curves = Table(title="dismantling curves (lower AUC = faster dismantling)")
    for column in ("order", "LCC AUC", "eff. AUC", "LCC after each removal", "efficiency"):
        curves.add_column(column, overflow="fold")
    for method, c in report["curves"].items():
        curves.add_row(
            method,
            f"{c['lcc_auc']:.3f}",
            f"{c['efficiency_auc']:.3f}",
            " ".join(f"{x:.2f}" for x in c["lcc"]),
            " ".join(f"{x:.2f}" for x in c["efficiency"]),
        )
    console.print(curves)
