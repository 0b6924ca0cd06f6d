"""Plain edge-list and roles CSV files in and out of igraph.

The dismantling core is store-independent: an analyst can hand it a CSV exported from anywhere.
Reading is strict (a bad row stops with a message naming file, line and field) because a silently
dropped tie changes who looks like a broker. Every row is kept as an edge of a multigraph;
``simple_view`` collapses it for structural analysis.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO

import igraph as ig

from eslabon.errors import EslabonError

EDGE_COLUMNS = ("source", "target")
OPTIONAL_EDGE_COLUMNS = ("weight", "kind", "time")
ROLE_SEPARATORS = (";", "|")


def _open_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (physical line, row) pairs; errors name the file instead of raising OSError."""
    if not path.exists():
        raise EslabonError("file not found", file=str(path), hint="check the path")
    if path.is_dir():
        raise EslabonError("is a directory, expected a CSV file", file=str(path))
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, delimiter=_delimiter(handle))
            header: list[str] | None = None
            rows: list[tuple[int, dict[str, str]]] = []
            for record in reader:
                if header is None:
                    if not any(cell.strip() for cell in record):
                        continue  # blank lines before the header
                    header = [cell.strip().lower() for cell in record]
                    continue
                if not any(cell.strip() for cell in record):
                    continue
                rows.append((reader.line_num, dict(zip(header, record, strict=False))))
    except UnicodeDecodeError as err:
        raise EslabonError(
            f"not UTF-8 text ({err.reason} at byte {err.start})",
            file=str(path),
            hint="save the file as UTF-8 CSV",
        ) from None
    except csv.Error as err:
        raise EslabonError(f"unreadable CSV: {err}", file=str(path)) from None
    if header is None:
        raise EslabonError(
            "empty file: expected a header line",
            file=str(path),
            line=1,
            hint="the first line must name the columns, e.g. source,target,weight",
        )
    return header, rows


def _delimiter(handle: TextIO) -> str:
    """The separator of the header line: a comma, unless it has none and is split by ';' or a tab
    (a spreadsheet saved where ';' is the list separator, or a tab-separated export)."""
    for line in handle:
        if line.strip():
            break
    else:
        line = ""
    handle.seek(0)
    if "," not in line:
        for sep in (";", "\t"):
            if sep in line:
                return sep
    return ","


def _require_columns(path: Path, header: list[str], required: Iterable[str]) -> None:
    for column in required:
        if column not in header:
            raise EslabonError(
                f"missing column '{column}' (found: {', '.join(h for h in header if h) or 'none'})",
                file=str(path),
                line=1,
                field=column,
                hint=f"the header must include {', '.join(required)}",
            )


def _cell(path: Path, line: int, row: dict[str, str], field: str) -> str:
    value = (row.get(field) or "").strip()
    if not value:
        raise EslabonError("empty value", file=str(path), line=line, field=field)
    return value


def _weight(path: Path, line: int, raw: str | None) -> float:
    text = (raw or "").strip()
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise EslabonError(
            f"weight must be a number, got {text!r}",
            file=str(path),
            line=line,
            field="weight",
            hint="use a decimal point (1.5), or leave the cell empty for weight 1",
        ) from None
    if not math.isfinite(value) or value < 0:
        raise EslabonError(
            f"weight must be a finite number ≥ 0, got {text!r}",
            file=str(path),
            line=line,
            field="weight",
        )
    return value


def read_roles(path: Path | str) -> dict[str, tuple[str, ...]]:
    """Read ``node,role`` rows; a node may have several rows or ``a;b`` roles (e.g. coerced)."""
    path = Path(path)
    header, rows = _open_csv(path)
    _require_columns(path, header, ("node", "role"))
    roles: dict[str, set[str]] = {}
    for line, row in rows:
        node = _cell(path, line, row, "node")
        raw = (row.get("role") or "").strip().lower()
        for sep in ROLE_SEPARATORS[1:]:
            raw = raw.replace(sep, ROLE_SEPARATORS[0])
        found = {part.strip() for part in raw.split(ROLE_SEPARATORS[0]) if part.strip()}
        roles.setdefault(node, set()).update(found)
    return {node: tuple(sorted(found)) for node, found in roles.items()}


def read_edge_list(
    path: Path | str, *, roles: Path | str | Mapping[str, Iterable[str]] | None = None
) -> ig.Graph:
    """Read ``source,target[,weight][,kind][,time]`` into an undirected multigraph.

    Vertex attributes: ``name`` and ``roles`` (sorted tuple, empty when unknown). Edge attributes:
    ``weight`` (default 1), ``kind``, ``time`` (strings, as written). Extra columns are ignored.
    Nodes that appear only in the roles file become isolated vertices: they are still actors.
    """
    path = Path(path)
    header, rows = _open_csv(path)
    _require_columns(path, header, EDGE_COLUMNS)
    if not rows:
        raise EslabonError(
            "no edges after the header", file=str(path), line=2, hint="add source,target rows"
        )
    names: dict[str, int] = {}
    edges: list[tuple[int, int]] = []
    weights: list[float] = []
    kinds: list[str] = []
    times: list[str] = []
    for line, row in rows:
        ends = []
        for field in EDGE_COLUMNS:
            name = _cell(path, line, row, field)
            ends.append(names.setdefault(name, len(names)))
        edges.append((ends[0], ends[1]))
        weights.append(_weight(path, line, row.get("weight")))
        kinds.append((row.get("kind") or "").strip())
        times.append((row.get("time") or "").strip())

    role_map = dict(roles if isinstance(roles, Mapping) else (read_roles(roles) if roles else {}))
    for node in role_map:
        names.setdefault(node, len(names))
    graph = ig.Graph(n=len(names), edges=edges, directed=False)
    ordered = sorted(names, key=names.__getitem__)
    graph.vs["name"] = ordered
    graph.vs["roles"] = [tuple(sorted(set(role_map.get(n, ())))) for n in ordered]
    graph.es["weight"] = weights
    graph.es["kind"] = kinds
    graph.es["time"] = times
    return graph


def write_edge_list(graph: ig.Graph, path: Path | str) -> None:
    """Write every edge as ``source,target,weight,kind,time`` (round-trips ``read_edge_list``)."""
    attrs = set(graph.es.attributes())
    names = graph.vs["name"] if "name" in graph.vs.attributes() else list(range(graph.vcount()))
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", "weight", "kind", "time"])
        for edge in graph.es:
            writer.writerow(
                [
                    names[edge.source],
                    names[edge.target],
                    edge["weight"] if "weight" in attrs else 1.0,
                    edge["kind"] if "kind" in attrs else "",
                    edge["time"] if "time" in attrs else "",
                ]
            )


def write_roles(graph: ig.Graph, path: Path | str) -> None:
    """Write ``node,role`` with multiple roles joined by ';' (round-trips ``read_roles``)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["node", "role"])
        for name, found in zip(graph.vs["name"], vertex_roles(graph), strict=True):
            writer.writerow([name, ";".join(found)])


def vertex_roles(graph: ig.Graph) -> list[tuple[str, ...]]:
    """Roles per vertex index; graphs built elsewhere may carry a single ``role`` string."""
    attrs = graph.vs.attributes()
    if "roles" in attrs:
        return [tuple(r or ()) for r in graph.vs["roles"]]
    if "role" in attrs:
        return [(r,) if r else () for r in graph.vs["role"]]
    return [()] * graph.vcount()


def vertex_names(graph: ig.Graph) -> list[str]:
    """Names per vertex index, falling back to the index so every result can name its nodes."""
    if "name" in graph.vs.attributes():
        return [str(n) for n in graph.vs["name"]]
    return [str(i) for i in range(graph.vcount())]


def simple_view(graph: ig.Graph) -> ig.Graph:
    """Undirected, no loops, one edge per pair (weights summed): what structure-based measures need.

    Vertex ids, names and roles are preserved, so indices are interchangeable with the input.
    """
    view = graph.copy()
    if view.is_directed():
        view.to_undirected(mode="collapse", combine_edges="first")
    edge_attrs = view.es.attributes()
    combine = {a: ("sum" if a == "weight" else "first") for a in edge_attrs}
    view.simplify(multiple=True, loops=True, combine_edges=combine or None)
    return view


def export_person_networks(store: Any, folder: Path | str) -> list[dict[str, Any]]:
    """Write each detected network's person view, and all of them together (``ALL``), as the
    ``NAME_edges.csv`` / ``NAME_roles.csv`` pair that ``eslabon disrupt --edges --roles`` reads.

    The person view is the one store mode ranks (``store_disrupt.network_graph``: phones whose user
    is unknown collapsed into ties), so a network taken out of eslabon and brought back as plain
    files is analysed on the same graph. Returns one summary per file pair.
    """
    from eslabon.network.analyse import load_results, role_tuples
    from eslabon.network.graph import load_network
    from eslabon.network.store_disrupt import network_graph

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    net = load_network(store)
    networks, roles, _info = load_results(store, net)
    if not networks:
        raise EslabonError(
            "no criminal networks found in this workspace",
            hint="run `eslabon network` after `eslabon resolve`",
        )
    tuples = role_tuples(roles)
    groups = [(n.network_id, n.kind, list(n.members)) for n in networks]
    groups.append(("ALL", "all", sorted({m for n in networks for m in n.members})))
    out = []
    for name, kind, members in groups:
        graph = network_graph(net, members, tuples)
        edges, role_file = folder / f"{name}_edges.csv", folder / f"{name}_roles.csv"
        write_edge_list(graph, edges)
        write_roles(graph, role_file)
        out.append(
            {
                "network": name,
                "kind": kind,
                "nodes": graph.vcount(),
                "edges": graph.ecount(),
                "edges_file": str(edges),
                "roles_file": str(role_file),
            }
        )
    return out
