"""Field mode: the tablets and phones facilitators enrol, and the ticket numbers each device holds so that a
citizen registered without a signal leaves with a ticket that is final."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, Double, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class DeviceStatus(StrEnum):
    ACTIVE = "active"     # enrolled after an online login; syncs with its token
    REVOKED = "revoked"   # the administrator cut it off: at its next contact it is told to wipe its data


DEVICE_TRANSITIONS = TransitionTable(DeviceStatus, {
    DeviceStatus.ACTIVE: {DeviceStatus.REVOKED},
    DeviceStatus.REVOKED: set(),
})


class TicketState(StrEnum):
    HELD = "held"          # reserved for one device, not given to a citizen yet
    USED = "used"          # given to a citizen on the device; the case synced with it
    RELEASED = "released"  # the device was revoked before using it: never given out again


T = TicketState
TICKET_TRANSITIONS = TransitionTable(TicketState, {
    T.HELD: {T.USED, T.RELEASED},
    T.USED: set(),
    T.RELEASED: set(),
})


class Device(db.Model):
    __tablename__ = "field_devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Made by the app on the device when it is first set up (a UUID), so a device is known across logins.
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    app_version: Mapped[str] = mapped_column(String(20), default="")
    # SHA-256 of the device's secret token (the token itself is shown to the device once, at enrolment).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=DeviceStatus.ACTIVE, index=True)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_sync_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when the revoked device was told to wipe its data (its next contact after the revocation).
    wiped_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])


class DeviceTicket(db.Model):
    """One ticket number reserved for one device. The number is unique over all devices and never reused,
    and no case is registered at the counter with a number a device holds."""

    __tablename__ = "device_tickets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(12), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("field_devices.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=TicketState.HELD, index=True)
    reserved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    released_at: Mapped[datetime | None] = mapped_column(DateTime)


class SyncRecord(db.Model):
    """A record a device sent, by the id the device gave it: a second sending (a retry, a line that broke
    after the server had saved it) finds this row and changes nothing."""

    __tablename__ = "field_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("field_devices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))      # "visit" (findings) or "citizen" (a new registration)
    outcome: Mapped[str] = mapped_column(String(20))   # "saved", or "clash" (saved; case fields wait for a choice)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    device = relationship("Device")
    user = relationship("User")


class ClashStatus(StrEnum):
    OPEN = "open"          # the back office has not chosen yet
    RESOLVED = "resolved"  # chosen field by field; both versions stay in the row


CLASH_TRANSITIONS = TransitionTable(ClashStatus, {ClashStatus.OPEN: {ClashStatus.RESOLVED},
                                                  ClashStatus.RESOLVED: set()})


class FieldClash(db.Model):
    """A device's change to a case that the office also changed since the device last synced. Nothing of
    either side is overwritten: the device's version waits here, next to what the device started from and
    what the office has, until the back office chooses field by field."""

    __tablename__ = "field_clashes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_records.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ClashStatus.OPEN, index=True)
    # JSON objects {field: value} over the same fields: where the device started, what it wants, what the
    # office has now (when the device's version arrived).
    base: Mapped[str] = mapped_column(Text)
    device_values: Mapped[str] = mapped_column(Text)
    office_values: Mapped[str] = mapped_column(Text)
    chosen: Mapped[str] = mapped_column(Text, default="")  # JSON {field: "device" | "office"} once resolved
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)

    record = relationship("SyncRecord")
    case = relationship("Case")
    resolved_by = relationship("User")


class PhotoStatus(StrEnum):
    RECEIVING = "receiving"  # parts arrived, not all yet: the device resumes from `received`
    STORED = "stored"        # whole, kept as an attachment of the visit's case


PHOTO_TRANSITIONS = TransitionTable(PhotoStatus, {PhotoStatus.RECEIVING: {PhotoStatus.STORED},
                                                  PhotoStatus.STORED: set()})


class FieldPhoto(db.Model):
    """A photo taken on a device, sent part by part after the record it belongs to: a broken line resumes at
    the byte where it stopped; when whole it becomes an attachment of the case (and the visit's assessment)."""

    __tablename__ = "field_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("field_devices.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("field_records.id", ondelete="CASCADE"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    received: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=PhotoStatus.RECEIVING, index=True)
    # When and where the device took it (its clock; GPS with its accuracy in metres, when it had a fix).
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    latitude: Mapped[float | None] = mapped_column(Double)
    longitude: Mapped[float | None] = mapped_column(Double)
    accuracy_m: Mapped[float | None] = mapped_column(Double)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    record = relationship("SyncRecord")
