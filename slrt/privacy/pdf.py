"""The subject-access report as a printable PDF for the citizen (fpdf2, the fonts and layout of the
monthly report): letterhead, whom it is about, every section as a table, the processing trail last."""
from __future__ import annotations

from flask_babel import gettext as _
from fpdf.fonts import FontFace

from slrt.privacy.queries import Subject, when
from slrt.reports.pdf import ReportPDF, _latin, draw_letterhead


def _section(pdf: ReportPDF, section) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.set_font("helvetica", "B", 10)
    pdf.set_text_color(0, 0, 0)
    pdf.multi_cell(0, 6, _latin(section.title), new_x="LMARGIN", new_y="NEXT")
    if not section.rows:
        pdf.set_font("helvetica", "I", 8)
        pdf.multi_cell(0, 5, _latin(section.empty or "-"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    columns = len(section.columns)
    pdf.set_font("helvetica", size=7 if columns > 5 else 8)
    widths = (2,) * columns if columns > 2 else (1, 3)
    with pdf.table(col_widths=widths, line_height=4, padding=1, text_align="LEFT",
                   headings_style=FontFace(emphasis="BOLD", fill_color=(238, 242, 245)), first_row_as_headings=True,
                   repeat_headings=1) as grid:
        grid.row([_latin(c) for c in section.columns])
        for row in section.rows:
            grid.row([_latin(cell)[:1500] for cell in row])
    pdf.ln(3)


def subject_access_pdf(subject: Subject, letterhead, made_at, made_by: str) -> bytes:
    title = _("Laporan Data Pribadi Warga")
    pdf = ReportPDF(format="A4", unit="mm", orientation="landscape")
    pdf.footer_text = f"{title} - {when(made_at)}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(12, 12, 12)
    pdf.add_page()
    draw_letterhead(pdf, letterhead)
    pdf.set_font("helvetica", "B", 14)
    pdf.cell(0, 7, _latin(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    pdf.multi_cell(0, 5, _latin(_("Untuk: %(name)s, NIK %(nik)s. Dibuat %(when)s oleh %(who)s.",
                                  name=subject.name or "-", nik=subject.nik, when=when(made_at), who=made_by)),
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _latin(_("Menurut UU 27/2022 tentang Pelindungan Data Pribadi, Anda berhak mengetahui data "
                                  "apa yang disimpan tentang Anda dan siapa yang memprosesnya, serta meminta "
                                  "koreksi bila ada yang salah.")), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for section in subject.sections:
        _section(pdf, section)
    return bytes(pdf.output())
