"""Reports as tables (for XLSX, CSV and the PDF), and sending a file: every export is audited."""
from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from slrt.core.downloads import send_download
from slrt.core.labels import LABELS
from slrt.reports.figures import BUCKETS, Dashboard
from slrt.reports.needs import NeedsReport
from slrt.reports.tables import CSV_MIME, XLSX_MIME, Column, Table, row_count, to_csv, to_xlsx  # noqa: F401


def _count_table(title: str, head: str, rows, sheet: str) -> Table:
    return Table(title, [Column(head, width=40), Column(_("Jumlah"), "int", 10)],
                 [[label, count] for label, count in rows], sheet=sheet)


def dashboard_tables(d: Dashboard, monthly: bool = False) -> list[Table]:
    """The dashboard's figures as tables. The monthly report leaves out "new this week/month", which
    count from today rather than from the chosen month."""
    from slrt.cases.models import CaseStatus, VisitType
    from slrt.referrals.models import ReferralStatus
    status_cols = [Column(LABELS.label(ReferralStatus, s), "int", 12) for s in d.statuses]

    def matrix(title, head, rows, sheet):
        return Table(title, [Column(head, width=40), Column(_("Jumlah"), "int", 10)] + status_cols,
                     [[r.label or _("(tanpa)"), r.count] + [r.cells.get(s, 0) for s in d.statuses] for r in rows],
                     sheet=sheet)

    tables = [
        _count_table(_("Kasus menurut status"), _("Status"),
                     [(LABELS.label(CaseStatus, r.key), r.count) for r in d.by_status] + [(_("Jumlah"), d.total)],
                     _("Status kasus")),
        _count_table(_("Kasus baru"), _("Periode"),
                     [(_("Minggu ini"), d.new["week"]), (_("Bulan ini"), d.new["month"])], _("Kasus baru")),
        _count_table(_("Kasus menurut jenis layanan"), _("Jenis layanan"),
                     [(LABELS.label(VisitType, r.key), r.count) for r in d.by_visit_type], _("Jenis layanan")),
        _count_table(_("Kasus menurut kategori keluhan"), _("Kategori keluhan"),
                     [(r.label, r.count) for r in d.by_category], _("Kategori keluhan")),
        matrix(_("Rujukan menurut instansi dan status"), _("Instansi"), d.by_agency, _("Rujukan per instansi")),
        matrix(_("Rujukan menurut program dan status"), _("Program"), d.by_programme, _("Rujukan per program")),
        Table(_("Hasil rujukan per instansi"), [Column(_("Instansi"), width=40), Column(_("Jumlah"), "int", 10)]
              + [Column(LABELS.label("OutcomeBucket", b), "int", 14) for b in BUCKETS],
              [[r.label, r.count] + [r.cells[b] for b in BUCKETS] for r in d.outcomes], sheet=_("Hasil per instansi"),
              chart="outcomes"),
        _count_table(_("Rujukan terlambat menurut instansi"), _("Instansi"),
                     [(r.label, r.count) for r in d.late_by_agency], _("Terlambat per instansi")),
        _count_table(_("Rujukan terlambat menurut petugas"), _("Petugas"),
                     [(r.label, r.count) for r in d.late_by_officer], _("Terlambat per petugas")),
        Table(_("Waktu layanan (hari)"), [Column(_("Tahap"), width=40), Column(_("Jumlah rujukan"), "int", 14),
                                          Column(_("Median (hari)"), "float", 14),
                                          Column(_("Persentil ke-90 (hari)"), "float", 18)],
              [[_("Pendaftaran sampai penetapan"), d.signoff["count"], d.signoff["median"], d.signoff["p90"]],
               [_("Surat sampai jawaban instansi"), d.response["count"], d.response["median"], d.response["p90"]]],
              sheet=_("Waktu layanan")),
    ]
    if d.regions:
        tables.append(Table(_("Menurut wilayah"),
                            [Column(_("Wilayah"), width=30), Column(_("Kasus"), "int", 10)]
                            + [Column(LABELS.label(CaseStatus, s.value), "int", 12) for s in CaseStatus]
                            + [Column(_("Rujukan"), "int", 10), Column(_("Rujukan selesai"), "int", 14),
                               Column(_("Terlambat"), "int", 11), Column(_("Median penetapan (hari)"), "float", 18)],
                            [[r.label, r.count] + [r.cells["statuses"].get(s.value, 0) for s in CaseStatus]
                             + [r.cells["referrals"], r.cells["completed"], r.cells["late"],
                                r.cells["signoff"]["median"]] for r in d.regions], sheet=_("Per wilayah")))
    per_month = _count_table(_("Kasus per bulan"), _("Bulan"), [(r.label, r.count) for r in d.per_month],
                             _("Kasus per bulan"))
    per_month.chart = "per_month"
    tables.append(per_month)
    if monthly:
        tables = [t for t in tables if t.sheet != _("Kasus baru")]
    return tables


def needs_tables(n: NeedsReport) -> list[Table]:
    columns = [Column(_("Kebutuhan tercatat"), "int", 12), Column(_("Usulan dari registri"), "int", 14),
               Column(_("Terpenuhi"), "int", 11), Column(_("Kesenjangan"), "int", 12)]
    villages = Table(_("Kebutuhan per desa"), [Column(_("Kecamatan"), width=22), Column(_("Desa/kelurahan"), width=24)]
                     + columns,
                     [[r.kecamatan, _("Jumlah kecamatan") if r.is_total else r.name, r.needs, r.suggested,
                       r.delivered, r.gap] for r in n.rows]
                     + [[_("Jumlah"), "", n.total.needs, n.total.suggested, n.total.delivered, n.total.gap]],
                     sheet=_("Per desa"))
    programmes = Table(_("Kebutuhan per program"), [Column(_("Program"), width=40)] + columns,
                       [[r.name, r.needs, r.suggested, r.delivered, r.gap] for r in n.programmes],
                       sheet=_("Per program"))
    return [villages, programmes]


def send(tables: list[Table], fmt: str, filename: str, what: str, description: str) -> Response:
    """The file, after writing the audit row (who, what, when, how many rows) and committing it; kept by no
    cache."""
    if fmt == "xlsx":
        body, mime = to_xlsx(tables), XLSX_MIME
    else:
        body, mime = to_csv(tables), CSV_MIME
    rows = row_count(tables)
    response = send_download(body, filename=f"{filename}.{fmt}", mimetype=mime, audit="report.export",
                             note=f"{what} {fmt} rows={rows} {description}")
    response.headers["X-Export-Rows"] = str(rows)
    return response
