"""Neo4j import: node and relationship CSVs plus a Cypher script that loads them with LOAD CSV.

Labels and relationship types cannot be parameters in Cypher, so the script has one statement per
entity kind and link kind present in the export.
"""

from __future__ import annotations

import re
from pathlib import Path

from eslabon.exchange.graph import GraphData

NODE_PROPS = ["caption", "mentions", "role", "network", "stage", "rank", "score"]
REL_PROPS = ["link_id", "start_at", "end_at", "source_id", "row_num", "sha256"]
INTEGER = {"mentions", "rank", "row_num"}
FLOAT = {"score"}


def _ident(name: str) -> str:
    """A safe Cypher label / relationship type from a kind name."""
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _value(prop: str) -> str:
    if prop in INTEGER:
        return f"toInteger(row.{prop})"
    if prop in FLOAT:
        return f"toFloat(row.{prop})"
    return f"row.{prop}"


def write_neo4j(data: GraphData, folder: Path) -> dict[str, int]:
    """``nodes.csv``, ``relationships.csv`` and ``load.cypher`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    nodes = data.nodes.copy()
    nodes["rank"] = nodes["rank"].astype("Int64")
    nodes.to_csv(folder / "nodes.csv", index=False, lineterminator="\n")
    rels = data.edges[["source", "target", "kind", *REL_PROPS]]
    rels.to_csv(folder / "relationships.csv", index=False, lineterminator="\n")
    script = [
        "// Load eslabon's export: copy nodes.csv and relationships.csv into Neo4j's import",
        "// folder, then run: cypher-shell -f load.cypher",
        "CREATE CONSTRAINT eslabon_entity IF NOT EXISTS FOR (e:Entity) REQUIRE e.entity_id IS UNIQUE;",
    ]
    node_set = ", ".join(f"e.{p} = {_value(p)}" for p in NODE_PROPS)
    for kind in sorted(nodes["kind"].unique()):
        script.append(
            "LOAD CSV WITH HEADERS FROM 'file:///nodes.csv' AS row "
            f"WITH row WHERE row.kind = '{kind}' "
            f"MERGE (e:Entity:{_ident(kind)} {{entity_id: row.entity_id}}) SET {node_set};"
        )
    rel_set = ", ".join(f"r.{p} = {_value(p)}" for p in REL_PROPS)
    for kind in sorted(rels["kind"].unique()):
        script.append(
            "LOAD CSV WITH HEADERS FROM 'file:///relationships.csv' AS row "
            f"WITH row WHERE row.kind = '{kind}' "
            "MATCH (a:Entity {entity_id: row.source}), (b:Entity {entity_id: row.target}) "
            f"CREATE (a)-[r:{_ident(kind).upper()}]->(b) SET {rel_set};"
        )
    (folder / "load.cypher").write_text("\n".join(script) + "\n", encoding="utf-8")
    return {"nodes": len(nodes), "edges": len(rels)}
