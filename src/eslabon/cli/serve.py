"""`eslabon serve`: the analysts' web workspace over one workspace file."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated

import typer

from eslabon.cli.app import StoreOption, app, console, store_path
from eslabon.errors import EslabonError


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8765,
    read_only: Annotated[
        bool, typer.Option("--read-only", help="Refuse every change (review decisions, ingest).")
    ] = False,
    idle_release: Annotated[
        float,
        typer.Option(
            "--idle-release",
            min=0.1,
            help="Seconds without a request after which the workspace file is let go, so other "
            "eslabon commands can use it.",
        ),
    ] = 2.0,
    warm: Annotated[
        int,
        typer.Option(
            "--warm",
            min=0,
            help="Entity pages of the most-mentioned persons to build at start, besides the "
            "ranked targets' pages and traces and the network, targets, sources and review "
            "pages.",
        ),
    ] = 500,
    store: StoreOption = None,
) -> None:
    """Serve search, entities, network, trace, targets, review and sources in a browser."""
    import uvicorn

    from eslabon.web.app import create_app, node_modules, run_warmup

    path = store_path(store)
    if not path.exists():
        raise EslabonError("no workspace here yet", file=str(path), hint="run `eslabon ingest`")
    _refuse_demo_accounts_off_loopback(path, host)
    web = create_app(path, read_only=read_only, idle_release=idle_release)
    threading.Thread(target=run_warmup, args=(web, warm), daemon=True).start()
    if node_modules() is None:
        console.print(
            "[yellow]Cytoscape.js is not installed: the network view needs `npm install` "
            "(or `make install`) in the repository[/]"
        )
    mode = " (read-only)" if read_only else ""
    console.print(f"eslabon workspace{mode}: [bold]http://{host}:{port}/[/]  (Ctrl+C stops)")
    uvicorn.run(web, host=host, port=port, log_level="warning")


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def _refuse_demo_accounts_off_loopback(path: Path, host: str) -> None:
    """Demo accounts have a known password and no second factor: they are for `make demo` on
    this machine, so a workspace holding any is served on loopback only."""
    from eslabon.store import open_store

    if host in LOOPBACK:
        return
    with open_store(path, read_only=True) as st:
        demo = [r[0] for r in st.query(
            "SELECT username FROM users WHERE demo AND locked_at IS NULL ORDER BY 1")]  # fmt: skip
    if demo:
        raise EslabonError(
            f"this workspace has demo accounts without a second factor ({', '.join(demo[:5])}"
            f"{', …' if len(demo) > 5 else ''}): it is served on 127.0.0.1 only",
            hint="lock them (`eslabon users lock NAME --reason …`) or serve on --host 127.0.0.1",
        )
