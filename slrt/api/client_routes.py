"""The administrator's pages for API clients: the list, a new client (its token shown once), revoking."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.models import Agency
from slrt.api import operations, queries
from slrt.api.forms import ApiClientForm, RevokeForm
from slrt.api.permissions import can_manage_api_clients
from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.core.errors import DomainError
from slrt.core.time import local_day_bounds_utc, local_today, local_zone
from slrt.extensions import db
from slrt.regions import operations as regions
from slrt.submissions import views as submissions

clients_bp = Blueprint("api_clients", __name__, url_prefix="/admin/klien-api")


@clients_bp.route("/")
@read_only
@permission_required(can_manage_api_clients)
def index():
    """Klien API: who may call the portal's API, with what, until when."""
    clients = db.session.scalars(queries.visible_clients()).all()
    return render_template("api/clients.html", clients=clients, confirm=RevokeForm(),
                           now=datetime.now(local_zone()).replace(tzinfo=None))


def _regions():
    """The administrator's region and the kecamatan and villages under it."""
    code = current_user.region_code
    own = regions.get(code)
    out = [own] if own is not None else []
    for kecamatan in regions.children(code):
        out.append(kecamatan)
        out.extend(regions.children(kecamatan.code))
    return out


def _form() -> ApiClientForm:
    form = ApiClientForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    form.fill_choices(_regions(), agencies)
    return form


def _expiry_utc(day) -> datetime:
    """The end of that local day, as the naive UTC the database keeps."""
    return local_day_bounds_utc(day)[1]


@clients_bp.route("/baru", methods=["GET", "POST"])
@permission_required(can_manage_api_clients)
@submissions.once
def new():
    """Add a client; its token is shown once, on the page that answers this form."""
    form = _form()
    if request.method == "GET":
        form.expires_on.data = local_today() + timedelta(days=365)
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        data = operations.ClientData(name=form.name.data, region_code=form.region.data,
                                     permissions=form.permissions.data or [], expires_at=_expiry_utc(form.expires_on.data),
                                     rate_per_minute=form.rate_per_minute.data, agency_id=form.agency.data)
        try:
            client, token = operations.create_client(data, current_user)
        except DomainError as error:
            db.session.rollback()
            getattr(form, error.field or "name").errors.append(str(error.message))
        else:
            # A repeat of this form lands on the list, never on the token again.
            submissions.result_at(url_for("api_clients.index"))
            db.session.commit()
            response = render_template("api/token_once.html", client=client, token=token)
            return response, 201, {"Cache-Control": "no-store"}
    status = 422 if request.method == "POST" else 200
    return render_template("api/client_form.html", form=form), status


@clients_bp.route("/<int:client_id>/cabut", methods=["POST"])
@permission_required(can_manage_api_clients)
@submissions.once
def revoke(client_id: int):
    """Revoke a client's token for good."""
    client = queries.load_client(client_id, lock=True)
    if not RevokeForm().validate_on_submit():
        flash(_("Formulir tidak sah. Muat ulang halaman lalu coba lagi."), "error")
        return redirect(url_for("api_clients.index"), code=303)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        operations.revoke(client, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        submissions.result_at(url_for("api_clients.index"))
        db.session.commit()
        flash(_("Token klien %(name)s dicabut; panggilan berikutnya ditolak.", name=client.name), "success")
    return redirect(url_for("api_clients.index"), code=303)
