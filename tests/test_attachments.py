"""Attachments: recognised by content, photos downscaled and stripped of their location, thumbnails, every
view and download audited and kept by no cache, removal only with a reason, the referral letter's lampiran."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from slrt.admin.models import DocumentType
from slrt.attachments.models import Attachment, AttachmentStatus
from slrt.audit.models import AuditLog
from slrt.handling import operations as cases
from slrt.core import uploads
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.attachments_helpers import PDF, bomb_png, broken_jpeg, phone_photo
from tests.conftest import is_fragment, log_in
from tests.referrals_helpers import fast_passwords, referral_in  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """A folder of this test's own, so what it finds there is what it uploaded."""
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def document_id(code: str = "KTP") -> int:
    return db.session.scalar(select(DocumentType.id).where(DocumentType.code == code))


def audit(action: str) -> list[AuditLog]:
    db.session.rollback()
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).all()


def only_attachment() -> Attachment:
    db.session.rollback()
    rows = db.session.scalars(select(Attachment)).all()
    assert len(rows) == 1, rows
    return rows[0]


def post_file(client, url: str, content: bytes, name: str = "foto.jpg", htmx: bool = False, **fields):
    data = {"document_type": str(fields.pop("document_type", document_id())), "caption": "", **fields,
            "file": (io.BytesIO(content), name)}
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data=data, headers=headers, content_type="multipart/form-data")


@pytest.fixture
def world(app, make_user, make_case):
    officer = make_user("back_office", username="bo")
    case = make_case()
    cases.take(case, officer)
    db.session.commit()
    return {"case": case, "officer": officer}


def upload_as_officer(client, world, content=None, **fields):
    assert log_in(client, "bo").status_code == 303
    content = phone_photo() if content is None else content
    return post_file(client, f"/lampiran/kasus/{world['case'].id}", content, **fields)


# --- what is kept --------------------------------------------------------------------------------------

def test_a_phone_photo_is_kept_upright_small_and_without_camera_or_location(app, client, world):
    response = upload_as_officer(client, world, caption="KTP suami")
    assert response.status_code == 303
    attachment = only_attachment()
    kept = Image.open(uploads.stored_path("attachment", attachment.file_name))
    # 3000×2000 landscape pixels tagged "turn 90°": kept upright (portrait), longest side 1600
    assert kept.size == (1067, 1600) == (attachment.width, attachment.height)
    exif = kept.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif and ExifTags.Base.Model not in exif
    assert ExifTags.Base.Orientation not in exif  # applied, not left for a viewer to apply twice
    assert attachment.location_kept is False and attachment.caption == "KTP suami"
    assert attachment.size == uploads.stored_path("attachment", attachment.file_name).stat().st_size
    thumb = Image.open(uploads.stored_path("thumbnail", attachment.thumbnail_name))
    assert max(thumb.size) == 240 and thumb.format == "JPEG"
    rows = audit("attachment.add")
    assert len(rows) == 1 and rows[0].person_id == world["case"].person_id


def test_location_is_kept_only_when_the_user_ticks_it(app, client, world):
    upload_as_officer(client, world, keep_location="y", document_type=document_id("FOTO-RUMAH"))
    attachment = only_attachment()
    kept = Image.open(uploads.stored_path("attachment", attachment.file_name))
    gps = kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert gps[ExifTags.GPS.GPSLatitudeRef] == "S" and attachment.location_kept is True
    assert ExifTags.Base.Make not in kept.getexif()  # the rest is still dropped


def test_png_scans_stay_png_without_their_metadata(app, client, world):
    upload_as_officer(client, world, phone_photo(2400, 1200, orientation=1, fmt="PNG"), name="scan.png")
    attachment = only_attachment()
    kept = Image.open(uploads.stored_path("attachment", attachment.file_name))
    assert kept.format == "PNG" and kept.size == (1600, 800) and not kept.getexif().get_ifd(ExifTags.IFD.GPSInfo)


def test_a_pdf_is_kept_as_it_is_without_a_thumbnail(app, client, world):
    upload_as_officer(client, world, PDF, name="sktm.pdf", document_type=document_id("SKTM"))
    attachment = only_attachment()
    assert attachment.file_type == "pdf" and attachment.thumbnail_name == ""
    assert uploads.stored_path("attachment", attachment.file_name).read_bytes() == PDF


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 not a photo at all", "foto.jpg", "Lampiran harus berupa foto JPG/PNG atau PDF."),
    (broken_jpeg(), "foto.jpg", "Gambar rusak atau tidak dapat dibaca"),
    (bomb_png(), "kecil.png", "Gambar terlalu besar"),
    (b"", "kosong.jpg", "Berkas kosong."),
], ids=["not-an-image", "broken", "decompression-bomb", "empty"])
def test_refused_files_get_a_clear_message_and_keep_what_was_typed(app, client, world, content, name, message):
    response = upload_as_officer(client, world, content, name=name, caption="Rumah tampak depan",
                                 document_type=document_id("FOTO-RUMAH"))
    assert response.status_code == 422  # refused: the form again, as typed
    html = response.get_data(as_text=True)
    assert message in html
    assert 'value="Rumah tampak depan"' in html
    assert f'<option selected value="{document_id("FOTO-RUMAH")}">' in html
    db.session.rollback()
    assert db.session.scalars(select(Attachment)).all() == []
    folder = uploads.folder("attachment")
    assert not folder.exists() or not [p for p in folder.iterdir() if p.is_file()]


def test_missing_document_type_is_asked_for(app, client, world):
    response = upload_as_officer(client, world, document_type="")
    assert "Pilih jenis dokumen." in response.get_data(as_text=True)


def test_a_too_large_file_is_refused_before_it_is_read_whole(app, client, world):
    app.config["SLRT_UPLOAD_LIMITS"] = dict(app.config["SLRT_UPLOAD_LIMITS"], attachment=50_000)
    response = upload_as_officer(client, world, phone_photo())
    assert "Berkas terlalu besar" in response.get_data(as_text=True)


def test_uploads_of_tests_stay_out_of_the_worktree(make_app):
    root = Path(make_app().config["SLRT_UPLOAD_DIR"]).resolve()
    assert Path(__file__).resolve().parents[1] not in root.parents


# --- shown, downloaded, audited ------------------------------------------------------------------------

def test_case_page_shows_the_thumbnail_and_a_camera_input(app, client, world):
    upload_as_officer(client, world, caption="<b hx-get=/x>KTP</b>")
    attachment = only_attachment()
    html = client.get(f"/kasus/{world['case'].id}").get_data(as_text=True)
    assert f'src="/lampiran/{attachment.id}/kecil"' in html
    assert 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html
    assert "&lt;b hx-get=/x&gt;KTP&lt;/b&gt;" in html and "<b hx-get" not in html
    assert '<span class="caption" hx-disable>' in html


@pytest.mark.parametrize("path, action, disposition", [
    ("/kecil", "attachment.thumbnail", "inline"), ("", "attachment.view", "inline"),
    ("/unduh", "attachment.download", "attachment")])
def test_every_view_and_download_is_audited_and_kept_by_no_cache(app, client, world, path, action, disposition):
    upload_as_officer(client, world)
    attachment = only_attachment()
    response = client.get(f"/lampiran/{attachment.id}{path}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"
    assert response.headers["Content-Disposition"].startswith(disposition)
    assert response.mimetype == "image/jpeg"
    Image.open(io.BytesIO(response.data)).verify()
    rows = audit(action)
    assert len(rows) == 1 and rows[0].person_id == world["case"].person_id
    assert rows[0].object_type == "Attachment" and rows[0].object_id == str(attachment.id)


def test_htmx_upload_answers_with_the_panel_and_a_plain_one_goes_back_to_the_page(app, client, world):
    assert log_in(client, "bo").status_code == 303
    url = f"/lampiran/kasus/{world['case'].id}"
    swapped = post_file(client, url, phone_photo(800, 600), htmx=True)
    assert swapped.status_code == 200 and is_fragment(swapped)
    assert f'id="lampiran-case-{world["case"].id}"' in swapped.get_data(as_text=True)
    assert "tersimpan" in swapped.get_data(as_text=True)
    plain = post_file(client, url, phone_photo(800, 600))
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"/kasus/{world['case'].id}#lampiran")
    refused = post_file(client, url, b"nope", htmx=True)
    assert refused.status_code == 200 and is_fragment(refused)
    assert "Lampiran harus berupa" in refused.get_data(as_text=True)


# --- who may --------------------------------------------------------------------------------------------

ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator", "admin",
         "provincial_officer", None]
VIEW = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator", "admin"}
ADD = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator"}
REMOVE = {"back_office", "supervisor"}


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_routes_for_every_role(app, client, make_user, world, role):
    upload_as_officer(client, world)
    attachment = only_attachment()
    other = app.test_client()
    if role is not None:
        user = make_user(role)
        assert log_in(other, user.username).status_code == 303
    checks = [("GET", f"/lampiran/{attachment.id}", VIEW, None),
              ("GET", f"/lampiran/{attachment.id}/kecil", VIEW, None),
              ("GET", f"/lampiran/{attachment.id}/unduh", VIEW, None),
              ("POST", f"/lampiran/kasus/{world['case'].id}", ADD, "upload"),
              ("POST", f"/lampiran/{attachment.id}/hapus", REMOVE, {"reason": "Foto salah orang"})]
    for method, url, allowed, data in checks:
        if data == "upload":
            response = post_file(other, url, phone_photo(300, 200))
        else:
            response = other.open(url, method=method, data=data)
        where = f"{role} {method} {url} -> {response.status_code}"
        assert response.status_code < 500, where
        if role in allowed:
            assert response.status_code in (200, 303), where
        elif role is None:
            assert response.status_code in (302, 303) and "/masuk" in response.headers["Location"], where
        else:
            assert response.status_code == 403, where


def test_staff_of_another_region_cannot_open_it(app, client, make_user, world, places):
    upload_as_officer(client, world)
    attachment = only_attachment()
    outsider = make_user("puskesos_operator", region_code=places.other_desa)
    other = app.test_client()
    assert log_in(other, outsider.username).status_code == 303
    for path in ("", "/kecil", "/unduh"):
        assert other.get(f"/lampiran/{attachment.id}{path}").status_code == 403
    assert post_file(other, f"/lampiran/kasus/{world['case'].id}", phone_photo(300, 200)).status_code == 403
    assert audit("attachment.view") == []


# --- removal --------------------------------------------------------------------------------------------

def test_removal_needs_a_reason_hides_the_file_and_keeps_it(app, client, world):
    upload_as_officer(client, world)
    attachment = only_attachment()
    path = uploads.stored_path("attachment", attachment.file_name)
    refused = client.post(f"/lampiran/{attachment.id}/hapus", data={"reason": "  "}, headers={"HX-Request": "1"})
    assert "Tuliskan alasan menghapus lampiran." in refused.get_data(as_text=True)
    assert only_attachment().status == AttachmentStatus.ACTIVE
    done = client.post(f"/lampiran/{attachment.id}/hapus", data={"reason": "Foto salah orang"})
    assert done.status_code == 303
    attachment = only_attachment()
    assert attachment.status == AttachmentStatus.REMOVED and attachment.removal_reason == "Foto salah orang"
    assert path.is_file()  # kept until the retention period ends
    assert client.get(f"/lampiran/{attachment.id}").status_code == 404
    rows = audit("attachment.remove")
    assert len(rows) == 1 and "Foto salah orang" in rows[0].note
    page = client.get(f"/kasus/{world['case'].id}").get_data(as_text=True)
    assert "Lampiran yang dihapus: 1" in page and f'src="/lampiran/{attachment.id}/kecil"' not in page
    again = client.post(f"/lampiran/{attachment.id}/hapus", data={"reason": "lagi"}, headers={"HX-Request": "1"})
    assert "sudah dihapus" in again.get_data(as_text=True)
    assert len(audit("attachment.remove")) == 1


# --- referrals, assessments, proposals ------------------------------------------------------------------

def test_referral_attachments_are_listed_on_the_letter(app, client, make_user, world):
    signer = make_user("supervisor", username="spv")
    referral = referral_in(ReferralStatus.DRAFT, world["case"], world["officer"], signer)
    assert log_in(client, "bo").status_code == 303
    response = post_file(client, f"/lampiran/rujukan/{referral.id}", PDF, name="sktm.pdf",
                         document_type=document_id("SKTM"), caption="SKTM dari Desa Sukamaju")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/rujukan/{referral.id}#lampiran")
    post_file(client, f"/lampiran/kasus/{world['case'].id}", phone_photo(300, 200), caption="hanya di kasus")
    detail = client.get(f"/rujukan/{referral.id}").get_data(as_text=True)
    assert "SKTM dari Desa Sukamaju" in detail and "hanya di kasus" not in detail
    from slrt.referrals import operations
    from tests.referrals_helpers import TODAY
    operations.submit(referral, world["officer"])
    operations.decide(referral, signer, ReferralStatus.APPROVED, "", TODAY)
    db.session.commit()
    letter = client.get(f"/rujukan/{referral.id}/surat").get_data(as_text=True)
    assert "Lampiran:" in letter and "SKTM dari Desa Sukamaju (PDF)" in letter and "1 berkas" in letter
    assert "hanya di kasus" not in letter


def test_the_agency_liaison_sees_the_scans_sent_with_its_referral_only(app, client, make_user, world):
    signer = make_user("supervisor", username="spv")
    referral = referral_in(ReferralStatus.APPROVED, world["case"], world["officer"], signer)
    assert log_in(client, "bo").status_code == 303
    post_file(client, f"/lampiran/rujukan/{referral.id}", PDF, name="sktm.pdf")
    post_file(client, f"/lampiran/kasus/{world['case'].id}", PDF, name="kk.pdf")
    db.session.rollback()
    sent, case_only = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    liaison = make_user("agency_liaison", agency_code="DINKES")
    other = app.test_client()
    assert log_in(other, liaison.username).status_code == 303
    assert other.get(f"/lampiran/{sent.id}/unduh").status_code == 200
    assert other.get(f"/lampiran/{case_only.id}/unduh").status_code == 403


def test_a_part_of_another_case_is_refused(app, client, make_case, world):
    other_case = make_case(nik="3204054512900002", name="Budi")
    cases.take(other_case, world["officer"])
    cases.record_assessment(other_case, world["officer"], "Rumah bocor", None, None)
    db.session.commit()
    foreign = other_case.assessments[0].id
    response = upload_as_officer(client, world, link=f"assessment:{foreign}")
    assert "bukan bagian dari kasus ini" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalars(select(Attachment)).all() == []


def test_an_attachment_can_belong_to_an_assessment(app, client, world):
    cases.record_assessment(world["case"], world["officer"], "Rumah bocor", None, None)
    db.session.commit()
    assessment = world["case"].assessments[0]
    upload_as_officer(client, world, link=f"assessment:{assessment.id}", document_type=document_id("FOTO-RUMAH"))
    attachment = only_attachment()
    assert attachment.assessment_id == assessment.id and attachment.case_id == world["case"].id


def test_a_proposal_without_a_case_takes_house_photos(app, client, make_user, places):
    from slrt.registry import operations as registry
    facilitator = make_user("facilitator", username="fas")
    proposal = registry.create_proposal(registry.ProposalData(
        kind="usulan", nik="3204054512900003", kk_number="", name="Siti", address="Kp. Cikoneng",
        rt="001", rw="002", region_code=places.desa, reason="Belum terdaftar"), facilitator)
    db.session.commit()
    assert log_in(client, "fas").status_code == 303
    page = client.get(f"/registri/usulan/{proposal.id}").get_data(as_text=True)
    assert f'action="/lampiran/usulan/{proposal.id}"' in page
    response = post_file(client, f"/lampiran/usulan/{proposal.id}", phone_photo(), keep_location="y",
                         document_type=document_id("FOTO-RUMAH"))
    assert response.status_code == 303
    attachment = only_attachment()
    assert attachment.proposal_id == proposal.id and attachment.case_id is None and attachment.location_kept
    assert client.get(f"/lampiran/{attachment.id}/kecil").status_code == 200
    outsider = make_user("facilitator", region_code=places.other_kecamatan)
    other = app.test_client()
    assert log_in(other, outsider.username).status_code == 303
    assert other.get(f"/lampiran/{attachment.id}").status_code == 403


def test_a_signed_letter_lists_what_it_was_signed_with(app, client, make_user, world):
    signer = make_user("supervisor", username="spv")
    referral = referral_in(ReferralStatus.APPROVED, world["case"], world["officer"], signer)
    from datetime import timedelta
    assert log_in(client, "bo").status_code == 303
    post_file(client, f"/lampiran/rujukan/{referral.id}", PDF, name="before.pdf", caption="SKTM awal")
    post_file(client, f"/lampiran/rujukan/{referral.id}", PDF, name="after.pdf", caption="Dokumen susulan")
    db.session.rollback()
    before, after = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    before.uploaded_at = referral.decided_at - timedelta(minutes=5)  # attached while the draft was prepared
    after.uploaded_at = referral.decided_at + timedelta(days=2)      # what the agency asked for later
    db.session.commit()
    letter = client.get(f"/rujukan/{referral.id}/surat").get_data(as_text=True)
    assert "SKTM awal" in letter and "Dokumen susulan" not in letter
    client.post(f"/lampiran/{before.id}/hapus", data={"reason": "Salah unggah"})
    assert "SKTM awal" in client.get(f"/rujukan/{referral.id}/surat").get_data(as_text=True)


def test_a_part_that_does_not_exist_is_refused(app, client, world):
    response = upload_as_officer(client, world, link="referral:999999", caption="KTP")
    assert "tidak ditemukan" in response.get_data(as_text=True) and 'value="KTP"' in response.get_data(as_text=True)
