"""`eslabon releases …`: release requests for originator-controlled data — list, approve, refuse."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from eslabon.access import audit, release
from eslabon.access.principal import Principal, cli_origin
from eslabon.cli.app import StoreOption, acting_principal, app, console, store_path
from eslabon.store import Store, open_store

releases_app = typer.Typer(
    name="releases",
    help="Release requests: files holding another agency's originator-controlled statements "
    "wait for that agency's approval.",
    no_args_is_help=True,
)
app.add_typer(releases_app, name="releases")


@contextlib.contextmanager
def _main(store: Path | None) -> Iterator[tuple[Store, Principal]]:
    """The main store (requests live there, not in views) and who acts; a signed checkpoint
    closes the command like every other."""
    path = store_path(store)
    principal = acting_principal(path)
    with open_store(path) as st:
        try:
            yield st, principal
        finally:
            audit.checkpoint_if_due(st, force=True)


@releases_app.command("list")
def list_cmd(
    store: StoreOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Your own requests, and those awaiting a decision of your agency."""
    with _main(store) as (st, principal):
        rows = release.list_requests(st, principal)
        audit.record(st, principal, "release.list", "ok", remote=cli_origin(),
                     detail={"requests": [r["request_id"] for r in rows]})  # fmt: skip
    if json_out:
        console.print_json(json.dumps(rows, default=str))
        return
    if not rows:
        console.print("no release requests")
        return
    table = Table(title="release requests")
    for col in ("id", "status", "subject", "originator", "sources", "requester", "decided"):
        table.add_column(col, overflow="fold")
    for r in rows:
        decided = f"{r['decided_by']}: {r['reason'] or ''}" if r["decided_by"] else ""
        table.add_row(
            r["request_id"],
            r["status"],
            r["subject"],
            r["originator"],
            ", ".join(r["sources"]),
            f"{r['requester']} ({r['requester_agency']})"
            + (f"\n{r['purpose']}" if r["purpose"] else ""),
            decided,
        )
    console.print(table)


def _decide(store: Path | None, request_id: str, approve: bool, reason: str | None) -> None:
    with _main(store) as (st, principal):
        row: dict[str, Any] = release.decide(
            st, principal, request_id, approve, reason, remote=cli_origin()
        )
    console.print(
        f"{row['request_id']} {row['status']}: {row['subject']} for {row['requester']} "
        f"({', '.join(row['sources'])})",
        highlight=False,
    )
    if approve:
        console.print(f"{row['requester']} may now run the same command again to write the file.")


@releases_app.command("approve")
def approve_cmd(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. REL-0001.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (optional).")] = None,
    store: StoreOption = None,
) -> None:
    """Approve a request awaiting your agency (investigators, prosecutors, administrators)."""
    _decide(store, request_id, True, reason)


@releases_app.command("refuse")
def refuse_cmd(
    request_id: Annotated[str, typer.Argument(help="Request id, e.g. REL-0001.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: the requester is told.")],
    store: StoreOption = None,
) -> None:
    """Refuse a request awaiting your agency; a refusal is final."""
    _decide(store, request_id, False, reason)
