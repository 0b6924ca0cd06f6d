"""The typer application and shared CLI options, imported by every command module."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

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
