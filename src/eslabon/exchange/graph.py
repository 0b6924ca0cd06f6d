"""The graph every export writes: resolved entities as nodes, links between two of them as edges,
with role, network, stage and disruption rank when the network stage has run.

Reads only the store; ``network`` limits it to a network's members, the things they use (phones,
vehicles, addresses, accounts) and the links among those.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from eslabon.errors import EslabonError
from eslabon.store.connection import Store

NODE_COLUMNS = ["entity_id", "kind", "caption", "mentions", "role", "network", "stage", "rank",
                "score"]  # fmt: skip
EDGE_COLUMNS = ["link_id", "kind", "source", "target", "start_at", "end_at", "source_id",
                "row_num", "sha256", "props"]  # fmt: skip


@dataclass
class GraphData:
    """Nodes and edges as DataFrames, sorted for reproducible files."""

    nodes: pd.DataFrame
    edges: pd.DataFrame
    events: pd.DataFrame  # links with a single resolved party (a detention without a vehicle)


def _has(store: Store, table: str) -> bool:
    return store.table_exists(table)


def graph_data(store: Store, network: str | None = None) -> GraphData:
    """Entities and links of the workspace (or of one network)."""
    if not _has(store, "entities") or not store.query_one("SELECT 1 FROM entities LIMIT 1"):
        raise EslabonError("no resolved entities to export", hint="run `eslabon resolve` first")
    analysed = _has(store, "node_roles") and bool(
        store.query_one("SELECT 1 FROM network_runs WHERE finished_at IS NOT NULL LIMIT 1")
    )
    role_sql = (
        "LEFT JOIN node_roles r ON r.entity_id = e.entity_id "
        "LEFT JOIN (SELECT entity_id, min(rank) AS rank, max(score) AS score "
        "FROM disruption_ranking WHERE rank IS NOT NULL GROUP BY 1) d ON d.entity_id = e.entity_id"
        if analysed
        else ""
    )
    role_cols = (
        "r.role, r.network_id AS network, r.stage, d.rank, d.score"
        if analysed
        else "NULL AS role, NULL AS network, NULL AS stage, NULL AS rank, NULL AS score"
    )
    nodes = store.query_df(
        f"SELECT e.entity_id, e.kind, e.caption, e.mention_count AS mentions, {role_cols} "
        f"FROM entities e {role_sql} ORDER BY e.entity_id"
    )
    links = store.query_df(
        """
        SELECT l.link_id, l.kind, es.entity_id AS source, eo.entity_id AS target,
               CAST(l.start_at AS VARCHAR) AS start_at, CAST(l.end_at AS VARCHAR) AS end_at,
               l.source_id, l.row_num, s.sha256, CAST(l.props AS VARCHAR) AS props
        FROM links l
        JOIN sources s ON s.source_id = l.source_id AND s.superseded_by IS NULL
        JOIN entity_mentions es ON es.mention_id = l.subject_id
        LEFT JOIN entity_mentions eo ON eo.mention_id = l.object_id
        ORDER BY l.link_id
        """
    )
    if network is not None:
        if not analysed:
            raise EslabonError("--network needs the network stage", hint="run `eslabon network`")
        if not store.query_one("SELECT 1 FROM networks WHERE network_id = ?", [network]):
            known = [r[0] for r in store.query("SELECT network_id FROM networks ORDER BY 1")]
            raise EslabonError(
                f"no network {network!r}", field="network", hint=f"known: {', '.join(known)}"
            )
        members = set(nodes.loc[nodes["network"] == network, "entity_id"])
        used = {
            r[0]
            for r in store.query(
                "SELECT phone_entity FROM phone_users WHERE list_contains(?, person_entity)",
                [sorted(members)],
            )
        }
        touching = links[links["source"].isin(members) | links["target"].isin(members)]
        keep = members | used | set(touching["source"]) | set(touching["target"].dropna())
        # Other people reached through a thing stay out unless they are members.
        kinds = dict(zip(nodes["entity_id"], nodes["kind"], strict=True))
        keep = {k for k in keep if k in members or kinds.get(k) != "Person"}
        nodes = nodes[nodes["entity_id"].isin(keep)]
        links = links[
            links["source"].isin(keep) & (links["target"].isin(keep) | links["target"].isna())
        ]
    edges = links[links["target"].notna()].reset_index(drop=True)
    events = links[links["target"].isna()].reset_index(drop=True)
    return GraphData(nodes.reset_index(drop=True), edges, events)
