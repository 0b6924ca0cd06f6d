"""Tracing against a store: seed lookup, the in-memory trace, then provenance and money flow.

``Tracer`` loads the person network once (the web workspace and the benchmark trace many seeds
with one); every step of an evidence path is then resolved to its source file, row and sha256.
"""

from __future__ import annotations

import dataclasses
import gc
from typing import Any

from eslabon.network.analyse import load_results
from eslabon.network.graph import load_network, person_starts
from eslabon.network.rules import load_rules
from eslabon.network.seeds import SeedIndex
from eslabon.network.trace import TraceConfig, TraceResult, trace
from eslabon.store.connection import Store


class Tracer:
    """A loaded network, ready to trace seeds."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.net = load_network(store)
        self.networks, self.roles, self.info = load_results(store, self.net)
        self.starts = person_starts(store, self.net)
        self.cross_days = load_rules().detection.get("cross_days")
        self.seeds = SeedIndex(store)
        self.seeds.in_network = {self.net.ids[v] for v in self.info.network}
        self.captions = dict(zip(self.net.ids, self.net.captions, strict=True))
        # Provenance of every link, in memory: enriching a trace is then a lookup, not a scan.
        self.sources = {
            r[0]: (r[1], r[2], r[3])
            for r in store.query("SELECT source_id, name, path, sha256 FROM sources")
        }
        frame = store.query_df(
            """
            SELECT link_id, kind, subject_entity AS subject, object_entity AS object,
                   strftime(start_at, '%Y-%m-%dT%H:%M') AS at, source_id, row_num AS row,
                   props->>'amount' AS amount, props->>'currency' AS currency
            FROM net_edges
            """
        )
        self.link_pos = {lid: i for i, lid in enumerate(frame["link_id"])}
        self.link_items = [(c, frame[c].tolist()) for c in frame.columns if c != "link_id"]
        self.owners: dict[str, str] = dict(
            store.query(
                "SELECT object_entity, min(subject_entity) FROM net_edges WHERE kind = "
                "'Ownership' AND object_kind = 'Account' GROUP BY 1"
            )
        )
        self._settle()

    @staticmethod
    def _settle() -> None:
        """Move the loaded index out of the garbage collector's sight.

        Millions of long-lived strings would otherwise be rescanned by every full collection,
        which lands in the middle of a trace as a 200 ms pause.
        """
        gc.collect()
        gc.freeze()

    def trace(self, query: str, config: TraceConfig | None = None) -> dict[str, Any]:
        """The full answer for one seed, as a JSON-ready dict."""
        seed = self.seeds.seed(query)
        config = config or TraceConfig()
        if config.cross_days is None and self.cross_days is not None:
            config = dataclasses.replace(config, cross_days=float(self.cross_days))
        result = trace(self.net, seed, self.info, config, self.starts)
        return self.enrich(result)

    def _links(self, link_ids: list[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for lid in link_ids:
            i = self.link_pos.get(lid)
            if i is None:
                continue
            row = {c: values[i] for c, values in self.link_items}
            name, path, sha = self.sources.get(row["source_id"], (None, None, None))
            row["row"] = int(row["row"])
            out[lid] = {"link_id": lid, **row, "source": name, "file": path, "sha256": sha}
        return out

    def enrich(self, result: TraceResult) -> dict[str, Any]:
        """Add source file/row/sha256 to every path step and amounts/direction to money."""
        out = result.to_dict()
        shown = out["actors"] + out["associates"]
        link_ids = sorted(
            {lid for a in shown for s in a["path"] for lid in s["link_ids"]}
            | {lid for m in out["money"] for lid in m["link_ids"]}
        )
        info = self._links(link_ids)
        for actor in shown:
            for step in actor["path"]:
                step["evidence"] = [info[x] for x in step.pop("link_ids") if x in info]
        captions = self.captions
        flows: dict[tuple[str, str, str], dict[str, Any]] = {}
        owners = self.owners
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
