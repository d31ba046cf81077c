"""Every state change of field mode: a device enrolled (after an online login), its ticket block topped up
at each sync, the device revoked by the administrator (its unused numbers released, and the device told to
wipe its data at its next contact). Each writes the audit trail; none commits."""
from __future__ import annotations

import hashlib
import secrets
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.cases.models import Case
from slrt.cases.tickets import new_ticket
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.field.models import (DEVICE_TRANSITIONS, TICKET_TRANSITIONS, Device, DeviceStatus, DeviceTicket,
                               TicketState)
from slrt.field.tickets import held_by

# Draws before giving up on one number (31^10 numbers: needing a second draw is already rare).
_DRAWS = 20


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_uid(uid) -> str:
    try:
        return str(uuid.UUID(str(uid)))
    except ValueError:
        raise DomainError(_l("Kode perangkat tidak sah."), field="uid") from None


def enrol(user, uid, name, app_version, block_size: int) -> tuple[Device, str, list[str]]:
    """Enrol the device (or, for a device already enrolled by the same user, give it a new token: a new
    login on it). Returns the device, its token (shown once) and the ticket numbers it holds."""
    uid = _clean_uid(uid)
    name = " ".join(str(name or "").split())[:80]
    if not name:
        raise DomainError(_l("Beri nama perangkat ini, misalnya \"Tablet Desa Sukamaju\"."), field="name")
    app_version = str(app_version or "")[:20]
    token = secrets.token_urlsafe(32)
    device = db.session.scalar(select(Device).where(Device.uid == uid).with_for_update())
    if device is not None and device.user_id != user.id:
        raise DomainError(_l("Perangkat ini terdaftar atas nama petugas lain. Hubungi administrator."),
                          field="uid")
    if device is not None and device.status == DeviceStatus.REVOKED:
        raise DomainError(_l("Perangkat ini sudah dicabut. Hapus data aplikasi lalu daftarkan ulang."), field="uid")
    if device is None:
        device = Device(uid=uid, user_id=user.id, name=name, app_version=app_version, token_hash=token_hash(token),
                        status=DeviceStatus.ACTIVE, enrolled_at=utcnow())
        db.session.add(device)
        db.session.flush()
        record("device.enrolled", device, note=f"{name} v{app_version}", user=user)
    else:
        device.name, device.app_version, device.token_hash = name, app_version, token_hash(token)
        record("device.token_renewed", device, note=f"{name} v{app_version}", user=user)
    return device, token, top_up(device, block_size)


def top_up(device: Device, size: int) -> list[str]:
    """Reserve new numbers until the device holds `size`; returns the numbers it holds. The caller holds the
    device's row lock, so two syncs of one device do not both top it up."""
    if device.status != DeviceStatus.ACTIVE:
        return []
    held = db.session.scalar(select(func.count()).select_from(DeviceTicket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.state == TicketState.HELD))
    added = sum(_reserve_one(device) for _ in range(max(0, size - held)))
    if added:
        record("device.tickets_reserved", device, note=f"{added} reserved, {held + added} held", user=device.user)
    return held_by(device)


def _reserve_one(device: Device) -> int:
    for _ in range(_DRAWS):
        ticket = new_ticket()
        if db.session.scalar(select(exists().where(Case.ticket == ticket))):
            continue
        try:
            with db.session.begin_nested():  # a number another device took meanwhile: draw again
                db.session.add(DeviceTicket(ticket=ticket, device_id=device.id, state=TicketState.HELD,
                                            reserved_at=utcnow()))
        except IntegrityError:
            continue
        return 1
    raise RuntimeError("could not reserve a free ticket number")


def revoke(device: Device, actor, reason: str) -> int:
    """The administrator cuts a device off (lost, stolen, handed to someone else). Its unused numbers are
    released for good; returns how many."""
    DEVICE_TRANSITIONS.check(device.status, DeviceStatus.REVOKED)
    if not reason.strip():
        raise DomainError(_l("Tuliskan alasan pencabutan."), field="reason")
    device.status = DeviceStatus.REVOKED
    device.revoked_at = utcnow()
    device.revoked_by_id = actor.id
    device.revoke_reason = reason.strip()
    sources = TICKET_TRANSITIONS.sources(TicketState.RELEASED)
    released = db.session.execute(update(DeviceTicket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.state.in_(list(sources)))
        .values(state=TicketState.RELEASED, released_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    record("device.revoked", device, note=f"{device.name} ({device.user.username}): {released} tickets released",
           user=actor)
    return released


def tell_to_wipe(device: Device) -> None:
    """A revoked device made contact: it is answered "wipe" (every time), and the first time is noted."""
    if device.wiped_at is None:
        device.wiped_at = utcnow()
        record("device.wipe_sent", device, note=device.name, user=device.user)
