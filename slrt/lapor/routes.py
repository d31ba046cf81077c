from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.auth.permissions import permission_required
from slrt.core import refusals
from slrt.core.db import lock_row, read_only
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial
from slrt.extensions import db
from slrt.lapor import operations
from slrt.lapor.forms import CompletionForm
from slrt.lapor.models import LaporReport, LaporStatus
from slrt.lapor.permissions import can_complete_lapor, can_read_lapor
from slrt.regions.districts import current_district
from slrt.submissions import views as submissions

bp = Blueprint("lapor", __name__, url_prefix="/lapor", cli_group="lapor")

PAGE_SIZE = 50


@bp.route("/")
@read_only
@permission_required(can_read_lapor)
def index():
    """The complaints pulled from SP4N-LAPOR!, newest first; those LAPOR! sent without usable data first."""
    from slrt.cases.models import Case
    from slrt.cases.scoping import scope_cases
    result = paginate(select(LaporReport), page_number(), PAGE_SIZE,
                      (LaporReport.status != LaporStatus.NEEDS_DATA), LaporReport.dispositioned_on.desc(),
                      LaporReport.id.desc())
    ids = [r.case_id for r in result.rows if r.case_id is not None]
    visible = set(db.session.scalars(scope_cases(select(Case.id), current_user).where(Case.id.in_(ids)))) if ids else set()
    return render_page_or_partial("lapor/index.html", "lapor/_rows.html", rows=result.rows, visible=visible,
                                  total=result.total, page=result.page, pages=result.pages)


@bp.route("/belum-lengkap")
@read_only
@permission_required(can_read_lapor)
def incomplete():
    """Laporan LAPOR! belum lengkap: reports without a usable identity or village, waiting for the back office."""
    result = paginate(select(LaporReport).where(LaporReport.status == LaporStatus.NEEDS_DATA), page_number(),
                      PAGE_SIZE, LaporReport.dispositioned_on, LaporReport.id)
    return render_template("lapor/incomplete.html", rows=result.rows, total=result.total, page=result.page,
                           pages=result.pages)


def _completion_form(entry: LaporReport | None = None) -> CompletionForm:
    from slrt.admin.models import ComplaintCategory
    from slrt.regions import operations as regions
    form = CompletionForm()
    villages = [(desa.code, f"{kecamatan.name} — {desa.name}")
                for kecamatan in regions.children(current_district())
                for desa in regions.children(kecamatan.code)]
    categories = db.session.scalars(select(ComplaintCategory).where(ComplaintCategory.active.is_(True))
                                    .order_by(ComplaintCategory.name)).all()
    form.fill_choices(villages, categories)
    if entry is not None and request.method == "GET":
        _prefill(form, entry, villages, categories)
    return form


def _prefill(form: CompletionForm, entry: LaporReport, villages, categories) -> None:
    """What LAPOR! did send, to start from; the clerk corrects and completes it."""
    from datetime import date
    pulled = operations.pulled_of(entry)
    reporter = pulled.get("reporter") or {}
    form.nik.data = reporter.get("nik", "")
    form.name.data = reporter.get("nama", "")
    try:
        form.birth_date.data = date.fromisoformat(reporter.get("tanggal_lahir", ""))
    except ValueError:
        pass
    form.sex.data = (reporter.get("jenis_kelamin") or "").upper()[:1] or None
    form.phone.data = reporter.get("telepon", "")
    if pulled.get("region_code") in dict(villages):
        form.desa.data = pulled["region_code"]
    wanted = (pulled.get("category") or "").strip().lower()
    named = [c.id for c in categories if wanted and wanted in (c.name.lower(), c.code.lower())]
    form.category.data = named[0] if named else None


def _completion_page(report_id: int, form: CompletionForm):
    entry = db.session.get(LaporReport, report_id)
    if entry is None:
        abort(404)
    return render_template("lapor/complete.html", entry=entry, form=form, pulled=operations.pulled_of(entry))


@bp.route("/<int:report_id>/lengkapi", methods=["GET"])
@read_only
@permission_required(can_complete_lapor)
def complete_form(report_id: int):
    """The form that completes an incomplete report, filled with what LAPOR! sent."""
    entry = db.session.get(LaporReport, report_id)
    if entry is None:
        abort(404)
    return _completion_page(report_id, _completion_form(entry))


@bp.route("/<int:report_id>/lengkapi", methods=["POST"])
@permission_required(can_complete_lapor)
@submissions.once
def complete(report_id: int):
    """Complete the report and register its case (channel LAPOR!, with the tracking ID), once."""
    from slrt.core.nik import check_nik
    from slrt.regions.operations import region_index
    lock_row(LaporReport, report_id)
    entry = db.session.get(LaporReport, report_id, populate_existing=True)
    if entry is None:
        abort(404)
    form = _completion_form()
    check = check_nik(form.nik.data or "", region_index)
    valid = form.validate_on_submit()
    if not check.valid:
        form.nik.errors = list(form.nik.errors) + [str(e) for e in check.errors]
    elif form.sex.data in ("L", "P") and check.sex and form.sex.data != check.sex:
        form.sex.errors = list(form.sex.errors) + [_("Jenis kelamin tidak cocok dengan NIK.")]
    if not valid or form.nik.errors or form.sex.errors:
        db.session.rollback()
        return _completion_page(report_id, form), 422
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    identity = {"nik": check.nik, "name": form.name.data.strip(), "birth_date": form.birth_date.data,
                "sex": form.sex.data, "region_code": form.desa.data, "phone": (form.phone.data or "").strip()}
    try:
        case = operations.complete(entry, identity, form.category.data, current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _completion_page(report_id, form), form, error)
    submissions.result_at(url_for("cases.detail", case_id=case.id))
    db.session.commit()
    flash(_("Kasus %(ticket)s terdaftar dari laporan LAPOR! %(tracking)s.", ticket=case.ticket,
            tracking=entry.tracking_id), "success")
    return redirect(url_for("cases.detail", case_id=case.id), code=303)
