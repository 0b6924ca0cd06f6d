"""The Python face of eslabon: a ``Workspace`` whose methods call the same functions as the CLI.

Each call opens the workspace file for its own duration (DuckDB allows one writer), so a notebook
can run `eslabon` commands in between. Tables come back as pandas DataFrames.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from eslabon.store.connection import Store, open_store


class Workspace:
    """A workspace file (DuckDB) and the pipeline's stages over it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    def _open(self, *, write: bool = False) -> Store:
        return open_store(self.path, read_only=not write)

    # -- stages ------------------------------------------------------------------------------
    def ingest(self, path: str | Path, mapping: str | Path | None = None) -> pd.DataFrame:
        """Load a world folder (mappings/) or one data file with its mapping; one row per source."""
        from eslabon.ingest.load import ingest

        with self._open(write=True) as st:
            reports = ingest(st, Path(path), mapping=Path(mapping) if mapping else None)
        return pd.DataFrame([r.__dict__ for r in reports])

    def resolve(
        self, *, full: bool = False, seed: int = 7, threshold: float | None = None
    ) -> dict[str, Any]:
        """Resolve mentions into entities (`eslabon resolve`)."""
        from eslabon.resolve.pipeline import run_resolve

        with self._open(write=True) as st:
            return run_resolve(st, full=full, seed=seed, threshold=threshold).as_dict()

    def network(self, *, top: int = 10) -> dict[str, Any]:
        """Build the network, detect networks, infer roles and rank targets (`eslabon network`)."""
        from eslabon.network.analyse import run_network

        with self._open(write=True) as st:
            return run_network(st, top=top)

    def trace(self, seed: str, **config: Any) -> dict[str, Any]:
        """The chain around a seed (`eslabon trace`); ``config`` as TraceConfig's fields."""
        from eslabon.network.trace import TraceConfig
        from eslabon.network.tracer import Tracer

        with self._open() as st:
            return Tracer(st).trace(seed, TraceConfig(**config))

    def disrupt(self, network: str | None = None, *, top: int = 10) -> pd.DataFrame:
        """Prosecution targets, best first (`eslabon disrupt --network`)."""
        from eslabon.network.store_disrupt import rank_stored

        with self._open(write=True) as st:
            report = rank_stored(st, network=network, top=top)
        return pd.DataFrame(report["targets"])

    def case(
        self,
        entity: str | None = None,
        *,
        network: str | None = None,
        lang: str = "en",
        fmt: str = "html",
        out: str | Path | None = None,
        top: int = 5,
    ) -> list[Path]:
        """Write case files (`eslabon case`): one actor's, or a network's top targets + index."""
        from eslabon.report.case_file import write_case, write_network_cases

        langs = ("en", "es") if lang == "both" else (lang,)
        with self._open(write=True) as st:  # Splink re-scores merges in a scratch catalog
            if network is not None:
                return write_network_cases(
                    st, network, Path(out or "cases"), langs=langs, fmt=fmt, top=top
                )
            if entity is None:
                raise ValueError("pass an entity or a network")
            return write_case(st, entity, langs=langs, fmt=fmt, out=Path(out) if out else None)

    def export(self, fmt: str, out: str | Path, *, network: str | None = None) -> dict[str, int]:
        """Export entities and links (`eslabon export`): ftm, graphml, gexf, neo4j or csv."""
        from eslabon.exchange.export import export

        with self._open() as st:
            return export(st, fmt, Path(out), network=network)

    def status(self) -> dict[str, Any]:
        """Rows read, loaded and quarantined per source (`eslabon status`)."""
        from eslabon.ingest.status import status

        with self._open() as st:
            return status(st)

    # -- tables ------------------------------------------------------------------------------
    def entities(self, kind: str | None = None, network: str | None = None) -> pd.DataFrame:
        """Resolved entities with role, network, stage and rank when analysed."""
        from eslabon.exchange.graph import graph_data

        with self._open() as st:
            nodes = graph_data(st, network).nodes
        return nodes if kind is None else nodes[nodes["kind"] == kind].reset_index(drop=True)

    def links(self, kind: str | None = None, network: str | None = None) -> pd.DataFrame:
        """Links between resolved entities, each with its source file row and hash."""
        from eslabon.exchange.graph import graph_data

        with self._open() as st:
            data = graph_data(st, network)
        frame = pd.concat([data.edges, data.events], ignore_index=True)
        frame = frame.sort_values("link_id", ignore_index=True)
        return frame if kind is None else frame[frame["kind"] == kind].reset_index(drop=True)

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Any read-only SQL over the workspace, as a DataFrame."""
        with self._open() as st:
            return st.query_df(sql, params)
