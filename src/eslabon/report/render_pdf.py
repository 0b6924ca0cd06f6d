"""Render a case file as PDF with fpdf2 (pure Python): text stays extractable, the link chart is
drawn with vector primitives from the same layout as the SVG, and the creation date is the store's
own (latest source load) so the same store gives the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from eslabon.access.labels import caveat_text
from eslabon.report.case_file import CaseFile
from eslabon.report.i18n import Catalogue, catalogue
from eslabon.report.link_chart import HEIGHT, ROLE_COLOURS, WIDTH
from eslabon.report.statements import Statement

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)


def _unicode_font() -> tuple[Path, Path] | None:
    """DejaVu Sans (regular, bold) when the machine has it: it covers any recorded value."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    try:
        import matplotlib  # optional: ships DejaVu when installed

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    except ImportError:
        pass
    return None


class _Doc(FPDF):
    def __init__(self, cat: Catalogue, subject: str, caveat: str | None = None) -> None:
        super().__init__(format="A4")
        self.cat = cat
        self.subject_line = subject
        self.caveat = caveat
        fonts = _unicode_font()
        if fonts:
            self.add_font("Case", "", str(fonts[0]))
            self.add_font("Case", "B", str(fonts[1]))
            self.family, self.latin1 = "Case", False
        else:
            self.family, self.latin1 = "Helvetica", True
        self.set_auto_page_break(True, margin=15)
        self.set_margins(15, 15, 15)

    def clean(self, text: str) -> str:
        """Core fonts only know cp1252: other characters become '?' (only without DejaVu)."""
        if not self.latin1:
            return text
        return (
            text.replace("→", "->").replace("–", "-").encode("cp1252", "replace").decode("cp1252")
        )

    def header(self) -> None:
        """The handling caveat at the top of every page, as on any marked document."""
        if not self.caveat:
            return
        self.set_font(self.family, "B", 8.5)
        self.set_text_color(139, 0, 0)
        self.set_draw_color(139, 0, 0)
        self.multi_cell(
            0, 4.6, self.clean(f"{self.cat.label('caveat')}: {self.caveat}"), border=1,
            align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
        )  # fmt: skip
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(self.family, "", 7)
        self.cell(
            0, 5, self.clean(f"{self.subject_line} · {self.cat.label('page')} {self.page_no()}"),
            align="C",
        )  # fmt: skip

    def heading(self, text: str, size: float = 13) -> None:
        self.set_font(self.family, "B", size)
        self.multi_cell(
            0, size * 0.55, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1)

    def para(self, text: str, size: float = 9.5) -> None:
        self.set_font(self.family, "", size)
        self.multi_cell(
            0, size * 0.5, self.clean(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(0.8)

    def _wrap(self, text: str, width: float) -> list[str]:
        """Greedy word wrap with cached word widths (fpdf2's table() re-measures every cell
        several times, which is too slow for a 200-event timeline)."""
        lines: list[str] = []
        for para in text.split("\n"):
            line, used = "", 0.0
            for word in para.split(" "):
                w = self._width(word)
                while w > width:  # a token longer than the column (hashes, paths): cut it
                    cut = max(1, int(len(word) * width / w) - 1)
                    if line:
                        lines.append(line)
                        line, used = "", 0.0
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = self._width(word)
                gap = self._width(" ") if line else 0.0
                if used + gap + w > width and line:
                    lines.append(line)
                    line, used = word, w
                else:
                    line, used = (f"{line} {word}" if line else word), used + gap + w
            lines.append(line)
        return lines

    def _width(self, word: str) -> float:
        key = (self.font_family, self.font_style, self.font_size_pt, word)
        cache = self.__dict__.setdefault("_widths", {})
        if key not in cache:
            cache[key] = self.get_string_width(word)
        return cache[key]

    def grid(self, headers: list[str], rows: list[list[str]], widths: tuple[float, ...]) -> None:
        """A bordered table that breaks across pages, repeating its header."""
        if not rows:
            return
        total = self.w - self.l_margin - self.r_margin
        scale = total / sum(widths)
        cols = [w * scale for w in widths]
        lh, pad = 3.2, 0.8

        def draw(cells: list[str], bold: bool) -> None:
            self.set_font(self.family, "B" if bold else "", 7)
            wrapped = [
                self._wrap(self.clean(c), w - 2 * pad) for c, w in zip(cells, cols, strict=True)
            ]
            height = max(len(w) for w in wrapped) * lh + 2 * pad
            if self.get_y() + height > self.h - self.b_margin:
                self.add_page()
                if not bold:
                    draw(headers, True)
                    self.set_font(self.family, "", 7)
            x, y = self.l_margin, self.get_y()
            for lines, w in zip(wrapped, cols, strict=True):
                if bold:
                    self.set_fill_color(235, 235, 235)
                self.rect(x, y, w, height, style="DF" if bold else "D")
                for i, line in enumerate(lines):
                    self.text(x + pad, y + pad + (i + 0.8) * lh, line)
                x += w
            self.set_y(y + height)

        self.set_draw_color(150, 150, 150)
        self.set_line_width(0.1)
        draw(headers, True)
        for r in rows:
            draw(r, False)
        self.set_draw_color(0, 0, 0)
        self.ln(2)


def _refs(case: CaseFile, st: Statement) -> str:
    nums = sorted({int(i[1:]) for i in case.refs(st)})
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(f"E{nums[i]}" if i == j else f"E{nums[i]}–E{nums[j]}")
        i = j + 1
    return ", ".join(out)


def _statements(doc: _Doc, case: CaseFile, sts: list[Statement]) -> None:
    if not sts:
        doc.para(doc.cat.label("none"))
    for st in sts:
        doc.para(f"• {doc.cat.sentence(st)} [{_refs(case, st)}]")


def _chart(doc: _Doc, case: CaseFile) -> None:
    width = doc.w - doc.l_margin - doc.r_margin
    scale = width / WIDTH
    height = HEIGHT * scale
    if doc.get_y() + height > doc.h - doc.b_margin:
        doc.add_page()
    x0, y0 = doc.l_margin, doc.get_y()
    nodes = {n.entity_id: n for n in case.chart.nodes}
    centre = case.chart.nodes[0]
    top = max((e.count for e in case.chart.edges), default=1)
    doc.set_draw_color(136, 136, 136)
    doc.set_font(doc.family, "", 6.5)
    for e in case.chart.edges:
        n = nodes[e.target]
        doc.set_line_width(0.2 + 0.8 * e.count / top)
        doc.line(x0 + centre.x * scale, y0 + centre.y * scale, x0 + n.x * scale, y0 + n.y * scale)
        doc.text(x0 + (centre.x + n.x) / 2 * scale, y0 + (centre.y + n.y) / 2 * scale, str(e.count))
    doc.set_draw_color(0, 0, 0)
    doc.set_line_width(0.2)
    for n in case.chart.nodes:
        colour = "#222222" if n.centre else ROLE_COLOURS.get(n.role or "", "#e0e0e0")
        doc.set_fill_color(int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))
        r = (16 if n.centre else 10) * scale
        doc.circle(x0 + n.x * scale, y0 + n.y * scale, r, style="FD")
        label = n.label if len(n.label) <= 26 else n.label[:25] + "…"
        doc.set_font(doc.family, "B" if n.centre else "", 6.5)
        tw = doc.get_string_width(doc.clean(label))
        doc.text(x0 + n.x * scale - tw / 2, y0 + n.y * scale + r + 3, doc.clean(label))
        if n.role and not n.centre:
            role = doc.clean(doc.cat.term("role", n.role))
            doc.set_font(doc.family, "", 5.5)
            tw = doc.get_string_width(role)
            doc.text(x0 + n.x * scale - tw / 2, y0 + n.y * scale + r + 5.6, role)
    doc.set_y(y0 + height + 2)
    caption = doc.cat.label("chart_caption")
    doc.para(caption + (f" (+{case.chart.hidden})" if case.chart.hidden else ""), size=8)


def render_pdf(case: CaseFile, lang: str = "en", *, created: datetime | None = None) -> bytes:
    """The case file as PDF bytes in ``lang``; ``created`` is written as the creation date."""
    cat = catalogue(lang)
    L = cat.label
    caveat = caveat_text(case.label, lang) if case.label is not None else None
    doc = _Doc(cat, f"{L('title')}: {case.caption} ({case.entity_id})", caveat)
    if created is None and case.as_of:
        created = datetime.fromisoformat(case.as_of).replace(tzinfo=UTC)
    doc.set_creation_date(created or datetime(2000, 1, 1, tzinfo=UTC))
    doc.set_producer(f"eslabon {case.version}")
    doc.set_title(f"{L('title')}: {case.caption}")
    doc.set_lang(lang)
    doc.add_page()
    doc.heading(f"{L('title')}: {case.caption}", 16)
    doc.para(f"{L('entity_id')}: {case.entity_id} · {L('kind')}: {cat.term('kind', case.kind)}")
    doc.para(f"{L('produced', version=case.version)} {L('translated_note')}", 8)

    doc.heading(L("identity"))
    doc.heading(L("names"), 10.5)
    _statements(doc, case, case.names)
    doc.heading(L("identifiers"), 10.5)
    _statements(doc, case, case.identifiers)
    doc.heading(L("merges"), 10.5)
    if not case.merges:
        doc.para(L("none"))
    for m in case.merges:
        _statements(doc, case, [m.statement])
        doc.grid(
            [L("comparison"), L("level"), L("left"), L("right"), L("weight")],
            [[cat.term("comparison", s.comparison), cat.generated(s.level), s.left, s.right, f"{s.weight:+.2f}"]
             for s in m.steps],
            (30, 50, 40, 40, 20),
        )  # fmt: skip
    if not case.comparisons_available:
        doc.para(L("no_comparisons"), 8)

    doc.heading(L("role"))
    if not case.analysed:
        doc.para(L("not_analysed"))
    else:
        _statements(doc, case, case.role)
        doc.heading(L("targets"), 10.5)
        _statements(doc, case, case.ranking)
        doc.heading(L("counterparts"), 10.5)
        _statements(doc, case, [c.statement for c in case.counterparts])

    doc.heading(L("timeline"))
    if not case.timeline:
        doc.para(L("none"))
    doc.grid(
        [L("date"), L("event"), L("place"), L("counterpart"), L("refs")],
        [[e.at or "—", cat.term("link", e.kind), e.place, e.counterpart, _refs(case, e.statement)]
         for e in case.timeline],
        (28, 30, 35, 65, 22),
    )  # fmt: skip

    doc.heading(L("chart"))
    _chart(doc, case)

    doc.add_page()
    doc.heading(L("evidence"))
    doc.para(L("evidence_intro"), 8)
    doc.grid(
        ["#", L("file"), L("row"), L("line"), L("sha256"), L("record")],
        [[case.evidence_ids[p.key], p.path, str(p.row_num), "" if p.line is None else str(p.line),
          p.sha256, case.records.get(p.key, "")] for p in case.evidence],
        (10, 38, 10, 10, 52, 60),
    )  # fmt: skip

    doc.heading(L("provenance"))
    doc.grid(
        [L("source_id"), L("file"), L("sha256"), L("loaded_at"), L("rows")],
        [[s.source_id, s.path, s.sha256, s.loaded_at, f"{s.rows_loaded:,}"] for s in case.sources],
        (28, 50, 52, 30, 20),
    )  # fmt: skip
    doc.para(f"{L('version')}: {case.version}")
    doc.para(f"{L('model')}: {case.model_id or L('no_model')}")
    doc.para(f"{L('network_run')}: {case.network_run or L('not_analysed')}")
    return bytes(doc.output())
