"""The typer application and shared CLI options, imported by every command module."""

from __future__ import annotations

import contextlib
import getpass
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from eslabon.access.principal import Principal

app = typer.Typer(
    name="eslabon",
    help="Trace smuggling, trafficking and drug networks across US and Mexican records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output (CI logs, `make demo | tee`) gets a wide fixed width instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 160
console = Console(width=_WIDTH)
err_console = Console(stderr=True, width=_WIDTH)

DEFAULT_STORE = "eslabon.duckdb"

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="Workspace file (DuckDB). Default: $ESLABON_STORE or ./eslabon.duckdb.",
        show_default=False,
    ),
]


_acting: dict[str, str | None] = {"user": None}


@app.callback()
def _global_options(
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="ESLABON_USER",
            help="Act as this eslabon user (needed once the workspace has accounts, unless "
            "your OS login name is an account). Default: $ESLABON_USER.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Options that apply to every command."""
    _acting["user"] = as_user


def acting_principal(store: Any) -> Principal:
    """Who this command acts as: the named local user (``--as``), or the local operator while the
    workspace has no accounts (setup mode). ``store`` is an open Store or a workspace path.

    The OS login is the CLI's credential: whoever can run eslabon on this machine can read the
    file anyway; naming the user is what puts clearance and the audit log on the CLI's reads."""
    from eslabon.access.identity import accounts_exist, principal_for
    from eslabon.store.connection import Store, open_store, upgrade_if_needed

    if isinstance(store, Store):
        return _principal_in(store, accounts_exist, principal_for)
    path = Path(store)
    if not path.exists():
        return Principal.local_operator()
    upgrade_if_needed(path)  # an older workspace cannot be read before it is upgraded
    with open_store(path, read_only=True) as st:
        return _principal_in(st, accounts_exist, principal_for)


def _principal_in(st: Any, accounts_exist: Any, principal_for: Any) -> Principal:
    from eslabon.errors import EslabonError

    if not accounts_exist(st):
        return Principal.local_operator()
    if _acting["user"]:
        return principal_for(st, _acting["user"])
    login = getpass.getuser()
    try:
        return principal_for(st, login)
    except EslabonError as err:
        if not err.message.startswith("unknown user"):
            raise
        raise EslabonError(
            "this workspace has accounts: say who you are "
            f"(your OS login {login!r} is not one of them)",
            hint="eslabon --as USER … or set $ESLABON_USER",
        ) from None


@contextlib.contextmanager
def reading(
    store: Path | None, action: str, *, require: tuple[str, ...] = ("read",), **detail: Any
) -> Iterator[Any]:
    """A read command: yields a ``Reading`` that unpacks as ``(store, principal, note)``.

    ``store`` is the principal's view (read-only, from ``access.seam.open_for``); ``note(
    entities=…, statements=…, **detail)`` collects what the command showed. When the command
    ends, one audit entry (ok, failed or denied: a refused permission is logged, then reported
    as usual) goes to the main store, followed by a signed checkpoint."""
    from eslabon.access import guard
    from eslabon.access.principal import cli_origin

    path = store_path(store)
    principal = acting_principal(path)
    with guard.reading(
        path, principal, action, remote=cli_origin(), require=require, detail=detail
    ) as r:
        yield r


@contextlib.contextmanager
def acting(
    store: Path | None, permission: str, action: str, **detail: Any
) -> Iterator[tuple[Any, Principal, Callable[..., None]]]:
    """A command that writes the main store, allowed by ``permission``: yields ``(store,
    principal, note)``; the audit entry and a checkpoint follow in the same store."""
    from eslabon.access import guard
    from eslabon.access.principal import cli_origin

    path = store_path(store)
    principal = acting_principal(path)
    with guard.acting(path, principal, permission, action, remote=cli_origin(), detail=detail) as (
        st,
        who,
        note,
    ):
        yield st, who, note


def store_path(option: Path | None) -> Path:
    """The workspace file: --store, else $ESLABON_STORE, else ./eslabon.duckdb."""
    if option is not None:
        return option
    return Path(os.environ.get("ESLABON_STORE", DEFAULT_STORE))


@contextlib.contextmanager
def stage_spinner(
    first: str, *, console: Console = console, disable: bool = False
) -> Iterator[Callable[[str], None]]:
    """A spinner with elapsed time for a stage of unknown length; yields ``say(message)``."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=disable,
    ) as bar:
        task = bar.add_task(first, total=None)
        yield lambda message: bar.update(task, description=message)
