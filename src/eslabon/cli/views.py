"""`eslabon views build|list`: the per-clearance views of a workspace (docs/access.md, "Views")."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from eslabon.access import identity
from eslabon.access.principal import Principal
from eslabon.access.seam import build_views_for_accounts
from eslabon.access.views import clearance, list_views, prune_views
from eslabon.cli.app import StoreOption, acting_principal, app, console, store_path
from eslabon.store import Store, open_store

views_app = typer.Typer(
    name="views",
    help="Per-clearance views: what each set of visible sources supports, rebuilt on demand.",
    no_args_is_help=True,
)
app.add_typer(views_app, name="views")


def acting(where: Path | Store) -> Principal:
    """The acting user of a CLI command (``--as`` / $ESLABON_USER; setup mode: local operator).
    Pass the open Store when the command holds one: the file cannot be opened twice."""
    return acting_principal(where)


@views_app.command("build")
def build_cmd(
    prune: Annotated[
        bool, typer.Option("--prune", help="Delete view files no account's clearance uses.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Build the view of every account's clearance (existing, current ones are kept)."""
    path = store_path(store)
    rows: list[dict] = []

    def built(key: str, view: Path, users: list[str], seconds: float | None) -> None:
        rows.append({"key": key, "path": str(view), "users": users,
                     "built_s": None if seconds is None else round(seconds, 2)})  # fmt: skip
        if not as_json:
            took = "present" if seconds is None else f"built in {seconds:.1f}s"
            console.print(f"{key}: {len(users)} user(s), {took}", highlight=False)

    with console.status("building views", spinner="dots") if not as_json else _nothing():
        result = build_views_for_accounts(path, built=built)
    removed = prune_views(path, [k for k, _, _ in result]) if prune else []
    if as_json:
        out = {"views": rows, "pruned": [str(p) for p in removed]}
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
        return
    if not result:
        console.print("no account may read data: no views to build (setup mode reads the store)")
    for p in removed:
        console.print(f"pruned {p}", highlight=False)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


@views_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Every view file, which accounts read it, and the accounts whose view is not built yet."""
    path = store_path(store)
    users_of: dict[str, list[str]] = {}
    with open_store(path, read_only=True) as st:
        for user in identity.list_users(st):
            if user["locked_at"] is not None:
                continue
            principal = identity.principal_for(st, user["username"])
            if not principal.can("read"):
                continue
            c = clearance(st, principal)
            key = "main" if c.everything else c.key
            users_of.setdefault(key, []).append(user["username"])
    files = {key: (p, size) for key, p, size in list_views(path)}
    rows = []
    for key in sorted(set(files) | set(users_of)):
        p, size = files.get(key, (path if key == "main" else None, None))
        rows.append({"key": key, "path": None if p is None else str(p), "bytes": size,
                     "users": users_of.get(key, []),
                     "state": "main store" if key == "main" else
                     ("missing" if key not in files else
                      ("current" if key in users_of else "unused"))})  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title=f"views of {path}")
    for col in ("key", "state", "size", "users"):
        table.add_column(col, overflow="fold")
    for r in rows:
        size = "" if r["bytes"] is None else f"{r['bytes'] / 1e6:.1f} MB"
        table.add_row(r["key"], r["state"], size, ", ".join(r["users"]))
    console.print(table)
