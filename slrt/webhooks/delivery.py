"""Sending webhook deliveries: right after the commit that queued them, and by the outbox worker
(`flask outbox run` runs a webhook pass after each outbox pass; `flask webhooks deliver` runs one pass).

As in the outbox (slrt.notifications.dispatch), each attempt first claims its row with a conditional UPDATE,
so two workers never post one delivery at the same time, and records its outcome only while its claim holds.
A 2xx answer is delivered; anything else (an error status, a redirect, no answer within the timeout) is
retried with exponential backoff until the last attempt, then the delivery has failed. Every attempt carries
the same X-SLRT-Delivery id: a subscriber that got a delivery whose answer was lost can drop the repeat.
"""
from __future__ import annotations

import http.client
import logging
import random
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from sqlalchemy import event, or_, and_, select, update
from sqlalchemy.orm import Session

from slrt.audit.models import AuditLog
from slrt.core.db import immediate_transactions
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications.senders import PLAIN_HTTP_ENVS, open_request
from slrt.webhooks.models import DELIVERY_TRANSITIONS, DeliveryStatus, WebhookDelivery
from slrt.webhooks.signing import decrypt_secret, signature

log = logging.getLogger("slrt.webhooks")

BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)  # 1 min, 5 min, 30 min, 2 h, 6 h (then 6 h again)
MAX_ATTEMPTS = 8
TIMEOUT_SECONDS = 5.0  # a subscriber that needs longer should answer at once and work afterwards
LEASE = timedelta(minutes=2)  # longer than one attempt can take
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SESSION_KEY = "slrt_webhook_ids"


def url_problem(url: str, env: str) -> str:
    """Why this URL cannot receive deliveries ("" when it can): https, or plain http to this machine outside
    production (a developer's or the tests' receiver). Plain http elsewhere would show every delivery, and
    let anyone on the way replay it within its timestamp window."""
    parts = urlsplit(url.strip())
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and env in PLAIN_HTTP_ENVS:
        return ""
    return "https"


def _setting(app, name: str, default):
    value = app.config.get(name)
    return default if value in (None, "") else value


def max_attempts(app) -> int:
    return max(1, int(_setting(app, "SLRT_WEBHOOK_MAX_ATTEMPTS", MAX_ATTEMPTS)))


def backoff(app, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt, with ±20% jitter so retries do not arrive in bursts."""
    schedule = tuple(_setting(app, "SLRT_WEBHOOK_BACKOFF", BACKOFF_SECONDS))
    base = schedule[min(max(attempts, 1), len(schedule)) - 1]
    return timedelta(seconds=base * random.uniform(0.8, 1.2))


def _due(now):
    return or_(and_(WebhookDelivery.status == DeliveryStatus.PENDING, WebhookDelivery.next_attempt_at <= now),
               and_(WebhookDelivery.status == DeliveryStatus.SENDING, WebhookDelivery.next_attempt_at <= now))


def _claim(session: Session, delivery_id: int) -> WebhookDelivery | None:
    now = utcnow()
    result = session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, _due(now))
        .values(status=DeliveryStatus.SENDING, attempts=WebhookDelivery.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.rollback()
        return None
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    session.commit()
    return delivery


def _finish(session: Session, delivery: WebhookDelivery, values: dict, audit: str | None = None,
            note: str = "") -> None:
    DELIVERY_TRANSITIONS.check(DeliveryStatus.SENDING, values["status"])
    result = session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery.id,
                                      WebhookDelivery.status == DeliveryStatus.SENDING,
                                      WebhookDelivery.attempts == delivery.attempts)
        .values(**values).execution_options(synchronize_session=False))
    if audit and result.rowcount == 1:
        session.add(AuditLog(action=audit, object_type="WebhookDelivery", object_id=str(delivery.id), note=note))
    session.commit()


class DeliveryError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def post(url: str, secret: str, event: str, delivery_id: str, body: bytes, timeout: float) -> int:
    """POST one signed delivery; returns the 2xx status or raises DeliveryError."""
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "slrt-webhooks", "X-SLRT-Event": event,
               "X-SLRT-Delivery": delivery_id, "X-SLRT-Timestamp": str(timestamp),
               "X-SLRT-Signature": signature(secret, timestamp, body)}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with open_request(request, timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}", error.code) from None
    except urllib.error.URLError as error:
        raise DeliveryError(f"unreachable: {error.reason}") from None
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        raise DeliveryError(f"no answer ({type(error).__name__})") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}", status)
    return status


def deliver(app, session: Session, delivery_id: int) -> str | None:
    """Claim, post and record one delivery: "delivered", "retry", "failed", or None (not ours or not due)."""
    delivery = _claim(session, delivery_id)
    if delivery is None:
        return None
    subscription = delivery.subscription
    limit = max_attempts(app)
    about = f"{delivery.event} delivery={delivery.delivery_id} subscription={subscription.id}"
    try:
        problem = url_problem(subscription.url, app.config.get("SLRT_ENV", "production"))
        if problem:
            raise DeliveryError("URL must be https://")
        if not subscription.active:
            raise DeliveryError("subscription inactive")
        secret = decrypt_secret(subscription.secret_encrypted)
        if secret is None:
            raise DeliveryError("secret unreadable (SECRET_KEY changed): create the subscription again")
        status = post(subscription.url, secret, delivery.event, delivery.delivery_id, delivery.body.encode(),
                      float(_setting(app, "SLRT_WEBHOOK_TIMEOUT", TIMEOUT_SECONDS)))
    except DeliveryError as error:
        reason = str(error)[:500]
        if delivery.attempts >= limit:
            _finish(session, delivery, {"status": DeliveryStatus.FAILED, "last_status": error.status,
                                        "last_error": reason, "next_attempt_at": utcnow()},
                    "webhook.failed", f"{about} attempts={delivery.attempts}: {reason}")
            log.warning("webhook delivery %s gave up after %d attempts: %s", delivery.id, delivery.attempts, reason)
            return "failed"
        _finish(session, delivery, {"status": DeliveryStatus.PENDING, "last_status": error.status,
                                    "last_error": reason,
                                    "next_attempt_at": utcnow() + backoff(app, delivery.attempts)})
        return "retry"
    _finish(session, delivery, {"status": DeliveryStatus.DELIVERED, "last_status": status, "last_error": "",
                                "delivered_at": utcnow()}, "webhook.delivered", about)
    return "delivered"


def deliver_due(app, ids=None, limit: int = 200) -> dict[str, int]:
    """One pass over the deliveries that are due (only `ids` if given). Needs an app context."""
    counts = {"delivered": 0, "retry": 0, "failed": 0}
    with immediate_transactions(), Session(bind=db.engine, expire_on_commit=False) as session:
        query = select(WebhookDelivery.id).where(_due(utcnow()))
        if ids is not None:
            query = query.where(WebhookDelivery.id.in_(list(ids)))
        due = list(session.scalars(query.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)))
        session.rollback()
        for delivery_id in due:
            outcome = deliver(app, session, delivery_id)
            if outcome:
                counts[outcome] += 1
    return counts


def worker_pass(app) -> str:
    """The outbox worker's webhook pass: a summary line, or "" when nothing was due."""
    counts = deliver_due(app)
    if not any(counts.values()):
        return ""
    return "Webhooks: delivered {delivered}, to retry {retry}, failed {failed}".format(**counts)


# After-commit dispatch, as the outbox does it (same setting: SLRT_OUTBOX_DISPATCH) -----------------------

def _run(app, ids) -> None:
    with app.app_context():
        try:
            deliver_due(app, ids)
        except Exception:  # the worker picks them up later
            log.exception("after-commit webhook delivery failed")
        finally:
            db.session.remove()


def _collect(session, flush_context) -> None:
    for obj in session.new:
        if isinstance(obj, WebhookDelivery) and obj.id is not None:
            session.info.setdefault(SESSION_KEY, set()).add(obj.id)


def _after_commit(session) -> None:
    ids = session.info.pop(SESSION_KEY, None)
    if not ids or not has_app_context():
        return
    from slrt.notifications.dispatch import dispatch_mode
    app = current_app._get_current_object()
    mode = dispatch_mode(app)
    if mode == "inline":
        try:
            deliver_due(app, ids)
        except Exception:
            log.exception("after-commit webhook delivery failed")
    elif mode == "thread":
        threading.Thread(target=_run, args=(app, frozenset(ids)), name="slrt-webhooks", daemon=True).start()


def _after_rollback(session) -> None:
    session.info.pop(SESSION_KEY, None)


def install_session_hooks() -> None:
    for name, handler in (("after_flush", _collect), ("after_commit", _after_commit),
                          ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, handler):
            event.listen(db.session, name, handler)
