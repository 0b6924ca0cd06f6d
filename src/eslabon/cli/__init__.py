"""The command-line face of eslabon: thin commands over the pipeline's functions.

Each command group lives in its own module and registers itself on ``app``; importing them here
is what makes the commands exist.
"""

from __future__ import annotations

import sys

from eslabon.cli.app import app, err_console
from eslabon.errors import EslabonError

# Command modules register themselves on import.
from eslabon.cli import ingest as _ingest  # noqa: F401  isort: skip
from eslabon.cli import synth as _synth  # noqa: F401  isort: skip
from eslabon.cli import resolve as _resolve  # noqa: F401  isort: skip
from eslabon.cli import disrupt as _disrupt  # noqa: F401  isort: skip
from eslabon.cli import network as _network  # noqa: F401  isort: skip
from eslabon.cli import trace as _trace  # noqa: F401  isort: skip
from eslabon.cli import case as _case  # noqa: F401  isort: skip
from eslabon.cli import export as _export  # noqa: F401  isort: skip
from eslabon.cli import serve as _serve  # noqa: F401  isort: skip
from eslabon.cli import show as _show  # noqa: F401  isort: skip
from eslabon.cli import users as _users  # noqa: F401  isort: skip
from eslabon.cli import labels as _labels  # noqa: F401  isort: skip
from eslabon.cli import views as _views  # noqa: F401  isort: skip
from eslabon.cli import audit as _audit  # noqa: F401  isort: skip
from eslabon.cli import releases as _releases  # noqa: F401  isort: skip


def main() -> None:
    """Entry point: run the app, turning user errors into a clear message and exit code 2."""
    try:
        app()  # usage errors are reported by typer itself, with exit code 2
    except EslabonError as err:
        err_console.print(f"[bold red]error:[/] {err.describe()}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print(
            "[yellow]interrupted; the store is unchanged by the unfinished command[/]"
        )
        sys.exit(130)
