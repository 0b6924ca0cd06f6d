"""GraphML export (igraph, networkx, yEd, Gephi): one node per entity, one edge per link."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from eslabon.exchange._xml import EDGE_ATTRS, NODE_ATTRS, attr, attributes, rows, text
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
    for values in rows(data.nodes):
        body = attributes(values, NODE_ATTRS, _data("n"))
        lines.append(f"<node id={attr(values['entity_id'])}>{body}</node>")
    for values in rows(data.edges):
        body = attributes(values, EDGE_ATTRS, _data("e"))
        lines.append(
            f"<edge id={attr(values['link_id'])} source={attr(values['source'])} "
            f"target={attr(values['target'])}>{body}</edge>"
        )
    lines += ["</graph>", "</graphml>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"nodes": len(data.nodes), "edges": len(data.edges)}


def _data(prefix: str) -> Callable[[str, str, Any], str]:
    """A ``<data>`` element maker for node (``n``) or edge (``e``) keys."""
    return lambda name, kind, value: f'<data key="{prefix}_{name}">{text(value, kind)}</data>'
