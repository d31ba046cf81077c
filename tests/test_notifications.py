"""The outbox: messages leave after the commit, through a sender, with retries; the administrator's page."""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest

from slrt.audit.models import AuditLog
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications import dispatch
from slrt.notifications.models import OutboxMessage, OutboxStatus
from slrt.notifications.operations import SMS_LENGTH, fit_sms, queue_citizen_message, registered_text, resend_message
from slrt.config import ConfigError
from slrt.notifications.senders import (HttpGatewaySender, LogSender, SendError, SendOutcomeUnknown, mask_phone,
                                        sender_for)
from tests.conftest import VALID_NIK, is_fragment, log_in
from tests.notifications_helpers import FakeGateway, FlakyGateway

PHONE = "081234567890"
ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator",
         "admin", "provincial_officer"]


@contextmanager
def app_with(make_app, **config):
    application = make_app(**config)
    with application.app_context():
        yield application
        db.session.remove()


def messages():
    db.session.rollback()  # a fresh snapshot: other connections (the sender's) have committed since
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


# The sender against a fake gateway ----------------------------------------------------------------------

KEY = "6f1c2b9e-3d4a-4c8e-9b7f-0a1b2c3d4e5f"
NONE = {"sent": 0, "logged": 0, "retry": 0, "failed": 0, "unknown": 0, "training": 0}


def counts(**kw):
    return {**NONE, **kw}


def test_http_sender_posts_json_with_the_token_and_the_key():
    with FakeGateway(token="rahasia") as gateway:
        HttpGatewaySender(gateway.url, "rahasia", timeout=5, env="test").send(PHONE, "Halo", KEY)
    assert gateway.delivered == [{"id": KEY, "to": PHONE, "message": "Halo"}]
    assert gateway.received[0]["content_type"] == "application/json"
    assert gateway.received[0]["key"] == KEY and gateway.received[0]["authorization"] == "Bearer rahasia"


@pytest.mark.parametrize("gateway_kwargs, sender_kwargs, reason", [
    ({"statuses": [500]}, {}, "HTTP 500"),
    ({"statuses": [302]}, {}, "HTTP 302"),
    ({"token": "rahasia"}, {"token": "salah"}, "HTTP 401"),
    ({"token": "rahasia"}, {}, "HTTP 401"),
])
def test_http_sender_raises_on_failure(gateway_kwargs, sender_kwargs, reason):
    with FakeGateway(**gateway_kwargs) as gateway:
        with pytest.raises(SendError, match=reason) as raised:
            HttpGatewaySender(gateway.url, **{"timeout": 5, "env": "test", **sender_kwargs}).send(PHONE, "Halo", KEY)
    assert not isinstance(raised.value, SendOutcomeUnknown)  # an answer: the gateway did not take it


@pytest.mark.parametrize("gateway_kwargs", [{"delay": 0.6}, {"statuses": [504]}])
def test_http_sender_no_answer_is_an_unknown_outcome(gateway_kwargs):
    """The gateway got the request but its answer never came: it may have taken the message."""
    with FakeGateway(**gateway_kwargs) as gateway:
        with pytest.raises(SendOutcomeUnknown, match="unknown"):
            HttpGatewaySender(gateway.url, timeout=0.2, env="test").send(PHONE, "Halo", KEY)
        assert gateway.received[0]["key"] == KEY


def test_http_sender_unreachable_gateway_is_a_sure_failure():
    with FakeGateway() as gateway:
        url = gateway.url
    with pytest.raises(SendError, match="unreachable") as raised:
        HttpGatewaySender(url, timeout=1, env="test").send(PHONE, "Halo", KEY)
    assert not isinstance(raised.value, SendOutcomeUnknown)  # nothing reached it: safe to call it failed


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_http_sender_does_not_follow_redirects_with_the_token(status):
    with FakeGateway() as elsewhere, FakeGateway(token="rahasia", statuses=[status],
                                                 location=elsewhere.url) as gateway:
        with pytest.raises(SendError, match=f"HTTP {status}.*redirect") as raised:
            HttpGatewaySender(gateway.url, "rahasia", timeout=5, env="test").send(PHONE, "Halo", KEY)
    assert not isinstance(raised.value, SendOutcomeUnknown)
    assert len(gateway.received) == 1
    assert elsewhere.received == []  # neither the token nor the number went to the other host


@pytest.mark.parametrize("env", ["production", "staging", ""])
def test_plain_http_gateway_is_refused_outside_development(env):
    with pytest.raises(ConfigError, match="http://"):
        HttpGatewaySender("http://sms.example.go.id/api", "rahasia", env=env)
    HttpGatewaySender("https://sms.example.go.id/api", "rahasia", env=env)  # https is fine
    with pytest.raises(ConfigError):
        HttpGatewaySender("ftp://sms.example.go.id/api", env=env)


def test_plain_http_gateway_stops_a_production_start_up(make_app):
    with pytest.raises(ConfigError, match="SLRT_ENV=production"):
        make_app(SLRT_ENV="production", SLRT_SMS_GATEWAY_URL="http://sms.example.go.id/api")
    make_app(SLRT_ENV="production", SLRT_SMS_GATEWAY_URL="https://sms.example.go.id/api")
    make_app(SLRT_ENV="development", SLRT_SMS_GATEWAY_URL="http://127.0.0.1:9/sms")


def test_plain_http_gateway_set_after_start_up_sends_nothing(make_app, make_case, monkeypatch, caplog):
    monkeypatch.setattr(logging.getLogger("slrt.outbox"), "disabled", False)
    with FakeGateway() as gateway, app_with(make_app, SLRT_ENV="production") as application:
        make_case(phone=PHONE)
        application.config["SLRT_SMS_GATEWAY_URL"] = gateway.url
        with caplog.at_level(logging.ERROR, logger="slrt.outbox"):
            assert dispatch.send_due(application) == NONE
        assert "misconfigured" in caplog.text and "http://" in caplog.text
        assert gateway.received == [] and messages()[0].status == OutboxStatus.PENDING


def test_log_sender_masks_the_phone_number(caplog, monkeypatch):
    with caplog.at_level(logging.INFO, logger="slrt.outbox"):
        LogSender().send(PHONE, "SLRT: permohonan Anda sudah terdaftar. Tiket K7MQ4-P2XRT.", KEY)
    assert "0812****7890" in caplog.text and PHONE not in caplog.text
    assert mask_phone("+6281234567890") == "+628******7890"


def test_sender_is_chosen_by_configuration(make_app):
    with app_with(make_app) as application:
        assert isinstance(sender_for(application), LogSender)
    with app_with(make_app, SLRT_SMS_GATEWAY_URL="http://127.0.0.1:9/sms", SLRT_SMS_GATEWAY_TOKEN="t") as application:
        sender = sender_for(application)
        assert isinstance(sender, HttpGatewaySender) and sender.token == "t"


# Messages: short, with the ticket ---------------------------------------------------------------------

def test_registration_queues_a_short_message_with_the_ticket(app, make_case):
    case = make_case(phone=PHONE)
    [message] = messages()
    assert (message.kind, message.phone, message.status, message.case_id) == ("registered", PHONE, "pending", case.id)
    assert case.ticket in message.body and len(message.body) <= SMS_LENGTH
    assert "terdaftar" in message.body
    assert VALID_NIK not in message.body and "Ani" not in message.body


def test_registration_without_phone_keeps_a_no_phone_row(app, make_case):
    make_case()
    [message] = messages()
    assert message.status == OutboxStatus.NO_PHONE


def test_long_office_name_still_fits_one_sms(make_app, make_case):
    with app_with(make_app, SLRT_OFFICE_NAME="Sekretariat SLRT Dinas Sosial Pemberdayaan Perempuan dan "
                                             "Perlindungan Anak Kabupaten Bandung Barat",
                  SLRT_PUBLIC_URL="https://slrt.bandungbaratkab.go.id"):
        case = make_case(phone=PHONE)
        text = registered_text(case)
        assert case.ticket in text and len(text) <= SMS_LENGTH


@pytest.mark.parametrize("text", [
    "Rujukan Anda ke Dinas Kesehatan disetujui, nomor surat 460/0007/SLRT/XI/2026. " * 4,
    "Rujukan Anda selesai: “PBI-JKN aktif kembali” — terima kasih…",
    "Pendek.",
])
def test_fit_sms_keeps_the_ticket_and_the_gsm_alphabet(text):
    body = fit_sms(text, "K7MQ4-P2XRT")
    assert "K7MQ4-P2XRT" in body and len(body) <= SMS_LENGTH
    assert all(ord(c) < 128 for c in body)  # no character that would switch the SMS to UCS-2


# After the commit --------------------------------------------------------------------------------------

def test_message_leaves_after_commit_through_the_gateway(make_app, make_case):
    with FakeGateway(token="rahasia") as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_SMS_GATEWAY_TOKEN="rahasia",
                     SLRT_OUTBOX_DISPATCH="inline"):
        case = make_case(phone=PHONE)
        [message] = messages()
        assert message.status == OutboxStatus.SENT and message.sent_at and message.attempts == 1
        assert gateway.delivered == [{"id": message.idempotency_key, "to": PHONE, "message": message.body}]
        assert gateway.received[0]["key"] == message.idempotency_key
        assert case.ticket in gateway.delivered[0]["message"]
        audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.sent"))
        assert audit.object_id == str(message.id)


def test_message_leaves_in_a_background_thread(make_app, make_case):
    with FakeGateway(delay=0.2) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="thread"):
        make_case(phone=PHONE)
        dispatch.wait_for_dispatch(10)
        assert len(gateway.delivered) == 1
        assert messages()[0].status == OutboxStatus.SENT


def test_rolled_back_transaction_sends_nothing(make_app, make_case):
    with FakeGateway() as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="inline"):
        case = make_case()  # no phone: nothing to send
        case.identity.phone = PHONE
        queue_citizen_message(case, "referred", "Rujukan Anda disetujui.")
        db.session.flush()
        db.session.rollback()
        assert gateway.received == []
        # A later, unrelated commit does not send the rolled-back message either.
        db.session.add(AuditLog(action="test.other"))
        db.session.commit()
        assert gateway.received == []
        assert [m.kind for m in messages()] == ["registered"]


def test_failure_then_success_on_retry(make_app, make_case):
    with FakeGateway(statuses=[500]) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="inline",
                     SLRT_OUTBOX_BACKOFF=(0,)) as application:
        make_case(phone=PHONE)
        [message] = messages()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
        assert "HTTP 500" in message.last_error
        assert dispatch.send_due(application) == counts(sent=1)
        [message] = messages()
        assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
        assert len(gateway.received) == 2 and len(gateway.delivered) == 1
        assert [r["key"] for r in gateway.received] == [message.idempotency_key] * 2


def test_backoff_schedule_with_jitter(make_app, make_case):
    with FakeGateway(statuses=[500, 500]) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="inline") as application:
        before = utcnow()
        make_case(phone=PHONE)
        [message] = messages()
        wait = message.next_attempt_at - before
        assert timedelta(seconds=47) <= wait <= timedelta(seconds=73)  # 1 minute ± 20%
        # Not due yet: a worker pass leaves it alone.
        assert dispatch.send_due(application) == NONE
        assert len(gateway.received) == 1
    assert [dispatch.BACKOFF_SECONDS[i] for i in range(4)] == [60, 300, 1800, 7200]
    for attempts, base in [(1, 60), (2, 300), (3, 1800), (4, 7200), (9, 21600)]:
        seconds = dispatch.backoff(application, attempts).total_seconds()
        assert 0.8 * base <= seconds <= 1.2 * base


def test_gives_up_after_the_last_attempt_and_admin_retries(make_app, make_case, make_user):
    with FakeGateway(statuses=[500, 503, 500]) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="inline",
                     SLRT_OUTBOX_BACKOFF=(0,), SLRT_OUTBOX_MAX_ATTEMPTS=3) as application:
        make_case(phone=PHONE)
        dispatch.send_due(application)
        assert dispatch.send_due(application) == counts(failed=1)
        [message] = messages()
        assert (message.status, message.attempts, message.maybe_sent) == (OutboxStatus.FAILED, 3, False)
        assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.failed")) is not None
        assert dispatch.send_due(application) == NONE

        admin = make_user("admin")
        client = application.test_client()
        log_in(client, admin.username)
        response = client.post(f"/admin/pesan-keluar/{message.id}/kirim-ulang")
        assert response.status_code == 303
        [message] = messages()  # the retry's commit sent it at once
        assert message.status == OutboxStatus.SENT and len(gateway.delivered) == 1
        audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.retry"))
        assert audit.user_id == admin.id


def test_wrong_token_is_a_failed_attempt(make_app, make_case):
    with FakeGateway(token="rahasia") as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_SMS_GATEWAY_TOKEN="salah",
                     SLRT_OUTBOX_DISPATCH="inline"):
        make_case(phone=PHONE)
        [message] = messages()
        assert message.status == OutboxStatus.PENDING and "401" in message.last_error
        assert gateway.delivered == []


def test_timeout_is_unknown_retried_with_the_same_key_and_never_failed(make_app, make_case):
    with FakeGateway(delay=0.6) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_SMS_GATEWAY_TIMEOUT="0.2",
                     SLRT_OUTBOX_DISPATCH="inline", SLRT_OUTBOX_BACKOFF=(0,), SLRT_OUTBOX_MAX_ATTEMPTS=3) as app_:
        make_case(phone=PHONE)
        [message] = messages()
        assert (message.status, message.maybe_sent, message.attempts) == (OutboxStatus.UNKNOWN, True, 1)
        assert "unknown" in message.last_error
        assert dispatch.send_due(app_) == counts(retry=1)
        assert dispatch.send_due(app_) == counts(unknown=1)  # the last attempt: stays unknown, not failed
        assert dispatch.send_due(app_) == NONE  # and is not tried again
        [message] = messages()
        assert (message.status, message.attempts) == (OutboxStatus.UNKNOWN, 3)
        assert [r["key"] for r in gateway.received] == [message.idempotency_key] * 3
        assert {r["payload"]["id"] for r in gateway.received} == {message.idempotency_key}
        assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.unknown")) is not None


class ScriptedSender:
    """Raises the scripted errors in turn, then accepts; records the keys it was given."""
    reaches_phone = True

    def __init__(self, *errors):
        self.errors, self.keys = list(errors), []

    def send(self, phone, body, key, kind=""):
        self.keys.append(key)
        if self.errors:
            raise self.errors.pop(0)


def test_a_refusal_after_an_unanswered_attempt_is_still_unknown(make_app, make_case):
    """The first attempt may have gone through: the later refusals cannot make the message "failed"."""
    sender = ScriptedSender(SendOutcomeUnknown("no answer"), SendError("HTTP 500"), SendError("HTTP 503"))
    with app_with(make_app, SLRT_SMS_SENDER=sender, SLRT_OUTBOX_DISPATCH="inline", SLRT_OUTBOX_BACKOFF=(0,),
                  SLRT_OUTBOX_MAX_ATTEMPTS=3) as application:
        make_case(phone=PHONE)
        assert messages()[0].status == OutboxStatus.UNKNOWN
        assert dispatch.send_due(application) == counts(retry=1)
        assert messages()[0].status == OutboxStatus.UNKNOWN  # a refusal does not undo the earlier attempt
        assert dispatch.send_due(application) == counts(unknown=1)
        [message] = messages()
        assert (message.status, message.maybe_sent) == (OutboxStatus.UNKNOWN, True)
        assert "HTTP 503" in message.last_error
        assert len(set(sender.keys)) == 1


def test_a_crashed_senders_claim_makes_the_message_maybe_sent(make_app, make_case):
    sender = ScriptedSender(SendError("HTTP 500"))
    with app_with(make_app, SLRT_SMS_SENDER=sender, SLRT_OUTBOX_MAX_ATTEMPTS=2) as application:
        make_case(phone=PHONE)
        [message] = messages()
        # A sender claimed it, may have handed it to the gateway, and died; its lease has run out.
        message.status, message.attempts = OutboxStatus.SENDING, 1
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert dispatch.send_due(application) == counts(unknown=1)
        [message] = messages()
        assert (message.status, message.maybe_sent) == (OutboxStatus.UNKNOWN, True)


def test_no_gateway_is_logged_not_sent(make_app, make_case, make_user):
    with app_with(make_app, SLRT_OUTBOX_DISPATCH="inline") as application:
        make_case(phone=PHONE)
        [message] = messages()
        assert message.status == OutboxStatus.LOGGED and message.sent_at
        assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.logged")) is not None
        admin = make_user("admin")
        client = application.test_client()
        log_in(client, admin.username)
        text = client.get("/admin/pesan-keluar/").get_data(as_text=True)
        assert "Dicatat (tanpa gateway): <strong>1</strong>" in text and "Terkirim" not in text
        assert "Gateway SMS belum diatur" in text


def test_two_workers_never_send_one_message_twice(make_app, make_case):
    with FakeGateway(delay=0.3) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url) as application:
        for n in range(3):
            make_case(phone=PHONE, nik=f"32040545129000{n + 10}")
        assert len(messages()) == 3
        results = []
        barrier = threading.Barrier(3)

        def worker():
            with application.app_context():
                barrier.wait()
                results.append(dispatch.send_due(application))
                db.session.remove()

        threads = [threading.Thread(target=worker) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sum(r["sent"] for r in results) == 3
        assert len(gateway.delivered) == 3
        assert sorted(p["message"] for p in gateway.delivered) == sorted(m.body for m in messages())
        assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in messages())


def test_a_crashed_senders_claim_expires(make_app, make_case):
    with FakeGateway() as gateway, app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url) as application:
        make_case(phone=PHONE)
        [message] = messages()
        message.status, message.attempts = OutboxStatus.SENDING, 1
        message.next_attempt_at = utcnow() + timedelta(minutes=3)  # someone else's live claim
        db.session.commit()
        assert dispatch.send_due(application)["sent"] == 0
        message.next_attempt_at = utcnow() - timedelta(seconds=1)  # the claim ran out
        db.session.commit()
        assert dispatch.send_due(application)["sent"] == 1
        assert messages()[0].status == OutboxStatus.SENT
        assert messages()[0].maybe_sent  # it may have left twice, under one key


def test_cli_send_and_run(make_app, make_case):
    with FakeGateway() as gateway, app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url) as application:
        make_case(phone=PHONE)
        runner = application.test_cli_runner()
        result = runner.invoke(args=["outbox", "send"])
        assert result.exit_code == 0, result.output
        assert "sent 1" in result.output and len(gateway.delivered) == 1
        result = runner.invoke(args=["outbox", "run", "--passes", "2", "--interval", "0"])
        assert result.exit_code == 0, result.output
        assert len(gateway.delivered) == 1


# The administrator's page -----------------------------------------------------------------------------

def _failed_message():
    failed = OutboxMessage(kind="referred", phone="081298765432", body="Rujukan. Tiket ABCDE-FGHJK.",
                           status=OutboxStatus.FAILED, attempts=6, last_error="gateway answered HTTP 500")
    db.session.add(failed)
    db.session.commit()
    return failed


def _outbox_rows(make_case):
    make_case(phone=PHONE)
    make_case(nik="3204054512900011")
    return _failed_message()


def test_outbox_needs_login(client):
    assert client.get("/admin/pesan-keluar/").status_code == 302
    assert client.post("/admin/pesan-keluar/1/kirim-ulang").status_code == 302
    assert client.get("/admin/pesan-keluar/1/kirim-ulang").status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_outbox_only_for_admin(client, login_as, role):
    failed = _failed_message()
    login_as(role)
    allowed = role == "admin"
    assert client.get("/admin/pesan-keluar/").status_code == (200 if allowed else 403)
    assert client.get(f"/admin/pesan-keluar/{failed.id}/kirim-ulang").status_code == (200 if allowed else 403)
    response = client.post(f"/admin/pesan-keluar/{failed.id}/kirim-ulang")
    assert response.status_code == (303 if allowed else 403)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, failed.id).status == (OutboxStatus.PENDING if allowed
                                                               else OutboxStatus.FAILED)


def test_outbox_page_counts_filters_and_masks(client, login_as, make_case):
    _outbox_rows(make_case)
    login_as("admin")
    page = client.get("/admin/pesan-keluar/")
    text = page.get_data(as_text=True)
    assert not is_fragment(page) and "Pesan keluar ke warga" in text
    assert "Menunggu: <strong>1</strong>" in text and "Gagal: <strong>1</strong>" in text
    assert "Tanpa nomor HP: <strong>1</strong>" in text
    assert PHONE not in text and "0812****7890" in text
    assert "Kirim ulang" in text
    fragment = client.get("/admin/pesan-keluar/?status=failed", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert is_fragment(fragment) and "Vary" in fragment.headers and "HX-Request" in fragment.headers["Vary"]
    assert "ABCDE-FGHJK" in text and "terdaftar" not in text
    full = client.get("/admin/pesan-keluar/?status=failed")
    assert not is_fragment(full) and "ABCDE-FGHJK" in full.get_data(as_text=True)
    junk = client.get("/admin/pesan-keluar/?status=nonsense&page=x")
    assert junk.status_code == 200


def test_retry_of_a_message_that_did_not_fail_is_refused(client, login_as, make_case):
    _outbox_rows(make_case)
    login_as("admin")
    pending = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING))
    response = client.post(f"/admin/pesan-keluar/{pending.id}/kirim-ulang", follow_redirects=True)
    assert "tidak dapat dikirim ulang" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, pending.id).status == OutboxStatus.PENDING
    assert client.post("/admin/pesan-keluar/999999/kirim-ulang").status_code == 404
    assert client.get("/admin/pesan-keluar/999999/kirim-ulang").status_code == 404
    page = client.get(f"/admin/pesan-keluar/{pending.id}/kirim-ulang").get_data(as_text=True)
    assert "tidak dapat dikirim ulang" in page and 'type="submit">Kirim ulang' not in page


def test_outbox_settings_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SLRT_OUTBOX_BACKOFF", "10, 20")
    monkeypatch.setenv("SLRT_OUTBOX_MAX_ATTEMPTS", "4")
    monkeypatch.setenv("SLRT_OUTBOX_DISPATCH", "inline")
    with app_with(make_app) as application:
        assert dispatch.max_attempts(application) == 4 and dispatch.dispatch_mode(application) == "inline"
        assert 8 <= dispatch.backoff(application, 1).total_seconds() <= 12
        assert 16 <= dispatch.backoff(application, 5).total_seconds() <= 24
    monkeypatch.setenv("SLRT_OUTBOX_BACKOFF", "x")
    monkeypatch.setenv("SLRT_OUTBOX_DISPATCH", "nonsense")
    with app_with(make_app) as application:
        assert 48 <= dispatch.backoff(application, 1).total_seconds() <= 72
        assert dispatch.dispatch_mode(application) == "off"  # testing


# Kirim ulang: straight away for a failed message, after a confirmation where the citizen may get it twice ------

def _message(status, **kw):
    message = OutboxMessage(kind="referred", phone="081298765432", body="Rujukan. Tiket ABCDE-FGHJK.",
                            status=status, attempts=6, last_error=kw.pop("last_error", ""), **kw)
    db.session.add(message)
    db.session.commit()
    return message


def test_outbox_offers_confirmation_before_a_resend_that_may_duplicate(client, login_as):
    failed = _message(OutboxStatus.FAILED, last_error="gateway answered HTTP 500")
    unknown = _message(OutboxStatus.UNKNOWN, maybe_sent=True, last_error="no answer: outcome unknown")
    sent = _message(OutboxStatus.SENT, sent_at=utcnow())
    login_as("admin")
    text = client.get("/admin/pesan-keluar/").get_data(as_text=True)
    assert "Belum pasti: <strong>1</strong>" in text
    assert f'action="/admin/pesan-keluar/{failed.id}/kirim-ulang' in text  # a button: nothing reached anyone
    for message in (unknown, sent):  # a link to the confirmation page, no form that posts at once
        assert f'href="/admin/pesan-keluar/{message.id}/kirim-ulang' in text
        assert f'action="/admin/pesan-keluar/{message.id}/kirim-ulang' not in text
    assert "mungkin sudah sampai ke warga" in text


def test_resend_of_an_unknown_message_needs_the_confirmation_and_keeps_the_key(client, login_as):
    unknown = _message(OutboxStatus.UNKNOWN, maybe_sent=True, last_error="no answer: outcome unknown")
    key = unknown.idempotency_key
    login_as("admin")
    page = client.get(f"/admin/pesan-keluar/{unknown.id}/kirim-ulang").get_data(as_text=True)
    assert "belum pasti" in page and "dua kali" in page and 'name="confirmed"' in page
    refused = client.post(f"/admin/pesan-keluar/{unknown.id}/kirim-ulang")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Centang pernyataan" in text and "belum pasti" in text
    db.session.expire_all()
    assert db.session.get(OutboxMessage, unknown.id).status == OutboxStatus.UNKNOWN
    response = client.post(f"/admin/pesan-keluar/{unknown.id}/kirim-ulang", data={"confirmed": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    message = db.session.get(OutboxMessage, unknown.id)
    assert (message.status, message.attempts, message.idempotency_key) == (OutboxStatus.PENDING, 0, key)
    assert message.maybe_sent  # it may still have arrived the first time: it can never end as failed
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.retry"))
    assert audit.object_id == str(unknown.id) and "was=unknown" in audit.note


def test_resend_of_a_delivered_message_is_a_confirmed_copy_with_a_new_key(client, login_as):
    sent = _message(OutboxStatus.SENT, sent_at=utcnow())
    login_as("admin")
    page = client.get(f"/admin/pesan-keluar/{sent.id}/kirim-ulang").get_data(as_text=True)
    assert "sudah diterima gateway" in page and "sekali lagi" in page
    assert client.post(f"/admin/pesan-keluar/{sent.id}/kirim-ulang").status_code == 422  # not confirmed: the form again
    assert len(messages()) == 1
    response = client.post(f"/admin/pesan-keluar/{sent.id}/kirim-ulang", data={"confirmed": "y"},
                           follow_redirects=True)
    assert "Salinan pesan dijadwalkan" in response.get_data(as_text=True)
    original, copy = messages()
    assert original.status == OutboxStatus.SENT  # what happened stays recorded
    assert (copy.status, copy.body, copy.phone) == (OutboxStatus.PENDING, original.body, original.phone)
    assert copy.idempotency_key != original.idempotency_key  # else the gateway would rightly drop it
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.resend"))
    assert audit.object_id == str(original.id) and f"copy={copy.id}" in audit.note


def test_resend_of_a_failed_or_logged_message_needs_no_confirmation(client, login_as):
    failed = _message(OutboxStatus.FAILED)
    logged = _message(OutboxStatus.LOGGED, sent_at=utcnow())
    login_as("admin")
    for message in (failed, logged):
        page = client.get(f"/admin/pesan-keluar/{message.id}/kirim-ulang").get_data(as_text=True)
        assert 'name="confirmed"' not in page
        assert client.post(f"/admin/pesan-keluar/{message.id}/kirim-ulang").status_code == 303
    assert [(m.status, m.attempts) for m in messages()] == [(OutboxStatus.PENDING, 0)] * 2


# Against a gateway that fails half the time and answers after the client gave up -------------------------------

def _drain(application, workers=2):
    """The worker loop, twice over: passes until a pass finds nothing due."""
    def worker():
        with application.app_context():
            while any(dispatch.send_due(application).values()):
                pass
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def _queue(count, phones):
    expected = {}
    for n in range(count):
        phone = f"08120000{n % phones:04d}"
        body = f"Rujukan Anda disetujui. Tiket T{n:05d}."
        db.session.add(OutboxMessage(kind="referred", phone=phone, body=body))
        expected.setdefault(phone, []).append(body)
    db.session.commit()
    return expected


def test_flaky_gateway_every_message_reaches_the_phone_once(make_app, make_user):
    with FlakyGateway(fail_rate=0.35, late_rate=0.2, late_delay=0.3, seed=8) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_SMS_GATEWAY_TIMEOUT="0.1",
                     SLRT_OUTBOX_BACKOFF=(0,), SLRT_OUTBOX_MAX_ATTEMPTS=3) as application:
        expected = _queue(300, phones=30)
        _drain(application)
        rows = messages()
        received = {body for bodies in gateway.phones.values() for body in bodies}
        by_status = {s: [m for m in rows if m.status == s] for s in OutboxStatus}
        # After three attempts some are still out; none that reached a phone is called failed.
        assert by_status[OutboxStatus.FAILED] and by_status[OutboxStatus.UNKNOWN]
        assert not received & {m.body for m in by_status[OutboxStatus.FAILED]}
        assert all(m.body in received for m in by_status[OutboxStatus.SENT])
        assert all(m.maybe_sent for m in by_status[OutboxStatus.UNKNOWN])

        # The administrator sends the failed ones again; the worker may now try up to 40 times.
        admin = make_user("admin")
        for message in by_status[OutboxStatus.FAILED]:
            resend_message(db.session.get(OutboxMessage, message.id), admin)
        db.session.commit()
        application.config["SLRT_OUTBOX_MAX_ATTEMPTS"] = 40
        _drain(application)

        rows = messages()
        assert {m.status for m in rows} == {OutboxStatus.SENT}
        assert gateway.key_mismatches == 0
        assert len(gateway.received) > 600  # the gateway really was flaky: many retries
        late = sum(1 for r in gateway.received if r["status"] == 200) - len(rows)
        assert late > 30  # and many answers came after the client gave up
        for phone, bodies in expected.items():
            assert sorted(gateway.phones[phone]) == sorted(bodies), phone  # each message once, no copy


def test_flaky_gateway_without_keys_would_deliver_twice(make_app):
    """The control: the same gateway, a sender that sends no key (the old request) — citizens get copies."""

    class KeylessSender(HttpGatewaySender):
        def send(self, phone, body, key, kind=""):
            super().send(phone, body, "")

    with FlakyGateway(fail_rate=0.35, late_rate=0.2, late_delay=0.3, seed=8) as gateway:
        sender = KeylessSender(gateway.url, timeout=0.1, env="test")
        with app_with(make_app, SLRT_SMS_SENDER=sender, SLRT_OUTBOX_BACKOFF=(0,),
                      SLRT_OUTBOX_MAX_ATTEMPTS=40) as application:
            _queue(100, phones=10)
            _drain(application)
            assert {m.status for m in messages()} == {OutboxStatus.SENT}
        copies = sum(len(bodies) for bodies in gateway.phones.values()) - 100
        assert copies >= 5


def test_migration_gives_existing_messages_their_own_key(make_app, tmp_path):
    """Messages queued before the upgrade get a key each (a private SQLite database, migrated step by step)."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text
    private = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'outbox.db'}")
    with private.app_context():
        upgrade(revision="0004")
        for n in range(3):
            db.session.execute(text(
                "INSERT INTO outbox (kind, phone, body, status, attempts, next_attempt_at, last_error, created_at) "
                "VALUES ('registered', :phone, 'Tiket', 'sent', 1, :now, '', :now)"),
                {"phone": PHONE, "now": utcnow()})
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT idempotency_key, maybe_sent FROM outbox")).all()
        assert len({key for key, _ in rows}) == 3 and all(key and len(key) == 36 for key, _ in rows)
        assert all(not maybe for _, maybe in rows)
        downgrade(revision="0004")
        upgrade()
        db.session.remove()
        db.engine.dispose()


def test_the_outbox_reads_its_configuration_from_config_not_the_environment(make_app, monkeypatch):
    """The environment is read once, by Config at start-up: a variable set later changes nothing, and what
    Config read is what the outbox uses."""
    from slrt.notifications.senders import gateway_url
    running = make_app()
    monkeypatch.setenv("SLRT_SMS_GATEWAY_URL", "https://sms.example.go.id/api")
    monkeypatch.setenv("SLRT_OUTBOX_DISPATCH", "inline")
    monkeypatch.setenv("SLRT_OUTBOX_MAX_ATTEMPTS", "2")
    monkeypatch.setenv("SLRT_OUTBOX_BACKOFF", "7")
    assert gateway_url(running) == "" and dispatch.dispatch_mode(running) == "off"
    assert dispatch.max_attempts(running) == dispatch.MAX_ATTEMPTS
    assert dispatch._schedule(running) == dispatch.BACKOFF_SECONDS
    started_now = make_app()
    assert started_now.config["SLRT_SMS_GATEWAY_URL"] == gateway_url(started_now) == "https://sms.example.go.id/api"
    assert dispatch.dispatch_mode(started_now) == "inline" and dispatch.max_attempts(started_now) == 2
    assert dispatch._schedule(started_now) == (7.0,)
