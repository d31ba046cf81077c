"""Sending the outbox: right after the commit that queued a message, and again by the worker for retries.

Every send first claims its row with a conditional UPDATE (status pending, unknown with attempts left, or a
claim whose lease has run out — and due now), so two workers, two gunicorn workers or two servers never send
one message at the same time: only the one whose UPDATE changed the row sends it.

Every attempt carries the message's idempotency key, the same each time. The outcome of an attempt is one of:
- accepted (2xx): sent;
- surely refused (an error answer, or the gateway unreachable before it got the request): pending again with
  a later next_attempt_at (exponential backoff with jitter) until the last attempt, then failed;
- no answer (timeout, dropped connection, a sender that crashed mid-send and whose claim ran out): the gateway
  may have taken it, so the message is "unknown" — retried with the same key like a failure, and after the
  last attempt it stays unknown. From then on it is never called failed: a later refusal does not undo an
  earlier attempt that may have gone through.
A gateway that honours the key therefore delivers each message once, whatever the retries.

A message leaves by its channel (SMS, WhatsApp, SP4N-LAPOR!). A WhatsApp message the channel will never take
(template refused, number not on WhatsApp, no WhatsApp account configured), or whose last WhatsApp attempt
failed, goes by SMS instead: the row's channel becomes SMS, the reason is kept in fallback_reason and the
audit, and it gets a fresh round of SMS attempts under the same key.
"""
from __future__ import annotations

import logging
import random
import threading
from datetime import timedelta

from flask import current_app, has_app_context
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from slrt.audit.models import AuditLog
from slrt.core.db import immediate_transactions
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications.models import OUTBOX_TRANSITIONS, MessageChannel, OutboxMessage, OutboxStatus
from slrt.config import ConfigError
from slrt.notifications.senders import (ChannelRefused, LogSender, SendError, SendOutcomeUnknown, Senders,
                                     TrainingSender, sender_for)
from slrt.notifications.whatsapp import whatsapp_sender_for

log = logging.getLogger("slrt.outbox")

BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)  # 1 min, 5 min, 30 min, 2 h, 6 h (then 6 h again)
MAX_ATTEMPTS = 6
LEASE = timedelta(minutes=5)  # longer than any gateway timeout
SESSION_KEY = "slrt_outbox_ids"


def _schedule(app) -> tuple[float, ...]:
    value = app.config.get("SLRT_OUTBOX_BACKOFF") or BACKOFF_SECONDS
    if isinstance(value, str):
        try:
            value = tuple(float(part) for part in value.split(",") if part.strip())
        except ValueError:
            value = ()
    return tuple(value) or BACKOFF_SECONDS


def backoff(app, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt, with ±20% jitter so retries do not arrive in bursts."""
    schedule = _schedule(app)
    base = schedule[min(max(attempts, 1), len(schedule)) - 1]
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def max_attempts(app) -> int:
    value = app.config.get("SLRT_OUTBOX_MAX_ATTEMPTS")
    try:
        return max(1, int(value)) if value else MAX_ATTEMPTS
    except ValueError:
        return MAX_ATTEMPTS


def _due_condition(now, limit: int):
    """Claimable: a status the table lets become SENDING (an expired claim too), an unknown outcome only
    while attempts remain, and its time has come."""
    return (OutboxMessage.status.in_(sorted(OUTBOX_TRANSITIONS.sources(OutboxStatus.SENDING))),
            or_(OutboxMessage.status != OutboxStatus.UNKNOWN, OutboxMessage.attempts < limit),
            OutboxMessage.next_attempt_at <= now)


def _claim(session: Session, message_id: int, limit: int) -> OutboxMessage | None:
    """Take the message for this sender, or None if someone else has it (or it is not due)."""
    now = utcnow()
    # Re-claiming an expired claim: the sender that held it may have sent the message before it died.
    # maybe_sent is assigned first because MariaDB evaluates SET from left to right (status is changed next).
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, *_due_condition(now, limit))
        .ordered_values((OutboxMessage.maybe_sent,
                         or_(OutboxMessage.maybe_sent, OutboxMessage.status == OutboxStatus.SENDING)),
                        (OutboxMessage.status, OutboxStatus.SENDING),
                        (OutboxMessage.attempts, OutboxMessage.attempts + 1),
                        (OutboxMessage.next_attempt_at, now + LEASE))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        return None
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    session.commit()
    return message


def _finish(session: Session, message: OutboxMessage, values: dict, audit: str | None, note: str = "") -> bool:
    """Record the outcome, only if our claim still holds (same attempt number, still sending)."""
    OUTBOX_TRANSITIONS.check(OutboxStatus.SENDING, values["status"])
    result = session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.SENDING,
                                    OutboxMessage.attempts == message.attempts)
        .values(**values).execution_options(synchronize_session=False))
    if audit and result.rowcount == 1:
        session.add(AuditLog(action=audit, object_type="OutboxMessage", object_id=str(message.id), note=note))
    session.commit()
    return result.rowcount == 1


def senders_for(app) -> Senders:
    """The senders of every configured channel (raises ConfigError for a gateway the portal must not use). In
    training mode nothing leaves by any channel: every message is kept as not sent."""
    if app.config.get("TRAINING"):
        training = TrainingSender()
        return Senders(training, training, training)
    lapor = None
    factory = app.extensions.get("slrt.lapor_sender")  # registered by slrt.lapor, which builds on the outbox
    if factory is not None:
        lapor = factory(app)
    return Senders(sender_for(app), whatsapp_sender_for(app), lapor)


class _NotConfigured(ChannelRefused):
    """No sender for the message's channel."""


def _fall_back(app, session: Session, message: OutboxMessage, senders: Senders, reason: str, about: str):
    """Send a WhatsApp message by SMS instead: recorded on the row and in the audit, then delivered."""
    reason = reason[:300]
    if not _finish(session, message, {"status": OutboxStatus.PENDING, "channel": MessageChannel.SMS,
                                      "fallback_reason": reason, "last_error": reason, "attempts": 0,
                                      "next_attempt_at": utcnow()},
                   "outbox.fallback", f"{about} whatsapp->sms: {reason}"):
        return None
    log.info("outbox message %s: WhatsApp refused it, sending by SMS: %s", message.id, reason)
    return deliver(app, session, message.id, senders)


def deliver(app, session: Session, message_id: int, sender) -> str | None:
    """Claim, send and record one message (`sender`: the Senders of every channel, or one SMS sender).

    Returns "sent", "logged", "training" (kept, training mode), "retry", "failed", "unknown" (no answer and no
    attempt left) or None (not ours).
    """
    senders = sender if isinstance(sender, Senders) else Senders(sender)
    limit = max_attempts(app)
    message = _claim(session, message_id, limit)
    if message is None:
        return None
    attempts, phone, body, key = message.attempts, message.phone, message.body, message.idempotency_key
    channel = message.channel or MessageChannel.SMS
    about = f"kind={message.kind} case={message.case_id} channel={channel}"
    sender = senders.for_channel(channel)
    provider_id = None
    try:
        if sender is None:
            raise _NotConfigured(f"no {channel} account configured")
        from_number_id = message.from_number_id if channel == MessageChannel.WHATSAPP else ""
        if from_number_id and getattr(sender, "sends_from_number", False):  # the number the citizen wrote to
            provider_id = sender.send(phone, body, key, message.kind, from_number_id=from_number_id)
        else:
            provider_id = sender.send(phone, body, key, message.kind)
    except Exception as error:  # any failure of the sender is a failed attempt, never a crash of the caller
        reason = str(error)[:500] or type(error).__name__
        last = attempts >= limit
        if channel == MessageChannel.WHATSAPP and (
                isinstance(error, ChannelRefused)
                or (last and isinstance(error, SendError) and not isinstance(error, SendOutcomeUnknown))):
            return _fall_back(app, session, message, senders, reason, about)
        if isinstance(error, SendOutcomeUnknown) or message.maybe_sent:
            _finish(session, message, {"status": OutboxStatus.UNKNOWN, "maybe_sent": True, "last_error": reason,
                                       "next_attempt_at": utcnow() if last else utcnow() + backoff(app, attempts)},
                    "outbox.unknown" if last else None, f"{about} attempts={attempts}: {reason}")
            if last:
                log.warning("outbox message %s: outcome unknown after %d attempts: %s", message_id, attempts, reason)
                return "unknown"
            log.info("outbox message %s attempt %d: outcome unknown, will retry with the same key: %s",
                     message_id, attempts, reason)
            return "retry"
        if last:
            _finish(session, message, {"status": OutboxStatus.FAILED, "last_error": reason,
                                       "next_attempt_at": utcnow()},
                    "outbox.failed", f"{about} attempts={attempts}: {reason}")
            log.warning("outbox message %s failed for good after %d attempts: %s", message_id, attempts, reason)
            return "failed"
        _finish(session, message, {"status": OutboxStatus.PENDING, "last_error": reason,
                                   "next_attempt_at": utcnow() + backoff(app, attempts)}, None)
        log.info("outbox message %s attempt %d failed, will retry: %s", message_id, attempts, reason)
        return "retry"
    if getattr(sender, "training", False):
        _finish(session, message, {"status": OutboxStatus.TRAINING, "last_error": ""}, "outbox.training", about)
        return "training"
    if not getattr(sender, "reaches_phone", True):
        _finish(session, message, {"status": OutboxStatus.LOGGED, "sent_at": utcnow(), "last_error": ""},
                "outbox.logged", about)
        return "logged"
    _finish(session, message, {"status": OutboxStatus.SENT, "sent_at": utcnow(), "last_error": "",
                               "provider_id": (provider_id or "")[:128] if isinstance(provider_id, str) else ""},
            "outbox.sent", about)
    return "sent"


def send_due(app, ids=None, limit: int = 200) -> dict[str, int]:
    """One pass: send the messages that are due (only `ids` if given). Needs an app context."""
    counts = {"sent": 0, "logged": 0, "retry": 0, "failed": 0, "unknown": 0, "training": 0}
    try:
        sender = senders_for(app)
    except ConfigError as error:  # e.g. a plain-http gateway in production: nothing leaves, messages wait
        log.error("outbox: not sending, the SMS gateway is misconfigured: %s", error)
        return counts
    with immediate_transactions(), Session(bind=db.engine, expire_on_commit=False) as session:
        query = select(OutboxMessage.id).where(*_due_condition(utcnow(), max_attempts(app)))
        if ids is not None:
            query = query.where(OutboxMessage.id.in_(list(ids)))
        due = list(session.scalars(query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
        session.rollback()
        for message_id in due:
            outcome = deliver(app, session, message_id, sender)
            if outcome:
                counts[outcome] += 1
    return counts


def settle_demo_outbox(app) -> int:
    """The demo seed's messages go to made-up phone numbers: each is delivered to the recording sender (never to
    a configured gateway; in training mode the training sender), so the demo's outbox shows them recorded, not
    waiting for a gateway to send them. Returns how many were settled."""
    sender = TrainingSender() if app.config.get("TRAINING") else LogSender()
    quiet = logging.getLogger("slrt.outbox")
    level = quiet.level
    quiet.setLevel(logging.WARNING)  # one log line per demo message says nothing
    try:
        with immediate_transactions(), Session(bind=db.engine, expire_on_commit=False) as session:
            due = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING)
                                       .order_by(OutboxMessage.id)))
            session.rollback()
            return sum(1 for message_id in due if deliver(app, session, message_id, sender))
    finally:
        quiet.setLevel(level)


# After-commit dispatch -------------------------------------------------------------------------------

_threads: list[threading.Thread] = []


def dispatch_mode(app) -> str:
    """thread (default), inline (in the committing thread) or off (leave it to `flask outbox run`)."""
    mode = app.config.get("SLRT_OUTBOX_DISPATCH")
    if mode in ("thread", "inline", "off"):
        return mode
    return "off" if app.testing else "thread"


def _run_in_thread(app, ids) -> None:
    with app.app_context():
        try:
            send_due(app, ids)
        except Exception:  # the worker picks the messages up later; never let a thread die loudly
            log.exception("after-commit outbox dispatch failed")
        finally:
            db.session.remove()


def dispatch(app, ids) -> None:
    mode = dispatch_mode(app)
    if mode == "off" or not ids:
        return
    if mode == "inline":
        try:
            send_due(app, ids)
        except Exception:
            log.exception("after-commit outbox dispatch failed")
        return
    thread = threading.Thread(target=_run_in_thread, args=(app, frozenset(ids)), name="slrt-outbox", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def wait_for_dispatch(timeout: float = 10.0) -> None:
    """For tests and shutdown: wait for the after-commit threads started so far."""
    for thread in list(_threads):
        thread.join(timeout)


def _collect(session, flush_context) -> None:
    ids = None
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, OutboxMessage) and obj.status == OutboxStatus.PENDING and obj.id is not None:
            if ids is None:
                ids = session.info.setdefault(SESSION_KEY, set())
            ids.add(obj.id)


def _after_commit(session) -> None:
    ids = session.info.pop(SESSION_KEY, None)
    if ids and has_app_context():
        dispatch(current_app._get_current_object(), ids)


def _after_rollback(session) -> None:
    session.info.pop(SESSION_KEY, None)


def install_session_hooks() -> None:
    """Listen on Flask-SQLAlchemy's session class (once per process, whatever the number of apps)."""
    for name, handler in (("after_flush", _collect), ("after_commit", _after_commit),
                          ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, handler):
            event.listen(db.session, name, handler)
