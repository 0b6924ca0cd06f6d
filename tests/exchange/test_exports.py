"""Exports on a real store: FtM validity and round trip, graph formats load back with the same
counts, --network limits, and an FtM stream is ingestible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import igraph as ig
import networkx as nx
import pytest

from eslabon.errors import EslabonError
from eslabon.exchange.export import export
from eslabon.ingest.ftm import default_mapping
from eslabon.ingest.load import ingest
from eslabon.store import open_store
from tests.conftest import run_cli


def _counts(path: Path) -> tuple[int, int]:
    with open_store(path, read_only=True) as st:
        nodes = st.query_one("SELECT count(*) FROM entities")[0]
        edges = st.query_one(
            "SELECT count(*) FROM links l JOIN entity_mentions a ON a.mention_id = l.subject_id "
            "JOIN entity_mentions b ON b.mention_id = l.object_id"
        )[0]
    return nodes, edges


def test_ftm_stream_is_valid_and_round_trips(analysed_store, tmp_path):
    from followthemoney import model

    path, _ = analysed_store
    out = tmp_path / "x.ftm.json"
    with open_store(path, read_only=True) as st:
        counts = export(st, "ftm", out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == counts["entities"] + counts["links"] and counts["links"] > 0
    ids = set()
    proxies = []
    for line in lines:
        data = json.loads(line)
        proxy = model.get_proxy(data)  # cleaned by the library: nothing may be dropped
        assert proxy.to_dict() == data
        assert set(proxy.schema.required) <= set(data["properties"]), data
        ids.add(proxy.id)
        proxies.append(proxy)
    for proxy in proxies:  # every reference points at an entity of the stream
        for prop, value in proxy.itervalues():
            if prop.type.name == "entity":
                assert value in ids
    schemata = {p.schema.name for p in proxies}
    assert {"Person", "Call", "Payment"} <= schemata
    person = next(p for p in proxies if p.schema.name == "Person" and p.get("summary"))
    assert "role:" in person.first("summary")  # role/network/rank travel as attributes
    call = next(p for p in proxies if p.schema.name == "Call")
    assert call.first("recordId").startswith("cdr@")  # provenance of each link


def test_ftm_stream_ingests_as_a_source(analysed_store, tmp_path):
    path, _ = analysed_store
    stream = tmp_path / "x.ftm.json"
    with open_store(path, read_only=True) as st:
        export(st, "ftm", stream)
        calls = st.query_one("SELECT count(*) FROM net_edges WHERE kind = 'Call'")[0]
    lines = stream.read_text(encoding="utf-8").splitlines()
    with open_store(tmp_path / "back.duckdb") as st:
        [report] = ingest(st, stream, mapping=default_mapping())
        assert report.rows_read == len(lines) == report.rows_loaded
        persons = sum(1 for line in lines if json.loads(line)["schema"] == "Person")
        got = dict(st.query("SELECT kind, count(*) FROM mentions GROUP BY 1"))
        assert got["Person"] >= persons
        links = dict(st.query("SELECT kind, count(*) FROM links GROUP BY 1"))
        assert links["Call"] == calls
        dated = st.query_one("SELECT count(*) FROM links WHERE kind='Call' AND start_at IS NULL")
        assert dated[0] == 0


def test_graphml_and_gexf_load_back_with_the_same_counts(analysed_store, tmp_path):
    path, _ = analysed_store
    nodes, edges = _counts(path)
    with open_store(path, read_only=True) as st:
        assert export(st, "graphml", tmp_path / "g.graphml") == {"nodes": nodes, "edges": edges}
        assert export(st, "gexf", tmp_path / "g.gexf") == {"nodes": nodes, "edges": edges}
    g = ig.Graph.Read_GraphML(str(tmp_path / "g.graphml"))
    assert (g.vcount(), g.ecount()) == (nodes, edges)
    with open_store(path, read_only=True) as st:
        roles = dict(st.query("SELECT entity_id, role FROM node_roles"))
    assert roles and {v["id"]: v["role"] for v in g.vs if v["role"]} == roles
    nxg = nx.read_graphml(tmp_path / "g.graphml")
    assert (nxg.number_of_nodes(), nxg.number_of_edges()) == (nodes, edges)
    gx = nx.read_gexf(tmp_path / "g.gexf")
    assert (gx.number_of_nodes(), gx.number_of_edges()) == (nodes, edges)
    ranked = [d for _n, d in gx.nodes(data=True) if d.get("rank")]
    assert ranked and all(isinstance(d["rank"], int) for d in ranked)


def test_neo4j_and_csv_lists(analysed_store, tmp_path):
    path, _ = analysed_store
    nodes, edges = _counts(path)
    with open_store(path, read_only=True) as st:
        export(st, "neo4j", tmp_path / "neo")
        export(st, "csv", tmp_path / "csv")
    with (tmp_path / "neo" / "nodes.csv").open() as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == nodes
    with (tmp_path / "neo" / "relationships.csv").open() as fh:
        rels = list(csv.DictReader(fh))
    assert len(rels) == edges
    script = (tmp_path / "neo" / "load.cypher").read_text()
    for kind in {r["kind"] for r in rels}:
        assert f"row.kind = '{kind}'" in script
    with (tmp_path / "csv" / "nodes.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == nodes and {"id", "label", "role", "network", "rank"} <= set(rows[0])
    with (tmp_path / "csv" / "edges.csv").open() as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == edges


def test_network_limits_every_export(analysed_store, tmp_path):
    path, _ = analysed_store
    with open_store(path, read_only=True) as st:
        members = {
            r[0] for r in st.query("SELECT entity_id FROM node_roles WHERE network_id = 'NET001'")
        }
        full = export(st, "graphml", tmp_path / "all.graphml")
        part = export(st, "graphml", tmp_path / "net.graphml", network="NET001")
        with pytest.raises(EslabonError, match="no network"):
            export(st, "csv", tmp_path / "x", network="NOPE")
    g = ig.Graph.Read_GraphML(str(tmp_path / "net.graphml"))
    assert part["nodes"] < full["nodes"] and g.vcount() == part["nodes"]
    people = {v["id"] for v in g.vs if v["kind"] == "Person"}
    assert people == members


def test_cli_export(analysed_store, tmp_path):
    path, _ = analysed_store
    ok = run_cli(
        "export", "--format", "gexf", "--out", str(tmp_path / "g.gexf"), "--store", str(path)
    )
    assert ok.returncode == 0 and "written" in ok.stdout
    bad = run_cli("export", "--format", "dot", "--out", str(tmp_path / "g"), "--store", str(path))
    assert bad.returncode == 2 and "not one of" in bad.stderr and "Traceback" not in bad.stderr
