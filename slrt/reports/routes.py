from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.admin.letterhead import letterhead
from slrt.auth.models import Role
from slrt.auth.permissions import permission_required
from slrt.core.db import read_only, reports_replica
from slrt.core.downloads import send_download
from slrt.core.pagination import page_number
from slrt.core.htmx import render_page_or_partial
from slrt.core.labels import LABELS
from slrt.core.time import local_today
from slrt.regions import operations as regions
from slrt.reports import charts, exports, figures, lists, needs
from slrt.reports.figures import BUCKETS
from slrt.reports.filters import ReportFilter, parse_month, with_args
from slrt.reports.forms import MonthForm, PeriodForm
from slrt.reports.permissions import (can_export_case_queue, can_export_personal_data, can_view_report_lists,
                                      can_view_reports)

bp = Blueprint("reports", __name__, url_prefix="/laporan")

FORMATS = ("xlsx", "csv")


def _filter(default_period: str = "this_month") -> ReportFilter:
    return ReportFilter.from_args(request.args, current_user, default_period)


def _period_form(f: ReportFilter) -> PeriodForm:
    form = PeriodForm(request.args)
    form.period.choices = [(k, v) for k, v in LABELS.choices("ReportPeriod")]
    form.period.data = f.period if f.period != "month" else "this_month"
    form.region.data = f.region
    return form


def _breadcrumbs(f: ReportFilter) -> list[tuple[str, str]]:
    root_depth = len(f.root.split("."))
    return [(code, name) for code, name in regions.path_names(f.scope_region) if len(code.split(".")) >= root_depth]


def _charts(d: figures.Dashboard, links: bool = False) -> dict:
    buckets = [(b, LABELS.label("OutcomeBucket", b)) for b in BUCKETS]
    region = {"region": d.filter.region} if d.filter.region else {}
    month_links = ([url_for("reports.list", period="month", month=r.key, **region) for r in d.per_month]
                   if links else None)
    return {"per_month": charts.column_chart([(r.label, r.count) for r in d.per_month], _("Kasus per bulan"),
                                             links=month_links),
            "outcomes": charts.stacked_bars([(r.label, r.cells) for r in d.outcomes], buckets,
                                            _("Hasil rujukan per instansi"))}


@bp.route("/")
@permission_required(can_view_reports)
@read_only
@reports_replica
def dashboard():
    """The dashboard of the user's region: figures for a period, with a drill-down by kecamatan and desa."""
    f = _filter()
    d = figures.build(f, current_user)
    return render_page_or_partial("reports/dashboard.html", "reports/_dashboard.html", d=d, f=f,
                                  form=_period_form(f), crumbs=_breadcrumbs(f),
                                  charts=_charts(d, can_view_report_lists(current_user)),
                                  with_args=with_args, links=can_view_report_lists(current_user),
                                  provincial=Role(current_user.role) is Role.PROVINCIAL_OFFICER)


@bp.route("/dasbor.<fmt>")
@permission_required(can_view_reports)
@reports_replica
def export_dashboard(fmt: str):
    """The dashboard's tables as XLSX or CSV (aggregates only)."""
    if fmt not in FORMATS:
        abort(404)
    f = _filter()
    d = figures.build(f, current_user)
    return exports.send(exports.dashboard_tables(d), fmt, f"dasbor-slrt-{f.bounds[0]:%Y%m%d}-{f.bounds[1]:%Y%m%d}",
                        "dashboard", f.describe())


@bp.route("/daftar", endpoint="list")
@permission_required(can_view_report_lists)
@read_only
@reports_replica
def figure_list():
    """The cases or referrals behind one figure of the dashboard, paged."""
    f = _filter()
    rows, total, page, pages = lists.page_of(lists.list_query(f, current_user), f.kind, page_number())
    return render_page_or_partial("reports/list.html", "reports/_list_rows.html", f=f, rows=rows, total=total,
                                  page=page, pages=pages, args=f.all_args(), crumbs=_breadcrumbs(f),
                                  today=f.today)


@bp.route("/daftar.<fmt>")
@permission_required(can_view_report_lists)
@reports_replica
def export_list(fmt: str):
    """The list behind a figure as XLSX or CSV; names and NIK only for roles that may take them out."""
    if fmt not in FORMATS:
        abort(404)
    f = _filter()
    personal = can_export_personal_data(current_user)
    rows = lists.all_rows(lists.list_query(f, current_user), f.kind)
    title = _("Daftar rujukan") if f.kind == "referrals" else _("Daftar kasus")
    table = (lists.referral_table(rows, personal, title, f.today) if f.kind == "referrals"
             else lists.case_table(rows, personal, title))
    return exports.send([table], fmt, f"{'rujukan' if f.kind == 'referrals' else 'kasus'}-slrt-{local_today():%Y%m%d}",
                        f"list:{f.kind}" + (" personal" if personal else ""), f.describe())


@bp.route("/antrean-kasus.<fmt>")
@permission_required(can_export_case_queue)
def export_cases(fmt: str):
    """The case queue (same filters as cases.index) as XLSX or CSV."""
    if fmt not in FORMATS:
        abort(404)
    from slrt.cases.models import CaseStatus
    from slrt.cases.routes import _apply_filters, _filter_form
    from slrt.cases.scoping import visible_cases
    from sqlalchemy.orm import selectinload
    from slrt.cases.models import Case
    from slrt.extensions import db
    form = _filter_form()
    if not any(k in request.args for k in ("q", "status", "kecamatan", "desa", "category", "date_from", "date_to")):
        form.status.data = CaseStatus.REGISTERED  # as the queue shows it when opened without filters
    query = _apply_filters(visible_cases(current_user), form).order_by(Case.created_at.desc(), Case.id.desc())
    cases = db.session.scalars(query.options(selectinload(Case.complaints), selectinload(Case.assigned_to))).unique().all()
    personal = can_export_personal_data(current_user)
    table = lists.case_table(cases, personal, _("Antrean kasus"))
    described = " ".join(f"{k}={v}" for k, v in request.args.items() if k != "q" and v)
    return exports.send([table], fmt, f"antrean-kasus-{local_today():%Y%m%d}",
                        "case_queue" + (" personal" if personal else ""), described)


@bp.route("/kebutuhan", endpoint="needs")
@permission_required(can_view_reports)
@read_only
@reports_replica
def needs_page():
    """Needs per village against what was delivered, with kecamatan totals."""
    f = _filter("this_year")
    report = needs.build(f, current_user)
    from slrt.admin.models import Programme
    from slrt.extensions import db
    from sqlalchemy import select
    programmes = db.session.execute(select(Programme.id, Programme.name).order_by(Programme.sort_order)).all()
    return render_page_or_partial("reports/needs.html", "reports/_needs.html", n=report, f=f,
                                  form=_period_form(f), crumbs=_breadcrumbs(f), programmes=programmes,
                                  with_args=with_args)


@bp.route("/kebutuhan.<fmt>")
@permission_required(can_view_reports)
@reports_replica
def export_needs(fmt: str):
    """Needs per village as XLSX or CSV."""
    if fmt not in FORMATS:
        abort(404)
    f = _filter("this_year")
    report = needs.build(f, current_user)
    return exports.send(exports.needs_tables(report), fmt, f"kebutuhan-per-desa-{f.bounds[0]:%Y%m%d}",
                        "needs", f.describe())


def _monthly_filter() -> ReportFilter:
    month = request.args.get("month") or ""
    if not parse_month(month):
        today = local_today()
        last = date(today.year, today.month, 1) - timedelta(days=1)  # by default the month just ended
        month = f"{last.year:04d}-{last.month:02d}"
    args = {"period": "month", "month": month}
    if request.args.get("region"):
        args["region"] = request.args["region"]
    return ReportFilter.from_args(args, current_user)


def _month_choices(today: date, count: int = 24) -> list[tuple[str, str]]:
    from slrt.core.i18n import long_date
    year, month, out = today.year, today.month, []
    for _step in range(count):
        out.append((f"{year:04d}-{month:02d}", long_date(date(year, month, 1)).split(" ", 1)[1]))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out





@bp.route("/bulanan")
@permission_required(can_view_reports)
@read_only
@reports_replica
def monthly():
    """The monthly report (Laporan Bulanan SLRT) for a chosen month, printable on A4."""
    f = _monthly_filter()
    d = figures.build(f, current_user)
    form = MonthForm(request.args)
    form.month.choices = _month_choices(local_today())
    form.month.data = f.month
    return render_template("reports/monthly.html", d=d, f=f, form=form, charts=_charts(d),
                           tables=exports.dashboard_tables(d, monthly=True), letterhead=letterhead(), crumbs=_breadcrumbs(f),
                           month_name=dict(_month_choices(local_today(), 60)).get(f.month, f.month))


@bp.route("/bulanan.<fmt>")
@permission_required(can_view_reports)
@reports_replica
def export_monthly(fmt: str):
    """The monthly report as PDF, XLSX or CSV (the same figures as the page)."""
    if fmt not in FORMATS + ("pdf",):
        abort(404)
    f = _monthly_filter()
    d = figures.build(f, current_user)
    tables = exports.dashboard_tables(d, monthly=True)
    filename = f"laporan-bulanan-slrt-{f.month}"
    if fmt != "pdf":
        return exports.send(tables, fmt, filename, "monthly", f.describe())
    from slrt.reports.pdf import monthly_pdf
    month_name = dict(_month_choices(local_today(), 60)).get(f.month, f.month)
    place = regions.path_names(f.scope_region)[-1][1] if regions.path_names(f.scope_region) else f.scope_region
    body = monthly_pdf(d, tables, letterhead(), _("Laporan Bulanan SLRT"), f"{month_name} · {place}")
    return send_download(body, filename=f"{filename}.pdf", mimetype="application/pdf", audit="report.export",
                         note=f"monthly pdf rows={exports.row_count(tables)} {f.describe()}")
