"""WhatsApp out: the citizen's choice at intake, template notices through the Cloud API, SMS fallback."""
from __future__ import annotations

import logging
from contextlib import contextmanager
from types import SimpleNamespace

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.notifications import dispatch
from slrt.notifications.models import MessageChannel, OutboxMessage, OutboxStatus
from slrt.notifications.senders import ChannelRefused, SendError, SendOutcomeUnknown
from slrt.notifications.whatsapp import WhatsAppSender, local_number, parse_templates, wa_number
from tests.conftest import VALID_NIK, log_in
from tests.notifications_helpers import FakeGateway
from tests.whatsapp_helpers import NUMBER_ID, VERSION, FakeWhatsApp

PHONE = "081234567890"
KEY = "6f1c2b9e-3d4a-4c8e-9b7f-0a1b2c3d4e5f"


@contextmanager
def app_with(make_app, **config):
    application = make_app(**config)
    with application.app_context():
        yield application
        db.session.remove()


def messages():
    """The outbox rows as they are now (plain snapshots: they outlive the session)."""
    db.session.rollback()
    rows = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    return [SimpleNamespace(**{c.key: getattr(row, c.key) for c in OutboxMessage.__table__.columns},
                            contact_channel=row.case.contact_channel if row.case else None) for row in rows]


def sender(fake, **kw):
    return WhatsAppSender(fake.url, VERSION, NUMBER_ID, kw.pop("token", fake.token),
                          templates=parse_templates(kw.pop("templates", ""), "id"),
                          default_template=("slrt_pemberitahuan", "id"), timeout=kw.pop("timeout", 5), env="test")


def test_numbers_go_to_whatsapp_in_international_form_and_back():
    assert wa_number("081234567890") == "6281234567890"
    assert wa_number("+62 812-3456-7890") == "6281234567890"
    assert local_number("6281234567890") == "081234567890"


def test_a_notice_is_a_template_message_with_the_text_as_its_parameter():
    with FakeWhatsApp(templates={"slrt_pemberitahuan", "slrt_terdaftar"}) as fake:
        wamid = sender(fake, templates="registered=slrt_terdaftar").send(
            PHONE, "SLRT: permohonan Anda\nsudah terdaftar. Tiket ABC.", KEY, "registered")
        other = sender(fake).send(PHONE, "Kasus Anda selesai.", KEY, "closed")
    first, second = fake.received
    assert first["path"] == f"/{VERSION}/{NUMBER_ID}/messages"
    assert first["authorization"] == f"Bearer {fake.token}"
    assert first["payload"]["to"] == "6281234567890" and first["payload"]["biz_opaque_callback_data"] == KEY
    assert first["payload"]["template"] == {
        "name": "slrt_terdaftar", "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [
            {"type": "text", "text": "SLRT: permohonan Anda sudah terdaftar. Tiket ABC."}]}]}
    assert second["payload"]["template"]["name"] == "slrt_pemberitahuan"  # no template for "closed": the default
    assert (wamid, other) == ("wamid.TEST000001", "wamid.TEST000002")


def test_a_reply_in_a_conversation_is_plain_text():
    with FakeWhatsApp() as fake:
        sender(fake).send(PHONE, "Baik, kami cek.", KEY, "wa_reply")
    payload = fake.received[0]["payload"]
    assert payload["type"] == "text" and payload["text"] == {"preview_url": False, "body": "Baik, kami cek."}


def test_refusals_the_channel_will_never_get_past_are_channel_refusals():
    with FakeWhatsApp(templates=set()) as fake:  # the template is not approved (code 132001)
        try:
            sender(fake).send(PHONE, "Halo", KEY, "registered")
        except ChannelRefused as error:
            assert "132001" in str(error)
        else:
            raise AssertionError("a missing template must be refused")
    with FakeWhatsApp(not_on_whatsapp={"6281234567890"}) as fake:
        try:
            sender(fake).send(PHONE, "Halo", KEY, "registered")
        except ChannelRefused as error:
            assert "131026" in str(error)
        else:
            raise AssertionError("a number not on WhatsApp must be refused")


def test_temporary_trouble_is_retried_and_no_answer_is_unknown():
    with FakeWhatsApp(statuses=[503]) as fake:
        try:
            sender(fake).send(PHONE, "Halo", KEY, "registered")
        except ChannelRefused:
            raise AssertionError("a 503 is worth another try on WhatsApp")
        except SendError as error:
            assert "131016" in str(error)
    with FakeWhatsApp(delay=0.6) as fake:
        try:
            sender(fake, timeout=0.2).send(PHONE, "Halo", KEY, "registered")
        except SendOutcomeUnknown:
            pass
        else:
            raise AssertionError("no answer must be an unknown outcome")


def test_intake_records_the_citizens_choice(client, login_as, places):
    login_as("front_office")
    page = client.get("/pendaftaran/baru").get_data(as_text=True)
    assert "Kabar perkembangan lewat" in page and 'value="whatsapp"' in page
    from slrt.admin.models import ComplaintCategory
    category = db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
    form = {"form_id": "a" * 32, "nik": VALID_NIK, "name": "Ani Suryani", "birth_date": "1990-12-05", "sex": "P",
            "kecamatan": places.kecamatan, "desa": places.desa, "channel": "counter", "visit_type": "question",
            "complaints-0-category": str(category), "complaints-0-description": "Kapan bantuan cair?",
            "contact_channel": "whatsapp", "phone": ""}
    refused = client.post("/pendaftaran/baru", data=form)
    assert refused.status_code in (200, 422)
    assert "Isi nomor HP yang dipakai untuk WhatsApp, atau pilih SMS." in refused.get_data(as_text=True)
    form.update(phone=PHONE, form_id="b" * 32)
    assert client.post("/pendaftaran/baru", data=form).status_code == 303
    [message] = messages()
    assert message.channel == MessageChannel.WHATSAPP and message.contact_channel == "whatsapp"


def test_a_whatsapp_case_is_delivered_by_whatsapp(make_app, make_case):
    with FakeWhatsApp() as fake, FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline",
                      **fake.config()):
            ticket = make_case(phone=PHONE, contact_channel="whatsapp").ticket
            [message] = messages()
            assert message.status == OutboxStatus.SENT and message.channel == MessageChannel.WHATSAPP
            assert message.provider_id == "wamid.TEST000001" and message.fallback_reason == ""
    assert sms.received == []
    assert ticket in fake.accepted[0]["template"]["components"][0]["parameters"][0]["text"]


def test_a_refused_template_falls_back_to_sms_and_says_so(make_app, make_case, make_user):
    with FakeWhatsApp(templates=set()) as fake, FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline",
                      **fake.config()) as application:
            make_case(phone=PHONE, contact_channel="whatsapp")
            [message] = messages()
            assert message.status == OutboxStatus.SENT and message.channel == MessageChannel.SMS
            assert "132001" in message.fallback_reason
            audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "outbox.fallback"))
            assert audit is not None and "whatsapp->sms" in audit.note
            admin = make_user("admin")
            client = application.test_client()
            log_in(client, admin.username)
            page = client.get("/admin/pesan-keluar/").get_data(as_text=True)
            assert "Lewat SMS karena WhatsApp gagal" in page
    assert len(fake.received) == 1  # refused once for good: not retried on WhatsApp
    assert [r["payload"]["to"] for r in sms.received] == [PHONE]
    assert sms.received[0]["key"] == message.idempotency_key


def test_a_number_not_on_whatsapp_falls_back_to_sms(make_app, make_case):
    with FakeWhatsApp(not_on_whatsapp={"6281234567890"}) as fake, FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline", **fake.config()):
            make_case(phone=PHONE, contact_channel="whatsapp")
            [message] = messages()
    assert message.channel == MessageChannel.SMS and "131026" in message.fallback_reason
    assert len(sms.delivered) == 1


def test_no_whatsapp_account_sends_by_sms(make_app, make_case):
    with FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline"):
            make_case(phone=PHONE, contact_channel="whatsapp")
            [message] = messages()
    assert message.status == OutboxStatus.SENT and message.channel == MessageChannel.SMS
    assert "no whatsapp account" in message.fallback_reason and len(sms.delivered) == 1


def test_a_timeout_is_belum_pasti_and_is_retried_with_the_same_key_on_whatsapp(make_app, make_case, make_user):
    with FakeWhatsApp(delay=0.6) as fake, FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline",
                      SLRT_OUTBOX_BACKOFF=(0,), SLRT_OUTBOX_MAX_ATTEMPTS=2,
                      **fake.config(SLRT_WA_TIMEOUT="0.2")) as application:
            make_case(phone=PHONE, contact_channel="whatsapp")
            [message] = messages()
            assert message.status == OutboxStatus.UNKNOWN and message.channel == MessageChannel.WHATSAPP
            dispatch.send_due(application)
            [message] = messages()
            # It may have reached WhatsApp: never sent a second time by SMS, never called failed.
            assert message.status == OutboxStatus.UNKNOWN and message.maybe_sent
            admin = make_user("admin")
            client = application.test_client()
            log_in(client, admin.username)
            assert "Belum pasti" in client.get("/admin/pesan-keluar/").get_data(as_text=True)
    assert sms.received == []
    assert [r["payload"]["biz_opaque_callback_data"] for r in fake.received] == [message.idempotency_key] * 2


def test_retries_on_whatsapp_then_sms_when_the_last_attempt_fails(make_app, make_case):
    with FakeWhatsApp(statuses=[503, 503]) as fake, FakeGateway() as sms:
        with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline",
                      SLRT_OUTBOX_BACKOFF=(0,), SLRT_OUTBOX_MAX_ATTEMPTS=2, **fake.config()) as application:
            make_case(phone=PHONE, contact_channel="whatsapp")
            assert messages()[0].status == OutboxStatus.PENDING  # first 503: retry on WhatsApp
            dispatch.send_due(application)
            [message] = messages()
    assert message.status == OutboxStatus.SENT and message.channel == MessageChannel.SMS
    assert len(fake.received) == 2 and len(sms.delivered) == 1


def test_the_token_is_never_logged_nor_kept(make_app, make_case, caplog):
    token = "EAAG-very-secret-token-123"
    with FakeWhatsApp(token="another-token") as fake, FakeGateway() as sms:  # the API refuses our token
        with caplog.at_level(logging.DEBUG):
            with app_with(make_app, SLRT_SMS_GATEWAY_URL=sms.url, SLRT_OUTBOX_DISPATCH="inline",
                          **fake.config(SLRT_WA_TOKEN=token)):
                make_case(phone=PHONE, contact_channel="whatsapp")
                [message] = messages()
                notes = " ".join(a.note for a in db.session.scalars(db.select(AuditLog)))
    assert fake.received[0]["authorization"] == f"Bearer {token}"
    assert "190" in message.fallback_reason  # refused token: the citizen still hears, by SMS
    for text in (caplog.text, message.last_error, message.fallback_reason, notes):
        assert token not in text
