"""The referral loop through HTTP: handle, draft, sign off, letter, agency answer, closure, objection."""
from __future__ import annotations

import pytest

import re

from slrt.cases.models import Case, CaseStatus, ComplaintStatus
from slrt.extensions import db
from slrt.notifications.models import OutboxMessage
from slrt.referrals.models import Referral, ReferralStatus
from tests.conftest import log_in
from tests.referrals_helpers import agency, programme
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _as(client, user):
    client.post("/keluar")
    response = log_in(client, user.username)
    assert response.status_code == 303


def test_whole_loop_through_the_pages(app, client, make_user, make_case):
    case = make_case()
    officer, signer = make_user("back_office"), make_user("supervisor")
    liaison = make_user("agency_liaison")
    _as(client, officer)
    assert client.post(f"/kasus/{case.id}/ambil").status_code == 303
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert "Penanganan" in page and "Buat rujukan" in page
    response = client.post(f"/kasus/{case.id}/asesmen", data={"findings": "Rumah semi permanen, suami sakit",
                                                              "visit_date": "2026-11-20"})
    assert response.status_code == 303
    response = client.post(f"/kasus/{case.id}/rujukan/baru", data={
        "complaint": case.complaints[0].id, "agency": agency().id, "programme": programme().id,
        "reason": "Biaya berobat tidak terjangkau", "documents": ["KTP", "KK"]})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    referral = db.session.scalar(db.select(Referral))
    assert referral.status == ReferralStatus.DRAFT and referral.signoff_due is not None
    assert client.post(f"/rujukan/{referral.id}/ajukan").status_code == 303
    _as(client, signer)
    queue = client.get("/rujukan/penetapan").get_data(as_text=True)
    assert case.ticket in queue
    response = client.post(f"/rujukan/{referral.id}/putuskan", data={"decision": "approved", "note": ""})
    assert response.status_code == 303
    db.session.expire_all()
    referral = db.session.get(Referral, referral.id)
    assert referral.status == ReferralStatus.APPROVED
    assert re.fullmatch(r"460/0001/SLRT/[IVX]+/20\d\d", referral.letter_number)
    letter = client.get(f"/rujukan/{referral.id}/surat").get_data(as_text=True)
    assert referral.letter_number in letter and "<svg" in letter and "Dinas Kesehatan" in letter
    verify = app.test_client().get(f"/verifikasi/{referral.verification_code}").get_data(as_text=True)
    assert referral.letter_number in verify and "Ani Suryani" not in verify
    _as(client, liaison)
    assert case.ticket in client.get("/rujukan/instansi").get_data(as_text=True)
    response = client.post(f"/rujukan/{referral.id}/tanggapan", data={"response": "completed",
                                                                      "note": "Biaya ditanggung Jamkesda"})
    assert response.status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.status == CaseStatus.RESOLVED
    assert case.complaints[0].status == ComplaintStatus.COMPLETED
    _as(client, officer)
    assert client.post(f"/kasus/{case.id}/tutup", data={"summary": "Biaya berobat ditanggung."}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED
    status = app.test_client().post("/status", data={"ticket": case.ticket, "birth_date": "05/12/1990"})
    text = status.get_data(as_text=True)
    assert "Dinas Kesehatan" in text and "Biaya ditanggung Jamkesda" in text, text[:3000]
    kinds = [m.kind for m in db.session.scalars(db.select(OutboxMessage))]
    assert {"referred", "agency_completed", "closed"} <= set(kinds)
    assert client.post(f"/kasus/{case.id}/keberatan", data={"reason": "Obat belum diterima"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.REOPENED


def test_messages_to_the_citizen_fit_one_sms_and_start_with_the_ticket(app, make_user, make_case):
    from tests.referrals_helpers import referral_in
    officer, signer = make_user("back_office"), make_user("supervisor")
    case = make_case(phone="081234567890")
    referral_in(ReferralStatus.COMPLETED, case, officer, signer)
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in messages if m.kind != "registered"] == ["referred", "agency_completed"]
    for message in messages:
        assert len(message.body) <= 160 and message.phone == "081234567890"
    referred = next(m for m in messages if m.kind == "referred")
    assert referred.body.startswith(f"Tiket {case.ticket}: Anda dirujuk ke Dinas Kesehatan, surat no. 460/0001/")


def test_the_sign_off_page_speaks_english_when_asked(app, client, make_user, make_case):
    from tests.referrals_helpers import referral_in
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, signer)
    _as(client, signer)
    client.post("/bahasa", data={"lang": "en", "next": "/"})
    db.session.rollback()  # release this context's transaction before another context writes
    with app.app_context():  # a fresh context: Flask-Babel keeps the locale it chose on the old one
        page = client.get(f"/rujukan/{referral.id}").get_data(as_text=True)
    assert "Approve and issue the letter" in page and "Awaiting sign-off" in page
    assert "Setujui dan terbitkan surat" not in page
