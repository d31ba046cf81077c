"""Field mode on the server: enrolling a device (after an online login), its ticket block at each sync, and
the administrator's list of devices with the revocation."""
import json
import uuid
from pathlib import Path

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from slrt.audit.operations import record
from slrt.auth.models import User
from slrt.auth.permissions import permission_required, require
from slrt.core.db import lock_row, retry_on_lock_conflict
from slrt.core.errors import DomainError
from slrt.core.time import local_today, utcnow
from slrt.extensions import csrf, db
from slrt.field import citizens, operations, sync
from slrt.field.device_auth import api_error, device_required
from slrt.field.forms import RevokeDeviceForm
from slrt.cases.models import Case
from slrt.field.models import ClashStatus, Device, DeviceTicket, FieldClash, FieldPhoto, PhotoStatus, TicketState
from slrt.field.permissions import (can_manage_devices, can_resolve_clash, can_resolve_clashes, can_revoke_device,
                                    can_use_field_app)
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
    device, held = _reserved_block()
    _synced(device)
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


# ---- sync: the pull and the push --------------------------------------------------------------------------

MAX_RECORDS = 50


def _reserved_block():
    device_id = g.device.id

    def reserve():
        lock_row(Device, device_id)  # again after a retry: the rollback let the first lock go
        device = db.session.get(Device, device_id, populate_existing=True)
        return device, operations.top_up(device, block_size())
    return retry_on_lock_conflict(reserve)


def _synced(device: Device) -> None:
    device.last_sync_at = utcnow()
    device.app_version = (request.headers.get("X-App-Version") or device.app_version)[:20]


@bp.route("/lapangan/api/tarik", methods=["POST"])
@csrf.exempt  # the device's own token authenticates it (see slrt.field.device_auth)
@device_required
def pull():
    """What the device takes offline: its user's assigned visits (only what a visit needs), the district's
    lists, the villages of the area, and its ticket block topped up. Every person sent is audited."""
    device, held = _reserved_block()
    user = device.user
    visits = sync.assigned_visits(user)
    payload = sync.pull_payload(user, visits, held)
    for visit in visits:
        record("person.view", visit.case, person_id=visit.case.person_id,
               note=f"field pull, device {device.id}, visit {visit.id}", user=user)
    record("field.pull", device, note=f"device {device.id} ({device.name}): {len(visits)} visits, "
                                      f"{len(held)} tickets held", user=user)
    _synced(device)
    db.session.commit()
    return jsonify(payload)


def _push_one(device_id: int, item) -> dict:
    item = item if isinstance(item, dict) else {}
    try:
        uid = str(uuid.UUID(str(item.get("uuid"))))
    except ValueError:
        return {"uuid": item.get("uuid"), "status": "refused", "message": _("Kode catatan tidak sah.")}
    lock_row(Device, device_id)  # one device's records one at a time: a retry racing its first sending waits
    device = db.session.get(Device, device_id, populate_existing=True)
    earlier = operations.received(uid)
    if earlier is not None:
        db.session.rollback()
        return {"uuid": uid, "status": "duplicate", "outcome": earlier.outcome, "ticket": _ticket(earlier.case_id)}
    kind = item.get("kind")
    try:
        if kind == "visit":
            row = operations.push_visit(device, uid, item, local_today())
        elif kind == "citizen":
            ticket = str(item.get("ticket") or "")
            data, errors = citizens.checked_visit(item.get("citizen"))
            if not operations.ticket_usable(device, ticket):  # said with the fields at fault, in one answer
                errors["ticket"] = [str(operations.TICKET_NOT_HELD)]
            if errors:
                db.session.rollback()
                held = "ticket" not in errors
                return {"uuid": uid, "status": "refused", "errors": errors, "field": None if held else "ticket",
                        "message": _("Periksa kembali isian yang ditandai.") if held else errors["ticket"][0]}
            row = operations.push_citizen(device, uid, data, ticket)
        else:
            raise DomainError(_("Jenis catatan tidak dikenal."))
    except DomainError as error:
        db.session.rollback()
        answer = {"uuid": uid, "status": "refused", "message": error.message, "field": error.field}
        if error.errors:
            answer["errors"] = error.errors
        return answer
    db.session.commit()
    answer = {"uuid": uid, "status": row.outcome, "ticket": _ticket(row.case_id)}
    if row.outcome == "clash":
        answer["clash"] = _clash_values(row.id)
    return answer


def _clash_values(record_id: int) -> dict:
    """What the facilitator is shown of a clash: the office's value and theirs, field by field."""
    clash = db.session.scalar(select(FieldClash).where(FieldClash.record_id == record_id))
    return {"office": json.loads(clash.office_values), "device": json.loads(clash.device_values)}


def _ticket(case_id):
    case = db.session.get(Case, case_id) if case_id else None
    return case.ticket if case else None


@bp.route("/lapangan/api/kirim", methods=["POST"])
@csrf.exempt  # the device's own token authenticates it (see slrt.field.device_auth)
@device_required
def push():
    """The records made on the device, each with its own id: each saved once (a resend answers "duplicate"),
    each in its own transaction (a broken line keeps what arrived), clashes kept for the back office."""
    data = request.get_json(silent=True)
    items = data.get("records") if isinstance(data, dict) else None
    discarded = data.get("discarded", []) if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) > MAX_RECORDS or not isinstance(discarded, list) \
            or len(discarded) > MAX_RECORDS:
        return api_error(400, _("Permintaan tidak sah."))
    device_id = g.device.id
    db.session.commit()  # release the lock taken at authentication: each record takes its own
    results = [_push_one(device_id, item) for item in items]
    lock_row(Device, device_id)
    device = db.session.get(Device, device_id, populate_existing=True)
    noted = operations.note_discarded(device, discarded)
    counts = {s: sum(r["status"] == s for r in results) for s in ("saved", "clash", "duplicate", "refused")}
    counts["discarded"] = noted
    record("field.push", device, note=f"device {device.id} ({device.name}): " +
           ", ".join(f"{k} {v}" for k, v in counts.items()), user=device.user)
    _synced(device)
    db.session.commit()
    return jsonify({"results": results, "discarded": len(discarded)})


# ---- clashes: the back office chooses field by field ------------------------------------------------------

def _names() -> dict:
    from slrt.intake.queries import choice_lists
    _categories, programmes, documents = choice_lists()
    return {"needs": {p.id: p.name for p in programmes}, "documents": {d.code: d.name for d in documents}}


@bp.route("/lapangan/bentrok")
@permission_required(can_resolve_clashes)
def clashes():
    """Open clashes of the user's region: device changes to a case that the office changed too."""
    from slrt.cases.scoping import visible_cases
    case_ids = visible_cases(current_user).with_only_columns(Case.id)
    rows = db.session.scalars(select(FieldClash).where(FieldClash.status == ClashStatus.OPEN,
                                                       FieldClash.case_id.in_(case_ids))
                              .order_by(FieldClash.created_at)).all()
    return render_template("field/clashes.html", rows=rows)


@bp.route("/lapangan/bentrok/<int:clash_id>", methods=["GET", "POST"])
@permission_required(can_resolve_clashes)
@submissions.once
def clash(clash_id: int):
    """One clash: where the device started, what the office has, what the device sent; choose per field."""
    if request.method == "POST":
        lock_row(FieldClash, clash_id)
    row = db.session.get(FieldClash, clash_id, populate_existing=request.method == "POST")
    if row is None:
        return render_template("errors/error.html", status=404, title=_("Tidak ditemukan"),
                               message=_("Halaman atau data yang dicari tidak ada.")), 404
    require(can_resolve_clash, row)
    device_values = json.loads(row.device_values)
    error = ""
    if request.method == "POST" and row.status == ClashStatus.OPEN:
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        choices = {name: request.form.get(f"choice-{name}", "") for name in device_values}
        try:
            operations.resolve_clash(row, choices, current_user)
        except DomainError as failure:
            db.session.rollback()
            error = failure.message
            row = db.session.get(FieldClash, clash_id)
        else:
            url = url_for("field.clash", clash_id=row.id)
            submissions.result_at(url)
            db.session.commit()
            flash(_("Pilihan tersimpan pada kasus %(ticket)s.", ticket=row.case.ticket), "success")
            return redirect(url, code=303)
    record("person.view", row.case, person_id=row.case.person_id, note=f"field clash {row.id}")
    page = render_template("field/clash.html", clash=row, base=json.loads(row.base), device=device_values,
                           office=json.loads(row.office_values), chosen=json.loads(row.chosen or "{}"),
                           names=_names(), error=error)
    db.session.commit()
    return page, (422 if error else 200)


# ---- photos, part by part ---------------------------------------------------------------------------------

def _partial_path(photo_uuid: str) -> Path:
    from slrt.core.uploads import upload_root
    return upload_root() / operations.PARTIAL_PHOTOS / f"{photo_uuid}.part"


def _photo_state(photo: FieldPhoto) -> dict:
    return {"uuid": photo.uuid, "received": photo.received, "size": photo.size, "status": photo.status}


@bp.route("/lapangan/api/foto", methods=["POST"])
@csrf.exempt  # the device's own token authenticates it (see slrt.field.device_auth)
@device_required
def photo_announce():
    """Announce a photo of a record already sent (size, when and where it was taken); the answer says how
    many bytes the portal already has, so a device resumes a photo where the line broke."""
    from slrt.core.uploads import limit
    meta = request.get_json(silent=True)
    if not isinstance(meta, dict):
        return api_error(400, _("Permintaan tidak sah."))
    try:
        uid = str(uuid.UUID(str(meta.get("uuid"))))
        photo = operations.photo_slot(g.device, uid, meta, limit("attachment"))
    except ValueError:
        return api_error(400, _("Kode catatan tidak sah."))
    except DomainError as error:
        db.session.rollback()
        return api_error(422, error.message, field=error.field)
    db.session.commit()
    return jsonify(_photo_state(photo))


@bp.route("/lapangan/api/foto/<photo_uuid>", methods=["PUT"])
@csrf.exempt  # the device's own token authenticates it (see slrt.field.device_auth)
@device_required
def photo_part(photo_uuid: str):
    """One part of a photo, at byte `?dari=`; the last part stores the photo as an attachment of the case."""
    photo_id = db.session.scalar(select(FieldPhoto.id).where(FieldPhoto.uuid == photo_uuid[:36],
                                                             FieldPhoto.device_id == g.device.id))
    if photo_id is None:
        return api_error(404, _("Foto ini belum diumumkan."))
    lock_row(FieldPhoto, photo_id)
    photo = db.session.get(FieldPhoto, photo_id, populate_existing=True)
    offset = request.args.get("dari", "")
    partial = _partial_path(photo.uuid)
    try:
        if photo.status == PhotoStatus.STORED:
            return jsonify(_photo_state(photo))  # a last part sent again: already kept
        operations.photo_part(photo, int(offset) if offset.isdigit() else -1, request.get_data(cache=False), partial)
        if photo.received == photo.size:
            operations.store_photo(photo, partial)
    except DomainError as error:
        db.session.rollback()
        photo = db.session.get(FieldPhoto, photo_id)
        return api_error(409 if error.field == "offset" else 422, error.message, photo=_photo_state(photo))
    db.session.commit()
    if photo.status == PhotoStatus.STORED:
        partial.unlink(missing_ok=True)
    return jsonify(_photo_state(photo))
