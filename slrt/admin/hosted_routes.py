"""The provincial administrator's page of the districts hosted in this database: their counts side by side,
adding one (with its first administrator), changing one, and choosing the district they work in."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.submissions import views as submissions
from slrt.admin.forms import ChooseDistrictForm, DistrictEditForm, DistrictForm
from slrt.admin.permissions import can_host_districts
from slrt.admin.routes import bp
from slrt.auth.permissions import permission_required
from slrt.core import refusals
from slrt.core.db import read_only
from slrt.core.errors import DomainError
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.regions import districts as district_choice
from slrt.regions import operations
from slrt.regions.models import District, region_prefix_match
from slrt.regions.queries import counts_by_district


def _districts() -> list[District]:
    """Every district hosted under the administrator's province, active or not, the configured one first (a row
    made up from the configuration where none is stored yet)."""
    province = current_user.region_code
    rows = list(db.session.scalars(select(District).where(region_prefix_match(District.code, province))
                                   .order_by(District.code)))
    default = current_app.config["SLRT_REGION_CODE"]
    if default.startswith(province + ".") and not any(row.code == default for row in rows):
        rows.append(District(code=default, name=current_app.config["SLRT_REGION_NAME"], active=True))
    return sorted(rows, key=lambda row: (row.code != default, row.code))


def _choose_form() -> ChooseDistrictForm:
    form = ChooseDistrictForm()
    form.code.choices = [(d.code, f"{d.name} ({d.code})")
                         for d in operations.choosable_districts(current_user.region_code)]
    if request.method == "GET" or not form.code.data:
        form.code.data = district_choice.current_district()
    return form


def _list_page(choose: ChooseDistrictForm | None = None) -> str:
    return render_template("admin/districts.html", districts=_districts(),
                           working_in=district_choice.current_district(), counts=counts_by_district(current_user.region_code, local_today()),
                           choose=choose or _choose_form(), configured=current_app.config["SLRT_REGION_CODE"])


@bp.route("/kabupaten")
@read_only
@permission_required(can_host_districts)
def districts():
    """The hosted districts side by side (counts only), and the one the administrator works in."""
    return _list_page()


def _district_form_page(form, district: District | None = None) -> str:
    return render_template("admin/district_form.html", form=form, district=district)


@bp.route("/kabupaten/baru", methods=["GET", "POST"])
@permission_required(can_host_districts)
@submissions.once
def district_new():
    """Host a new district with its first administrator; the one-time password is shown once."""
    form = DistrictForm()
    if request.method == "GET":
        return _district_form_page(form)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _district_form_page(form), form)
    code = form.code.data.strip()
    if not code.startswith(current_user.region_code + "."):
        return refusals.refuse(lambda: _district_form_page(form), form, DomainError(
            _("Kode %(code)s tidak berada di provinsi Anda (%(province)s).", code=code,
              province=current_user.region_code), "code"))
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        district, admin, password = operations.add_district(
            code, form.name.data, form.admin_username.data, form.admin_name.data, current_user,
            office_name=form.office_name.data, public_host=form.public_host.data,
            whatsapp_number=form.whatsapp_number.data, whatsapp_number_id=form.whatsapp_number_id.data)
    except DomainError as error:
        return refusals.refuse(lambda: _district_form_page(form), form,
                               error if error.field != "username" else DomainError(error.message, "admin_username"))
    # A repeat of this form is sent to the list: the password is never shown twice.
    submissions.result_at(url_for("admin.districts"))
    db.session.commit()
    return render_template("admin/district_added.html", district=district, admin=admin, password=password)


def _load(code: str) -> District:
    """A district of the administrator's province (the configured one made up if no row stores it yet)."""
    if not code.startswith(current_user.region_code + "."):
        abort(404)
    district = db.session.get(District, code)
    if district is None and code == current_app.config["SLRT_REGION_CODE"]:
        district = District(code=code, name=current_app.config["SLRT_REGION_NAME"], active=True)
    if district is None:
        abort(404)
    return district


@bp.route("/kabupaten/<district_code>", methods=["GET", "POST"])
@permission_required(can_host_districts)
@submissions.once
def district_edit(district_code: str):
    """Change a district's name, office name, public host, WhatsApp number and its id, or whether it is active."""
    code = district_code
    district = _load(code)
    form = DistrictEditForm(obj=district)
    if request.method == "GET":
        return _district_form_page(form, district)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _district_form_page(form, _load(code)), form)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        changed = operations.update_district(district, {
            "name": form.name.data, "office_name": form.office_name.data, "public_host": form.public_host.data,
            "whatsapp_number": form.whatsapp_number.data, "whatsapp_number_id": form.whatsapp_number_id.data,
            "active": form.active.data}, current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _district_form_page(form, _load(code)), form, error)
    result = url_for("admin.districts")
    submissions.result_at(result)
    db.session.commit()
    flash(_("%(name)s diperbarui.", name=district.name) if changed else _("Tidak ada yang berubah."), "success")
    return redirect(result, code=303)


@bp.route("/kabupaten/pilih", methods=["POST"])
@permission_required(can_host_districts)
@submissions.once
def district_choose():
    """Work in another hosted district: its settings and lists are the ones shown from now on."""
    form = _choose_form()
    if not form.validate_on_submit():
        abort(400)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        code = operations.choose_district(current_user, form.code.data)
    except DomainError as error:
        return refusals.refuse(lambda: _list_page(form), form, error)
    result = url_for("admin.districts")
    submissions.result_at(result)
    db.session.commit()
    district_choice.choose(code)
    flash(_("Kabupaten/kota tempat bekerja diganti."), "success")
    return redirect(result, code=303)
