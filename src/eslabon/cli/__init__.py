"""The command-line face of eslabon: thin commands over the pipeline's functions.

Each command group lives in its own module and registers itself on ``app``; importing them here
is what makes the commands exist.
"""

from __future__ import annotations

import sys

import click

from eslabon.cli.app import app, console
from eslabon.errors import EslabonError

# Command modules register themselves on import.
from eslabon.cli import ingest as _ingest  # noqa: F401, E402  isort: skip
from eslabon.cli import synth as _synth  # noqa: F401, E402  isort: skip


def main() -> None:
    """Entry point: run the app, turning user errors into a clear message and exit code 2."""
    try:
        app(standalone_mode=False)
    except EslabonError as err:
        console.print(f"[bold red]error:[/] {err.describe()}", highlight=False)
        sys.exit(2)
    except click.exceptions.Abort:
        console.print("[yellow]aborted[/]")
        sys.exit(130)
    except click.exceptions.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        console.print("[yellow]interrupted; the store is unchanged by the unfinished command[/]")
        sys.exit(130)
