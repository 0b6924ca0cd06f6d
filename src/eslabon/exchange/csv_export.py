"""Plain CSV node and edge lists, as i2 Analyst's Notebook and Linkurious import them."""

from __future__ import annotations

from pathlib import Path

from eslabon.exchange.graph import EDGE_COLUMNS, NODE_COLUMNS, GraphData


def write_csv(data: GraphData, folder: Path) -> dict[str, int]:
    """``nodes.csv`` (id first) and ``edges.csv`` (source, target first) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = data.nodes[NODE_COLUMNS].rename(columns={"entity_id": "id", "caption": "label"})
    nodes["rank"] = nodes["rank"].astype("Int64")
    nodes.to_csv(folder / "nodes.csv", index=False, lineterminator="\n")
    cols = ["source", "target"] + [c for c in EDGE_COLUMNS if c not in ("source", "target")]
    data.edges[cols].to_csv(folder / "edges.csv", index=False, lineterminator="\n")
    return {"nodes": len(nodes), "edges": len(data.edges)}
