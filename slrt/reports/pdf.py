"""The monthly report as a PDF (fpdf2, pure Python): letterhead, the same tables as the page and the two
charts drawn as vectors from the same numbers."""
from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import PageOrientation
from fpdf.fonts import FontFace

from slrt.core.labels import LABELS
from slrt.reports.charts import COLOURS
from slrt.reports.figures import BUCKETS, Dashboard
from slrt.reports.tables import Table


def _latin(text) -> str:
    """The built-in PDF fonts cover Latin-1 only: replace anything else rather than fail."""
    text = "" if text is None else str(text)
    return text.replace("…", "...").replace("–", "-").replace("→", "->").encode("latin-1", "replace").decode("latin-1")


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _cell(value, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "float":
        return f"{value:.1f}".replace(".", ",")
    if kind == "int":
        return f"{value:,}".replace(",", ".")
    return _latin(value)


class ReportPDF(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", size=8)
        self.set_text_color(90, 100, 110)
        self.cell(0, 8, _latin(f"{self.footer_text} - {self.page_no()}/{{nb}}"), align="C")


PADDING = 1.0  # mm inside each cell, each side
SMALLEST_FONT = 6.5


def _words_width(pdf: FPDF, text: str) -> float:
    """The width of the longest word of `text` in the current font: a column narrower than that would
    break the word in the middle ("Terdafta/r")."""
    return max((pdf.get_string_width(word) for word in text.split()), default=0)


def _column_widths(pdf: FPDF, table: Table, size: float) -> list[float]:
    """The narrowest width (mm) of each column at font `size` in which no header word and no figure breaks:
    headers wrap between words only. The first column (names of regions, agencies) also keeps its words
    whole and takes what room is left over."""
    widths = []
    for index, column in enumerate(table.columns):
        pdf.set_font("helvetica", "B", size)
        need = _words_width(pdf, _latin(column.header))
        pdf.set_font("helvetica", "", size)
        cells = [_cell(row[index], column.type) for row in table.rows]
        if column.type in ("int", "float") or index > 0:
            need = max([need] + [pdf.get_string_width(c) for c in cells])
        else:
            need = max([need] + [_words_width(pdf, c) for c in cells])
        widths.append(need + 2 * PADDING + 0.6)
    return widths


def _layout(pdf: FPDF, table: Table, room: float) -> tuple[float, list[float]] | None:
    """The largest font (8 pt down to SMALLEST_FONT) at which the table fits `room` mm without breaking a
    word, and its column widths spread over the whole width (the first column gets the slack); None when it
    does not fit even at the smallest font."""
    size = 8.0
    while size >= SMALLEST_FONT:
        widths = _column_widths(pdf, table, size)
        if sum(widths) <= room:
            widths[0] += room - sum(widths)
            return size, widths
        size -= 0.5
    return None


def _room_for(pdf: FPDF, lines: float) -> None:
    """Start a new page unless `lines` rows of text fit on this one (a title never ends a page alone)."""
    if pdf.get_y() + lines * 4.5 > pdf.h - pdf.b_margin:
        pdf.add_page(orientation=pdf.cur_orientation)


def _portrait(pdf: FPDF) -> None:
    """Back to A4 portrait after a landscape page that held one wide table."""
    if pdf.cur_orientation is PageOrientation.LANDSCAPE:
        pdf.add_page(orientation="P")


def _table(pdf: FPDF, table: Table) -> None:
    _portrait(pdf)
    layout = _layout(pdf, table, pdf.epw) if table.rows else None
    if table.rows and layout is None:
        # Too many columns for A4 portrait (the per-region table): a landscape page of its own.
        pdf.add_page(orientation="L")
        layout = _layout(pdf, table, pdf.epw) or (SMALLEST_FONT, [pdf.epw / len(table.columns)] * len(table.columns))
    _room_for(pdf, 7)
    pdf.set_font("helvetica", "B", 10)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 6, _latin(table.title), new_x="LMARGIN", new_y="NEXT")
    if not table.rows:
        pdf.set_font("helvetica", "I", 8)
        pdf.cell(0, 5, _latin(_("Tidak ada data dalam periode ini.")), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    size, widths = layout
    pdf.set_font("helvetica", size=size)
    aligns = ["LEFT"] + ["RIGHT" if c.type in ("int", "float") else "LEFT" for c in table.columns[1:]]
    pdf.set_fill_color(255, 255, 255)  # rows stay white, whatever a chart drew before
    with pdf.table(width=pdf.epw, col_widths=widths, text_align=aligns, line_height=size * 0.5 + 0.4,
                   padding=PADDING, headings_style=FontFace(emphasis="BOLD", fill_color=(238, 242, 245)),
                   first_row_as_headings=True, repeat_headings=1) as grid:
        grid.row([_latin(c.header) for c in table.columns])
        for row in table.rows:
            grid.row([_cell(v, c.type) for v, c in zip(row, table.columns)])
    pdf.ln(3)


def _column_chart(pdf: FPDF, title: str, points: list[tuple[str, int]]) -> None:
    if pdf.get_y() > pdf.h - 80:
        pdf.add_page()
    x0, y0, width, height = pdf.l_margin + 10, pdf.get_y() + 4, pdf.epw - 12, 45
    peak = max((v for _, v in points), default=0) or 1
    slot = width / max(1, len(points))
    pdf.set_draw_color(200, 205, 210)
    pdf.line(x0, y0 + height, x0 + width, y0 + height)
    pdf.set_fill_color(*_hex(COLOURS["bar"]))
    pdf.set_font("helvetica", size=6.5)
    for i, (label, value) in enumerate(points):
        h = height * value / peak
        x = x0 + i * slot + slot * 0.15
        if h:
            pdf.rect(x, y0 + height - h, slot * 0.7, h, style="F")
        pdf.text(x, y0 + height - h - 1, str(value))
        pdf.text(x, y0 + height + 4, _latin(label))
    pdf.set_y(y0 + height + 9)


def _label_lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """A name broken between words into lines of at most `width` mm (a word longer than that is cut)."""
    lines, line = [], ""
    for word in _latin(text).split():
        candidate = f"{line} {word}".strip()
        if line and pdf.get_string_width(candidate) > width:
            lines.append(line)
            candidate = word
        while pdf.get_string_width(candidate) > width and len(candidate) > 1:
            candidate = candidate[:-1]
        line = candidate
    return lines + [line] if line else lines or [""]


def _stacked_chart(pdf: FPDF, title: str, rows) -> None:
    """The agency outcomes: each agency's whole name (wrapped, never cut: "Pencatatan Sipi"), and the chart
    kept on one page (its last bar once stood alone at the top of the next)."""
    pdf.set_font("helvetica", size=7)
    label_w = 55
    line_h = 3.0
    labels = [_label_lines(pdf, row.label, label_w - 3) for row in rows]
    heights = [max(6.0, len(lines) * line_h + 2.5) for lines in labels]
    needed = 6 + sum(heights) + 3
    if pdf.get_y() + needed > pdf.h - pdf.b_margin and needed < pdf.eph:
        pdf.add_page()
    x = pdf.l_margin
    y = pdf.get_y() + 1
    for bucket in BUCKETS:
        pdf.set_fill_color(*_hex(COLOURS[bucket]))
        pdf.rect(x, y, 3, 3, style="F")
        name = _latin(LABELS.label("OutcomeBucket", bucket))
        pdf.text(x + 4, y + 2.6, name)
        x += 8 + pdf.get_string_width(name)
    y += 6
    plot_w = pdf.epw - label_w - 12
    peak = max((r.count for r in rows), default=0) or 1
    for row, lines, height in zip(rows, labels, heights):
        if y + height > pdf.h - pdf.b_margin:
            pdf.add_page()
            y = pdf.get_y()
        pdf.set_text_color(0, 0, 0)
        for i, line in enumerate(lines):
            pdf.text(pdf.l_margin, y + 3 + i * line_h, line)
        cursor = pdf.l_margin + label_w
        for bucket in BUCKETS:
            value = row.cells.get(bucket, 0)
            if value:
                w = plot_w * value / peak
                pdf.set_fill_color(*_hex(COLOURS[bucket]))
                pdf.rect(cursor, y, w, 4, style="F")
                cursor += w
        pdf.text(cursor + 1.5, y + 3, str(row.count))
        y += height
    pdf.set_y(y + 3)


def draw_letterhead(pdf: FPDF, letterhead) -> None:
    """The district's letterhead (slrt.admin.letterhead) at the top of a PDF: the logo on the left, the lines
    centred, a rule under them."""
    top = pdf.get_y()
    if letterhead.logo_path is not None and letterhead.logo_path.suffix != ".svg":
        pdf.image(str(letterhead.logo_path), x=pdf.l_margin, y=top, h=16)
    for i, line in enumerate(letterhead.lines):
        pdf.set_font("helvetica", "B" if i == 0 else "", 12 if i == 0 else 9)
        pdf.cell(0, 6 if i == 0 else 4.5, _latin(line), align="C", new_x="LMARGIN", new_y="NEXT")
    if letterhead.logo_path is not None:
        pdf.set_y(max(pdf.get_y(), top + 16))
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 1.5, pdf.w - pdf.r_margin, pdf.get_y() + 1.5)
    pdf.set_line_width(0.2)
    pdf.ln(5)


def monthly_pdf(d: Dashboard, tables: list[Table], letterhead, title: str, subtitle: str) -> bytes:
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.footer_text = f"{title} - {subtitle}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    draw_letterhead(pdf, letterhead)
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 7, _latin(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 6, _latin(subtitle), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for table in tables:
        _table(pdf, table)
        if table.chart not in ("per_month", "outcomes") or (table.chart == "outcomes" and not d.outcomes):
            continue
        _portrait(pdf)
        if table.chart == "per_month":
            _column_chart(pdf, table.title, [(r.label, r.count) for r in d.per_month])
        else:
            _stacked_chart(pdf, table.title, d.outcomes)
    return bytes(pdf.output())
