"""Render a case file as one self-contained HTML page (inline CSS and SVG, no scripts, no network)
that prints well. Every statement goes through the catalogue, which refuses unsourced ones."""

from __future__ import annotations

from html import escape

from eslabon.access.labels import caveat_text
from eslabon.report.case_file import CaseFile
from eslabon.report.i18n import Catalogue, catalogue
from eslabon.report.link_chart import to_svg
from eslabon.report.statements import Statement

CSS = """
body{font:14px/1.45 Georgia,'DejaVu Serif',serif;max-width:60em;margin:2em auto;color:#111;padding:0 1em}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #333;margin-top:1.8em}
h3{margin-bottom:.3em}table{border-collapse:collapse;width:100%;font-size:.86em;margin:.5em 0}
th,td{border:1px solid #bbb;padding:.25em .4em;text-align:left;vertical-align:top}
th{background:#eee}.refs{font-size:.8em;color:#555}.refs a{color:#555}.meta{color:#444}
.mono{font-family:'DejaVu Sans Mono',monospace;font-size:.85em;word-break:break-all}
.chart{width:100%;max-width:720px;height:auto;border:1px solid #ccc}
.note{color:#555;font-style:italic}ul.st li{margin:.2em 0}
.caveat{border:2px solid #8b0000;color:#8b0000;font:bold 13px/1.4 'DejaVu Sans',sans-serif;
text-align:center;padding:.3em .6em;margin:.5em 0}.caveat small{font-weight:normal;color:#555}
@media print{body{margin:0;max-width:none;font-size:10.5pt}a{color:inherit;text-decoration:none}
h2{break-after:avoid}tr,li,figure{break-inside:avoid}nav{display:none}
@page{size:A4;margin:16mm 14mm}}
"""


def _ranges(ids: list[str]) -> str:
    """E1, E2, E3, E7 → 'E1–E3, E7' with links to the evidence table."""
    nums = sorted({int(i[1:]) for i in ids})
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        a, b = nums[i], nums[j]
        link = f'<a href="#E{a}">E{a}</a>'
        out.append(link if a == b else f'{link}–<a href="#E{b}">E{b}</a>')
        i = j + 1
    return ", ".join(out)


def _st(case: CaseFile, cat: Catalogue, st: Statement) -> str:
    return f'{escape(cat.sentence(st))} <span class="refs">[{_ranges(case.refs(st))}]</span>'


def _list(case: CaseFile, cat: Catalogue, statements: list[Statement]) -> str:
    if not statements:
        return f'<p class="note">{escape(cat.label("none"))}</p>'
    items = "".join(f"<li>{_st(case, cat, s)}</li>" for s in statements)
    return f'<ul class="st">{items}</ul>'


def _table(headers: list[str], rows: list[list[str]], row_ids: list[str] | None = None) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        rid = f' id="{row_ids[i]}"' if row_ids else ""
        body.append(f"<tr{rid}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def caveat_banner(case: CaseFile, cat: Catalogue) -> str:
    """The handling caveat (combined label of the cited sources), or nothing when unlabelled."""
    if case.label is None:
        return ""
    return (
        f'<div class="caveat" role="note">{escape(cat.label("caveat"))}: '
        f"{escape(caveat_text(case.label, cat.lang))}<br>"
        f"<small>{escape(cat.label('caveat_note'))}</small></div>"
    )


def render_html(case: CaseFile, lang: str = "en") -> str:
    """The case file as a single HTML document in ``lang``."""
    cat = catalogue(lang)
    L = cat.label
    banner = caveat_banner(case, cat)
    out: list[str] = [
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(L('title'))}: {escape(case.caption)}</title><style>{CSS}</style></head><body>",
        banner,
        f"<header><h1>{escape(L('title'))}: {escape(case.caption)}</h1>",
        f'<p class="meta">{escape(L("entity_id"))}: <span class="mono">{escape(case.entity_id)}'
        f"</span> · {escape(L('kind'))}: {escape(cat.term('kind', case.kind))}</p>",
        f'<p class="note">{escape(L("produced", version=case.version))} '
        f"{escape(L('translated_note'))}</p></header>",
        f"<nav><b>{escape(L('contents'))}</b>: "
        + " · ".join(
            f'<a href="#{k}">{escape(L(k))}</a>'
            for k in ("identity", "role", "timeline", "chart", "evidence", "provenance")
        )
        + "</nav>",
    ]
    # 1. identity
    out.append(f'<section id="identity"><h2>{escape(L("identity"))}</h2>')
    out.append(f"<h3>{escape(L('names'))}</h3>{_list(case, cat, case.names)}")
    out.append(f"<h3>{escape(L('identifiers'))}</h3>{_list(case, cat, case.identifiers)}")
    out.append(f"<h3>{escape(L('merges'))}</h3>")
    if not case.merges:
        out.append(f'<p class="note">{escape(L("none"))}</p>')
    for m in case.merges:
        out.append(f"<p>{_st(case, cat, m.statement)}</p>")
        if m.steps:
            rows = [
                [
                    escape(cat.term("comparison", s.comparison)),
                    escape(cat.generated(s.level)),
                    escape(s.left),
                    escape(s.right),
                    f"{s.weight:+.2f}",
                ]
                for s in m.steps
            ]
            out.append(
                _table([L("comparison"), L("level"), L("left"), L("right"), L("weight")], rows)
            )
    if not case.comparisons_available:
        out.append(f'<p class="note">{escape(L("no_comparisons"))}</p>')
    out.append("</section>")
    # 2. role and position
    out.append(f'<section id="role"><h2>{escape(L("role"))}</h2>')
    if not case.analysed:
        out.append(f'<p class="note">{escape(L("not_analysed"))}</p>')
    else:
        out.append(_list(case, cat, case.role))
        out.append(f"<h3>{escape(L('targets'))}</h3>{_list(case, cat, case.ranking)}")
        out.append(
            f"<h3>{escape(L('counterparts'))}</h3>"
            f"{_list(case, cat, [c.statement for c in case.counterparts])}"
        )
    out.append("</section>")
    # 3. timeline
    out.append(f'<section id="timeline"><h2>{escape(L("timeline"))}</h2>')
    if case.timeline:
        rows = [
            [
                escape(e.at or "—"),
                escape(cat.term("link", e.kind)),
                escape(e.place),
                escape(e.counterpart),
                _ranges(case.refs(e.statement)),
            ]
            for e in case.timeline
        ]
        out.append(_table([L("date"), L("event"), L("place"), L("counterpart"), L("refs")], rows))
    else:
        out.append(f'<p class="note">{escape(L("none"))}</p>')
    out.append("</section>")
    # 4. chart
    out.append(
        f'<section id="chart"><h2>{escape(L("chart"))}</h2><figure>'
        f"{to_svg(case.chart, lambda r: cat.term('role', r))}"
        f'<figcaption class="note">{escape(L("chart_caption"))}'
        + (f" (+{case.chart.hidden})" if case.chart.hidden else "")
        + "</figcaption></figure></section>"
    )
    # 5. evidence
    out.append(
        f'<section id="evidence"><h2>{escape(L("evidence"))}</h2>'
        f'<p class="note">{escape(L("evidence_intro"))}</p>'
    )
    rows = [
        [
            case.evidence_ids[p.key],
            f'<span class="mono">{escape(p.path)}</span>',
            str(p.row_num),
            "" if p.line is None else str(p.line),
            f'<span class="mono">{escape(p.sha256)}</span>',
            escape(case.records.get(p.key, "")),
        ]
        for p in case.evidence
    ]
    out.append(
        _table(
            ["#", L("file"), L("row"), L("line"), L("sha256"), L("record")],
            rows,
            [case.evidence_ids[p.key] for p in case.evidence],
        )
    )
    out.append("</section>")
    # 6. provenance
    out.append(f'<section id="provenance"><h2>{escape(L("provenance"))}</h2>')
    rows = [
        [
            escape(s.source_id),
            f'<span class="mono">{escape(s.path)}</span>',
            f'<span class="mono">{escape(s.sha256)}</span>',
            escape(s.loaded_at),
            f"{s.rows_loaded:,}",
        ]
        for s in case.sources
    ]
    out.append(_table([L("source_id"), L("file"), L("sha256"), L("loaded_at"), L("rows")], rows))
    out.append(
        f"<p>{escape(L('version'))}: {escape(case.version)}<br>"
        f'{escape(L("model"))}: <span class="mono">{escape(case.model_id or L("no_model"))}</span><br>'
        f"{escape(L('network_run'))}: {escape(case.network_run or L('not_analysed'))}</p>"
    )
    out.append(f"</section>{banner}</body></html>\n")
    return "".join(out)


def render_index(network: str, entries: list[dict[str, str]], lang: str = "en") -> str:
    """Index page of a network's case files: rank, name, role, score and links to each file."""
    cat = catalogue(lang)
    rows = [
        [
            escape(e["rank"]),
            escape(e["name"]),
            escape(cat.term("role", e["role"])),
            escape(e["score"]),
            " · ".join(f'<a href="{escape(href)}">{escape(text)}</a>' for text, href in e["files"]),
        ]
        for e in entries
    ]
    title = cat.label("index_title", network=network)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title><style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
        f"<p>{escape(cat.label('index_intro', network=network))}</p>"
        + _table(
            [
                cat.label("rank"),
                cat.label("subject"),
                cat.label("role_col"),
                cat.label("score"),
                cat.label("file_col"),
            ],
            rows,
        )
        + "</body></html>\n"
    )
