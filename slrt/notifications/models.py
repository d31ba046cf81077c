from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class OutboxStatus(StrEnum):
    PENDING = "pending"    # waiting to leave (now, or at next_attempt_at after a failure)
    SENDING = "sending"    # claimed by one sender until next_attempt_at (a lease; a crashed sender's claim expires)
    UNKNOWN = "unknown"    # an attempt got no answer (timeout): the gateway may have taken it. Retried with the
                           # same idempotency key while attempts remain; after the last one it stays unknown.
    SENT = "sent"          # the gateway accepted it
    LOGGED = "logged"      # written to the log because no gateway is configured: it reached nobody
    FAILED = "failed"      # every attempt was surely refused, so nothing reached the gateway; gave up
    NO_PHONE = "no_phone"  # nothing to send to; kept so the timeline shows it
    TRAINING = "training"  # training mode (SLRT_ENV=training): recorded, never sent to anyone


class MessageChannel(StrEnum):
    """The way a message leaves; each has its sender (slrt.notifications.senders.Senders)."""
    SMS = "sms"
    WHATSAPP = "whatsapp"
    LAPOR = "lapor"  # a follow-up step pushed to SP4N-LAPOR! (slrt.lapor): body is JSON, no phone


# Which status may follow which. Sending moves are conditional UPDATEs in slrt.notifications.dispatch;
# the administrator's moves are resends (slrt.notifications.operations.resend_message).
OUTBOX_TRANSITIONS = TransitionTable(OutboxStatus, {
    OutboxStatus.PENDING: {OutboxStatus.SENDING},
    OutboxStatus.SENDING: {OutboxStatus.SENT, OutboxStatus.LOGGED, OutboxStatus.PENDING, OutboxStatus.UNKNOWN,
                           OutboxStatus.FAILED, OutboxStatus.SENDING, OutboxStatus.TRAINING},
    OutboxStatus.UNKNOWN: {OutboxStatus.SENDING, OutboxStatus.PENDING},
    OutboxStatus.FAILED: {OutboxStatus.PENDING},
    OutboxStatus.LOGGED: {OutboxStatus.PENDING},
    OutboxStatus.SENT: set(),  # a resend of a delivered message is a new message (a copy with its own key)
    OutboxStatus.NO_PHONE: set(),
    OutboxStatus.TRAINING: set(),  # a role play's message never leaves, not even after the training
})

# Resending these may put a second copy on the citizen's phone: the administrator confirms first.
CONFIRM_RESEND = frozenset({OutboxStatus.UNKNOWN, OutboxStatus.SENT})


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


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
    # Sent to the gateway with every attempt (header Idempotency-Key, payload field "id"), the same on each
    # retry, so a gateway that already took the message does not deliver it again.
    idempotency_key: Mapped[str] = mapped_column(String(36), default=new_idempotency_key, unique=True)
    # Some attempt got no answer (timeout, dropped connection, a sender that crashed mid-send): the message
    # may have reached the phone, so it is never shown as failed.
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    channel: Mapped[str] = mapped_column(String(10), default=MessageChannel.SMS, server_default="sms")
    # Why a WhatsApp message went by SMS instead (template refused, number not on WhatsApp, no WhatsApp
    # account configured); empty when it left by the channel it was queued for.
    fallback_reason: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # The provider's id of the accepted message (WhatsApp's wamid), to match its later delivery reports.
    provider_id: Mapped[str] = mapped_column(String(128), default="", server_default="", index=True)
    # The WhatsApp business number (its Cloud API phone-number id) the message leaves from: the one the citizen
    # wrote to, for an answer in a conversation (migration 0031). Empty: the configured SLRT_WA_PHONE_NUMBER_ID.
    from_number_id: Mapped[str] = mapped_column(String(32), default="", server_default="")

    case = relationship("Case")
