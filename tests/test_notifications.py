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
from slrt.notifications.operations import SMS_LENGTH, fit_sms, queue_citizen_message, registered_text
from slrt.notifications.senders import HttpGatewaySender, LogSender, SendError, mask_phone, sender_for
from tests.conftest import VALID_NIK, is_fragment
from tests.notifications_helpers import FakeGateway

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

def test_http_sender_posts_json_with_the_token():
    with FakeGateway(token="rahasia") as gateway:
        HttpGatewaySender(gateway.url, "rahasia", timeout=5).send(PHONE, "Halo")
    assert gateway.delivered == [{"to": PHONE, "message": "Halo"}]
    assert gateway.received[0]["content_type"] == "application/json"


@pytest.mark.parametrize("gateway_kwargs, sender_kwargs, reason", [
    ({"statuses": [500]}, {}, "HTTP 500"),
    ({"statuses": [302]}, {}, "HTTP 302"),
    ({"token": "rahasia"}, {"token": "salah"}, "HTTP 401"),
    ({"token": "rahasia"}, {}, "HTTP 401"),
    ({"delay": 0.6}, {"timeout": 0.2}, "unreachable"),
])
def test_http_sender_raises_on_failure(gateway_kwargs, sender_kwargs, reason):
    with FakeGateway(**gateway_kwargs) as gateway:
        with pytest.raises(SendError, match=reason):
            HttpGatewaySender(gateway.url, **{"timeout": 5, **sender_kwargs}).send(PHONE, "Halo")


def test_http_sender_unreachable_gateway_raises():
    with FakeGateway() as gateway:
        url = gateway.url
    with pytest.raises(SendError):
        HttpGatewaySender(url, timeout=1).send(PHONE, "Halo")


def test_log_sender_masks_the_phone_number(caplog, monkeypatch):
    # Alembic's fileConfig (the test schema is built by the migrations) disables loggers that existed before.
    monkeypatch.setattr(logging.getLogger("slrt.outbox"), "disabled", False)
    with caplog.at_level(logging.INFO, logger="slrt.outbox"):
        LogSender().send(PHONE, "SLRT: permohonan Anda sudah terdaftar. Tiket K7MQ4-P2XRT.")
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
        assert gateway.delivered == [{"to": PHONE, "message": message.body}]
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
        assert dispatch.send_due(application) == {"sent": 1, "retry": 0, "failed": 0}
        [message] = messages()
        assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
        assert len(gateway.received) == 2 and len(gateway.delivered) == 1


def test_backoff_schedule_with_jitter(make_app, make_case):
    with FakeGateway(statuses=[500, 500]) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_OUTBOX_DISPATCH="inline") as application:
        before = utcnow()
        make_case(phone=PHONE)
        [message] = messages()
        wait = message.next_attempt_at - before
        assert timedelta(seconds=47) <= wait <= timedelta(seconds=73)  # 1 minute ± 20%
        # Not due yet: a worker pass leaves it alone.
        assert dispatch.send_due(application) == {"sent": 0, "retry": 0, "failed": 0}
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
        assert dispatch.send_due(application) == {"sent": 0, "retry": 0, "failed": 1}
        [message] = messages()
        assert (message.status, message.attempts) == (OutboxStatus.FAILED, 3)
        assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.failed")) is not None
        assert dispatch.send_due(application) == {"sent": 0, "retry": 0, "failed": 0}

        admin = make_user("admin")
        client = application.test_client()
        client.post("/masuk", data={"username": admin.username, "password": "correct-horse-battery"})
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


def test_timeout_is_a_failed_attempt(make_app, make_case):
    with FakeGateway(delay=0.6) as gateway, \
            app_with(make_app, SLRT_SMS_GATEWAY_URL=gateway.url, SLRT_SMS_GATEWAY_TIMEOUT="0.2",
                     SLRT_OUTBOX_DISPATCH="inline"):
        make_case(phone=PHONE)
        [message] = messages()
        assert message.status == OutboxStatus.PENDING and "unreachable" in message.last_error


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


@pytest.mark.parametrize("role", ROLES)
def test_outbox_only_for_admin(client, login_as, role):
    failed = _failed_message()
    login_as(role)
    allowed = role == "admin"
    assert client.get("/admin/pesan-keluar/").status_code == (200 if allowed else 403)
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
    assert "Hanya pesan yang gagal terkirim" in response.get_data(as_text=True)
    assert client.post("/admin/pesan-keluar/999999/kirim-ulang").status_code == 404


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
