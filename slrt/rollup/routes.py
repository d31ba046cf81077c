"""The province's page of the districts' monthly aggregate files: import a file, register a district's key, and
the districts side by side for a month."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.auth.models import Role
from slrt.auth.permissions import permission_required
from slrt.core import refusals
from slrt.core.errors import DomainError
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.regions.districts import hosted_districts
from slrt.rollup import aggregate, operations
from slrt.rollup.forms import ImportForm, TrustForm
from slrt.rollup.models import RollupFile, RollupKey
from slrt.rollup.permissions import can_trust_districts, can_view_rollups
from slrt.submissions import views as submissions

bp = Blueprint("rollup", __name__, url_prefix="/provinsi/kiriman")


@dataclass(frozen=True)
class HostedRow:
    district_code: str
    district_name: str
    totals: dict
    active: bool = True


def _visible(query, model):
    """A provincial officer sees the districts of their province; the province server's administrator all."""
    if current_user.role == Role.PROVINCIAL_OFFICER:
        query = query.where(model.district_code.startswith(current_user.region_code + "."))
    return query


def _recent_months(count: int = 3) -> list[str]:
    first = local_today().replace(day=1)
    months = []
    for _step in range(count):
        months.append(f"{first:%Y-%m}")
        first = (first - timedelta(days=1)).replace(day=1)
    return months


def _hosted_rows(month: str) -> list[HostedRow]:
    """The districts this database hosts, counted live with the same aggregate as a file: a province sees them
    side by side with the districts that send files. Only those under the user's region. A deactivated district
    is listed too (marked, as on the planning page): its cases are still in the database and in the province's
    figures, so the rows add up."""
    mine = current_user.region_code
    return [HostedRow(d.code, d.name, aggregate.totals(aggregate.month_counts(month, d.code)), bool(d.active))
            for d in hosted_districts(include_inactive=True) if d.code == mine or d.code.startswith(mine + ".")]


def _page(import_form=None, trust_form=None):
    filed = db.session.scalars(_visible(select(RollupFile.month).distinct(), RollupFile)).all()
    months = sorted(set(filed) | set(_recent_months()), reverse=True)
    month = request.args.get("bulan") or (max(filed) if filed else _recent_months()[1])  # the last whole month
    if not aggregate.MONTH.match(month):
        abort(404)
    files = db.session.scalars(_visible(select(RollupFile).where(RollupFile.month == month), RollupFile)
                               .order_by(RollupFile.district_code)).all()
    rows = [(f, aggregate.totals(operations.counts_of(f))) for f in files]
    hosted = _hosted_rows(month)
    keys = db.session.scalars(_visible(select(RollupKey), RollupKey).order_by(RollupKey.district_code)).all()
    return render_template("rollup/index.html", months=months, month=month, rows=rows, hosted=hosted, keys=keys,
                           import_form=import_form or ImportForm(), trust_form=trust_form or TrustForm())


@bp.route("/")
@permission_required(can_view_rollups)
def index():
    return _page()


@bp.route("/impor", methods=["POST"])
@permission_required(can_view_rollups)
@submissions.once
def import_file():
    """Import one district's signed monthly file; refused with the reason next to the file field."""
    form = ImportForm()
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _page(import_form=form), form)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        stored = operations.import_file(form.file.data.read(), current_user)
        code = stored.district_code
        if current_user.role == Role.PROVINCIAL_OFFICER and not code.startswith(current_user.region_code + "."):
            raise DomainError(_("Berkas ini dari kabupaten/kota di luar provinsi Anda."), field="file")
    except DomainError as error:
        return refusals.refuse(lambda: _page(import_form=form), form, error)
    target = url_for("rollup.index", bulan=stored.month)
    submissions.result_at(target)
    db.session.commit()
    flash(_("Rekap %(month)s dari %(district)s tersimpan.", month=stored.month, district=stored.district_name),
          "success")
    return redirect(target, code=303)


@bp.route("/kunci", methods=["POST"])
@permission_required(can_trust_districts)
def trust():
    """Register the public key of a district server (sent by its IT officer)."""
    form = TrustForm()
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _page(trust_form=form), form)
    try:
        operations.trust_district(form.district_code.data.strip(), form.public_key.data, current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _page(trust_form=form), form, error)
    db.session.commit()
    flash(_("Kunci publik %(code)s terdaftar.", code=form.district_code.data.strip()), "success")
    return redirect(url_for("rollup.index"), code=303)
