"""GraphML export (igraph, networkx, yEd, Gephi): one node per entity, one edge per link."""

from __future__ import annotations

from pathlib import Path

from eslabon.exchange._xml import EDGE_ATTRS, NODE_ATTRS, attr, present, text
from eslabon.exchange.graph import GraphData


def write_graphml(data: GraphData, path: Path) -> dict[str, int]:
    """Write a directed multigraph; returns node and edge counts."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
    ]
    for name, kind in NODE_ATTRS:
        lines.append(f'<key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for name, kind in EDGE_ATTRS:
        lines.append(f'<key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>')
    lines.append('<graph id="eslabon" edgedefault="directed">')
    for row in data.nodes.itertuples(index=False):
        values = row._asdict()
        body = "".join(
            f'<data key="n_{n}">{text(values[n], k)}</data>'
            for n, k in NODE_ATTRS
            if present(values[n])
        )
        lines.append(f"<node id={attr(values['entity_id'])}>{body}</node>")
    for row in data.edges.itertuples(index=False):
        values = row._asdict()
        body = "".join(
            f'<data key="e_{n}">{text(values[n], k)}</data>'
            for n, k in EDGE_ATTRS
            if present(values[n])
        )
        lines.append(
            f"<edge id={attr(values['link_id'])} source={attr(values['source'])} "
            f"target={attr(values['target'])}>{body}</edge>"
        )
    lines += ["</graph>", "</graphml>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"nodes": len(data.nodes), "edges": len(data.edges)}
