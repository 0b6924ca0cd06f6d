"""`eslabon case`: bilingual case files for prosecutors, one actor's or a network's top targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from eslabon.cli.app import StoreOption, app, console, err_console, reading
from eslabon.errors import EslabonError

# Exit status when a file waits for the originator's approval: nothing failed, nothing written.
HELD_EXIT = 3

PurposeOption = Annotated[
    str | None,
    typer.Option(
        "--purpose",
        help="Why you need it: sent with a release request when the file holds another "
        "agency's originator-controlled statements.",
    ),
]


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
    purpose: PurposeOption = None,
    store: StoreOption = None,
) -> None:
    """Write a case file: identity, role, timeline, link chart, evidence and provenance.

    A file citing another agency's originator-controlled source is not written: a release
    request goes to that agency instead (exit status 3); once approved, the same command
    writes it."""
    from eslabon.access.release import write_cases
    from eslabon.report.case_file import network_targets
    from eslabon.resolve.explain import explanations_stored

    if lang not in ("en", "es", "both"):
        raise EslabonError(f"--lang '{lang}' is not one of en, es, both", field="lang")
    if fmt not in ("html", "pdf"):
        raise EslabonError(f"--format '{fmt}' is not one of html, pdf", field="format")
    if (entity is None) == (network is None):
        raise EslabonError(
            "pass either ENTITY or --network N", hint="eslabon case P-1a2b --lang es"
        )
    langs = ("en", "es") if lang == "both" else (lang,)
    with reading(store, "case", require=("read", "case"), purpose=purpose) as r:
        # Reading the main store itself, a merge nobody stored may be scored by Splink (which
        # needs a writable file); a view's case files explain what resolve stored.
        st = r.store
        if r.reads_main and not explanations_stored(st):
            st = r.writable_data()
        if network is None:
            with console.status("building the case file…"):
                written = write_cases(
                    r, entity=entity, langs=langs, fmt=fmt, out=out, purpose=purpose
                )
        else:
            nets = (
                [x[0] for x in st.query("SELECT network_id FROM networks ORDER BY 1")]
                if network == "all" and st.table_exists("networks")
                else [network]
            )
            n = sum(len(network_targets(st, net, top)) for net in nets) if nets else 0
            with Progress(
                TextColumn("case files"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console, transient=True,
            ) as bar:  # fmt: skip
                task = bar.add_task("cases", total=n)
                written = write_cases(
                    r, network=network, langs=langs, fmt=fmt, out=out, top=top,
                    purpose=purpose, progress=lambda: bar.advance(task),
                )  # fmt: skip
    for p in written.paths:
        console.print(str(p), highlight=False, soft_wrap=True)
    if written.held:
        err_console.print(f"[yellow]{escape(written.message())}[/]", highlight=False,
                          soft_wrap=True)  # fmt: skip
        raise typer.Exit(HELD_EXIT)
