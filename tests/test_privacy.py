"""The citizen's rights (UU 27/2022): subject-access report, correction requests, retention, breach scope
and the privacy notice."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import re

import pytest
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.cases.models import Case, CaseStatus, Complaint
from slrt.core.errors import DomainError, TransitionError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.intake.models import Person, PersonVersion, VisitIdentity
from slrt.privacy import operations
from slrt.privacy.models import CORRECTION_TRANSITIONS, CorrectionRequest, CorrectionStatus
from tests.conftest import VALID_NIK
from tests.auth_helpers import client_for
from tests.conftest import count
from tests.test_districts import second  # noqa: F401 - a fixture

OTHER_NIK = "3204051203850002"


def _audits(action: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


# ---- who may run what ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, allowed", [
    ("admin", True), ("supervisor", True), ("back_office", False), ("front_office", False),
    ("puskesos_operator", False), ("facilitator", False), ("agency_liaison", False), ("provincial_officer", False)])
def test_only_designated_roles_run_subject_access_and_breach_scope(app, make_user, make_case, role, allowed):
    make_case()
    client, _user = client_for(app, make_user, role)
    pages = [client.get("/pelindungan-data/"), client.get("/pelindungan-data/cakupan-kebocoran"),
             client.post("/pelindungan-data/akses-subjek", data={"nik": VALID_NIK}),
             client.post("/pelindungan-data/akses-subjek/pdf", data={"nik": VALID_NIK})]
    assert [r.status_code for r in pages] == ([200] * 4 if allowed else [403] * 4)


# ---- subject access ----------------------------------------------------------------------------------------------

@pytest.fixture
def history(app, make_case, make_user, places, tmp_path):
    """A person with two visits, an accepted correction, a referral-free case viewed by a clerk, and a
    registry household in two extracts."""
    from tests.registry_helpers import import_file, person_row, write_csv
    case = make_case(note="Rumah bocor, anak sakit")
    make_case(phone="081234567890")
    clerk = make_user("front_office", username="pelihat")
    clerk_id = clerk.id
    viewer, _ = client_for(app, make_user, "back_office", username="bo_lihat")
    viewer.get(f"/kasus/{case.id}")
    case_id, person_id = case.id, case.person_id
    row = person_row(places, nik_value=VALID_NIK, kk_value="3204050101200001", name="ANI SURYANI",
                     born=date(1990, 12, 5), sex="2", decile="2", pbi="1")
    import_file(write_csv(tmp_path / "a.csv", [row]))
    dropped = person_row(places, nik_value=OTHER_NIK, kk_value="3204050101200002", name="BUDI", born=date(1985, 3, 12))
    import_file(write_csv(tmp_path / "b.csv", [dropped]))  # the next extract no longer carries her
    backoffice = make_user("back_office", username="bo_koreksi")
    request = operations.request_correction(db.session.get(Case, case_id), "birth_place", "Soreang",
                                            "KTP asli", db.session.get(type(clerk), clerk_id))
    operations.accept_correction(request, "Sesuai KTP", backoffice)
    db.session.commit()
    return {"case": db.session.get(Case, case_id), "person": db.session.get(Person, person_id)}


def test_subject_access_report_holds_everything_and_its_processing(app, make_user, history):
    client, officer = client_for(app, make_user, "supervisor", username="ppd")
    response = client.post("/pelindungan-data/akses-subjek", data={"nik": "3204 0545 1290 0001"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    case = history["case"]
    for expected in ("Ani Suryani", case.ticket, "Kartu KIS tidak aktif saat berobat", "Rumah bocor, anak sakit",
                     "081234567890",            # the phone given at the second visit
                     "Soreang", "Sesuai KTP",   # the correction and the kept version
                     "ANI SURYANI", "PBI-JKN", "a.csv", "tidak ada lagi di ekstrak terbaru",  # registry
                     "bo_lihat", "person.view", "person.correction_accept"):
        assert expected in html, expected
    assert "b.csv" not in html and "BUDI" not in html
    assert 'id="bagian-trail"' in html
    rows = _audits("privacy.subject_access")
    assert [(r.user_id, r.person_id) for r in rows] == [(officer.id, history["person"].id)]


def test_subject_access_pdf_is_a_printable_export_and_audited(app, make_user, history):
    client, officer = client_for(app, make_user, "admin", username="ppd_admin")
    response = client.post("/pelindungan-data/akses-subjek/pdf", data={"nik": VALID_NIK})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "no-store" in response.headers["Cache-Control"]
    assert VALID_NIK not in response.headers.get("Content-Disposition", "")
    rows = _audits("privacy.subject_access_pdf")
    assert [(r.user_id, r.person_id) for r in rows] == [(officer.id, history["person"].id)]


def test_subject_access_for_registry_only_nik(app, make_user, places, tmp_path):
    from tests.registry_helpers import import_file, person_row, write_csv
    row = person_row(places, nik_value=OTHER_NIK, kk_value="3204050101200009", name="BUDI SANTOSO",
                     born=date(1985, 3, 12))
    import_file(write_csv(tmp_path / "r.csv", [row]))
    client, _ = client_for(app, make_user, "supervisor")
    html = client.post("/pelindungan-data/akses-subjek", data={"nik": OTHER_NIK}).get_data(as_text=True)
    assert "BUDI SANTOSO" in html and "Portal tidak menyimpan data pendaftaran untuk NIK ini." in html
    assert OTHER_NIK not in _audits("privacy.subject_access")[0].note  # masked in the trail


def test_subject_access_refuses_unknown_and_other_area_nik_alike(app, make_user, make_case, places):
    make_case(region_code=places.other_district_desa,
              clerk=make_user("front_office", region_code=places.other_district, username="lain"))
    client, _ = client_for(app, make_user, "supervisor")
    other = client.post("/pelindungan-data/akses-subjek", data={"nik": VALID_NIK})
    unknown = client.post("/pelindungan-data/akses-subjek", data={"nik": OTHER_NIK})
    bad = client.post("/pelindungan-data/akses-subjek", data={"nik": "12345"})
    assert other.status_code == unknown.status_code == bad.status_code == 422
    message = "Tidak ada data tentang NIK ini di wilayah Anda."
    assert message in other.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert "Ani Suryani" not in other.get_data(as_text=True)
    assert "NIK terdiri dari 16 angka." in bad.get_data(as_text=True)
    assert 'value="12345"' in bad.get_data(as_text=True)  # what was typed stays
    assert _audits("privacy.subject_access") == []


def test_a_feature_adds_its_section_through_the_contributor_registry(app, make_user, make_case):
    from slrt.privacy import queries
    make_case()

    def attachments(subject):
        return [queries.Section("attachments", "Lampiran", ["Berkas"], [["ktp-scan.pdf"]])]
    queries.contributor(60)(attachments)
    try:
        client, _ = client_for(app, make_user, "supervisor")
        html = client.post("/pelindungan-data/akses-subjek", data={"nik": VALID_NIK}).get_data(as_text=True)
        assert "ktp-scan.pdf" in html
        assert html.index("bagian-attachments") < html.index("bagian-trail")
    finally:
        queries._CONTRIBUTORS[:] = [c for c in queries._CONTRIBUTORS if c[1] is not attachments]


# ---- corrections ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start", list(CorrectionStatus))
@pytest.mark.parametrize("target", [CorrectionStatus.ACCEPTED, CorrectionStatus.REJECTED])
def test_correction_transition_table(app, make_case, make_user, start, target):
    case = make_case()
    request = operations.request_correction(case, "name", "Ani Suryani Putri", "KTP", case.created_by)
    request.status = start
    decider = make_user("back_office")
    act = operations.accept_correction if target == CorrectionStatus.ACCEPTED else operations.reject_correction
    if target in CORRECTION_TRANSITIONS.get(start, set()):
        act(request, "alasan", decider)
        assert request.status == target and request.decided_by_id == decider.id
    else:
        with pytest.raises(TransitionError):
            act(request, "alasan", decider)


def test_correction_flow_at_the_counter_and_the_back_office(app, make_user, make_case):
    case = make_case()
    counter, clerk = client_for(app, make_user, "front_office")
    page = counter.get(f"/kasus/{case.id}")
    assert f"/pelindungan-data/kasus/{case.id}/koreksi".encode() in page.data
    bad = counter.post(f"/pelindungan-data/kasus/{case.id}/koreksi",
                       data={"field": "birth_date", "new_value": "31-02-1990", "evidence": "Akta lahir"})
    assert bad.status_code == 422
    assert "Tulis tanggal lahir seperti 31-12-1980." in bad.get_data(as_text=True)
    assert 'value="31-02-1990"' in bad.get_data(as_text=True) and "Akta lahir" in bad.get_data(as_text=True)
    ok = counter.post(f"/pelindungan-data/kasus/{case.id}/koreksi",
                      data={"field": "birth_date", "new_value": "6-12-1990", "evidence": "Akta lahir"})
    assert ok.status_code == 303
    request = db.session.scalar(select(CorrectionRequest))
    assert (request.current_value, request.new_value, request.requested_by_id) == ("1990-12-05", "1990-12-06", clerk.id)
    # The counter cannot decide; the back office can.
    assert counter.post(f"/pelindungan-data/koreksi/{request.id}", data={"reason": "x", "accept": "y"}).status_code == 403
    office, officer = client_for(app, make_user, "back_office")
    assert b"6-12-1990" not in office.get("/pelindungan-data/koreksi").data
    assert case.ticket.encode() in office.get("/pelindungan-data/koreksi").data
    empty = office.post(f"/pelindungan-data/koreksi/{request.id}", data={"reason": "", "accept": "y"})
    assert empty.status_code == 422 and "Tuliskan alasannya." in empty.get_data(as_text=True)
    done = office.post(f"/pelindungan-data/koreksi/{request.id}", data={"reason": "Sesuai akta", "accept": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    person = db.session.get(Person, case.person_id)
    assert person.birth_date == date(1990, 12, 6)
    version = db.session.scalar(select(PersonVersion).where(PersonVersion.person_id == person.id))
    assert version.birth_date == date(1990, 12, 5) and version.visit_identity_id is None
    assert db.session.get(CorrectionRequest, request.id).version_id == version.id
    assert [r.user_id for r in _audits("person.correction_accept")] == [officer.id]
    again = office.post(f"/pelindungan-data/koreksi/{request.id}", data={"reason": "lagi", "reject": "y"})
    assert "sudah diputuskan" in again.get_data(as_text=True)
    assert db.session.get(CorrectionRequest, request.id).status == CorrectionStatus.ACCEPTED


def test_rejected_correction_changes_nothing(app, make_case, make_user):
    case = make_case()
    request = operations.request_correction(case, "name", "Ani S.", "KTP", case.created_by)
    operations.reject_correction(request, "KTP tidak sesuai", make_user("back_office"))
    db.session.commit()
    assert db.session.get(Person, case.person_id).name == "Ani Suryani"
    assert count(PersonVersion) == 0 and request.status == CorrectionStatus.REJECTED


@pytest.mark.parametrize("name, raw, message", [
    ("sex", "X", "Tulis L (laki-laki) atau P (perempuan)."),
    ("kk_number", "3204", "No. KK terdiri dari 16 angka."),
    ("name", "Ani Suryani", "Nilai ini sama dengan data yang tersimpan."),
    ("region_code", "32.04", "Pilih data yang ingin dikoreksi.")])
def test_correction_values_are_checked(app, make_case, name, raw, message):
    case = make_case()
    with pytest.raises(DomainError) as error:
        operations.request_correction(case, name, raw, "KTP", case.created_by)
    assert error.value.message == message


# ---- retention ------------------------------------------------------------------------------------------------

NOW = datetime(2031, 6, 1, 2, 0)


def _close(case, when):
    case.status = CaseStatus.CLOSED
    case.closed_at = when
    db.session.commit()


def test_retention_anonymises_closed_cases_past_their_time_and_keeps_counts(app, make_case, make_user, places):
    old = make_case(note="catatan lama", phone="081111111111")
    recent = make_case(nik=OTHER_NIK, name="Budi", birth_date=date(1985, 3, 12), sex="L", note="catatan baru")
    _close(old, NOW - timedelta(days=365 * 5 + 30))
    _close(recent, NOW - timedelta(days=200))
    db.session.add(AuditLog(action="person.view", at=NOW - timedelta(days=365 * 6), person_id=recent.person_id))
    db.session.add(AuditLog(action="person.view", at=NOW - timedelta(days=10), person_id=recent.person_id))
    db.session.commit()

    dry = operations.run_retention(NOW, dry_run=True)
    db.session.rollback()
    assert {s.key: s.count for s in dry.steps}["cases_anonymised"] == 1
    assert {s.key: s.count for s in dry.steps}["audit_removed"] == 1
    db.session.expire_all()
    assert db.session.get(Case, old.id).anonymised_at is None
    assert count(AuditLog, AuditLog.at < NOW - timedelta(days=365 * 5 + 2)) == 1

    report = operations.run_retention(NOW)
    db.session.commit()
    steps = {s.key: s.count for s in report.steps}
    assert steps["cases_anonymised"] == 1 and steps["people_anonymised"] == 1 and steps["audit_removed"] == 1
    db.session.expire_all()
    gone = db.session.get(Case, old.id)
    assert gone.anonymised_at == NOW and gone.note == "" and gone.status == CaseStatus.CLOSED
    assert [c.description for c in gone.complaints] == [""] and gone.complaints[0].category_id is not None
    identity = db.session.scalar(select(VisitIdentity).where(VisitIdentity.case_id == old.id))
    assert (identity.name, identity.phone, identity.birth_date) == ("", "", date(1990, 1, 1))
    person = db.session.get(Person, old.person_id)
    assert person.nik != VALID_NIK and person.name == "" and person.sex == "P" and person.region_code == places.desa
    kept = db.session.get(Case, recent.id)
    assert kept.anonymised_at is None and kept.note == "catatan baru"
    assert count(Case) == 2 and count(Complaint) == 2  # reports still count both
    assert [r.note for r in _audits("privacy.retention")][0].startswith("cases_anonymised=1")
    # A second night finds nothing more to do.
    again = {s.key: s.count for s in operations.run_retention(NOW).steps}
    assert again["cases_anonymised"] == 0 and again["people_anonymised"] == 0


def test_retention_keeps_a_person_with_a_case_still_in_time(app, make_case):
    first = make_case()
    second = make_case()
    _close(first, NOW - timedelta(days=365 * 6))
    operations.run_retention(NOW)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Case, first.id).anonymised_at is not None
    assert db.session.get(Person, second.person_id).nik == VALID_NIK  # the open case still needs them


def test_retention_follows_the_district_setting(app, make_case, make_user):
    from slrt.admin import settings
    case = make_case()
    _close(case, NOW - timedelta(days=400))
    assert operations.run_retention(NOW, dry_run=True).steps[0].count == 0
    settings.put("retention_case_months", "12", make_user("admin"))
    assert operations.run_retention(NOW, dry_run=True).steps[0].count == 1
    settings.put("retention_case_months", "0", make_user("admin"))  # 0: kept for good
    assert "cases_anonymised" not in {s.key for s in operations.run_retention(NOW, dry_run=True).steps}


def test_retention_removes_replaced_registry_extracts(app, places, tmp_path):
    from slrt.registry.models import RegistryImport, RegistryPerson
    from tests.registry_helpers import family, import_file, write_csv
    rows, niks, _ = family(places, kk_serial=1)
    other, other_niks, _ = family(places, kk_serial=2, names=("BUDI", "SITI", "RINA"))
    elsewhere, elsewhere_niks, _ = family(places, kk_serial=3, names=("ASEP", "EUIS", "DEDI"), region=places.desa2)
    first, _ = import_file(write_csv(tmp_path / "old.csv", rows + other + elsewhere))
    second, _ = import_file(write_csv(tmp_path / "new.csv", rows))  # household 2 dropped; desa2 not sent again
    db.session.execute(db.update(RegistryImport).values(finished_at=NOW - timedelta(days=30)))
    assert {s.key: s.count for s in operations.run_retention(NOW, dry_run=True).steps}["registry_people_removed"] == 0
    db.session.execute(db.update(RegistryImport).values(finished_at=NOW - timedelta(days=365 * 3)))
    db.session.commit()
    report = operations.run_retention(NOW)
    db.session.commit()
    steps = {s.key: s.count for s in report.steps}
    assert steps["registry_people_removed"] == 3 and steps["registry_households_removed"] == 1
    assert set(db.session.scalars(select(RegistryPerson.nik))) == set(niks) | set(elsewhere_niks)
    assert {n: i for n, i in db.session.execute(select(RegistryPerson.nik, RegistryPerson.import_id))} == \
        {**{n: second for n in niks}, **{n: first for n in elsewhere_niks}}



def test_retention_command_prints_what_it_did(app, make_case):
    case = make_case()
    _close(case, utcnow() - timedelta(days=365 * 6))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert "Kasus selesai dianonimkan: 1" in dry.output and "Uji coba" in dry.output
    db.session.expire_all()
    assert db.session.get(Case, case.id).anonymised_at is None
    real = runner.invoke(args=["privacy", "retention"])
    assert real.exception is None, real.exc_info
    assert real.exit_code == 0 and "Kasus selesai dianonimkan: 1" in real.output
    db.session.expire_all()
    assert db.session.get(Case, case.id).anonymised_at is not None


# ---- retention of attachments ----------------------------------------------------------------------------------

def _attach(case, actor, when, *, photo=True, name="KTP Ani Suryani.jpg", proposal=None):
    """A scan kept on the case (or the registry proposal; a photo gets a thumbnail beside it), uploaded at
    `when`."""
    import io

    from PIL import Image
    from werkzeug.datastructures import FileStorage

    from slrt.admin.models import DocumentType
    from slrt.attachments.operations import add
    from tests.attachments_helpers import PDF
    content = io.BytesIO()
    if photo:
        Image.new("RGB", (60, 40), "white").save(content, "JPEG")
    else:
        content.write(PDF)
    content.seek(0)
    document_type = db.session.scalar(select(DocumentType).where(DocumentType.code == "KTP"))
    attachment = add(actor, FileStorage(content, filename=name), document_type=document_type, case=case,
                     proposal=proposal)
    attachment.uploaded_at = when
    db.session.commit()
    return attachment


def _files(attachment) -> list:
    from slrt.core import uploads
    return [uploads.folder(kind) / name for kind, name in (("attachment", attachment.file_name),
                                                           ("thumbnail", attachment.thumbnail_name)) if name]


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path / "uploads")


def test_retention_removes_the_files_and_rows_of_old_closed_cases_attachments(app, make_case, make_user, upload_dir):
    """Before, the settings page offered a period for attachments but nothing removed them: scans of KTP and KK
    of cases closed years ago stayed on disk for good."""
    from slrt.attachments.models import Attachment
    officer = make_user("back_office")
    long_ago = NOW - timedelta(days=365 * 6)
    old, still_open, recent = make_case(), make_case(nik=OTHER_NIK), make_case()
    gone = _attach(old, officer, long_ago)
    gone_pdf = _attach(old, officer, long_ago, photo=False)
    kept_open = _attach(still_open, officer, long_ago)
    kept_recent = _attach(recent, officer, long_ago)
    _close(old, NOW - timedelta(days=365 * 5 + 30))
    _close(recent, NOW - timedelta(days=200))
    old_files, kept_files = _files(gone) + _files(gone_pdf), _files(kept_open) + _files(kept_recent)
    assert len(old_files) == 3 and all(path.is_file() for path in old_files + kept_files)
    ids = {"gone": gone.id, "gone_pdf": gone_pdf.id, "open": kept_open.id, "recent": kept_recent.id}

    dry = operations.run_retention(NOW, dry_run=True)
    db.session.rollback()
    assert {s.key: s.count for s in dry.steps}["attachments_removed"] == 2
    assert count(Attachment) == 4 and all(path.is_file() for path in old_files)

    report = operations.run_retention(NOW)
    db.session.commit()
    assert {s.key: s.count for s in report.steps}["attachments_removed"] == 2
    assert "Lampiran kasus selesai dihapus (berkas dan datanya): 2" in "\n".join(report.lines())
    assert set(db.session.scalars(select(Attachment.id))) == {ids["open"], ids["recent"]}
    assert not any(path.exists() for path in old_files)
    assert all(path.is_file() for path in kept_files)
    note = _audits("privacy.retention")[0].note
    assert "attachments_removed=2" in note and f"attachments_removed: {min(ids['gone'], ids['gone_pdf'])}-" in note
    assert "Ani" not in note and "KTP" not in note  # ids only: no file name with personal data
    again = operations.run_retention(NOW)
    assert {s.key: s.count for s in again.steps}["attachments_removed"] == 0


def test_retention_of_attachments_bears_a_file_already_missing(app, make_case, make_user, upload_dir):
    from slrt.attachments.models import Attachment
    case = make_case()
    attachment = _attach(case, make_user("back_office"), NOW - timedelta(days=365 * 6))
    _close(case, NOW - timedelta(days=365 * 6))
    for path in _files(attachment):
        path.unlink()
    report = operations.run_retention(NOW)
    db.session.commit()
    assert {s.key: s.count for s in report.steps}["attachments_removed"] == 1
    assert count(Attachment) == 0


def test_retention_of_attachments_follows_its_own_setting(app, make_case, make_user, upload_dir):
    from slrt.admin import settings
    case = make_case()
    _attach(case, make_user("back_office"), NOW - timedelta(days=500))
    _close(case, NOW - timedelta(days=400))
    assert {s.key: s.count for s in operations.run_retention(NOW, dry_run=True).steps}["attachments_removed"] == 0
    settings.put("retention_attachment_months", "12", make_user("admin"))
    db.session.commit()
    steps = {s.key: s.count for s in operations.run_retention(NOW, dry_run=True).steps}
    assert steps["attachments_removed"] == 1 and steps["cases_anonymised"] == 0  # the cases' period is its own
    settings.put("retention_attachment_months", "0", make_user("admin"))
    db.session.commit()
    assert "attachments_removed" not in {s.key for s in operations.run_retention(NOW, dry_run=True).steps}


def _old_closed_case_with_a_photo(make_case, make_user, now=NOW, **case):
    """A case closed six years before `now` with a photo (file and thumbnail) uploaded then: past every default
    period."""
    long_ago = now - timedelta(days=365 * 6)
    case = make_case(**case)
    attachment = _attach(case, make_user("back_office", username=f"bo{case.id}"), long_ago)
    _close(case, long_ago)
    assert len(_files(attachment)) == 2 and all(path.is_file() for path in _files(attachment))
    return case, attachment


def test_a_failed_commit_of_the_retention_run_keeps_every_attachment_with_its_file(app, make_case, make_user,
                                                                                   upload_dir, monkeypatch):
    """Before, the files were deleted while the run went on and the command committed at the end: when the commit
    failed (or the process died first), the attachments were still listed but their scans were gone. Now the
    files go only after the commit that removed their rows."""
    from sqlalchemy.exc import OperationalError

    from slrt.attachments.models import Attachment
    case, attachment = _old_closed_case_with_a_photo(make_case, make_user, utcnow())
    files, attachment_id = _files(attachment), attachment.id
    real_commit, calls = db.session.commit, []

    def commit_fails_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("server has gone away"))
        real_commit()

    monkeypatch.setattr(db.session, "commit", commit_fails_once)
    runner = app.test_cli_runner()
    failed = runner.invoke(args=["privacy", "retention"])
    assert isinstance(failed.exception, OperationalError)
    db.session.rollback()
    assert all(path.is_file() for path in files)  # the scan and its thumbnail are still there ...
    assert db.session.get(Attachment, attachment_id) is not None  # ... with their row
    assert db.session.get(Case, case.id).anonymised_at is None

    done = runner.invoke(args=["privacy", "retention"])  # the next night's run commits
    assert done.exit_code == 0, done.output
    assert "Lampiran kasus selesai dihapus (berkas dan datanya): 1" in done.output
    assert "gagal dihapus" not in done.output
    db.session.expire_all()
    assert db.session.get(Attachment, attachment_id) is None
    assert not any(path.exists() for path in files)


def test_a_rolled_back_run_deletes_no_file(app, make_case, make_user, upload_dir):
    from slrt.attachments.models import Attachment
    _case, attachment = _old_closed_case_with_a_photo(make_case, make_user)
    files = _files(attachment)
    operations.run_retention(NOW)
    assert count(Attachment) == 0 and all(path.is_file() for path in files)  # removed in the transaction only
    db.session.rollback()
    assert count(Attachment) == 1 and all(path.is_file() for path in files)
    db.session.commit()  # a later commit of the same session does not delete them either
    assert all(path.is_file() for path in files)


def test_a_file_that_cannot_be_deleted_after_the_commit_is_logged_and_counted(app, make_case, make_user,
                                                                              upload_dir, monkeypatch, caplog):
    import logging

    from slrt.attachments.models import Attachment
    from slrt.core import uploads
    _case, stuck = _old_closed_case_with_a_photo(make_case, make_user, utcnow())
    _other, fine = _old_closed_case_with_a_photo(make_case, make_user, utcnow(), nik=OTHER_NIK)
    stuck_file, fine_files = uploads.folder("attachment") / stuck.file_name, _files(fine)
    real_discard = uploads.discard

    def discard(kind, name):
        if name == stuck.file_name:
            raise PermissionError(13, "Permission denied")
        real_discard(kind, name)

    monkeypatch.setattr(uploads, "discard", discard)
    with caplog.at_level(logging.WARNING):
        result = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert "Lampiran kasus selesai dihapus (berkas dan datanya): 2" in result.output
    assert "Berkas yang gagal dihapus sesudah datanya dihapus (lihat log server): 1" in result.output
    assert f"attachment {stuck.id} not deleted: PermissionError" in caplog.text
    assert stuck.file_name in caplog.text and "KTP" not in caplog.text  # the stored name, never the uploaded one
    assert count(Attachment) == 0
    assert stuck_file.is_file() and not any(path.exists() for path in fine_files)


# ---- retention of a proposal's attachments ---------------------------------------------------------------------

def _proposal(places, make_user, status, decided_at, serial, region_code=None):
    """A registry proposal without a case (a household proposed after a village visit), ended or not."""
    from slrt.registry import operations as registry
    from tests.registry_helpers import nik
    region_code = region_code or places.desa
    clerk = make_user("facilitator", username=f"pendamping{serial}", region_code=region_code)
    proposal = registry.create_proposal(registry.ProposalData(
        kind="usulan", nik=nik(region_code[:8], date(1975, 2, 3), serial=serial), name="Ujang",
        region_code=region_code), clerk)
    proposal.status, proposal.decided_at = status, decided_at
    db.session.commit()
    return proposal, clerk


def test_retention_removes_the_attachments_of_proposals_ended_long_ago(app, places, make_user, upload_dir):
    """Before, a house photo or KTP scan of a proposal without a case was never removed: retention only followed
    cases. Now it goes when the proposal ended (approved for SIKS-NG or rejected) longer ago than the district's
    attachment period; an open proposal's, or one that ended recently, stays."""
    from slrt.attachments.models import Attachment
    from slrt.registry.models import Proposal, ProposalStatus
    long_ago, recently = NOW - timedelta(days=365 * 6), NOW - timedelta(days=200)
    attached = {}
    for serial, (label, status, decided) in enumerate((
            ("rejected_long_ago", ProposalStatus.REJECTED, long_ago),
            ("approved_long_ago", ProposalStatus.APPROVED, long_ago),
            ("approved_recently", ProposalStatus.APPROVED, recently),
            ("still_open", ProposalStatus.DELIBERATED, None)), start=1):
        proposal, clerk = _proposal(places, make_user, status, decided, serial)
        attached[label] = _attach(None, clerk, long_ago, proposal=proposal, name="Rumah Ujang.jpg")
    files = {label: _files(a) for label, a in attached.items()}
    ids = {label: a.id for label, a in attached.items()}

    dry = {s.key: s.count for s in operations.run_retention(NOW, dry_run=True).steps}
    db.session.rollback()
    assert dry["proposal_attachments_removed"] == 2 and dry["attachments_removed"] == 0
    assert count(Attachment) == 4

    report = operations.run_retention(NOW)
    db.session.commit()
    assert {s.key: s.count for s in report.steps}["proposal_attachments_removed"] == 2
    assert "- Lampiran usulan registri yang sudah diputus dihapus (berkas dan datanya): 2 (sebelum 2026-06-01)" \
        in report.lines()
    assert set(db.session.scalars(select(Attachment.id))) == {ids["approved_recently"], ids["still_open"]}
    assert not any(path.exists() for label in ("rejected_long_ago", "approved_long_ago") for path in files[label])
    assert all(path.is_file() for label in ("approved_recently", "still_open") for path in files[label])
    assert count(Proposal) == 4  # the proposals themselves stay (the SIKS-NG trail)
    note = _audits("privacy.retention")[0].note
    assert f"proposal_attachments_removed: {ids['rejected_long_ago']}-{ids['approved_long_ago']}" in note
    assert {s.key: s.count for s in operations.run_retention(NOW).steps}["proposal_attachments_removed"] == 0


def test_a_proposals_attachments_follow_their_own_districts_period(app, places, make_user, second, upload_dir):
    from slrt.admin import settings
    from slrt.attachments.models import Attachment
    from slrt.registry.models import ProposalStatus
    settings.put("retention_attachment_months", "12", make_user("admin"), region_code=places.other_district)
    db.session.commit()
    two_years = NOW - timedelta(days=365 * 2)
    in_a, clerk_a = _proposal(places, make_user, ProposalStatus.REJECTED, two_years, 1)
    in_b, clerk_b = _proposal(places, make_user, ProposalStatus.REJECTED, two_years, 2,
                              region_code=places.other_district_desa)
    kept = _attach(None, clerk_a, two_years, proposal=in_a)
    _attach(None, clerk_b, two_years, proposal=in_b)
    by = {(s.district, s.key): s.count for s in operations.run_retention(NOW).steps}
    db.session.commit()
    assert by[(places.district, "proposal_attachments_removed")] == 0  # A keeps them 60 months
    assert by[(places.other_district, "proposal_attachments_removed")] == 1  # B only 12
    assert set(db.session.scalars(select(Attachment.id))) == {kept.id}


# ---- retention, district by district ---------------------------------------------------------------------------

def test_each_district_keeps_its_own_records_for_its_own_periods(app, make_case, make_user, places, second,
                                                                 upload_dir, tmp_path):
    """Before, the run applied the configured district's periods to every hosted district's records. Now A
    (1 year) anonymises its old closed case and removes its attachment and its replaced extract, while B (10
    years) keeps its equally old ones; audit rows go only after the longest period of the two."""
    from slrt.admin import settings
    from slrt.attachments.models import Attachment
    from slrt.registry.models import RegistryImport, RegistryPerson
    from tests.registry_helpers import family, import_file, write_csv
    from tests.test_registry_import import other_district_family
    admin = make_user("admin")
    for code, months in ((places.district, "12"), (places.other_district, "120")):
        for key in ("retention_case_months", "retention_attachment_months", "retention_audit_months",
                    "retention_registry_months"):
            settings.put(key, months, admin, region_code=code)
    db.session.commit()
    # Each district imports its extract twice, the second dropping one household: the first is replaced.
    rows_a, _n, _ = family(places, kk_serial=1)
    gone_a, _n, _ = family(places, kk_serial=2, names=("BUDI", "SITI", "RINA"))
    import_file(write_csv(tmp_path / "a1.csv", rows_a + gone_a))
    import_file(write_csv(tmp_path / "a2.csv", rows_a))
    rows_b, gone_b = other_district_family(places), other_district_family(places, kk_serial=2)
    from slrt.auth.models import User
    admin_b = make_user("admin", region_code=places.other_district).id
    import_file(write_csv(tmp_path / "b1.csv", rows_b + gone_b), db.session.get(User, admin_b))
    import_file(write_csv(tmp_path / "b2.csv", rows_b), db.session.get(User, admin_b))
    three_years = NOW - timedelta(days=365 * 3)
    case_a = make_case()
    case_b = make_case(nik=OTHER_NIK, region_code=places.other_district_desa,
                       clerk=make_user("front_office", region_code=places.other_district))
    _attach(case_a, make_user("back_office"), three_years)
    attachment_b = _attach(case_b, make_user("back_office", region_code=places.other_district), three_years)
    _close(case_a, three_years)
    _close(case_b, three_years)
    db.session.execute(db.update(RegistryImport).values(finished_at=three_years))
    db.session.add(AuditLog(action="person.view", at=three_years))
    db.session.commit()
    b_people = count(RegistryPerson, RegistryPerson.region_code.startswith(places.other_district))

    report = operations.run_retention(NOW)
    db.session.commit()
    by = {(s.district, s.key): s.count for s in report.steps}
    assert by[(places.district, "cases_anonymised")] == 1 and by[(places.other_district, "cases_anonymised")] == 0
    assert by[(places.district, "attachments_removed")] == 1
    assert by[(places.other_district, "attachments_removed")] == 0
    assert by[(places.district, "registry_people_removed")] == 3
    assert by[(places.other_district, "registry_people_removed")] == 0
    assert by[("", "audit_removed")] == 0  # B keeps its audit trail 10 years: no row goes
    db.session.expire_all()
    assert db.session.get(Case, case_a.id).anonymised_at == NOW
    assert db.session.get(Case, case_b.id).anonymised_at is None
    assert db.session.get(Person, case_b.person_id).nik == OTHER_NIK
    assert set(db.session.scalars(select(Attachment.id))) == {attachment_b.id}
    assert count(RegistryPerson, RegistryPerson.region_code.startswith(places.other_district)) == b_people
    assert count(AuditLog, AuditLog.at == three_years) == 1
    lines = report.lines()
    assert "Kota Bandung (32.73):" in lines and "  - Kasus selesai dianonimkan: 1 (sebelum 2030-06-01)" in lines
    note = _audits("privacy.retention")[0].note
    assert f"{places.district} cases_anonymised=1" in note and f"{places.other_district} cases_anonymised=0" in note


def test_a_person_with_old_cases_in_two_districts_is_counted_once_by_the_dry_run(app, make_case, make_user,
                                                                                  places, second):
    """The person is anonymised in the second district's pass (their first district's case is done by then):
    the dry run counts them there too, as the real run does."""
    first = make_case()
    other = make_case(region_code=places.other_district_desa,
                      clerk=make_user("front_office", region_code=places.other_district))
    assert other.person_id == first.person_id
    _close(first, NOW - timedelta(days=365 * 6))
    _close(other, NOW - timedelta(days=365 * 6))
    dry = {(s.district, s.key): s.count for s in operations.run_retention(NOW, dry_run=True).steps}
    db.session.rollback()
    real = {(s.district, s.key): s.count for s in operations.run_retention(NOW).steps}
    db.session.commit()
    people = {k: v for k, v in real.items() if k[1] == "people_anonymised"}
    assert people == {(places.district, "people_anonymised"): 0, (places.other_district, "people_anonymised"): 1}
    assert {k: v for k, v in dry.items() if k[1] == "people_anonymised"} == people


def test_audit_rows_go_after_the_longest_period_of_the_hosted_districts(app, make_user, places, second):
    from slrt.admin import settings
    admin = make_user("admin")
    settings.put("retention_audit_months", "12", admin, region_code=places.district)
    settings.put("retention_audit_months", "36", admin, region_code=places.other_district)
    now = utcnow()
    for years in (2, 4):
        db.session.add(AuditLog(action="person.view", at=now - timedelta(days=365 * years)))
    db.session.commit()
    step = [s for s in operations.run_retention(now, dry_run=True).steps if s.key == "audit_removed"][0]
    assert step.count == 1 and step.cutoff.year == now.year - 3  # B's 36 months, not A's 12
    settings.put("retention_audit_months", "0", admin, region_code=places.other_district)  # B: kept for good
    db.session.commit()
    assert "audit_removed" not in {s.key for s in operations.run_retention(now, dry_run=True).steps}


def test_a_deactivated_district_still_loses_its_past_due_data_after_its_own_periods(app, make_case, make_user,
                                                                                      places, second, upload_dir):
    """Before, the run went only through the hosted districts: once B was deactivated its closed cases and
    attachments stayed in the database for good. Now B, still in the database though no longer served, is
    covered with its own periods (12 months), while A keeps its equally old records (120 months)."""
    from slrt.admin import settings
    from slrt.attachments.models import Attachment
    from slrt.regions.districts import hosted_districts
    from slrt.registry.models import ProposalStatus
    admin = make_user("admin")
    for code, months in ((places.district, "120"), (places.other_district, "12")):
        for key in ("retention_case_months", "retention_attachment_months"):
            settings.put(key, months, admin, region_code=code)
    db.session.commit()
    three_years = NOW - timedelta(days=365 * 3)
    case_a = make_case()
    case_b = make_case(nik=OTHER_NIK, region_code=places.other_district_desa,
                       clerk=make_user("front_office", region_code=places.other_district))
    kept = _attach(case_a, make_user("back_office"), three_years)
    gone = _attach(case_b, make_user("back_office", region_code=places.other_district), three_years)
    proposal_b, clerk_b = _proposal(places, make_user, ProposalStatus.APPROVED, three_years, 7,
                                    region_code=places.other_district_desa)
    gone_of_proposal = _attach(None, clerk_b, three_years, proposal=proposal_b)
    _close(case_a, three_years)
    _close(case_b, three_years)
    gone_files = _files(gone) + _files(gone_of_proposal)
    second.active = False
    db.session.commit()
    assert places.other_district not in {d.code for d in hosted_districts()}
    assert places.other_district in {d.code for d in hosted_districts(include_inactive=True)}

    report = operations.run_retention(NOW)
    db.session.commit()
    by = {(s.district, s.key): (s.count, s.cutoff) for s in report.steps}
    b_cutoff = NOW - timedelta(days=365)
    assert by[(places.other_district, "cases_anonymised")] == (1, b_cutoff)
    assert by[(places.other_district, "attachments_removed")] == (1, b_cutoff)
    assert by[(places.other_district, "proposal_attachments_removed")] == (1, b_cutoff)
    assert by[(places.district, "cases_anonymised")][0] == 0 and by[(places.district, "attachments_removed")][0] == 0
    db.session.expire_all()
    assert db.session.get(Case, case_b.id).anonymised_at == NOW and db.session.get(Case, case_a.id).anonymised_at is None
    assert set(db.session.scalars(select(Attachment.id))) == {kept.id}
    assert not any(path.exists() for path in gone_files) and all(path.is_file() for path in _files(kept))
    assert "Kota Bandung (32.73, tidak aktif lagi):" in report.lines()
    assert f"{places.other_district} attachments_removed=1" in _audits("privacy.retention")[0].note


# ---- breach scope ---------------------------------------------------------------------------------------------

def test_breach_scope_lists_the_persons_an_account_touched_in_the_window(app, make_user, make_case):
    seen = make_case(name="=HYPERLINK(\"http://x\",\"klik\")")
    other = make_case(nik=OTHER_NIK, name="Budi", birth_date=date(1985, 3, 12), sex="L")
    suspect_client, suspect = client_for(app, make_user, "back_office", username="curiga")
    suspect_client.get(f"/kasus/{seen.id}")
    suspect_client.get(f"/kasus/{seen.id}/tanda-terima")
    bystander_client, _ = client_for(app, make_user, "back_office", username="lain")
    bystander_client.get(f"/kasus/{other.id}")
    db.session.add(AuditLog(action="person.view", user_id=suspect.id, person_id=other.person_id,
                            at=utcnow() - timedelta(days=30)))  # outside the window
    db.session.commit()
    client, _ = client_for(app, make_user, "admin")
    start = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    query = {"account": suspect.id, "start": start, "end": end}
    html = client.get("/pelindungan-data/cakupan-kebocoran", query_string=query).get_data(as_text=True)
    assert "HYPERLINK" in html and "Budi" not in html
    assert "1 warga; 2 kali dilihat, 0 kali diekspor, 0 kali diubah." in html
    assert [r.person_id for r in _audits("privacy.breach_scope")] == [seen.person_id]
    csv = client.get("/pelindungan-data/cakupan-kebocoran.csv", query_string=query)
    assert csv.mimetype == "text/csv"
    text = csv.get_data(as_text=True)
    assert "'=HYPERLINK" in text and VALID_NIK in text and "Budi" not in text
    assert [r.person_id for r in _audits("privacy.breach_scope_export")] == [seen.person_id]


def test_breach_scope_form_keeps_input_and_explains(app, make_user):
    client, _ = client_for(app, make_user, "admin")
    account = make_user("front_office")
    response = client.get("/pelindungan-data/cakupan-kebocoran",
                          query_string={"account": account.id, "start": "2026-11-03T10:00", "end": "2026-11-01T10:00"})
    html = response.get_data(as_text=True)
    assert "Waktu selesai harus sesudah waktu mulai." in html and 'value="2026-11-03T10:00"' in html


# ---- notice and settings ----------------------------------------------------------------------------------------

def test_receipt_and_intake_page_carry_the_privacy_notice_with_the_districts_period(app, make_user, make_case):
    from slrt.admin import settings
    case = make_case()
    client, clerk = client_for(app, make_user, "front_office")
    settings.put("retention_case_months", "36", clerk)
    settings.put("privacy_contact", "Petugas Pelindungan Data, telp. 022-555", clerk)
    db.session.commit()
    for html in (client.get(f"/kasus/{case.id}/tanda-terima").get_data(as_text=True),
                 client.get("/pendaftaran/baru").get_data(as_text=True)):
        assert "Data pribadi Anda" in html
        assert "Data disimpan 3 tahun setelah layanan selesai" in html
        assert "Petugas Pelindungan Data, telp. 022-555" in html


def test_district_sets_retention_periods(app, make_user):
    from slrt.admin import settings
    client, _ = client_for(app, make_user, "admin")
    page = client.get("/admin/pengaturan")
    assert b"retention_case_months" in page.data
    data = {name: settings.get(name) for name in ("signoff_days", "response_days", "autoclose_days",
                                                   "objection_days", "signoff_role", "letter_pattern",
                                                   "letter_signer_title")}
    data.update(retention_case_months="48", retention_attachment_months="24", retention_audit_months="72",
                retention_registry_months="-1", privacy_contact="Loket 3")
    bad = client.post("/admin/pengaturan", data=data)
    assert "Isi antara 0 dan 600 bulan (0 = disimpan terus)." in bad.get_data(as_text=True)
    assert 'value="-1"' in bad.get_data(as_text=True)
    data["retention_registry_months"] = "12"
    assert client.post("/admin/pengaturan", data=data).status_code == 303
    assert settings.get("field_expire_days") == "7"  # not sent: kept
    assert client.post("/admin/pengaturan", data={**data, "field_expire_days": "3"}).status_code == 303
    assert settings.get_int("field_expire_days") == 3  # field devices hear it at their next pull
    db.session.expire_all()
    assert [settings.get(k) for k in ("retention_case_months", "retention_audit_months",
                                      "retention_registry_months", "privacy_contact")] == ["48", "72", "12", "Loket 3"]


def test_export_scope_names_the_persons_of_one_export(app, make_user, make_case):
    first = make_case()
    second = make_case(nik=OTHER_NIK, name="Budi", birth_date=date(1985, 3, 12), sex="L")
    third = make_case(nik="3204051203850003", name="Citra", birth_date=date(1985, 3, 12), sex="P")
    exporter = make_user("back_office", username="pengekspor")
    moment = utcnow()
    for case in (first, second):  # one SIKS-NG export writes one row per person, at one moment
        db.session.add(AuditLog(action="proposal.export", user_id=exporter.id, person_id=case.person_id, at=moment))
    db.session.add(AuditLog(action="proposal.export", user_id=exporter.id, person_id=third.person_id,
                            at=moment - timedelta(days=1)))  # another export
    db.session.commit()
    row = db.session.scalar(select(AuditLog).where(AuditLog.person_id == first.person_id,
                                                   AuditLog.action == "proposal.export"))
    client, _ = client_for(app, make_user, "admin")
    html = client.get("/pelindungan-data/cakupan-ekspor", query_string={"baris": row.id}).get_data(as_text=True)
    assert "Ani Suryani" in html and "Budi" in html and "Citra" not in html
    assert sorted(r.person_id for r in _audits("privacy.breach_scope")) == sorted([first.person_id, second.person_id])
    view = db.session.scalar(select(AuditLog.id).where(AuditLog.action == "person.view"))
    for bad in (str(view or 999999), "abc"):
        page = client.get("/pelindungan-data/cakupan-ekspor", query_string={"baris": bad}).get_data(as_text=True)
        assert "Baris jejak audit itu tidak ada atau bukan ekspor." in page
    assert client.get("/pelindungan-data/cakupan-ekspor").status_code == 200
    front, _ = client_for(app, make_user, "front_office")
    assert front.get("/pelindungan-data/cakupan-ekspor", query_string={"baris": row.id}).status_code == 403


def test_a_correction_request_sent_twice_is_recorded_once(app, make_user, make_case):
    case = make_case()
    counter, _ = client_for(app, make_user, "front_office")
    page = counter.get(f"/pelindungan-data/kasus/{case.id}/koreksi").get_data(as_text=True)
    form_id = re.search(r'name="form_id" value="([^"]+)"', page).group(1)
    data = {"field": "phone", "new_value": "0812 3456 7890", "evidence": "KTP", "form_id": form_id}
    first = counter.post(f"/pelindungan-data/kasus/{case.id}/koreksi", data=data)
    second = counter.post(f"/pelindungan-data/kasus/{case.id}/koreksi", data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(CorrectionRequest) == 1
    assert db.session.scalar(select(CorrectionRequest.new_value)) == "081234567890"


def test_breach_scope_includes_a_person_whose_visit_identity_awaits_review(app, make_user, make_case, places):
    first = make_case(region_code=places.other_district_desa,  # known from another district's office
                      clerk=make_user("front_office", region_code=places.other_district, username="luar"))
    second = make_case(name="Ani Suryani Berbeda")  # here with a different identity: waits for review
    assert db.session.scalar(select(VisitIdentity.review).where(VisitIdentity.case_id == second.id)) == "pending"
    suspect_client, suspect = client_for(app, make_user, "back_office", username="curiga2")
    suspect_client.get(f"/kasus/{second.id}")
    client, _ = client_for(app, make_user, "admin")
    start = (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = client.get("/pelindungan-data/cakupan-kebocoran",
                      query_string={"account": suspect.id, "start": start, "end": end}).get_data(as_text=True)
    assert "1 warga; 1 kali dilihat" in html and first.person.nik in html


CORRECTION_ROUTES = [  # (url, who may)
    ("/pelindungan-data/kasus/{case}/koreksi", {"front_office", "puskesos_operator", "facilitator", "back_office",
                                                "supervisor"}),
    ("/pelindungan-data/koreksi", {"back_office", "supervisor", "admin"}),
    ("/pelindungan-data/koreksi/{correction}", {"back_office", "supervisor", "admin", "front_office",
                                                "puskesos_operator", "facilitator"}),
]


@pytest.mark.parametrize("role", ["front_office", "puskesos_operator", "back_office", "supervisor",
                                  "agency_liaison", "facilitator", "admin", "provincial_officer"])
def test_correction_routes_for_every_role(app, make_user, make_case, places, role):
    case = make_case(region_code=places.desa)
    request = operations.request_correction(case, "name", "Ani S.", "KTP", case.created_by)
    db.session.commit()
    client, _ = client_for(app, make_user, role)
    wrong = []
    for template, allowed in CORRECTION_ROUTES:
        url = template.format(case=case.id, correction=request.id)
        response = client.get(url)
        expected = 200 if role in allowed else 403
        if response.status_code != expected:
            wrong.append(f"{url}: {response.status_code}")
    # Deciding is the back office's alone.
    decided = client.post(f"/pelindungan-data/koreksi/{request.id}", data={"reason": "Sesuai KTP", "reject": "y"})
    if (decided.status_code == 303) != (role == "back_office"):
        wrong.append(f"decide: {decided.status_code}")
    assert not wrong, wrong


def test_anonymised_person_cannot_be_corrected(app, make_case, make_user):
    case = make_case()
    request = operations.request_correction(case, "name", "Ani S.", "KTP", case.created_by)
    operations.anonymise_person(case.person, utcnow())
    with pytest.raises(DomainError):
        operations.accept_correction(request, "Sesuai KTP", make_user("back_office"))
