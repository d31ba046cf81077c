from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.forms import ConfirmForm
from slrt.admin.settings import district_code
from slrt.auth.permissions import permission_required
from slrt.core.errors import DomainError
from slrt.core.i18n import long_date, select_locale
from slrt.core.time import local_today
from slrt.deadlines import operations
from slrt.deadlines.calendar import national_holidays
from slrt.deadlines.forms import DayOffForm
from slrt.deadlines.models import DayOff
from slrt.deadlines.permissions import can_manage_days_off
from slrt.extensions import db

bp = Blueprint("deadlines", __name__, url_prefix="/admin/hari-libur")


def _year() -> int:
    try:
        year = int(request.args.get("tahun", ""))
    except ValueError:
        return local_today().year
    return year if 2000 <= year <= 2100 else local_today().year


def _page(form: DayOffForm, year: int):
    code = district_code()
    rows = db.session.scalars(select(DayOff).where(DayOff.region_code == code,
                                                   DayOff.day >= date(year, 1, 1), DayOff.day <= date(year, 12, 31))
                              .order_by(DayOff.day)).all()
    language = str(select_locale() or "id")
    return render_template("deadlines/days_off.html", form=form, rows=rows, year=year,
                           national=national_holidays(year, language), confirm=ConfirmForm())


@bp.route("/", methods=["GET", "POST"])
@permission_required(can_manage_days_off)
def days_off():
    """The district's days off for a year next to the national holidays; add a day off."""
    form = DayOffForm()
    year = _year()
    if form.validate_on_submit():
        try:
            row = operations.add_day_off(district_code(), form.day.data, form.name.data, current_user)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Hari libur %(day)s ditambahkan; berlaku untuk tenggat yang dihitung mulai sekarang.",
                    day=long_date(row.day)), "success")
            return redirect(url_for("deadlines.days_off", tahun=row.day.year), code=303)
        year = form.day.data.year if form.day.data else year
    return _page(form, year)


@bp.route("/<int:day_off_id>/hapus", methods=["POST"])
@permission_required(can_manage_days_off)
def remove(day_off_id: int):
    """Remove a district day off."""
    row = db.session.get(DayOff, day_off_id)
    if row is None or row.region_code != district_code():
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    year = row.day.year
    operations.remove_day_off(row, current_user)
    db.session.commit()
    flash(_("Hari libur dihapus dari daftar."), "success")
    return redirect(url_for("deadlines.days_off", tahun=year), code=303)
