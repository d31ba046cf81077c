"""Every change of the webhooks feature: the administrator subscribes a URL for an API client, switches it
on or off, sends a delivery again; and each event is queued for its subscribers in the transaction of the
change it announces (listeners of slrt.core.hooks), so a change that rolls back announces nothing.

A delivery names the case by ticket and id, its region code and the referral's id, status and agency code:
never a NIK, a name or a note. It goes only to clients whose region holds the case (a client of one
kecamatan hears nothing of another); an agency's client hears only of its own signed-off referrals.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from slrt.api.models import ApiClient
from slrt.audit.operations import record
from slrt.auth.permissions import in_region
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.webhooks.delivery import url_problem
from slrt.webhooks.models import (DELIVERY_TRANSITIONS, DeliveryStatus, WebhookDelivery, WebhookEvent,
                                  WebhookSubscription)
from slrt.webhooks.signing import encrypt_secret, new_secret

REFERRAL_EVENTS = frozenset({WebhookEvent.REFERRAL_DECIDED, WebhookEvent.REFERRAL_ANSWERED})


@dataclass
class SubscriptionData:
    url: str
    events: list[str]


def subscribe(client: ApiClient, data: SubscriptionData, actor) -> tuple[WebhookSubscription, str]:
    """A new subscriber URL for the client; returns it and its signing secret (shown once)."""
    url = data.url.strip()
    if url_problem(url, current_app.config.get("SLRT_ENV", "production")):
        raise DomainError(_("Alamat harus diawali https:// (http:// hanya untuk 127.0.0.1 atau localhost di "
                            "luar produksi)."), field="url")
    events = {WebhookEvent(e) for e in data.events if e in set(WebhookEvent)}
    if not events:
        raise DomainError(_("Pilih sedikitnya satu peristiwa."), field="events")
    if client.agency_id is not None and events - REFERRAL_EVENTS:
        raise DomainError(_("Klien instansi hanya menerima peristiwa rujukan."), field="events")
    secret = new_secret()
    subscription = WebhookSubscription(client_id=client.id, url=url, events=",".join(sorted(events)), active=True,
                                       secret_encrypted=encrypt_secret(secret), secret_hint=secret[:10],
                                       created_by_id=actor.id)
    db.session.add(subscription)
    db.session.flush()
    record("webhook.create", subscription, user=actor,
           note=f"{client.name}: {url} ({subscription.events})")
    return subscription, secret


def set_active(subscription: WebhookSubscription, active: bool, actor) -> None:
    """Switch deliveries on or off (queued deliveries of a switched-off URL fail at their next attempt)."""
    if subscription.active == active:
        return
    subscription.active = active
    record("webhook.activate" if active else "webhook.deactivate", subscription, user=actor,
           note=f"{subscription.client.name}: {subscription.url}")
    db.session.flush()


def can_resend(delivery: WebhookDelivery) -> bool:
    return DELIVERY_TRANSITIONS.allows(delivery.status, DeliveryStatus.PENDING)


def resend(delivery: WebhookDelivery, actor) -> None:
    """Send a delivery again, with a fresh round of attempts under the same delivery id (a subscriber that
    did get it may drop the repeat)."""
    DELIVERY_TRANSITIONS.check(delivery.status, DeliveryStatus.PENDING)
    previous = delivery.status
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.last_error = ""
    record("webhook.resend", delivery, user=actor,
           note=f"{previous}->pending {delivery.event} delivery={delivery.delivery_id}")
    db.session.flush()


# Queueing events ---------------------------------------------------------------------------------------

def _hears(client: ApiClient, event: WebhookEvent, case, referral) -> bool:
    """Whether the client may know of this change: the case lies in its region; an agency's client only
    hears of its own agency's referrals once signed off (a refused draft is not the agency's business)."""
    now = utcnow()
    if not client.usable_at(now):
        return False
    if not (in_region(client, case.region_code) or in_region(client, case.office_region_code)):
        return False
    if client.agency_id is None:
        return True
    return (event in REFERRAL_EVENTS and referral is not None and referral.agency_id == client.agency_id
            and referral.letter_number is not None)


def payload(event: WebhookEvent, event_id: str, case, referral=None) -> str:
    data = {"ticket": case.ticket, "case_id": case.id, "case_status": str(case.status),
            "region_code": case.region_code}
    if referral is not None:
        data["referral"] = {"id": referral.id, "status": str(referral.status),
                            "agency": referral.agency.code if referral.agency else ""}
    return json.dumps({"id": event_id, "type": str(event),
                       "occurred_at": utcnow().isoformat(timespec="seconds") + "Z", "data": data},
                      separators=(",", ":"))


def queue_event(event: WebhookEvent, case, referral=None) -> list[WebhookDelivery]:
    """One delivery per active subscription that wants the event and may know of the case."""
    subscriptions = db.session.scalars(
        select(WebhookSubscription).join(ApiClient, WebhookSubscription.client_id == ApiClient.id)
        .where(WebhookSubscription.active.is_(True), WebhookSubscription.events.contains(str(event)))
        .order_by(WebhookSubscription.id)).all()
    listeners = [s for s in subscriptions if event in s.event_set and _hears(s.client, event, case, referral)]
    if not listeners:
        return []
    db.session.flush()  # the case (and referral) have their ids and statuses
    event_id = str(uuid.uuid4())
    body = payload(event, event_id, case, referral)
    deliveries = [WebhookDelivery(subscription_id=s.id, event_id=event_id, event=str(event), case_id=case.id,
                                  body=body, status=DeliveryStatus.PENDING, attempts=0, last_error="",
                                  next_attempt_at=utcnow())
                  for s in listeners]
    db.session.add_all(deliveries)
    return deliveries


def on_case_registered(case, **_extra) -> None:
    queue_event(WebhookEvent.CASE_CREATED, case)


def on_case_closed(case, **_extra) -> None:
    queue_event(WebhookEvent.CASE_CLOSED, case)


def on_referral_changed(referral, **_extra) -> None:
    """Sign-off decisions (approved or rejected) and the agency's answers; the status is only ever reached by
    that one operation, so each announces one step."""
    from slrt.referrals.models import AGENCY_RESPONSES, ReferralStatus as S
    if referral.status in (S.APPROVED, S.REJECTED):
        queue_event(WebhookEvent.REFERRAL_DECIDED, referral.case, referral)
    elif referral.status in AGENCY_RESPONSES:
        queue_event(WebhookEvent.REFERRAL_ANSWERED, referral.case, referral)


# Deliveries that ended (delivered, or given up) are the record of what went to which client: they are kept as
# long as the audit trail (`retention_audit_months`), then removed by the nightly retention job. Pending and
# sending ones are never removed: the worker still owes them.
ENDED = (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED)
RETENTION_CHUNK = 5000


def remove_old_deliveries(cutoff, apply: bool) -> int:
    """Remove (or, without `apply`, count) the ended deliveries queued before `cutoff`, in chunks."""
    from sqlalchemy import delete, func
    where = (WebhookDelivery.status.in_([s.value for s in ENDED]), WebhookDelivery.created_at < cutoff)
    if not apply:
        return db.session.scalar(select(func.count(WebhookDelivery.id)).where(*where)) or 0
    removed = 0
    while True:
        ids = list(db.session.scalars(select(WebhookDelivery.id).where(*where).limit(RETENTION_CHUNK)))
        if not ids:
            return removed
        removed += db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.id.in_(ids))).rowcount or 0


def retention_task():
    """The webhooks' part of `flask privacy retention` (slrt.privacy.operations.register_retention_task)."""
    from slrt.privacy.operations import RetentionTask
    return RetentionTask("webhook_deliveries_removed", lambda: _("Kiriman webhook yang sudah selesai dihapus"),
                         "retention_audit_months", remove_old_deliveries)
