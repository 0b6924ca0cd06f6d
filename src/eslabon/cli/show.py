"""`eslabon show ENTITY_OR_NAME`: one actor as the acting user's clearance shows it."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Annotated, Any

import typer
from rich.table import Table

from eslabon.browse import current_entity, entity_detail
from eslabon.cli.app import StoreOption, app, console, reading
from eslabon.errors import EslabonError
from eslabon.network.seeds import find_seed_entity
from eslabon.store.connection import Store

COUNTERPARTS_SHOWN = 10


def find_entity(st: Store, query: str) -> tuple[str, str]:
    """(entity id, how it was found) for an entity or mention id, a phone, a plate or a name."""
    try:
        return current_entity(st, query.strip()), "id"
    except LookupError:
        pass
    try:
        return find_seed_entity(st, query)
    except EslabonError as err:  # the seed finder names trace's argument; this one is ENTITY
        raise EslabonError(err.message, field="ENTITY", hint=err.hint) from None


def summary(st: Store, query: str) -> dict[str, Any]:
    """What `show` prints, from ``browse.entity_detail`` on the reader's view."""
    entity_id, how = find_entity(st, query)
    d = entity_detail(st, entity_id)
    sources = Counter(e["source"] for e in d["evidence"])
    role = d["role"] or {}
    return {
        "entity_id": entity_id,
        "matched_by": how,
        "kind": d["kind"],
        "name": d["caption"],
        "names": [{"type": n["type"], "value": n["value"]} for n in d["names"]],
        "identifiers": [{"type": i["type"], "value": i["value"]} for i in d["identifiers"]],
        "role": role.get("role"),
        "network": role.get("network"),
        "stage": role.get("stage"),
        "counterparts": [
            {k: c[k] for k in ("entity_id", "caption", "role", "network", "via", "n_links")}
            for c in d["counterparts"][:COUNTERPARTS_SHOWN]
        ],
        "counterparts_total": len(d["counterparts"]),
        "timeline_events": len(d["timeline"]),
        "sources": dict(sorted(sources.items())),
        "statements": [f"{e['source_id']}/{e['row_num']}" for e in d["evidence"]],
    }


@app.command("show")
def show_cmd(
    entity: Annotated[
        str, typer.Argument(help="Entity id, mention id, phone, plate, VIN or name.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Show an actor as you may see it: names, identifiers, role, network, counterparts, sources."""
    with reading(store, "entity", command="show", query=entity) as (st, _principal, note):
        out = summary(st, entity)
        note(entities=[out["entity_id"]], statements=out["statements"])
    if as_json:
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    _print(out)


def counterparts_title(shown: int, total: int) -> str:
    """Say so when the table holds only the busiest counterparts (the list is cut at
    ``COUNTERPARTS_SHOWN``): a count of 11 over ten rows reads as a row gone missing."""
    if shown == total:
        return f"counterparts ({total})"
    return f"counterparts (the {shown} with most links, of {total})"


def _print(out: dict[str, Any]) -> None:
    console.print(
        f"[bold]{out['name']}[/] — {out['kind']} {out['entity_id']} (found by {out['matched_by']})"
    )
    if out["role"]:
        console.print(f"role {out['role']} in {out['network'] or 'no network'}"
                      f"{', ' + out['stage'] if out['stage'] else ''}")  # fmt: skip
    for title, items in (("names", out["names"]), ("identifiers", out["identifiers"])):
        if items:
            console.print(f"{title}: " + "; ".join(f"{i['value']} ({i['type']})" for i in items),
                          highlight=False)  # fmt: skip
    console.print(
        "sources: "
        + ", ".join(f"{s} ×{n}" for s, n in out["sources"].items())
        + f"; {out['timeline_events']} events on the timeline",
        highlight=False,
    )
    if out["counterparts"]:
        table = Table(title=counterparts_title(len(out["counterparts"]), out["counterparts_total"]))
        for col in ("actor", "role", "network", "via", "links"):
            table.add_column(col, overflow="fold")
        for c in out["counterparts"]:
            table.add_row(f"{c['caption']}\n{c['entity_id']}", c["role"] or "",
                          c["network"] or "", ", ".join(c["via"] or []), str(c["n_links"]))  # fmt: skip
        console.print(table)
