"""`eslabon users …`: agencies and accounts — add, list, lock, unlock, reset a password, bulk load."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pyotp
import typer
from rich.table import Table

from eslabon.access import identity
from eslabon.access.principal import ROLES, Principal, cli_origin
from eslabon.cli.app import StoreOption, acting_principal, app, console, store_path
from eslabon.errors import EslabonError
from eslabon.store import Store, open_store

users_app = typer.Typer(
    name="users",
    help="Agencies and user accounts (administrators only, or anyone in setup mode).",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _acting(st: Store) -> Principal:
    """Who runs this command; they must be allowed to manage users."""
    principal = acting_principal(st)
    principal.require("users")
    return principal


def _read_password(from_stdin: bool, what: str = "password") -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt(what.capitalize(), hide_input=True, confirmation_prompt=True)


def _show_totp(username: str, uri: str) -> None:
    console.print(
        f"second factor for [bold]{username}[/] — shown once, enter it in an authenticator app now:"
    )
    console.print(f"  TOTP secret: {pyotp.parse_uri(uri).secret}", highlight=False)
    console.print(f"  {uri}", highlight=False, soft_wrap=True)


@users_app.command("agency-add")
def agency_add_cmd(
    code: Annotated[str, typer.Argument(help="Agency code, e.g. CBP or UIF.")],
    name: Annotated[str, typer.Option("--name", help="Full name of the agency.")],
    country: Annotated[str, typer.Option("--country", help="USA or MEX.")],
    law_enforcement: Annotated[
        bool,
        typer.Option(
            "--law-enforcement/--not-law-enforcement",
            help="Whether it may see law-enforcement-sensitive sources.",
        ),
    ] = True,
    purpose: Annotated[
        list[str] | None,
        typer.Option("--purpose", help="A purpose it works under (repeatable)."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Add an agency, or change its name, country, law-enforcement flag or purposes."""
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        identity.add_agency(
            st,
            code,
            name,
            country,
            law_enforcement=law_enforcement,
            purposes=purpose or (),
            by=principal,
            remote=cli_origin(),
        )
    console.print(f"agency [bold]{code}[/] ({country}) is in place")


@users_app.command("agencies")
def agencies_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """List the agencies."""
    with open_store(store_path(store)) as st:
        _acting(st)
        rows = identity.list_agencies(st)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title=f"{len(rows)} agencies")
    for col in ("agency", "name", "country", "law enforcement", "purposes", "users"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["agency"],
            r["name"],
            r["country"],
            "yes" if r["law_enforcement"] else "no",
            ", ".join(r["purposes"]),
            str(r["users"]),
        )
    console.print(table)


@users_app.command("add")
def add_cmd(
    username: Annotated[str, typer.Argument(help="Log-on name.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    agency: Annotated[str, typer.Option("--agency", help="Agency code (see `users agencies`).")],
    full_name: Annotated[str | None, typer.Option("--full-name", help="Shown in lists.")] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Demo account: no second factor, short password allowed.")
    ] = False,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Add an account; prints its TOTP secret once (not for --demo accounts)."""
    with open_store(store_path(store)) as st:
        _acting(st)  # refuse before asking for a password
    password = _read_password(password_stdin)  # the store is not held open while a person types
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        uri = identity.add_user(
            st,
            username,
            role,
            agency,
            password,
            demo=demo,
            full_name=full_name,
            by=principal,
            remote=cli_origin(),
        )
    console.print(f"added [bold]{username}[/] ({role}, {agency}{', demo' if demo else ''})")
    if uri:
        _show_totp(username, uri)


@users_app.command("password")
def password_cmd(
    username: Annotated[str, typer.Argument(help="Whose password to set.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Set a new password for an account (an administrator's reset)."""
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        if principal.username == username:
            raise EslabonError(
                "set your own password in the web workspace, which asks for the current one",
                hint="or ask another administrator",
            )
    password = _read_password(password_stdin, "new password")
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        identity.change_password(st, username, password, by=principal, remote=cli_origin())
    console.print(f"password of [bold]{username}[/] changed")


@users_app.command("lock")
def lock_cmd(
    username: Annotated[str, typer.Argument(help="Account to lock.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept and audited).")],
    store: StoreOption = None,
) -> None:
    """Lock an account and end its sessions until an administrator unlocks it."""
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        identity.lock_user(st, username, by=principal, reason=reason, remote=cli_origin())
    console.print(f"locked [bold]{username}[/]: {reason}")


@users_app.command("unlock")
def unlock_cmd(
    username: Annotated[str, typer.Argument(help="Account to unlock.")],
    store: StoreOption = None,
) -> None:
    """Unlock an account (after a lockout or a lock)."""
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        was_locked = identity.unlock_user(st, username, by=principal, remote=cli_origin())
    console.print(f"unlocked [bold]{username}[/]" if was_locked else f"{username} was not locked")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@users_app.command("list")
def list_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """List the accounts: role, agency, second factor, lock, last log-on (never secrets)."""
    with open_store(store_path(store)) as st:
        _acting(st)
        rows = identity.list_users(st)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    table = Table(title=f"{len(rows)} accounts")
    for col in ("user", "role", "agency", "2FA", "locked", "last log-on", "created"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(
            r["username"] + (f"\n{r['full_name']}" if r["full_name"] else ""),
            r["role"],
            f"{r['agency']} ({r['country']})",
            "TOTP" if r["totp"] else "demo",
            f"{_when(r['locked_at'])}\n{r['locked_reason']}" if r["locked_at"] else "",
            _when(r["last_login"]),
            f"{_when(r['created_at'])} by {r['created_by']}",
        )
    console.print(table)


@users_app.command("load")
def load_cmd(
    file: Annotated[Path, typer.Argument(help="YAML with `agencies:` and `users:` lists.")],
    store: StoreOption = None,
) -> None:
    """Add agencies and accounts from a file, all or none; re-loading it changes nothing."""
    with open_store(store_path(store)) as st:
        principal = _acting(st)
        done = identity.load_accounts(st, file, by=principal, remote=cli_origin())
    console.print(
        f"{done['agencies']} agencies in place, {len(done['added'])} accounts added, "
        f"{len(done['present'])} already present"
    )
    for added in done["added"]:
        if added["totp_uri"]:
            _show_totp(added["username"], added["totp_uri"])
