"""Training mode (SLRT_ENV=training): a PELATIHAN band on every page, receipt and letter; no SMS leaves, even with
a gateway configured, and the outbox says so; the band is absent outside training."""
from __future__ import annotations

from contextlib import contextmanager

from slrt.extensions import db
from slrt.notifications import dispatch
from slrt.notifications.models import OutboxMessage, OutboxStatus
from tests.auth_helpers import client_for
from tests.referrals_helpers import referral_in

BAND = "PELATIHAN</strong>"


@contextmanager
def training_app(make_app, **config):
    application = make_app(SLRT_ENV="training", TRAINING=True, **config)
    with application.app_context():
        yield application
        db.session.remove()


def test_every_page_the_receipt_and_the_letter_carry_the_training_band(make_app, make_user, make_case):
    from slrt.referrals.models import ReferralStatus as S
    with training_app(make_app) as application:
        officer, signer = make_user("back_office"), make_user("supervisor")
        case = make_case()
        referral = referral_in(S.APPROVED, case, officer, signer)
        client, _user = client_for(application, lambda *a, **k: officer, "back_office")
        for url in ("/", "/kasus/", f"/kasus/{case.id}", f"/kasus/{case.id}/tanda-terima",
                    f"/rujukan/{referral.id}/surat", "/status"):
            page = client.get(url).get_data(as_text=True)
            assert BAND in page and "SMS tidak dikirim" in page, url
        assert BAND in application.test_client().get("/masuk").get_data(as_text=True)


def test_outside_training_there_is_no_band(app, client, make_case, login_as):
    login_as("back_office")
    case = make_case()
    for url in ("/", f"/kasus/{case.id}", f"/kasus/{case.id}/tanda-terima", "/status"):
        assert BAND not in client.get(url).get_data(as_text=True)


class RecordingSender:
    reaches_phone = True

    def __init__(self):
        self.sent = []

    def send(self, phone, body, key):
        self.sent.append(phone)


def test_no_sms_leaves_in_training_even_with_a_gateway(make_app, make_case, make_user):
    sender = RecordingSender()
    with training_app(make_app, SLRT_SMS_GATEWAY_URL="https://sms.example.invalid/send", SLRT_SMS_SENDER=sender,
                      SLRT_OUTBOX_DISPATCH="inline") as application:
        make_case(phone="081234567890")  # committed: the after-commit dispatch runs inline
        assert dispatch.send_due(application)["sent"] == 0
        db.session.rollback()
        [message] = db.session.scalars(db.select(OutboxMessage)).all()
        assert message.status == OutboxStatus.TRAINING and message.sent_at is None
        assert sender.sent == []
        # the administrator's outbox says it in words
        client, _admin = client_for(application, make_user, "admin")
        assert "Tidak dikirim (mode pelatihan)" in client.get("/admin/pesan-keluar/").get_data(as_text=True)
