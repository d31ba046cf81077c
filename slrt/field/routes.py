"""Field mode on the server: enrolling a device (after an online login), its ticket block at each sync, and
the administrator's list of devices with the revocation."""
from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from slrt.auth.models import User
from slrt.auth.permissions import permission_required, require
from slrt.core.db import lock_row, retry_on_lock_conflict
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import csrf, db
from slrt.field import operations
from slrt.field.device_auth import api_error, device_required
from slrt.field.forms import RevokeDeviceForm
from slrt.field.models import Device, DeviceStatus, DeviceTicket, TicketState
from slrt.field.permissions import can_manage_devices, can_revoke_device, can_use_field_app
from slrt.regions.models import region_prefix_match
from slrt.submissions import views as submissions

bp = Blueprint("field", __name__)


def block_size() -> int:
    return int(current_app.config.get("SLRT_FIELD_TICKET_BLOCK", 20))


def _device_json(device: Device, tickets: list[str]) -> dict:
    return {"device": {"id": device.id, "uid": device.uid, "name": device.name, "status": device.status},
            "tickets": tickets, "block_size": block_size()}


@bp.route("/lapangan/api/perangkat", methods=["POST"])
@permission_required(can_use_field_app)
def enrol():
    """Enrol this device for the logged-in facilitator (session + CSRF header): its token, once, and its block
    of ticket numbers."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return api_error(400, _("Permintaan tidak sah."))
    try:
        device, token, tickets = retry_on_lock_conflict(lambda: operations.enrol(
            current_user, data.get("uid"), data.get("name"), data.get("app_version"), block_size()))
    except DomainError as error:
        db.session.rollback()
        return api_error(409 if error.field == "uid" else 422, error.message, field=error.field)
    db.session.commit()
    body = _device_json(device, tickets)
    body["token"] = token
    body["user"] = {"name": current_user.full_name, "region_code": current_user.region_code}
    response = jsonify(body)
    response.status_code = 201
    return response


@bp.route("/lapangan/api/tiket", methods=["POST"])
@csrf.exempt  # the device's own token authenticates it (see slrt.field.device_auth)
@device_required
def tickets():
    """Top the device's ticket block up to the district's block size; the numbers it holds."""
    device_id = g.device.id

    def reserve():
        lock_row(Device, device_id)  # again after a retry: the rollback let the first lock go
        device = db.session.get(Device, device_id, populate_existing=True)
        return device, operations.top_up(device, block_size())

    device, held = retry_on_lock_conflict(reserve)
    device.last_sync_at = utcnow()
    device.app_version = (request.headers.get("X-App-Version") or device.app_version)[:20]
    db.session.commit()
    return jsonify(_device_json(device, held))


def _district_devices():
    held = (select(DeviceTicket.device_id, func.count().label("n")).where(DeviceTicket.state == TicketState.HELD)
            .group_by(DeviceTicket.device_id).subquery())
    rows = db.session.execute(
        select(Device, func.coalesce(held.c.n, 0)).join(User, User.id == Device.user_id)
        .outerjoin(held, held.c.device_id == Device.id)
        .where(region_prefix_match(User.region_code, current_user.region_code))
        .order_by(Device.status, User.full_name, Device.enrolled_at.desc())).all()
    return rows


def _devices_page(form: RevokeDeviceForm | None = None, failed_id: int | None = None, status: int = 200):
    return render_template("field/devices.html", rows=_district_devices(), form=form or RevokeDeviceForm(formdata=None),
                           failed_id=failed_id), status


@bp.route("/admin/perangkat")
@permission_required(can_manage_devices)
def devices():
    """Perangkat lapangan: every enrolled device of the district, its user, last sync and app version."""
    return _devices_page()


@bp.route("/admin/perangkat/<int:device_id>/cabut", methods=["POST"])
@permission_required(can_manage_devices)
@submissions.once
def revoke(device_id: int):
    """Revoke a device: it is told to wipe its data at its next contact; its unused tickets are released."""
    lock_row(Device, device_id)
    device = db.session.get(Device, device_id, populate_existing=True)
    if device is None:
        return _devices_page(status=404)
    require(can_revoke_device, device)
    form = RevokeDeviceForm()
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            released = operations.revoke(device, current_user, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            form.reason.errors.append(error.message)
        else:
            url = url_for("field.devices")
            submissions.result_at(url)
            db.session.commit()
            flash(_("Perangkat %(name)s dicabut; %(n)d nomor tiket yang belum dipakai dilepas. Data di perangkat "
                    "dihapus saat perangkat itu tersambung lagi.", name=device.name, n=released), "success")
            return redirect(url, code=303)
    db.session.rollback()
    return _devices_page(form, device_id, 422)
