"""Reading and writing edge lists: strict on bad input, nothing dropped on good input."""

from __future__ import annotations

from pathlib import Path

import pytest

from eslabon.errors import EslabonError
from eslabon.network.graph_io import (
    read_edge_list,
    read_roles,
    simple_view,
    write_edge_list,
    write_roles,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_edges_roles_and_extra_columns(tmp_path: Path) -> None:
    edges = write(
        tmp_path,
        "e.csv",
        "source,target,weight,kind,time,note\na,b,2.5,Call,2024-01-01,x\nb,c,,Payment,,\na,b,1,Call,,\n",
    )
    roles = write(tmp_path, "r.csv", "node,role\na,recruiter\nb,driver;victim\nz,forger\n")
    g = read_edge_list(edges, roles=roles)
    assert g.vs["name"] == ["a", "b", "c", "z"]  # z only in roles: an isolated actor
    assert g.vs["roles"] == [("recruiter",), ("driver", "victim"), (), ("forger",)]
    assert g.ecount() == 3  # the repeated a–b row is kept
    assert g.es["weight"] == [2.5, 1.0, 1.0]
    assert g.es["kind"] == ["Call", "Payment", "Call"]
    simple = simple_view(g)
    assert simple.ecount() == 2
    assert simple.es[simple.get_eid(0, 1)]["weight"] == 3.5


def test_round_trip(tmp_path: Path) -> None:
    edges = write(tmp_path, "e.csv", "source,target,weight,kind,time\na,b,2.0,Call,t1\nb,c,1.0,,\n")
    roles = write(tmp_path, "r.csv", "node,role\na,recruiter\nb,coordinator|forger\n")
    g = read_edge_list(edges, roles=roles)
    write_edge_list(g, tmp_path / "out.csv")
    write_roles(g, tmp_path / "roles_out.csv")
    again = read_edge_list(tmp_path / "out.csv", roles=tmp_path / "roles_out.csv")
    assert again.get_edgelist() == g.get_edgelist()
    assert again.es["weight"] == g.es["weight"] and again.es["time"] == g.es["time"]
    assert again.vs["roles"] == g.vs["roles"]
    assert read_roles(roles)["b"] == ("coordinator", "forger")


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("", 1, None, "empty file"),
        ("source,target\n", 2, None, "no edges"),
        ("source,dest\na,b\n", 1, "target", "missing column 'target'"),
        ("source,target,weight\na,b,1\nb,c,heavy\n", 3, "weight", "must be a number"),
        ("source,target,weight\na,b,-1\n", 2, "weight", "≥ 0"),
        ("source,target\na,\n", 2, "target", "empty value"),
    ],
)
def test_bad_edge_files_name_file_line_field(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = write(tmp_path, "bad.csv", text)
    with pytest.raises(EslabonError) as info:
        read_edge_list(path)
    err = info.value
    assert err.file == str(path)
    assert err.line == line
    assert err.field == field
    assert words in err.message


def test_bad_roles_and_missing_files(tmp_path: Path) -> None:
    edges = write(tmp_path, "e.csv", "source,target\na,b\n")
    with pytest.raises(EslabonError, match="missing column 'role'"):
        read_edge_list(edges, roles=write(tmp_path, "r.csv", "node,kind\na,x\n"))
    with pytest.raises(EslabonError, match="file not found"):
        read_edge_list(tmp_path / "nope.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("source,target\nJos\xe9,b\n".encode("latin-1"))
    with pytest.raises(EslabonError, match="not UTF-8"):
        read_edge_list(latin)


def test_person_networks_export_round_trips_to_the_store_view(st, tmp_path: Path) -> None:
    """Each network and ALL come out as files `disrupt --edges --roles` reads back unchanged."""
    from eslabon.network.analyse import load_results, role_tuples
    from eslabon.network.graph import load_network
    from eslabon.network.graph_io import export_person_networks
    from eslabon.network.store_disrupt import network_graph

    written = export_person_networks(st, tmp_path / "out")
    net = load_network(st)
    networks, roles, _ = load_results(st, net)
    assert [w["network"] for w in written] == [n.network_id for n in networks] + ["ALL"]
    everyone: set[str] = set()
    for w, n in zip(written, networks, strict=False):
        direct = simple_view(network_graph(net, n.members, role_tuples(roles)))
        back = simple_view(read_edge_list(w["edges_file"], roles=w["roles_file"]))
        isolated = {v["name"] for v in direct.vs if v.degree() == 0}
        # Only people with at least one tie appear in an edge list; the roles file keeps the rest.
        assert set(back.vs["name"]) == set(direct.vs["name"]) | isolated
        pairs = {frozenset((e.source_vertex["name"], e.target_vertex["name"])) for e in back.es}
        assert pairs == {
            frozenset((e.source_vertex["name"], e.target_vertex["name"])) for e in direct.es
        }
        want = dict(zip(direct.vs["name"], direct.vs["roles"], strict=True))
        assert dict(zip(back.vs["name"], back.vs["roles"], strict=True)) == want
        assert (w["nodes"], w["edges"]) == (direct.vcount(), direct.ecount())
        everyone |= set(direct.vs["name"])
    assert written[-1]["nodes"] == len(everyone)


def test_semicolon_and_tab_separated_files_read_like_comma_separated(tmp_path: Path) -> None:
    """A spreadsheet saved where ';' is the list separator (with its byte-order mark), and a
    tab-separated export, give the graph the comma file gives; a comma header keeps commas, so
    a ';' inside a roles cell still separates roles."""
    comma = read_edge_list(write(tmp_path, "c.csv", "source,target,weight\na,b,2\nb,c,1\n"))
    semi = tmp_path / "s.csv"
    semi.write_text("source;target;weight\na;b;2\nb;c;1\n", encoding="utf-8-sig")
    tab = write(tmp_path, "t.tsv", "source\ttarget\tweight\na\tb\t2\nb\tc\t1\n")
    for other in (read_edge_list(semi), read_edge_list(tab)):
        assert other.vs["name"] == comma.vs["name"]
        assert other.get_edgelist() == comma.get_edgelist()
        assert other.es["weight"] == comma.es["weight"]
    assert read_roles(write(tmp_path, "r.csv", "node,role\nb,driver;victim\n")) == {
        "b": ("driver", "victim")
    }
    assert read_roles(write(tmp_path, "r2.csv", "node;role\nb;driver|victim\n")) == {
        "b": ("driver", "victim")
    }
