"""`eslabon labels list|set`: the security label of each source (docs/access.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.table import Table

from eslabon.access import audit
from eslabon.access.labels import caveat_text, parse_label, stored_labels, write_label
from eslabon.access.principal import cli_origin
from eslabon.access.views import visible_sources
from eslabon.cli.app import StoreOption, acting_principal, app, console, store_path
from eslabon.cli.views import acting
from eslabon.errors import EslabonError
from eslabon.ingest.mapping import _LineLoader
from eslabon.store import open_store

labels_app = typer.Typer(
    name="labels",
    help="Security labels of the sources: who each may be released to.",
    no_args_is_help=True,
)
app.add_typer(labels_app, name="labels")


@labels_app.command("list")
def list_cmd(
    lang: Annotated[str, typer.Option("--lang", help="Caveat language: en or es.")] = "en",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    store: StoreOption = None,
) -> None:
    """Every source you may see with its label, who set it and how (administrators: every
    source). A source's name is itself a statement: others' sources are not listed."""
    path = store_path(store)
    with open_store(path) as st:
        principal = acting_principal(st)
        if not (principal.can("labels") or principal.can("read")):
            audit.record(st, principal, "label.list", "denied", remote=cli_origin())
            principal.require("read")
        labels = stored_labels(st)
        names = [r[0] for r in st.query("SELECT DISTINCT name FROM sources ORDER BY 1")]
        if not principal.can("labels"):
            seen = set(visible_sources(st, principal))
            names = sorted({r[0] for r in st.query(
                "SELECT name FROM sources WHERE list_contains(?, source_id)", [sorted(seen)])})  # fmt: skip
            labels = {n: v for n, v in labels.items() if n in names}
        audit.record(st, principal, "label.list", "ok", remote=cli_origin(),
                     detail={"sources": len(set(names) | set(labels))})  # fmt: skip
        audit.checkpoint_if_due(st, force=True)
    rows = []
    for name in sorted(set(names) | set(labels)):
        s = labels.get(name)
        rows.append({
            "source": name,
            "label": None if s is None else s.label.as_dict(),
            "caveat": "unlabelled: visible only in setup mode" if s is None
            else caveat_text(s.label, lang),
            "origin": None if s is None else s.origin,
            "set_by": None if s is None else s.set_by,
            "set_at": None if s is None else str(s.set_at),
        })  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title="source labels")
    for col in ("source", "caveat", "set by"):
        table.add_column(col, overflow="fold")
    for r in rows:
        by = "" if r["set_by"] is None else f"{r['set_by']} ({r['origin']})"
        table.add_row(r["source"], r["caveat"], by)
    console.print(table)


def read_label_file(path: Path):
    """A label from a YAML file holding the label's keys (or one `label:` key around them)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise EslabonError(f"cannot read the label file: {err.strerror}", file=str(path)) from None
    try:
        raw = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise EslabonError(
            f"not valid YAML: {getattr(err, 'problem', err)}",
            file=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    if isinstance(raw, dict) and set(raw) == {"label"}:
        return parse_label(raw["label"], path, getattr(raw, "lines", {}).get("label"))
    return parse_label(raw, path, 1)


@labels_app.command("set")
def set_cmd(
    source: Annotated[str, typer.Argument(help="Source name, e.g. uif_transferencias.")],
    file: Annotated[Path, typer.Option("--file", help="YAML file with the label.")],
    store: StoreOption = None,
) -> None:
    """Change a source's label (administrators; audited as label.set). Views follow at once."""
    path = store_path(store)
    label = read_label_file(file)
    with open_store(path) as st:
        principal = acting(st)
        principal.require("labels")
        if not st.query_one("SELECT 1 FROM sources WHERE name = ? LIMIT 1", [source]):
            raise EslabonError(
                f"no source named {source!r} in this workspace",
                field="SOURCE",
                hint="eslabon labels list shows the sources",
            )
        before = stored_labels(st).get(source)
        with st.transaction():
            write_label(st, source, label, set_by=principal.username, origin="command")
            audit.record(
                st,
                principal,
                "label.set",
                detail={
                    "source": source,
                    "label": label.as_dict(),
                    "before": None if before is None else before.label.as_dict(),
                    "origin": "command",
                },
                remote=cli_origin(),
            )
    console.print(f"{source}: {caveat_text(label)}", highlight=False)
