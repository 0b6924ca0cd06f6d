"""Tracing against a store: seed lookup, the in-memory trace, then provenance and money flow.

``Tracer`` loads the person network once (the web workspace and the benchmark trace many seeds
with one); every step of an evidence path is then resolved to its source file, row and sha256.
"""

from __future__ import annotations

from typing import Any

from eslabon.network.analyse import load_results
from eslabon.network.graph import load_network
from eslabon.network.seeds import SeedIndex
from eslabon.network.trace import TraceConfig, TraceResult, trace
from eslabon.store.connection import Store


class Tracer:
    """A loaded network, ready to trace seeds."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.net = load_network(store)
        self.networks, self.roles, self.info = load_results(store, self.net)
        self.seeds = SeedIndex(store)

    def trace(self, query: str, config: TraceConfig | None = None) -> dict[str, Any]:
        """The full answer for one seed, as a JSON-ready dict."""
        seed = self.seeds.seed(query)
        result = trace(self.net, seed, self.info, config)
        return self.enrich(result)

    def enrich(self, result: TraceResult) -> dict[str, Any]:
        """Add source file/row/sha256 to every path step and amounts/direction to money."""
        out = result.to_dict()
        link_ids = sorted(
            {lid for a in out["actors"] for s in a["path"] for lid in s["link_ids"]}
            | {lid for m in out["money"] for lid in m["link_ids"]}
        )
        info = _links(self.store, link_ids)
        for actor in out["actors"]:
            for step in actor["path"]:
                step["evidence"] = [info[x] for x in step.pop("link_ids") if x in info]
        captions = dict(zip(self.net.ids, self.net.captions, strict=True))
        flows: dict[tuple[str, str, str], dict[str, Any]] = {}
        owners = _owners(
            self.store,
            {info[x]["subject"] for m in out["money"] for x in m["link_ids"] if x in info}
            | {info[x]["object"] for m in out["money"] for x in m["link_ids"] if x in info},
        )
        for m in out["money"]:
            for lid in m["link_ids"]:
                row = info.get(lid)
                if row is None:
                    continue
                src = owners.get(row["subject"], row["subject"])
                dst = owners.get(row["object"], row["object"])
                key = (src, dst, row.get("currency") or "")
                f = flows.setdefault(
                    key,
                    {
                        "from": src,
                        "from_name": captions.get(src, src),
                        "to": dst,
                        "to_name": captions.get(dst, dst),
                        "currency": key[2] or None,
                        "amount": 0.0,
                        "payments": 0,
                        "first": row["at"],
                        "last": row["at"],
                        "inside_chain": m["inside_chain"],
                        "sources": set(),
                    },
                )
                f["amount"] = round(f["amount"] + float(row.get("amount") or 0.0), 2)
                f["payments"] += 1
                f["first"] = min(f["first"] or "", row["at"] or "") or None
                f["last"] = max(f["last"] or "", row["at"] or "") or None
                f["sources"].add(row["source"])
        out["money"] = sorted(
            ({**f, "sources": sorted(f["sources"])} for f in flows.values()),
            key=lambda f: (-f["amount"], f["from"], f["to"]),
        )
        return out


def _links(store: Store, link_ids: list[str]) -> dict[str, dict[str, Any]]:
    if not link_ids:
        return {}
    import pandas as pd

    con = store.connection
    con.register("_trace_links", pd.DataFrame({"link_id": link_ids}))
    try:
        rows = store.query_dicts(
            """
            SELECT e.link_id, e.kind, e.subject_entity AS subject, e.object_entity AS object,
                   strftime(e.start_at, '%Y-%m-%dT%H:%M') AS at, s.name AS source, s.path AS file,
                   e.row_num AS row, s.sha256, e.props->>'amount' AS amount,
                   e.props->>'currency' AS currency
            FROM _trace_links x JOIN net_edges e USING (link_id)
            JOIN sources s ON s.source_id = e.source_id
            """
        )
    finally:
        con.unregister("_trace_links")
    return {r["link_id"]: r for r in rows}


def _owners(store: Store, holders: set[str]) -> dict[str, str]:
    """Account → its owner, for reading money flows person to person."""
    accounts = sorted(h for h in holders if h)
    if not accounts:
        return {}
    marks = ",".join("?" * len(accounts))
    return dict(
        store.query(
            f"SELECT object_entity, min(subject_entity) FROM net_edges WHERE kind = 'Ownership' "
            f"AND object_kind = 'Account' AND object_entity IN ({marks}) GROUP BY 1",
            accounts,
        )
    )
