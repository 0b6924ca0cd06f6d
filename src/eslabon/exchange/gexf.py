"""GEXF 1.3 export for Gephi: nodes with role, network and rank attributes; timed edges."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eslabon.exchange._xml import EDGE_ATTRS, NODE_ATTRS, attr, attributes, present, rows, text
from eslabon.exchange.graph import GraphData

GEXF_TYPES = {"string": "string", "long": "long", "int": "integer", "double": "double"}


def write_gexf(data: GraphData, path: Path) -> dict[str, int]:
    """Write a directed GEXF graph; returns node and edge counts."""
    node_attrs = [(n, k) for n, k in NODE_ATTRS if n != "caption"]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
        "<meta><creator>eslabon</creator><description>entities and links</description></meta>",
        '<graph defaultedgetype="directed" mode="static">',
        '<attributes class="node">',
        *(f'<attribute id="{n}" title="{n}" type="{GEXF_TYPES[k]}"/>' for n, k in node_attrs),
        "</attributes>",
        '<attributes class="edge">',
        *(f'<attribute id="{n}" title="{n}" type="{GEXF_TYPES[k]}"/>' for n, k in EDGE_ATTRS),
        "</attributes>",
        "<nodes>",
    ]
    for v in rows(data.nodes):
        values = attributes(v, node_attrs, _attvalue)
        label = v["caption"] if present(v["caption"]) else v["entity_id"]
        lines.append(
            f"<node id={attr(v['entity_id'])} label={attr(str(label))}>"
            f"<attvalues>{values}</attvalues></node>"
        )
    lines.append("</nodes><edges>")
    for v in rows(data.edges):
        values = attributes(v, EDGE_ATTRS, _attvalue)
        lines.append(
            f"<edge id={attr(v['link_id'])} source={attr(v['source'])} target={attr(v['target'])} "
            f"label={attr(v['kind'])}><attvalues>{values}</attvalues></edge>"
        )
    lines += ["</edges>", "</graph>", "</gexf>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return {"nodes": len(data.nodes), "edges": len(data.edges)}


def _attvalue(name: str, kind: str, value: Any) -> str:
    shown = text(value, kind) if kind != "string" else str(value)
    return f'<attvalue for="{name}" value={attr(shown)}/>'
