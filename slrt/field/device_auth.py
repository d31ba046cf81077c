"""How a field device authenticates its sync: its own token (`Authorization: Bearer …`), not the session.

A facilitator is offline for days; a session cookie would expire, and its CSRF token with it, long before the
next signal. The token belongs to one device, so revoking that device cuts it alone and lets the portal answer
it "wipe" at its next contact. The token is not sent by the browser on its own (unlike a cookie), so another
site cannot make the device's browser send it: the sync endpoints need no CSRF token. Only its SHA-256 is
stored."""
from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.field import operations
from slrt.field.models import Device, DeviceStatus
from slrt.field.permissions import can_use_field_app


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and 20 <= len(token) <= 100 else None


def api_error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    return response


def wipe_answer():
    """What a revoked device (or one whose user was disabled) hears: delete everything you hold."""
    return api_error(410, _("Perangkat ini sudah dicabut. Semua data di perangkat dihapus."), wipe=True)


def device_required(view):
    """The view runs for an active device of an active field user, with the device's row locked (two syncs
    of one device queue) and in `g.device`; a revoked device is told to wipe."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        token = _bearer()
        if token is None:
            return api_error(401, _("Perangkat belum terdaftar. Masuk dulu saat ada sinyal."))
        device_id = db.session.scalar(select(Device.id).where(Device.token_hash == operations.token_hash(token)))
        if device_id is None:
            return api_error(401, _("Perangkat belum terdaftar. Masuk dulu saat ada sinyal."))
        lock_row(Device, device_id)
        device = db.session.get(Device, device_id, populate_existing=True)
        if device.status == DeviceStatus.REVOKED or not device.user.active or not can_use_field_app(device.user):
            operations.tell_to_wipe(device)
            db.session.commit()
            return wipe_answer()
        g.device = device
        return view(*args, **kwargs)
    return wrapper
