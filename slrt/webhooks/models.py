"""Webhooks: an API client's subscriber URLs, and the outbox of deliveries to them (one row per event and
subscriber, queued in the same transaction as the change it announces)."""
from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class WebhookEvent(StrEnum):
    CASE_CREATED = "case.created"
    REFERRAL_DECIDED = "referral.decided"    # signed off (approved) or refused (rejected) by the supervisor
    REFERRAL_ANSWERED = "referral.answered"  # the agency's answer: accepted, documents needed, completed, declined
    CASE_CLOSED = "case.closed"


class DeliveryStatus(StrEnum):
    PENDING = "pending"      # waiting for its first attempt, or for the next one after a failure
    SENDING = "sending"      # claimed by one worker until next_attempt_at (a lease: a crashed worker's claim ends)
    DELIVERED = "delivered"  # the subscriber answered 2xx
    FAILED = "failed"        # every attempt failed: given up (the administrator may send it again)


DELIVERY_TRANSITIONS = TransitionTable(DeliveryStatus, {
    DeliveryStatus.PENDING: {DeliveryStatus.SENDING},
    DeliveryStatus.SENDING: {DeliveryStatus.DELIVERED, DeliveryStatus.PENDING, DeliveryStatus.FAILED,
                             DeliveryStatus.SENDING},
    DeliveryStatus.FAILED: {DeliveryStatus.PENDING},     # sent again by the administrator
    DeliveryStatus.DELIVERED: {DeliveryStatus.PENDING},  # likewise (the subscriber lost it)
})


def new_uuid() -> str:
    return str(uuid.uuid4())


class WebhookSubscription(db.Model):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("api_clients.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[str] = mapped_column(String(200), default="")  # comma-separated WebhookEvent values
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The signing secret, encrypted with a key derived from SECRET_KEY (slrt.webhooks.signing): it must be
    # readable to sign, unlike an API token, which is only ever compared and so is kept as a hash.
    secret_encrypted: Mapped[str] = mapped_column(String(300))
    secret_hint: Mapped[str] = mapped_column(String(12), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    client = relationship("ApiClient")

    @property
    def event_set(self) -> frozenset[WebhookEvent]:
        known = {e.value for e in WebhookEvent}
        return frozenset(WebhookEvent(e) for e in self.events.split(",") if e in known)


class WebhookDelivery(db.Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"),
                                                 index=True)
    # X-SLRT-Delivery: the same on every attempt and resend, so a subscriber can drop a repeat.
    delivery_id: Mapped[str] = mapped_column(String(36), default=new_uuid, unique=True)
    event_id: Mapped[str] = mapped_column(String(36))  # one change, the same for every subscriber
    event: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the subscriber's HTTP status, None without answer
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime)

    subscription = relationship("WebhookSubscription")
