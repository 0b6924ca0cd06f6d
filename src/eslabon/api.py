"""The Python face of eslabon: a ``Workspace`` whose methods call the same functions as the CLI.

Each call opens the workspace file for its own duration (DuckDB allows one writer), so a notebook
can run `eslabon` commands in between. Tables come back as pandas DataFrames.

Like the CLI, every call acts as a user (``user=``; none needed in setup mode), reads through
that user's view of the data (``access.seam``) and leaves one entry in the audit log.
"""

from __future__ import annotations

import contextlib
import getpass
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from eslabon.access import guard
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.store.connection import Store, open_store


class Workspace:
    """A workspace file (DuckDB) and the pipeline's stages over it, as one user."""

    def __init__(self, path: str | Path, *, user: str | None = None) -> None:
        self.path = Path(path)
        self.user = user

    def __repr__(self) -> str:
        who = f", user={self.user!r}" if self.user else ""
        return f"Workspace({str(self.path)!r}{who})"

    @property
    def principal(self) -> Principal:
        """Who the calls act as: ``user``, or the local operator while no account exists."""
        from eslabon.access.identity import principal_for

        if not self.path.exists():
            return Principal.local_operator()
        with open_store(self.path, read_only=True) as st:
            try:
                return principal_for(st, self.user)
            except EslabonError as err:
                if self.user is None:
                    raise EslabonError(
                        "this workspace has accounts: say who you are",
                        hint="Workspace(path, user='…')",
                    ) from err
                raise

    def _remote(self) -> str:
        return f"python:{getpass.getuser()}@{socket.gethostname()}"

    @contextlib.contextmanager
    def _read(
        self, action: str, *, require: tuple[str, ...] = ("read",), **detail: Any
    ) -> Iterator[guard.Reading]:
        with guard.reading(
            self.path, self.principal, action, remote=self._remote(), require=require,
            detail=detail,
        ) as r:  # fmt: skip
            yield r

    @contextlib.contextmanager
    def _act(self, permission: str, action: str, **detail: Any) -> Iterator[tuple[Store, Any]]:
        with guard.acting(
            self.path, self.principal, permission, action, remote=self._remote(), detail=detail
        ) as (st, _principal, note):
            yield st, note

    # -- stages ------------------------------------------------------------------------------
    def ingest(self, path: str | Path, mapping: str | Path | None = None) -> pd.DataFrame:
        """Load a world folder (mappings/) or one data file with its mapping; one row per source."""
        from eslabon.ingest.load import ingest

        principal = self.principal
        with self._act("ingest", "ingest", path=str(path)) as (st, note):
            reports = ingest(
                st, Path(path), mapping=Path(mapping) if mapping else None, principal=principal
            )
            note(sources=[r.source_id for r in reports])
        return pd.DataFrame([r.__dict__ for r in reports])

    def resolve(
        self, *, full: bool = False, seed: int = 7, threshold: float | None = None
    ) -> dict[str, Any]:
        """Resolve mentions into entities (`eslabon resolve`)."""
        from eslabon.resolve.pipeline import run_resolve

        with self._act("ingest", "resolve", full=full, seed=seed) as (st, _note):
            return run_resolve(st, full=full, seed=seed, threshold=threshold).as_dict()

    def network(self, *, top: int = 10) -> dict[str, Any]:
        """Build the network, detect networks, infer roles and rank targets (`eslabon network`)."""
        from eslabon.network.analyse import run_network

        with self._act("ingest", "network", top=top) as (st, _note):
            return run_network(st, top=top)

    def trace(self, seed: str, **config: Any) -> dict[str, Any]:
        """The chain around a seed (`eslabon trace`); ``config`` as TraceConfig's fields."""
        from eslabon.network.trace import TraceConfig
        from eslabon.network.tracer import Tracer

        with self._read("trace", seed=seed, **config) as r:
            assert r.store is not None
            result = Tracer(r.store).trace(seed, TraceConfig(**config))
            r.note(**guard.trace_shown(result))
            return result

    def disrupt(self, network: str | None = None, *, top: int = 10) -> pd.DataFrame:
        """Prosecution targets, best first (`eslabon disrupt --network`), in the user's view."""
        from eslabon.network.store_disrupt import rank_stored

        with self._read("disrupt", network=network, top=top) as r:
            assert r.store is not None
            report = rank_stored(r.store, network=network, top=top, persist=False)
            r.note(**guard.disrupt_shown(report))
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
        purpose: str | None = None,
    ) -> list[Path]:
        """Write case files (`eslabon case`): one actor's, or a network's top targets + index.

        Raises ``ReleaseHeld`` (naming the release requests) when a file holds another agency's
        originator-controlled statements; the same call writes it once the request is approved.
        """
        from eslabon.access.release import ReleaseHeld, write_cases
        from eslabon.resolve.explain import explanations_stored

        if network is None and entity is None:
            raise ValueError("pass an entity or a network")
        langs = ("en", "es") if lang == "both" else (lang,)
        with self._read("case", require=("read", "case"), purpose=purpose) as r:
            assert r.store is not None
            if r.reads_main and not explanations_stored(r.store):
                r.writable_data()  # Splink re-scores merges in a scratch catalog
            written = write_cases(
                r, entity=entity, network=network, langs=langs, fmt=fmt,
                out=Path(out) if out else None, top=top, purpose=purpose,
            )  # fmt: skip
        if written.held:
            raise ReleaseHeld(written)
        return written.paths

    def export(
        self,
        fmt: str,
        out: str | Path,
        *,
        network: str | None = None,
        purpose: str | None = None,
    ) -> dict[str, int]:
        """Export entities and links (`eslabon export`): ftm, graphml, gexf, neo4j or csv.

        Raises ``ReleaseHeld`` as ``case`` does."""
        from eslabon.access.release import ReleaseHeld, write_export

        with self._read("export", require=("read", "export"), purpose=purpose) as r:
            written = write_export(r, fmt, Path(out), network=network, purpose=purpose)
        if written.held or written.counts is None:
            raise ReleaseHeld(written)
        return written.counts

    def status(self) -> dict[str, Any]:
        """Rows read, loaded and quarantined per source (`eslabon status`)."""
        from eslabon.ingest.status import status

        with self._read("status") as r:
            assert r.store is not None
            data = status(r.store)
            r.note(sources=[s["source_id"] for s in data["sources"]])
            return data

    # -- tables ------------------------------------------------------------------------------
    def entities(self, kind: str | None = None, network: str | None = None) -> pd.DataFrame:
        """Resolved entities with role, network, stage and rank when analysed."""
        from eslabon.exchange.graph import graph_data

        with self._read("entities", kind=kind, network=network) as r:
            assert r.store is not None
            nodes = graph_data(r.store, network).nodes
            nodes = nodes if kind is None else nodes[nodes["kind"] == kind].reset_index(drop=True)
            ids, total = guard.capped(nodes["entity_id"])
            r.note(entities=ids, entities_total=total)
        return nodes

    def links(self, kind: str | None = None, network: str | None = None) -> pd.DataFrame:
        """Links between resolved entities, each with its source file row and hash."""
        from eslabon.exchange.graph import graph_data

        with self._read("links", kind=kind, network=network) as r:
            assert r.store is not None
            data = graph_data(r.store, network)
            frame = pd.concat([data.edges, data.events], ignore_index=True)
            frame = frame.sort_values("link_id", ignore_index=True)
            frame = frame if kind is None else frame[frame["kind"] == kind]
            frame = frame.reset_index(drop=True)
            rows, total = guard.capped(
                f"{s}/{n}" for s, n in zip(frame["source_id"], frame["row_num"], strict=True)
            )
            r.note(statements=rows, statements_total=total)
        return frame

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Any read-only SQL over the user's view of the workspace, as a DataFrame."""
        with self._read("query", sql=sql) as r:
            assert r.store is not None
            frame = r.store.query_df(sql, params)
            r.note(rows=len(frame))
            return frame
