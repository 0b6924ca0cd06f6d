"""The link chart: the subject in the centre, its direct counterparts around it, and the number of
recorded events between them. Laid out deterministically; drawn as inline SVG (HTML) or with
fpdf2 primitives (PDF) from the same layout."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eslabon.report.case_file import Counterpart
    from eslabon.report.timeline import Event

MAX_NODES = 24  # beyond this a chart stops being readable; the rest is counted in the caption
WIDTH, HEIGHT = 720.0, 520.0
ROLE_COLOURS = {
    "coordinator": "#b2182b", "recruiter": "#d6604d", "fraudulent_recruiter": "#d6604d",
    "guide": "#f4a582", "driver": "#92c5de", "stash_keeper": "#4393c3", "money_collector": "#2166ac",
    "lookout": "#c2a5cf", "forger": "#762a83", "migrant": "#cccccc", "victim": "#cccccc",
    "courier": "#92c5de", "distributor": "#4393c3", "importer": "#d6604d", "lab_operator": "#b2182b",
    "launderer": "#2166ac",
}  # fmt: skip


@dataclass(frozen=True)
class Node:
    entity_id: str
    label: str
    role: str | None
    x: float
    y: float
    centre: bool = False


@dataclass(frozen=True)
class Edge:
    target: str
    count: int


@dataclass(frozen=True)
class Chart:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    hidden: int  # counterparts not drawn


def build_chart(
    entity_id: str, caption: str, counterparts: list[Counterpart], timeline: list[Event]
) -> Chart:
    """Counterparts from the person view when analysed, else from the timeline's counterparts."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    roles: dict[str, str | None] = {}
    for c in counterparts:
        counts[c.entity_id] = counts.get(c.entity_id, 0) + c.n_links
        labels[c.entity_id] = c.caption
        roles[c.entity_id] = c.role
    if not counterparts:
        for e in timeline:
            if e.counterpart_id:
                counts[e.counterpart_id] = counts.get(e.counterpart_id, 0) + 1
                labels[e.counterpart_id] = e.counterpart
                roles.setdefault(e.counterpart_id, None)
    ranked = sorted(counts, key=lambda k: (-counts[k], k))
    shown = sorted(ranked[:MAX_NODES])
    cx, cy = WIDTH / 2, HEIGHT / 2
    radius = min(WIDTH, HEIGHT) / 2 - 70
    nodes = [Node(entity_id, caption, None, cx, cy, centre=True)]
    for i, other in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(1, len(shown))
        nodes.append(
            Node(
                other,
                labels[other],
                roles[other],
                round(cx + radius * math.cos(angle), 1),
                round(cy + radius * math.sin(angle), 1),
            )
        )
    edges = tuple(Edge(o, counts[o]) for o in shown)
    return Chart(tuple(nodes), edges, len(ranked) - len(shown))


def _short(text: str, n: int = 26) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def to_svg(chart: Chart, role_label: Any) -> str:
    """Inline SVG (no external resources); ``role_label`` translates a role for the node label."""
    pos = {n.entity_id: n for n in chart.nodes}
    centre = chart.nodes[0]
    top = max((e.count for e in chart.edges), default=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {HEIGHT:.0f}" '
        'role="img" class="chart" font-family="sans-serif" font-size="11">'
    ]
    for e in chart.edges:
        n = pos[e.target]
        width = 1 + 4 * e.count / top
        mx, my = (centre.x + n.x) / 2, (centre.y + n.y) / 2
        parts.append(
            f'<line x1="{centre.x}" y1="{centre.y}" x2="{n.x}" y2="{n.y}" stroke="#888" '
            f'stroke-width="{width:.1f}"/>'
            f'<text x="{mx}" y="{my}" text-anchor="middle" fill="#333" '
            f'paint-order="stroke" stroke="#fff" stroke-width="3">{e.count}</text>'
        )
    for n in chart.nodes:
        fill = "#222" if n.centre else ROLE_COLOURS.get(n.role or "", "#e0e0e0")
        r = 16 if n.centre else 10
        label = escape(_short(n.label))
        role = "" if n.centre or not n.role else escape(role_label(n.role))
        parts.append(
            f'<circle cx="{n.x}" cy="{n.y}" r="{r}" fill="{fill}" stroke="#000"/>'
            f'<text x="{n.x}" y="{n.y + r + 12}" text-anchor="middle" font-weight='
            f'"{"bold" if n.centre else "normal"}">{label}</text>'
        )
        if role:
            parts.append(
                f'<text x="{n.x}" y="{n.y + r + 24}" text-anchor="middle" fill="#555" '
                f'font-size="9">{role}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
