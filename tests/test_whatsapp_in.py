"""WhatsApp in: the signed webhook, the commands, the throttles, and the "Pesan masuk" pages."""
from __future__ import annotations

import hashlib
import re
import hmac
import json
from datetime import timedelta

import pytest

from slrt.audit.models import AuditLog
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications.models import MessageChannel, OutboxMessage
from slrt.whatsapp.models import Conversation, ConversationMessage, ConversationStatus
from slrt.whatsapp.operations import purge
from tests.conftest import PASSWORD, count, csrf_token_from, log_in

SECRET = "app-secret-rahasia"
NUMBER = "6281234567890"


@pytest.fixture
def wa_app(make_app):
    application = make_app(SLRT_WA_APP_SECRET=SECRET, SLRT_WA_VERIFY_TOKEN="verifikasi-123",
                           SLRT_OFFICE_HOURS="Senin-Jumat 08.00-15.00", SLRT_WA_MESSAGE_LIMIT="5 per 10 minutes")
    with application.app_context():
        yield application
        db.session.remove()


def payload(text, number=NUMBER, message_id=None):
    message_id = message_id or f"wamid.IN{abs(hash((text, number, utcnow()))) % 10**12}"
    return {"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Ani"}, "wa_id": number}],
            "messages": [{"from": number, "id": message_id, "timestamp": "1764300000", "type": "text",
                          "text": {"body": text}}]}}]}]}


def post(client, body: dict | bytes, secret=SECRET, signature=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if signature is None and secret is not None:
        signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.post("/wa/webhook", data=raw, headers=headers)


def replies():
    db.session.expire_all()
    return [m.body for m in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "wa_auto")
                                                .order_by(OutboxMessage.id))]


def test_the_verification_handshake_echoes_the_challenge_only_for_our_token(wa_app):
    client = wa_app.test_client()
    ok = client.get("/wa/webhook?hub.mode=subscribe&hub.verify_token=verifikasi-123&hub.challenge=1158201444")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    assert client.get("/wa/webhook?hub.mode=subscribe&hub.verify_token=salah&hub.challenge=1").status_code == 403
    assert client.get("/wa/webhook?hub.mode=subscribe&hub.verify_token=verifikasi-123"
                      "&hub.challenge=%3Cscript%3E").status_code == 400


@pytest.mark.parametrize("secret, signature", [
    (None, None),                       # no signature at all
    ("another-secret", None),           # signed with another key
    (SECRET, "sha256=" + "0" * 64),     # a made-up digest
    (SECRET, "sha1=abc"),               # the wrong scheme
])
def test_a_badly_signed_post_is_refused_and_changes_nothing(wa_app, secret, signature):
    response = post(wa_app.test_client(), payload("STATUS ABC"), secret=secret, signature=signature)
    assert response.status_code == 403
    assert count(Conversation) == 0 and count(OutboxMessage) == 0


def test_the_signature_covers_the_exact_bytes(wa_app):
    raw = json.dumps(payload("halo")).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    tampered = raw.replace(b"halo", b"HALO")
    response = wa_app.test_client().post("/wa/webhook", data=tampered,
                                         headers={"X-Hub-Signature-256": signature})
    assert response.status_code == 403


def test_no_app_secret_refuses_every_post(make_app):
    application = make_app(SLRT_WA_APP_SECRET="")
    with application.app_context():
        assert post(application.test_client(), payload("halo"), secret="").status_code == 403


def test_anything_else_gets_the_menu_with_the_office_hours_and_waits_for_a_person(wa_app):
    assert post(wa_app.test_client(), payload("Selamat siang, bantuan PKH saya berhenti")).status_code == 200
    [reply] = replies()
    assert "STATUS <nomor tiket>" in reply and "DETAIL <nomor tiket>" in reply
    assert "Senin-Jumat 08.00-15.00" in reply
    conversation = db.session.scalar(db.select(Conversation))
    assert conversation.status == ConversationStatus.NEW and conversation.phone == "081234567890"
    assert conversation.messages[0].text == "Selamat siang, bantuan PKH saya berhenti"
    outbox = db.session.scalar(db.select(OutboxMessage))
    assert outbox.channel == MessageChannel.WHATSAPP and outbox.phone == "081234567890"


def test_status_answers_like_the_status_page_without_details(wa_app, make_case):
    ticket = make_case().ticket
    post(wa_app.test_client(), payload(f"status {ticket.lower()}"))
    [reply] = replies()
    assert f"Tiket {ticket}" in reply and "Status: Terdaftar" in reply and "Pendaftaran diterima" in reply
    assert "Kartu KIS" not in reply  # the complaint is a detail
    assert f"DETAIL {ticket} <tanggal lahir>" in reply
    assert db.session.scalar(db.select(Conversation)).status == ConversationStatus.ANSWERED


def test_detail_with_the_right_birth_date_gives_the_details_and_keeps_neither(wa_app, make_case):
    ticket = make_case().ticket
    post(wa_app.test_client(), payload(f"DETAIL {ticket} 05-12-1990"))
    [reply] = replies()
    assert "Kartu KIS tidak aktif saat berobat" in reply and "Permintaan Anda: Permohonan layanan" in reply
    kept = [m.text for m in db.session.scalars(db.select(ConversationMessage).order_by(ConversationMessage.id))]
    assert "1990" not in " ".join(kept) and "Kartu KIS" not in " ".join(kept)
    assert kept[1] == f"[Rincian tiket {ticket} dikirim]"
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "wa.detail"))
    assert audit is not None and audit.person_id is not None and "6281" not in audit.note


def test_detail_with_a_wrong_birth_date_gives_the_status_only(wa_app, make_case):
    ticket = make_case().ticket
    post(wa_app.test_client(), payload(f"DETAIL {ticket} 06-12-1990"))
    [reply] = replies()
    assert "Tanggal lahir tidak cocok dengan tiket ini" in reply and "Status: Terdaftar" in reply
    assert "Kartu KIS" not in reply


def test_an_unknown_ticket_is_said_like_on_the_page(wa_app):
    post(wa_app.test_client(), payload("STATUS ZZZZZZZZ"))
    assert replies() == ["Nomor tiket atau tanggal lahir tidak cocok. Periksa kembali tanda terima Anda."]


def test_wrong_birth_dates_are_throttled_per_ticket_together_with_the_page(make_app, make_case):
    application = make_app(SLRT_WA_APP_SECRET=SECRET, SLRT_STATUS_TICKET_LIMIT="2 per 10 minutes")
    with application.app_context():
        ticket = make_case().ticket
        page = application.test_client()
        page.post("/status", data={"ticket": ticket, "birth_date": "1990-12-06"})  # one wrong date on the page
        client = application.test_client()
        post(client, payload(f"DETAIL {ticket} 07-12-1990", message_id="wamid.A"))  # the second: the limit
        post(client, payload(f"DETAIL {ticket} 05-12-1990", message_id="wamid.B"))  # right, but too late
        last = replies()[-1]
        assert "Terlalu banyak tanggal lahir yang salah untuk tiket ini" in last
        assert "Kartu KIS" not in last and "Status: Terdaftar" in last
        db.session.remove()


def test_failed_lookups_are_throttled_per_number(make_app):
    application = make_app(SLRT_WA_APP_SECRET=SECRET, SLRT_STATUS_LIMIT="2 per 10 minutes")
    with application.app_context():
        client = application.test_client()
        for n in range(3):
            post(client, payload(f"STATUS ZZZZZZZ{n}", message_id=f"wamid.F{n}"))
        assert "Terlalu banyak percobaan yang gagal" in replies()[-1]
        post(client, payload("STATUS ZZZZZZZ9", number="6285700000001", message_id="wamid.OTHER"))
        assert "tidak cocok" in replies()[-1]  # another number is not held up
        db.session.remove()


def test_a_number_over_its_message_limit_is_recorded_but_not_answered(wa_app):
    client = wa_app.test_client()
    for n in range(7):
        assert post(client, payload(f"halo {n}", message_id=f"wamid.M{n}")).status_code == 200
    assert len(replies()) == 5  # SLRT_WA_MESSAGE_LIMIT of the fixture
    assert count(ConversationMessage, ConversationMessage.command == "throttled") == 2


def test_a_webhook_delivered_twice_is_recorded_and_answered_once(wa_app):
    client = wa_app.test_client()
    body = payload("halo", message_id="wamid.SAME")
    post(client, body)
    post(client, body)
    assert len(replies()) == 1 and count(ConversationMessage, ConversationMessage.direction == "in") == 1


def test_statuses_and_odd_payloads_are_accepted_quietly(wa_app):
    client = wa_app.test_client()
    statuses = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
                "value": {"statuses": [{"id": "wamid.X", "status": "delivered", "recipient_id": NUMBER}]}}]}]}
    assert post(client, statuses).status_code == 200
    assert post(client, {"entry": "nonsense"}).status_code == 200
    assert post(client, b"not json").status_code == 400
    assert count(Conversation) == 0


def _write_in(application, text="Bantuan saya berhenti, mohon dibantu"):
    post(application.test_client(), payload(text))
    return db.session.scalar(db.select(Conversation)).id


def test_the_inbox_is_for_the_district_office(wa_app, make_user):
    conversation_id = _write_in(wa_app)
    for role, region, allowed in [("back_office", None, True), ("front_office", None, True),
                                  ("admin", None, True), ("puskesos_operator", None, False),
                                  ("agency_liaison", None, False), ("facilitator", None, False)]:
        user = make_user(role)
        client = wa_app.test_client()
        log_in(client, user.username)
        listing = client.get("/pesan-masuk/")
        page = client.get(f"/pesan-masuk/{conversation_id}")
        assert (listing.status_code, page.status_code) == ((200, 200) if allowed else (403, 403)), role
        if allowed:
            assert "Bantuan saya berhenti" in listing.get_data(as_text=True)
            assert "0812****7890" in listing.get_data(as_text=True)  # masked in the list
    assert count(AuditLog, AuditLog.action == "wa.view") == 3


def test_a_reply_goes_through_the_outbox_once_and_is_audited(make_app, make_user):
    application = make_app(SLRT_WA_APP_SECRET=SECRET, WTF_CSRF_ENABLED=True)
    with application.app_context():
        conversation_id = _write_in(application)  # CSRF is on: the webhook alone is exempt, by its signature
        assert conversation_id is not None
        officer = make_user("back_office")
        db.session.commit()
        client = application.test_client()
        login = csrf_token_from(client.get("/masuk").data)
        assert client.post("/masuk", data={"username": officer.username, "password": PASSWORD,
                                           "csrf_token": login}).status_code == 303
        page = client.get(f"/pesan-masuk/{conversation_id}").get_data(as_text=True)
        token = csrf_token_from(page.encode())
        empty = client.post(f"/pesan-masuk/{conversation_id}/balas",
                            data={"csrf_token": token, "form_id": "c" * 32, "text": "  "})
        assert empty.status_code == 422 and "Tulis balasannya." in empty.get_data(as_text=True)
        form = {"csrf_token": token, "form_id": "d" * 32, "text": "Baik Bu, kami cek data PKH Ibu."}
        assert client.post(f"/pesan-masuk/{conversation_id}/balas", data=form).status_code == 303
        assert client.post(f"/pesan-masuk/{conversation_id}/balas", data=form).status_code == 303  # sent twice
        assert client.post(f"/pesan-masuk/{conversation_id}/balas",
                           data={**form, "csrf_token": ""}).status_code == 400
        db.session.expire_all()
        sent = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "wa_reply")).all()
        assert [(m.body, m.channel, m.phone) for m in sent] == [
            ("Baik Bu, kami cek data PKH Ibu.", MessageChannel.WHATSAPP, "081234567890")]
        assert db.session.get(Conversation, conversation_id).status == ConversationStatus.ANSWERED
        assert count(AuditLog, AuditLog.action == "wa.reply") == 1
        db.session.remove()


def test_open_a_case_from_a_conversation(wa_app, make_user, make_case):
    conversation_id = _write_in(wa_app)
    clerk = make_user("front_office")
    client = wa_app.test_client()
    log_in(client, clerk.username)
    opened = client.get(f"/pesan-masuk/{conversation_id}/buat-kasus")
    assert opened.status_code == 303 and "percakapan=" in opened.headers["Location"]
    form = client.get(opened.headers["Location"]).get_data(as_text=True)

    assert re.search(r'<input[^>]*name="phone"[^>]*value="081234567890"', form)
    assert re.search(r'<input checked[^>]*value="whatsapp"', form)
    ticket = make_case(clerk=clerk, phone="081234567890", contact_channel="whatsapp").ticket
    conversation = db.session.get(Conversation, conversation_id)
    assert conversation.status == ConversationStatus.CASE_OPENED and conversation.case.ticket == ticket
    assert ticket in client.get(f"/pesan-masuk/{conversation_id}").get_data(as_text=True)


def test_retention_removes_old_text(wa_app):
    conversation_id = _write_in(wa_app)
    for message in db.session.scalars(db.select(ConversationMessage)):
        message.created_at = utcnow() - timedelta(days=91)
    db.session.get(Conversation, conversation_id).last_message_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert purge(90) == 2
    db.session.commit()
    assert count(ConversationMessage) == 0 and count(Conversation) == 0


def test_the_answer_leaves_through_the_whatsapp_api_as_a_text_reply(make_app):
    from tests.whatsapp_helpers import FakeWhatsApp
    with FakeWhatsApp() as fake:
        application = make_app(SLRT_WA_APP_SECRET=SECRET, SLRT_OUTBOX_DISPATCH="inline", **fake.config())
        with application.app_context():
            assert post(application.test_client(), payload("halo")).status_code == 200
            db.session.rollback()
            outbox = db.session.scalar(db.select(OutboxMessage))
            assert outbox.status == "sent" and outbox.provider_id == "wamid.TEST000001"
            db.session.remove()
    [sent] = fake.accepted
    assert sent["type"] == "text" and sent["to"] == NUMBER and "STATUS <nomor tiket>" in sent["text"]["body"]


def test_a_delivery_report_of_a_number_not_on_whatsapp_sends_the_message_by_sms(wa_app, make_case):
    from slrt.notifications.models import OutboxStatus
    make_case(phone="081234567890", contact_channel="whatsapp")
    notice = db.session.scalar(db.select(OutboxMessage))
    notice.status, notice.provider_id = OutboxStatus.SENT, "wamid.OUT1"  # WhatsApp accepted it
    db.session.commit()
    report = {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages",
              "value": {"messaging_product": "whatsapp", "statuses": [{
                  "id": "wamid.OUT1", "status": "failed", "timestamp": "1764300000", "recipient_id": NUMBER,
                  "errors": [{"code": 131026, "title": "Message undeliverable"}]}]}}]}]}
    client = wa_app.test_client()
    assert post(client, report).status_code == 200
    assert post(client, report).status_code == 200  # reported twice: one copy
    db.session.expire_all()
    copies = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.channel == MessageChannel.SMS)).all()
    assert len(copies) == 1 and "131026" in copies[0].fallback_reason
    assert copies[0].body == notice.body and copies[0].status == OutboxStatus.PENDING
    assert count(AuditLog, AuditLog.action == "outbox.fallback") == 1
