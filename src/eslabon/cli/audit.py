"""`eslabon audit`: verify the tamper-evident audit log, review who looked at whom, checkpoint it.

Only auditors read the log (setup mode may too), and every reading is itself an audit entry.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from eslabon.access import audit as audit_log
from eslabon.access.principal import cli_origin
from eslabon.cli.app import StoreOption, acting_principal, app, console, store_path
from eslabon.errors import EslabonError
from eslabon.store import Store, open_store

audit_app = typer.Typer(
    help="The tamper-evident audit log: verify it, review it, checkpoint it (auditors only).",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")


def _open(store: Path | None) -> Store:
    """The workspace, writable (reading the log is audited), never created by a typo."""
    path = store_path(store)
    if not path.exists():
        raise EslabonError("no workspace here", file=str(path), hint="check --store")
    return open_store(path)


def _read(st: Store, what: str, **detail: Any) -> None:
    """Auditors only (setup mode too); the reading, or the refusal, is itself an entry."""
    audit_log.authorize_read(st, acting_principal(st), what, remote=cli_origin(), detail=detail)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EslabonError(
            f"not a day: {value!r}", field=option, hint="write it as YYYY-MM-DD"
        ) from None


def _dump(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


@audit_app.command("verify")
def verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Recompute every entry and checkpoint; exit 1, naming what was altered, if tampered with."""
    with _open(store) as st:
        _read(st, "verify")
        # The verifier's view becomes the newest witness (a damaged log is not signed).
        audit_log.checkpoint_if_due(st, force=True)
        result = audit_log.verify(st)
    if as_json:
        _dump(result.to_dict())
    else:
        state = "[bold green]intact[/]" if result.ok else "[bold red]TAMPERED[/]"
        console.print(
            f"audit log {state}: {result.entries:,} entries, "
            f"{result.checkpoints:,} checkpoints checked"
        )
        for problem in result.problems:
            console.print(f"  [red]✗[/] {problem}", highlight=False)
        for note in result.notes:
            console.print(f"  [dim]{note}[/]", highlight=False)
    if not result.ok:
        raise typer.Exit(1)


@audit_app.command("report")
def report(
    since: Annotated[str, typer.Option("--since", help="First day (YYYY-MM-DD, UTC).")],
    until: Annotated[
        str | None, typer.Option("--until", help="Last day, inclusive (default: today).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the review as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """The weekly review: per user, actions by kind, the entities they viewed, denied attempts."""
    first = _day(since, "--since")
    last = _day(until, "--until") if until is not None else None
    if last is not None and last < first:
        raise EslabonError("--until is before --since", field="--until")
    with _open(store) as st:
        _read(st, "report", since=str(first), until=str(last) if last else None)
        users = audit_log.report(st, first, last)
        audit_log.checkpoint_if_due(st, force=True)
    if as_json:
        _dump({"since": str(first), "until": str(last) if last else None, "users": users})
        return
    period = f"{first} to {last or 'today'}"
    if not users:
        console.print(f"no audit entries from {period}")
        return
    table = Table(title=f"who looked at whom, {period}")
    for col in ("user", "agency", "entries", "actions", "entities viewed", "denied"):
        table.add_column(col)
    for u in users:
        actions = ", ".join(f"{k} {v}" for k, v in u["actions"].items())
        entities = ", ".join(u["entities"][:8]) + (
            f" (+{len(u['entities']) - 8})" if len(u["entities"]) > 8 else ""
        )
        denied = "; ".join(f"{d['action']} {d['outcome']} at {d['at_time']}" for d in u["denied"])
        table.add_row(
            u["username"], u["agency"] or "", str(u["entries"]), actions, entities, denied
        )
    console.print(table)


@audit_app.command("checkpoint")
def checkpoint(store: StoreOption = None) -> None:
    """Sign the log as it is now (tree size and root) into the table and the witness file."""
    with _open(store) as st:
        cp = audit_log.checkpoint(st)
    console.print(
        f"checkpoint at [bold]{cp.size:,}[/] entries, root {cp.root[:16]}…, "
        f"signed by key {cp.key_id[:16]}… at {cp.at_time}",
        highlight=False,
    )


@audit_app.command("tail")
def tail(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many entries.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print the entries as JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """The latest entries of the log, oldest first."""
    with _open(store) as st:
        _read(st, "tail", limit=limit)
        entries = audit_log.tail(st, limit)
        audit_log.checkpoint_if_due(st, force=True)
    if as_json:
        _dump(entries)
        return
    table = Table(title=f"last {len(entries)} audit entries")
    for col in ("seq", "time (UTC)", "user", "agency", "action", "outcome", "from", "entities"):
        table.add_column(col)
    for e in entries:
        at = datetime.fromisoformat(e["at_time"][:-1]).strftime("%Y-%m-%d %H:%M:%S")
        ents = ", ".join(e["entities"][:4]) + (" …" if len(e["entities"]) > 4 else "")
        table.add_row(
            str(e["seq"]),
            at,
            e["username"] or "",
            e["agency"] or "",
            e["action"],
            e["outcome"],
            e["remote"] or "",
            ents,
        )
    console.print(table)
