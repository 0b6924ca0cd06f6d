"""`eslabon case`: bilingual case files for prosecutors, one actor's or a network's top targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eslabon.cli.app import StoreOption, app, console, store_path
from eslabon.errors import EslabonError
from eslabon.resolve.explain import explanations_stored
from eslabon.store import open_store
from eslabon.store.connection import Store


def open_for_cases(path: Path) -> Store:
    """Read-only when the latest model's explanations are stored (merges' waterfalls are read,
    nothing is written, other read-only commands may open the file too); writable only for an
    older workspace, whose merges Splink re-scores in a scratch catalog, or to upgrade one."""
    try:
        st = open_store(path, read_only=True)
    except EslabonError as err:
        if "schema is version" not in err.message:
            raise
        return open_store(path)  # an older schema: upgraded on a writable opening
    if explanations_stored(st):
        return st
    st.close()
    return open_store(path)


@app.command("case")
def case(
    entity: Annotated[
        str | None, typer.Argument(help="Entity id, retired id, mention id or exact name.")
    ] = None,
    network: Annotated[
        str | None,
        typer.Option(
            "--network", help="Write the files of this network's targets ('all': every network)."
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en, es or both.")] = "en",
    fmt: Annotated[str, typer.Option("--format", help="html or pdf.")] = "html",
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file, or folder (for --network).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Targets per network.")] = 5,
    store: StoreOption = None,
) -> None:
    """Write a case file: identity, role, timeline, link chart, evidence and provenance."""
    from eslabon.report.case_file import (
        build_case,
        network_targets,
        write_case,
        write_network_cases,
    )

    if lang not in ("en", "es", "both"):
        raise EslabonError(f"--lang '{lang}' is not one of en, es, both", field="lang")
    if fmt not in ("html", "pdf"):
        raise EslabonError(f"--format '{fmt}' is not one of html, pdf", field="format")
    if (entity is None) == (network is None):
        raise EslabonError(
            "pass either ENTITY or --network N", hint="eslabon case P-1a2b --lang es"
        )
    langs = ("en", "es") if lang == "both" else (lang,)
    with open_for_cases(store_path(store)) as st:
        if network is None:
            assert entity is not None
            with console.status("building the case file…"):
                build_case(st, entity)  # fail early, before any file, on an unknown entity
                paths = write_case(st, entity, langs=langs, fmt=fmt, out=out)
        else:
            networks = (
                [r[0] for r in st.query("SELECT network_id FROM networks ORDER BY 1")]
                if network == "all" and st.table_exists("networks")
                else [network]
            )
            if not networks:
                raise EslabonError("no networks found", hint="run `eslabon network` first")
            n = sum(len(network_targets(st, net, top)) for net in networks)
            with Progress(
                TextColumn("case files"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console, transient=True,
            ) as bar:  # fmt: skip
                task = bar.add_task("cases", total=n)
                paths = [
                    p
                    for net in networks
                    for p in write_network_cases(
                        st, net, out or Path("cases"), langs=langs, fmt=fmt, top=top,
                        progress=lambda: bar.advance(task),
                    )
                ]  # fmt: skip
    for p in paths:
        console.print(str(p), highlight=False, soft_wrap=True)
