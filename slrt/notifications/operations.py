"""Queueing messages to the citizen. They are rows written in the same transaction as the step they
announce, and leave only after it commits (see the sender)."""
from __future__ import annotations

from slrt.extensions import db
from slrt.notifications.models import OutboxMessage, OutboxStatus

SMS_LENGTH = 160


def queue_citizen_message(case, kind: str, text: str) -> OutboxMessage:
    """Put a short message (one SMS, carrying the ticket) for the case's citizen in the outbox."""
    body = text if case.ticket in text else f"{text} Tiket {case.ticket}."
    body = body[:SMS_LENGTH]
    phone = (case.person.phone or "") if case.person is not None else ""
    message = OutboxMessage(case_id=case.id, kind=kind, phone=phone, body=body,
                            status=OutboxStatus.PENDING if phone else OutboxStatus.NO_PHONE)
    db.session.add(message)
    return message
