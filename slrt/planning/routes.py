"""Planning pages: the figures per district, kecamatan and village with the what-if, the XLSX for musrenbang,
and the administrator's list of local programmes."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin import settings
from slrt.admin.models import Programme
from slrt.auth.permissions import in_region, permission_required
from slrt.core.db import read_only
from slrt.core.downloads import send_download
from slrt.core.errors import DomainError
from slrt.core.htmx import wants_partial
from slrt.core.labels import LABELS
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.planning import operations, queries
from slrt.planning.forms import MoveForm, PlanForm, WhatIfForm
from slrt.planning.models import LocalProgramme, PlanStatus
from slrt.planning.permissions import can_manage_local_programmes, can_see_villages_in_planning, can_view_planning
from slrt.submissions import views as submissions

bp = Blueprint("planning", __name__, url_prefix="/perencanaan")


def _year() -> int:
    text = request.args.get("tahun", "")
    return int(text) if text.isdigit() and 2020 <= int(text) <= 2100 else local_today().year


def _region() -> str:
    """The area asked for (`wilayah`), if it lies in the user's region and in the district; else the user's own
    region (the district for a province, which sees it as one of its districts)."""
    district = settings.district_code()
    own = current_user.region_code
    asked = request.args.get("wilayah", "")
    if asked and len(asked) <= 13 and in_region(current_user, asked) and \
            (asked == district or asked.startswith(district + ".")) and can_see_villages_in_planning(current_user):
        return asked
    return own


def _crumbs(region: str) -> list[tuple[str, str]]:
    from slrt.regions.operations import path_names
    own = current_user.region_code
    return [(code, name) for code, name in path_names(region) if len(code) >= len(own)]


@bp.route("/")
@permission_required(can_view_planning)
@read_only
def index():
    """Needs recorded versus served, waiting cases, quota used and the unmet cost, for a year and an area."""
    year, region = _year(), _region()
    district = settings.district_code()
    figures = queries.build(district, region, year)
    province = len(region) < len(district)
    districts = queries.districts_side_by_side(region, local_today()) if province else []
    return render_template("planning/index.html", p=figures, years=queries.budget_years(district, local_today()),
                           crumbs=_crumbs(region), province=province, districts=districts,
                           villages=can_see_villages_in_planning(current_user), district=district)


@bp.route("/simulasi")
@permission_required(can_view_planning)
@read_only
def what_if():
    """The what-if of one local programme: a quota and a unit cost -> waiting households covered and the cost."""
    plan = queries.load_plan(_plan_id(), settings.district_code())
    year, region = plan.budget_year, _region()
    form = WhatIfForm(request.args)
    figures = next(f for f in queries.build(settings.district_code(), region, year).plans if f.plan.id == plan.id)
    status = 200
    result = None
    if form.validate():
        result = queries.WhatIf(quota=form.kuota.data, unit_cost=form.biaya.data, used=figures.used,
                                waiting=figures.area.waiting)
    elif not wants_partial():
        status = 422
    template = "planning/_what_if.html" if wants_partial() else "planning/what_if.html"
    return render_template(template, form=form, f=figures, result=result, region=region), status


def _plan_id() -> int:
    text = request.args.get("rencana", "")
    if not text.isdigit() or len(text) > 9:
        abort(404)
    return int(text)


@bp.route("/unduh.xlsx")
@permission_required(can_view_planning)
def planning_xlsx():
    """The planning figures as XLSX for the musrenbang and the budget round (aggregates: no names)."""
    from slrt.reports.tables import XLSX_MIME, Column, Table, to_xlsx
    year, region = _year(), _region()
    p = queries.build(settings.district_code(), region, year)
    programmes = Table(_("Program lokal %(year)d", year=year), [
        Column(_("Program"), width=28), Column(_("Sumber dana"), width=14), Column(_("Status"), width=14),
        Column(_("Kuota"), "int", 10), Column(_("Terpakai"), "int", 10), Column(_("Sisa kuota"), "int", 10),
        Column(_("Biaya satuan (Rp)"), "int", 16), Column(_("Kebutuhan tercatat"), "int", 12),
        Column(_("Terlayani"), "int", 10), Column(_("Sedang diproses"), "int", 10),
        Column(_("Menunggu"), "int", 10), Column(_("Biaya kebutuhan yang belum terpenuhi (Rp)"), "int", 22),
        Column(_("Syarat penerima"), width=40)],
        [[f.plan.programme.name, LABELS.label("FundingSource", f.plan.funding_source),
          LABELS.label("PlanStatus", f.plan.status), f.plan.quota, f.used, f.remaining, f.plan.unit_cost,
          f.area.needs, f.area.served, f.area.in_progress, f.area.waiting, f.unmet_cost, f.plan.eligibility]
         for f in p.plans], sheet=_("Program"))
    areas = Table(_("Per wilayah"), [
        Column(_("Kode wilayah"), width=14), Column(_("Wilayah"), width=24), Column(_("Program"), width=28),
        Column(_("Kebutuhan tercatat"), "int", 12), Column(_("Terlayani"), "int", 10),
        Column(_("Sedang diproses"), "int", 10), Column(_("Menunggu"), "int", 10),
        Column(_("Biaya kebutuhan yang belum terpenuhi (Rp)"), "int", 22)],
        [[a.code, a.name, f.plan.programme.name, c.needs, c.served, c.in_progress, c.waiting,
          c.waiting * f.plan.unit_cost]
         for a in p.areas for f in p.plans if (c := a.counts.get(f.plan.id))], sheet=_("Per wilayah"))
    return send_download(to_xlsx([programmes, areas]), filename=f"perencanaan-{year}-{region}.xlsx",
                         mimetype=XLSX_MIME, audit=None)


# ---- the administrator's local programmes ----------------------------------------------------------------

def _programme_choices() -> list[tuple[int, str]]:
    return [(p.id, p.name) for p in db.session.scalars(
        select(Programme).where(Programme.active.is_(True)).order_by(Programme.sort_order, Programme.name))]


@bp.route("/program", methods=["GET", "POST"])
@permission_required(can_manage_local_programmes)
@submissions.once
def programmes():
    """The district's local programmes and a form to add one."""
    form = PlanForm()
    form.programme_id.choices = [(0, _("— pilih program —"))] + _programme_choices()
    if request.method == "GET":
        form.budget_year.data = local_today().year
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            if form.programme_id.data not in {c for c, _n in form.programme_id.choices if c}:
                form.programme_id.errors.append(_("Pilih program."))
            else:
                repeat = submissions.claim_once()
                if repeat is not None:
                    return repeat
                try:
                    operations.create_plan(_data(form), settings.district_code(), current_user)
                    result = url_for("planning.programmes")
                    submissions.result_at(result)
                    db.session.commit()
                    flash(_("Program lokal tersimpan."), "success")
                    return redirect(result, code=303)
                except DomainError as error:
                    db.session.rollback()
                    form.programme_id.errors.append(str(error))
    rows = list(db.session.scalars(select(LocalProgramme).where(LocalProgramme.region_code == settings.district_code())
                                   .order_by(LocalProgramme.budget_year.desc(), LocalProgramme.id)))
    return render_template("planning/programmes.html", form=form, plans=rows, move_form=MoveForm()), status


def _data(form: PlanForm) -> operations.PlanData:
    return operations.PlanData(programme_id=form.programme_id.data, budget_year=form.budget_year.data,
                               funding_source=form.funding_source.data, quota=form.quota.data,
                               unit_cost=form.unit_cost.data, eligibility=form.eligibility.data or "")


@bp.route("/program/<int:plan_id>", methods=["GET", "POST"])
@permission_required(can_manage_local_programmes)
@submissions.once
def edit_programme(plan_id: int):
    """Change a local programme's quota, unit cost, funding source or eligibility."""
    plan = queries.load_plan(plan_id, settings.district_code())
    form = PlanForm(obj=plan) if request.method == "GET" else PlanForm()
    form.programme_id.choices = [(plan.programme_id, plan.programme.name)]
    form.programme_id.data, form.budget_year.data = plan.programme_id, plan.budget_year
    if request.method == "POST" and form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.update_plan(plan, _data(form), current_user)
            result = url_for("planning.programmes")
            submissions.result_at(result)
            db.session.commit()
            flash(_("Program lokal tersimpan."), "success")
            return redirect(result, code=303)
        except DomainError as error:
            db.session.rollback()
            form.quota.errors.append(str(error))
    return render_template("planning/programme_form.html", form=form, plan=plan), \
        422 if request.method == "POST" else 200


@bp.route("/program/<int:plan_id>/status", methods=["POST"])
@permission_required(can_manage_local_programmes)
@submissions.once
def move_programme(plan_id: int):
    """Adopt a planned budget line (its quota starts to count) or close it."""
    plan = queries.load_plan(plan_id, settings.district_code())
    form = MoveForm()
    result = url_for("planning.programmes")
    if form.validate_on_submit() and form.target.data in (PlanStatus.ACTIVE, PlanStatus.CLOSED):
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.move_plan(plan, PlanStatus(form.target.data), current_user)
            submissions.result_at(result)
            db.session.commit()
            flash(_("Status program lokal diubah."), "success")
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
    return redirect(result, code=303)
