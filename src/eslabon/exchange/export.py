"""One entry point for every export format, shared by the CLI and the Python API."""

from __future__ import annotations

from pathlib import Path

from eslabon.errors import EslabonError
from eslabon.exchange.graph import graph_data
from eslabon.store.connection import Store

FORMATS = ("ftm", "graphml", "gexf", "neo4j", "csv")


def export(store: Store, fmt: str, out: Path, *, network: str | None = None) -> dict[str, int]:
    """Write ``fmt`` to ``out`` (a file for ftm/graphml/gexf, a folder for neo4j/csv); counts."""
    if fmt not in FORMATS:
        raise EslabonError(f"format '{fmt}' is not one of {', '.join(FORMATS)}", field="format")
    data = graph_data(store, network)
    if fmt in ("neo4j", "csv"):
        if out.exists() and not out.is_dir():
            raise EslabonError(f"{fmt} export writes a folder; this is a file", file=str(out))
    elif out.is_dir():
        raise EslabonError(f"{fmt} export writes a file; this is a folder", file=str(out))
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "ftm":
        from eslabon.exchange.ftm import write_ftm

        return write_ftm(store, data, out)
    if fmt == "graphml":
        from eslabon.exchange.graphml import write_graphml

        return write_graphml(data, out)
    if fmt == "gexf":
        from eslabon.exchange.gexf import write_gexf

        return write_gexf(data, out)
    if fmt == "neo4j":
        from eslabon.exchange.neo4j import write_neo4j

        return write_neo4j(data, out)
    from eslabon.exchange.csv_export import write_csv

    return write_csv(data, out)
