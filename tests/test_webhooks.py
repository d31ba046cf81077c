"""Webhooks: signed deliveries of case and referral events to a receiver started here on 127.0.0.1, retried
through the outbox worker, scoped to the client's region, never carrying a NIK or a name."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.handling import operations as handling
from slrt.referrals.models import ReferralStatus
from slrt.webhooks import operations
from slrt.webhooks.delivery import deliver_due
from slrt.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.api_helpers import make_client
from tests.conftest import VALID_NIK, count
from tests.intake_helpers import intake_data
from tests.referrals_helpers import referral_in
from tests.test_once import twice

ALL_EVENTS = ["case.created", "referral.decided", "referral.answered", "case.closed"]


class Receiver:
    """A subscriber on 127.0.0.1 that records each request and answers with the next of `statuses`
    (the last one repeats)."""

    def __init__(self, statuses=(200,)) -> None:
        self.statuses = list(statuses)
        self.requests: list[tuple] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((self.headers, body))  # looked up case-insensitively
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def admin(make_user):
    return make_user("admin")


def subscribe(admin, url, *, region_code, events=ALL_EVENTS, agency_id=None, permissions=("read_status",)):
    client, _token = make_client(admin, region_code=region_code, agency_id=agency_id, permissions=permissions)
    subscription, secret = operations.subscribe(client, operations.SubscriptionData(url, list(events)), admin)
    db.session.commit()
    return subscription, secret


def test_a_delivery_is_signed_with_the_secret_and_names_no_person(app, admin, make_case, places):
    with Receiver() as receiver:
        _subscription, secret = subscribe(admin, receiver.url, region_code=places.district)
        case = make_case()
        assert deliver_due(app) == {"delivered": 1, "retry": 0, "failed": 0}
    (headers, body), = receiver.requests
    timestamp = headers["X-SLRT-Timestamp"]
    assert abs(time.time() - int(timestamp)) < 60
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-SLRT-Signature"], "sha256=" + expected)
    assert headers["X-SLRT-Event"] == "case.created"
    event = json.loads(body)
    assert event["type"] == "case.created" and re.fullmatch(r"[0-9a-f-]{36}", event["id"])
    assert event["data"] == {"ticket": case.ticket, "case_id": case.id, "case_status": "registered",
                             "region_code": places.desa}
    assert VALID_NIK.encode() not in body and b"Ani" not in body
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert headers["X-SLRT-Delivery"] == delivery.delivery_id
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.last_status == 200
    # The secret is kept encrypted, never as typed.
    assert secret not in db.session.scalar(db.select(WebhookSubscription.secret_encrypted))


def test_a_refused_delivery_is_retried_with_the_same_id_then_delivered(app, admin, make_case, places):
    app.config["SLRT_WEBHOOK_BACKOFF"] = (0,)
    with Receiver([500, 204]) as receiver:
        subscribe(admin, receiver.url, region_code=places.district, events=["case.created"])
        make_case()
        assert deliver_due(app)["retry"] == 1
        delivery = db.session.scalar(db.select(WebhookDelivery))
        assert (delivery.status, delivery.attempts, delivery.last_status) == (DeliveryStatus.PENDING, 1, 500)
        # The outbox worker's pass posts the webhook deliveries too (no second daemon).
        result = app.test_cli_runner().invoke(args=["outbox", "send"])
        assert "Webhooks: delivered 1, to retry 0, failed 0" in result.output
    first, second = receiver.requests
    assert first[0]["X-SLRT-Delivery"] == second[0]["X-SLRT-Delivery"] and first[1] == second[1]
    delivery = db.session.get(WebhookDelivery, delivery.id)  # the command ended the test's session
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


def test_a_delivery_is_given_up_after_the_last_attempt_and_can_be_sent_again(app, admin, make_case, places,
                                                                             client, login_as):
    app.config.update(SLRT_WEBHOOK_BACKOFF=(0,), SLRT_WEBHOOK_MAX_ATTEMPTS=3)
    with Receiver([503]) as receiver:
        subscribe(admin, receiver.url, region_code=places.district, events=["case.created"])
        make_case()
        outcomes = [deliver_due(app) for _ in range(4)]
    assert [o["failed"] for o in outcomes] == [0, 0, 1, 0] and len(receiver.requests) == 3
    delivery = db.session.scalar(db.select(WebhookDelivery))
    assert delivery.status == DeliveryStatus.FAILED and count(AuditLog, AuditLog.action == "webhook.failed") == 1
    # The delivery log shows it, and "kirim ulang" queues it again (audited).
    login_as("admin")
    client_id = delivery.subscription.client_id
    page = client.get(f"/admin/klien-api/{client_id}/webhook/kiriman").get_data(as_text=True)
    assert "HTTP 503" in page and "Kirim ulang" in page
    response = client.post(f"/admin/klien-api/{client_id}/webhook/kiriman/{delivery.id}/kirim-ulang",
                           data={"form_id": "a" * 32})
    assert response.status_code == 303
    db.session.expire_all()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert count(AuditLog, AuditLog.action == "webhook.resend") == 1


def test_a_client_hears_only_of_its_region_and_an_agency_only_of_its_referrals(app, admin, make_case,
                                                                              make_user, places):
    from slrt.admin.models import Agency
    dinkes = db.session.scalar(db.select(Agency.id).where(Agency.code == "DINKES"))
    dinsos = db.session.scalar(db.select(Agency.id).where(Agency.code != "DINKES"))
    here, _ = subscribe(admin, "http://127.0.0.1:9/a", region_code=places.kecamatan)
    there, _ = subscribe(admin, "http://127.0.0.1:9/b", region_code=places.other_kecamatan)
    agency, _ = subscribe(admin, "http://127.0.0.1:9/c", region_code=places.district, agency_id=dinkes,
                          permissions=("answer_referrals",), events=["referral.decided", "referral.answered"])
    other_agency, _ = subscribe(admin, "http://127.0.0.1:9/d", region_code=places.district, agency_id=dinsos,
                                permissions=("answer_referrals",), events=["referral.answered"])
    officer, signer = make_user("back_office"), make_user("supervisor")
    case = make_case()
    referral = referral_in(ReferralStatus.COMPLETED, case, officer, signer)  # to DINKES
    handling.close(referral.case, officer, "Selesai")
    db.session.commit()
    events = {s.id: [d.event for d in db.session.scalars(db.select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == s.id).order_by(WebhookDelivery.id))] for s in (here, there, agency,
                                                                                             other_agency)}
    assert events[here.id] == ["case.created", "referral.decided", "referral.answered", "case.closed"]
    assert events[there.id] == [] and events[other_agency.id] == []
    assert events[agency.id] == ["referral.decided", "referral.answered"]
    bodies = db.session.scalars(db.select(WebhookDelivery.body)).all()
    assert all(VALID_NIK not in b and "Ani Suryani" not in b for b in bodies)
    answered = json.loads(db.session.scalar(db.select(WebhookDelivery.body).where(
        WebhookDelivery.subscription_id == here.id, WebhookDelivery.event == "referral.answered")))
    answered = answered["data"]["referral"]
    assert answered == {"id": referral.id, "status": "completed", "agency": "DINKES"}


def test_a_case_posted_twice_at_the_counter_makes_one_delivery(app, admin, client, login_as, places):
    subscribe(admin, "http://127.0.0.1:9/hook", region_code=places.district, events=["case.created"])
    login_as("front_office")
    first, second = twice(client, "/pendaftaran/baru", intake_data(places))
    assert first.status_code == 303 and second.status_code == 303
    assert count(WebhookDelivery) == 1


def test_the_admin_subscribes_an_https_url_and_sees_the_secret_once(app, admin, client, login_as, places,
                                                                     make_case):
    api_client, _token = make_client(admin, region_code=places.district)
    login_as("admin")
    url = f"/admin/klien-api/{api_client.id}/webhook"
    refused = client.post(url, data={"url": "http://cc.example.org/hook", "events": ["case.created"],
                                     "form_id": "b" * 32})
    assert refused.status_code == 422 and "https://" in refused.get_data(as_text=True)
    assert count(WebhookSubscription) == 0
    created = client.post(url, data={"url": "https://cc.example.org/hook", "events": ["case.created", "case.closed"],
                                     "form_id": "c" * 32})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r"whsec_[A-Za-z0-9_-]+", created.get_data(as_text=True)).group(0)
    page = client.get(url).get_data(as_text=True)
    assert "https://cc.example.org/hook" in page and secret not in page and "X-SLRT-Signature" in page
    assert count(AuditLog, AuditLog.action == "webhook.create") == 1
    # Switched off, it hears nothing more.
    subscription = db.session.scalar(db.select(WebhookSubscription))
    assert client.post(f"{url}/{subscription.id}/aktif", data={"active": "0"}).status_code == 303
    assert count(AuditLog, AuditLog.action == "webhook.deactivate") == 1
    make_case()
    assert count(WebhookDelivery) == 0


def test_the_nightly_retention_removes_ended_deliveries_past_the_audit_period(app, admin, make_user, places):
    """Before, delivery rows were kept for ever. The retention job removes delivered and failed ones queued before
    the audit trail's period (they record what went to which client, as audit rows do) and reports the count;
    pending and sending ones stay whatever their age (the worker still owes them)."""
    from datetime import datetime, timedelta

    from slrt.admin import settings
    from slrt.privacy.operations import run_retention
    now = datetime(2031, 6, 1, 2, 0)
    subscription, _ = subscribe(admin, "http://127.0.0.1:9/hook", region_code=places.district)
    old, recent = now - timedelta(days=365 * 5 + 40), now - timedelta(days=30)
    rows = {}
    for name, status, created in (("old_delivered", DeliveryStatus.DELIVERED, old),
                                  ("old_failed", DeliveryStatus.FAILED, old),
                                  ("old_pending", DeliveryStatus.PENDING, old),
                                  ("old_sending", DeliveryStatus.SENDING, old),
                                  ("new_delivered", DeliveryStatus.DELIVERED, recent),
                                  ("new_failed", DeliveryStatus.FAILED, recent)):
        row = WebhookDelivery(subscription_id=subscription.id, event_id=name, event="case.created", body="{}",
                              status=status, created_at=created, next_attempt_at=created)
        db.session.add(row)
        rows[name] = row
    db.session.commit()
    ids = {name: row.id for name, row in rows.items()}

    dry = {s.key: s.count for s in run_retention(now, dry_run=True).steps}
    db.session.rollback()
    assert dry["webhook_deliveries_removed"] == 2 and count(WebhookDelivery) == 6
    report = run_retention(now)
    db.session.commit()
    assert {s.key: s.count for s in report.steps}["webhook_deliveries_removed"] == 2
    assert "Kiriman webhook yang sudah selesai dihapus: 2" in "\n".join(report.lines())
    left = set(db.session.scalars(db.select(WebhookDelivery.id)))
    assert left == {ids[n] for n in ("old_pending", "old_sending", "new_delivered", "new_failed")}
    note = db.session.scalar(db.select(AuditLog.note).where(AuditLog.action == "privacy.retention"))
    assert "webhook_deliveries_removed=2" in note
    # The audit period decides: kept for good with 0 months, as the audit rows are.
    settings.put("retention_audit_months", "0", admin)
    db.session.commit()
    assert "webhook_deliveries_removed" not in {s.key for s in run_retention(now, dry_run=True).steps}
