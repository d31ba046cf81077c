from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"    # waiting to leave (now, or at next_attempt_at after a failure)
    SENDING = "sending"    # claimed by one sender until next_attempt_at (a lease; a crashed sender's claim expires)
    SENT = "sent"
    FAILED = "failed"      # gave up after the last retry
    NO_PHONE = "no_phone"  # nothing to send to; kept so the timeline shows it


# Which status may follow which. Sending moves are conditional UPDATEs in slrt.notifications.dispatch;
# the administrator's only move is failed → pending (retry).
TRANSITIONS: dict[OutboxStatus, set[OutboxStatus]] = {
    OutboxStatus.PENDING: {OutboxStatus.SENDING},
    OutboxStatus.SENDING: {OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.FAILED, OutboxStatus.SENDING},
    OutboxStatus.FAILED: {OutboxStatus.PENDING},
    OutboxStatus.SENT: set(),
    OutboxStatus.NO_PHONE: set(),
}


class OutboxMessage(db.Model):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(20), default="")
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)

    case = relationship("Case")
