"""The berita acara of a village meeting (musdes/muskel), generated from its batch for signing (fpdf2, the
fonts and layout of the monthly report): letterhead, the meeting, its decision on every proposal discussed,
the places to sign, and the attendance list with a column for signatures."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf.fonts import FontFace

from slrt.core.i18n import long_date
from slrt.core.labels import LABELS
from slrt.registry.models import MeetingDecision, ProposalKind, VillageMeeting
from slrt.reports.pdf import ReportPDF, _latin

HEADINGS = FontFace(emphasis="BOLD", fill_color=(238, 242, 245))


def _paragraph(pdf: ReportPDF, text: str, size: float = 10, style: str = "") -> None:
    pdf.set_font("helvetica", style, size)
    pdf.multi_cell(0, 5.5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def berita_acara_pdf(meeting: VillageMeeting, letterhead: list[str], village: str, kecamatan: str) -> bytes:
    kind = _("Musyawarah Kelurahan") if meeting.is_kelurahan else _("Musyawarah Desa")
    place = _("Kelurahan") if meeting.is_kelurahan else _("Desa")
    title = _("Berita Acara %(kind)s", kind=kind)
    pdf = ReportPDF(format="A4", unit="mm")
    pdf.footer_text = f"{title} {village} - {long_date(meeting.meeting_date)}"
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(18, 14, 18)
    pdf.add_page()
    for i, line in enumerate(letterhead):
        pdf.set_font("helvetica", "B" if i == 0 else "", 12 if i == 0 else 9)
        pdf.cell(0, 6 if i == 0 else 4.5, _latin(line), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 1.5, pdf.w - pdf.r_margin, pdf.get_y() + 1.5)
    pdf.set_line_width(0.2)
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(0, 7, _latin(title.upper()), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(0, 5.5, _latin(_("Usulan dan Perbaikan Data Tunggal Sosial dan Ekonomi Nasional (DTSEN)")), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    pdf.cell(0, 5, _latin(_("Nomor: ........................................")), align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    counts = {d: sum(1 for i in meeting.items if i.decision == d) for d in MeetingDecision}
    _paragraph(pdf, _("Pada hari %(day)s, tanggal %(date)s, bertempat di %(place)s, telah dilaksanakan %(kind)s "
                      "%(village)s, Kecamatan %(kecamatan)s, dipimpin oleh %(chair)s dan dihadiri oleh %(count)d "
                      "orang sebagaimana tercantum dalam daftar hadir terlampir.",
                      day=format_date(meeting.meeting_date, "EEEE"), date=long_date(meeting.meeting_date),
                      place=meeting.place or "....................", kind=kind, village=village,
                      kecamatan=kecamatan, chair=meeting.chair or "....................",
                      count=meeting.attendance_count))
    _paragraph(pdf, _("Musyawarah membahas %(n)d usulan data keluarga untuk DTSEN (usulan baru, perbaikan data, "
                      "dan sanggah) yang telah diverifikasi melalui kunjungan rumah, dengan hasil: %(agreed)d "
                      "disetujui, %(refused)d ditolak, %(postponed)d ditunda. Rinciannya sebagai berikut:",
                      n=len(meeting.items), agreed=counts[MeetingDecision.AGREED],
                      refused=counts[MeetingDecision.REFUSED], postponed=counts[MeetingDecision.POSTPONED]))
    pdf.set_font("helvetica", size=8)
    with pdf.table(col_widths=(8, 16, 28, 32, 34, 18, 34), line_height=4.2, padding=1, text_align="LEFT",
                   headings_style=HEADINGS, first_row_as_headings=True, repeat_headings=1) as grid:
        grid.row([_latin(h) for h in (_("No."), _("Jenis"), _("NIK"), _("Nama kepala keluarga"), _("Alamat"),
                                      _("Keputusan"), _("Catatan"))])
        for n, item in enumerate(meeting.items, start=1):
            p = item.proposal
            address = p.address + (f" RT {p.rt}/RW {p.rw}" if p.rt else "")
            grid.row([str(n), _latin(LABELS.label(ProposalKind, p.kind)), p.nik, _latin(p.name)[:200],
                      _latin(address)[:300], _latin(LABELS.label(MeetingDecision, item.decision)),
                      _latin(item.note)[:600]])
    pdf.ln(4)
    _paragraph(pdf, _("Usulan yang disetujui diteruskan kepada Dinas Sosial untuk ditetapkan dan dimasukkan ke "
                      "SIKS-NG; usulan yang ditunda dibahas kembali pada musyawarah berikutnya. Demikian berita "
                      "acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya."))
    if pdf.get_y() > pdf.h - 70:
        pdf.add_page()
    pdf.ln(2)
    pdf.set_font("helvetica", size=10)
    pdf.cell(0, 5, _latin(f"{village}, {long_date(meeting.meeting_date)}"), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    left, right = ((_("Ketua LPM"), _("Lurah %(name)s", name=village)) if meeting.is_kelurahan
                   else (_("Ketua BPD"), _("Kepala Desa %(name)s", name=village)))
    half = pdf.epw / 2
    y = pdf.get_y()
    for column, (role, name) in enumerate(((_("Pimpinan musyawarah"), meeting.chair), (right, ""))):
        pdf.set_xy(pdf.l_margin + column * half, y)
        pdf.multi_cell(half, 5, _latin(role), align="C")
        pdf.set_xy(pdf.l_margin + column * half, y + 28)
        pdf.multi_cell(half, 5, _latin(f"( {name or '.' * 32} )"), align="C")
    pdf.set_xy(pdf.l_margin, y + 40)
    pdf.multi_cell(0, 5, _latin(_("Mengetahui, %(role)s", role=left)), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(22)
    pdf.multi_cell(0, 5, _latin(f"( {'.' * 32} )"), align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.add_page()
    pdf.set_font("helvetica", "B", 11)
    pdf.cell(0, 6, _latin(_("Daftar Hadir %(kind)s %(place)s %(village)s, %(date)s", kind=kind, place=place,
                            village=village, date=long_date(meeting.meeting_date))),
             align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("helvetica", size=9)
    rows = [(a.name, a.role) for a in meeting.attendees]
    rows += [("", "")] * max(0, min(meeting.attendance_count, 200) - len(rows))  # lines for those not named yet
    with pdf.table(col_widths=(8, 60, 50, 40), line_height=7, padding=1, text_align="LEFT",
                   headings_style=HEADINGS, first_row_as_headings=True, repeat_headings=1) as grid:
        grid.row([_latin(h) for h in (_("No."), _("Nama"), _("Peran/jabatan"), _("Tanda tangan"))])
        for n, (name, role) in enumerate(rows, start=1):
            grid.row([str(n), _latin(name), _latin(role), ""])
    return bytes(pdf.output())
