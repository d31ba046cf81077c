"""A referral draft's edits are kept (field, before → after, who, when) and shown in its history; the sign-off
queue marks a draft resubmitted after a return ("Diajukan ulang") with what changed since the return."""
from __future__ import annotations

import uuid

import pytest

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.referrals import operations
from slrt.referrals.models import ReferralChange, ReferralStatus
from slrt.referrals.queries import changes_since_return
from tests.auth_helpers import client_for
from tests.conftest import count
from tests.referrals_helpers import TODAY, agency, programme, referral_in

S = ReferralStatus
KK = "Kartu Keluarga"
SKTM = "Surat keterangan tidak mampu (SKTM) dari desa"


@pytest.fixture
def officer(make_user):
    return make_user("back_office")


@pytest.fixture
def signer(make_user):
    return make_user("supervisor")


def edit(referral, officer, **changes):
    values = {"agency": referral.agency, "programme": referral.programme, "complaint": referral.complaint,
              "reason": referral.reason, "documents": [c for c in referral.documents.split(",") if c]}
    operations.update_draft(referral, officer, **(values | changes))


def test_an_edit_keeps_each_changed_field_before_and_after(app, make_case, officer, signer):
    referral = referral_in(S.DRAFT, make_case(), officer, signer)
    edit(referral, officer, agency=agency("RSUD"), programme=programme("RSUD-BIAYA"), documents=["KTP", "SKTM"])
    db.session.commit()
    changes = {c.field: (c.before, c.after, c.actor_id)
               for c in db.session.scalars(db.select(ReferralChange))}
    assert changes == {
        "agency": ("Dinas Kesehatan", agency("RSUD").name, officer.id),
        "programme": ("Jaminan kesehatan daerah / biaya berobat", "Keringanan biaya rumah sakit", officer.id),
        "documents": (f"KTP, {KK}", f"KTP, {SKTM}", officer.id)}
    note = db.session.scalar(db.select(AuditLog.note).where(AuditLog.action == "referral.edit"))
    assert "diubah: agency, programme, documents" in note
    edit(referral, officer)  # saved unchanged: nothing new in the history
    assert count(ReferralChange) == 3


def test_the_referral_page_shows_the_edit_in_its_history(app, make_case, make_user, signer):
    client, officer = client_for(app, make_user, "back_office")
    referral = referral_in(S.DRAFT, make_case(), officer, signer)
    response = client.post(f"/rujukan/{referral.id}/ubah", data={
        "agency": agency("DINKES").id, "programme": programme("JAMKESDA").id, "complaint": referral.complaint_id,
        "reason": "Biaya rawat jalan dan obat di puskesmas", "documents": ["KTP", "KK"],
        "form_id": uuid.uuid4().hex})
    assert response.status_code == 303
    page = client.get(f"/rujukan/{referral.id}").get_data(as_text=True)
    history = page[page.index('id="perubahan-draf"'):]
    assert "Biaya berobat di puskesmas tidak mampu dibayar" in history  # before
    assert "Biaya rawat jalan dan obat di puskesmas" in history and officer.full_name in history


def test_the_signoff_queue_marks_a_resubmitted_draft_with_what_changed_since_the_return(
        app, make_case, make_user, officer):
    client, signer = client_for(app, make_user, "supervisor")
    first = referral_in(S.DRAFT, make_case(), officer, signer)
    # The first draft an hour before the signer's return (MariaDB keeps whole seconds; people act minutes apart).
    from datetime import timedelta

    from slrt.core.time import clock_at, utcnow
    with clock_at(utcnow() - timedelta(hours=1)):
        edit(first, officer, reason="Biaya berobat (sebelum penetapan)")  # before the return: not "since"
        operations.submit(first, officer)
    operations.decide(first, signer, S.RETURNED, "Lengkapi SKTM dari desa", TODAY)
    edit(first, officer, documents=["KTP", "KK", "SKTM"])
    operations.submit(first, officer)
    fresh = referral_in(S.PENDING_SIGNOFF, make_case(nik="3204050101800001", name="Budi", sex="L"), officer, signer)
    db.session.commit()
    assert [c.field for c in changes_since_return([first, fresh])[first.id]] == ["documents"]
    assert fresh.id not in changes_since_return([first, fresh])
    page = client.get("/rujukan/penetapan").get_data(as_text=True)
    rows = page[page.index("<tbody"):page.index("</tbody>")].split("<tr")
    first_row = next(r for r in rows if f"/rujukan/{first.id}\"" in r)
    fresh_row = next(r for r in rows if f"/rujukan/{fresh.id}\"" in r)
    assert "Diajukan ulang" in first_row and "Dokumen:" in first_row and "sebelum penetapan" not in first_row
    assert "Diajukan ulang" not in fresh_row
    detail = client.get(f"/rujukan/{first.id}").get_data(as_text=True)
    box = detail[detail.index('id="penetapan"'):]
    assert "Diajukan ulang" in box and "Lengkapi SKTM dari desa" in box and "SKTM" in box


def test_a_resubmitted_draft_without_changes_says_so(app, make_case, make_user, officer):
    client, signer = client_for(app, make_user, "supervisor")
    referral = referral_in(S.RETURNED, make_case(), officer, signer)
    operations.submit(referral, officer)
    db.session.commit()
    page = client.get("/rujukan/penetapan").get_data(as_text=True)
    assert "Diajukan ulang" in page and "tanpa perubahan sejak dikembalikan" in page
