"""Files with personal data: uploads judged by their content and size and kept outside static/; every download
of a person's file audited and kept by no cache; the rejected-rows CSV streams to the end."""
from __future__ import annotations

import csv
import io
import os
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from slrt.audit.models import AuditLog
from slrt.core import uploads
from slrt.core.uploads import UploadRefused, save_upload
from slrt.extensions import db
from slrt.intake.models import Person
from slrt.registry import operations
from slrt.registry.models import Proposal, ProposalStatus, RegistryImport, RejectedRow
from tests.registry_helpers import hold_meeting, nik

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
MB = 1024 * 1024


def file(content: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=name)


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active.append(["NIK", "NAMA"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def audit_rows(action: str) -> list[AuditLog]:
    db.session.rollback()  # what was committed, not this session's own rows
    return db.session.scalars(select(AuditLog).where(AuditLog.action == action)).all()


@pytest.fixture
def upload_dir(app, tmp_path):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


# The upload helper --------------------------------------------------------------------------------------

@pytest.mark.parametrize("content, name, kind", [(PDF, "notulen.pdf", "pdf"), (JPEG, "foto.JPG", "jpg"),
                                                 (PNG, "scan.png", "png"), (PNG, "notulen.pdf", "png")])
def test_documents_are_kept_by_their_content_under_a_random_name(upload_dir, content, name, kind):
    stored = save_upload(file(content, name), "document")
    assert stored.type == kind and stored.original_name == name and stored.size == len(content)
    assert stored.path.parent == upload_dir / "musdes" and stored.path.read_bytes() == content
    assert name not in stored.name and stored.name.endswith("." + kind)
    assert [p.name for p in stored.path.parent.iterdir()] == [stored.name]  # no partial file left


@pytest.mark.parametrize("content", [os.urandom(4096), b"MZ\x90\x00\x03" + b"\x00" * 100, b"GIF89a" + b"\x00" * 20,
                                     b"<html><script>alert(1)</script></html>", b"PDF-1.4 missing percent"])
def test_a_document_that_is_not_pdf_jpeg_or_png_is_refused_whatever_its_name(upload_dir, content):
    with pytest.raises(UploadRefused, match="PDF, JPG, atau PNG"):
        save_upload(file(content, "notulen.pdf"), "document")
    assert list((upload_dir / "musdes").iterdir()) == []


def test_a_document_over_the_limit_is_refused_without_keeping_anything(app, upload_dir):
    assert app.config["SLRT_UPLOAD_LIMITS"]["document"] == 10 * MB
    with pytest.raises(UploadRefused, match="terlalu besar: paling besar 10 MB"):
        save_upload(file(b"%PDF-1.4\n" + b"0" * (10 * MB), "notulen.pdf"), "document")
    assert list((upload_dir / "musdes").iterdir()) == []
    exactly = save_upload(file(b"%PDF-1.4\n" + b"0" * (10 * MB - 9), "notulen.pdf"), "document")
    assert exactly.size == 10 * MB


def test_the_logo_limit_comes_from_config(app, upload_dir):
    app.config["SLRT_UPLOAD_LIMITS"] = {**app.config["SLRT_UPLOAD_LIMITS"], "logo": 100 * 1024}
    with pytest.raises(UploadRefused, match="100 KB"):
        save_upload(file(PNG + b"\x00" * 200 * 1024, "logo.png"), "logo")
    assert save_upload(file(PNG, "logo.png"), "logo").name.startswith("logo-")


@pytest.mark.parametrize("content, kind", [
    (b"\xef\xbb\xbfNIK;NAMA\r\n3204054112900001;ASEP\r\n", "csv"),
    ("NIK,NAMA\n3204054112900001,JOSÉ\n".encode("cp1252"), "csv"),
    (None, "xlsx"),
])
def test_registry_extracts_are_csv_text_or_a_workbook_that_opens(upload_dir, content, kind):
    stored = save_upload(file(content or workbook_bytes(), "dtsen.csv"), "registry")
    assert stored.type == kind and stored.path.parent == upload_dir / "registry"


@pytest.mark.parametrize("content", [
    b"PK\x03\x04" + os.urandom(2000),                      # a broken zip named .xlsx
    None,                                                 # a zip that is not a workbook
    os.urandom(4096),                                     # random bytes
    PDF,
])
def test_registry_upload_that_is_neither_csv_nor_xlsx_is_refused(upload_dir, content):
    if content is None:
        buffer = io.BytesIO()
        import zipfile
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "bukan workbook")
        content = buffer.getvalue()
    with pytest.raises(UploadRefused, match="CSV atau XLSX"):
        save_upload(file(content, "dtsen.xlsx"), "registry")


def test_uploads_never_go_under_static(app):
    app.config["SLRT_UPLOAD_DIR"] = str(Path(app.static_folder) / "uploads")
    with pytest.raises(RuntimeError):
        save_upload(file(PDF, "notulen.pdf"), "document")


def test_only_names_the_helper_made_are_served(upload_dir):
    stored = save_upload(file(PDF, "notulen.pdf"), "document")
    assert uploads.stored_path("document", stored.name) == stored.path
    for name in ("../secret_key", "notulen.pdf", stored.name + "x", "", None):
        assert uploads.stored_path("document", name) is None


# The upload routes --------------------------------------------------------------------------------------

def make_proposal(places, make_user, status=ProposalStatus.VERIFIED, with_person=True):
    clerk = make_user("facilitator", username="pendamping")
    number = nik(places.kecamatan, date(1975, 2, 3))
    if with_person:
        db.session.add(Person(nik=number, name="Ujang", birth_date=date(1975, 2, 3), sex="L",
                              region_code=places.desa))
    proposal = operations.create_proposal(operations.ProposalData(
        kind="usulan", nik=number, name="Ujang", region_code=places.desa), clerk)
    proposal.status = status
    db.session.commit()
    return proposal, clerk


def test_a_large_random_file_named_notulen_pdf_is_refused_with_a_clear_message(
        client, login_as, places, make_user, upload_dir):
    proposal, clerk = make_proposal(places, make_user)
    meeting = hold_meeting([proposal], clerk, sign=False)
    login_as("facilitator")
    url = f"/registri/musdes/{meeting.id}"
    for content, message in ((os.urandom(11 * MB), "Berkas terlalu besar: paling besar 10 MB."),
                             (os.urandom(2 * MB), "Berkas harus berupa PDF, JPG, atau PNG.")):
        response = client.post(url + "/unggah", data={"minutes": (io.BytesIO(content), "notulen.pdf")},
                               content_type="multipart/form-data")
        html = response.get_data(as_text=True)  # the meeting again: the message by the file
        assert response.status_code == 422 and message in html
        db.session.rollback()
        assert db.session.get(Proposal, proposal.id).status == ProposalStatus.VERIFIED
    assert not (upload_dir / "musdes").exists() or list((upload_dir / "musdes").iterdir()) == []


def test_registry_upload_refuses_a_binary_file_and_keeps_the_typed_date(client, login_as, upload_dir):
    login_as("admin")
    response = client.post("/registri/impor/unggah", data={
        "extract": (io.BytesIO(os.urandom(5000)), "dtsen.csv"), "extract_date": "2025-09-01"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Berkas harus CSV atau XLSX." in html
    assert 'value="2025-09-01"' in html
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    assert list((upload_dir / "registry").iterdir()) == []


# Downloads ----------------------------------------------------------------------------------------------

def test_minutes_are_sent_no_store_and_every_download_is_audited(client, login_as, places, make_user, upload_dir):
    proposal, clerk = make_proposal(places, make_user)
    meeting = hold_meeting([proposal], clerk, sign=False)
    operations.sign_meeting(meeting, file(PDF, "berita acara musdes.pdf"), clerk)
    db.session.commit()
    login_as("supervisor")
    response = client.get(f"/registri/musdes/{meeting.id}/notulen")
    assert response.status_code == 200 and response.data == PDF and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store, private"
    assert "Expires" not in response.headers and "ETag" not in response.headers
    assert 'filename="berita acara musdes.pdf"' in response.headers["Content-Disposition"]
    client.get(f"/registri/musdes/{meeting.id}/notulen")
    rows = audit_rows("meeting.minutes")
    assert len(rows) == 2 and rows[0].object_id == str(meeting.id) and rows[0].user.role == "supervisor"


def test_minutes_kept_with_one_proposal_before_batches_still_download_audited(client, login_as, places, make_user,
                                                                             upload_dir):
    """Proposals deliberated one at a time before village meetings were recorded as batches keep their minutes."""
    proposal, _clerk = make_proposal(places, make_user, status=ProposalStatus.DELIBERATED)
    stored = save_upload(file(PDF, "notulen lama.pdf"), "document")
    proposal.minutes_file, proposal.minutes_name, proposal.musdes_date = stored.name, stored.original_name, \
        date(2025, 9, 10)
    db.session.commit()
    person_id = db.session.scalar(select(Person.id))
    login_as("supervisor")
    response = client.get(f"/registri/usulan/{proposal.id}/notulen")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Cache-Control"] == "no-store, private"
    rows = audit_rows("proposal.minutes")
    assert len(rows) == 1 and rows[0].person_id == person_id and rows[0].object_id == str(proposal.id)


def test_opening_a_proposal_is_audited_as_a_view_of_the_person(client, login_as, places, make_user):
    proposal, _clerk = make_proposal(places, make_user)
    person_id = db.session.scalar(select(Person.id))
    login_as("back_office")
    page = client.get(f"/registri/usulan/{proposal.id}")
    assert page.status_code == 200 and "Ujang" in page.get_data(as_text=True)
    rows = audit_rows("proposal.view")
    assert len(rows) == 1 and rows[0].person_id == person_id and rows[0].object_id == str(proposal.id)


def test_a_proposal_for_someone_not_yet_known_is_audited_without_a_person(client, login_as, places, make_user):
    proposal, _clerk = make_proposal(places, make_user, with_person=False)
    login_as("back_office")
    assert client.get(f"/registri/usulan/{proposal.id}").status_code == 200
    rows = audit_rows("proposal.view")
    assert len(rows) == 1 and rows[0].person_id is None


@pytest.fixture
def rejected_import(app, make_user, monkeypatch):
    """An import with more rejected rows than one batch, one of them carrying a formula from the file."""
    from slrt.registry import routes
    monkeypatch.setattr(routes, "REJECTED_BATCH", 3, raising=False)
    row = RegistryImport(file_name="dtsen.csv", status="done", rejected_rows=7, user_id=make_user("admin").id)
    db.session.add(row)
    db.session.flush()
    reasons = {line: f"NIK tidak valid (baris {line})" for line in (9, 2, 5, 14, 3, 11)}
    reasons[7] = '=HYPERLINK("http://contoh.invalid/","Klik") bukan tanggal'
    db.session.add_all(RejectedRow(import_id=row.id, line=line, reason=text) for line, text in reasons.items())
    db.session.commit()
    return row.id, reasons


def test_rejected_rows_csv_streams_to_the_end_outside_the_test_context(client, login_as, rejected_import):
    import_id, reasons = rejected_import
    login_as("supervisor")
    result = {}

    def download():  # a thread has no app context of its own, like a real server writing the body
        try:
            response = client.get(f"/registri/impor/{import_id}/ditolak.csv")
            result["response"], result["body"] = response, response.get_data()
        except Exception as error:  # noqa: BLE001 - reported below
            result["error"] = error
    worker = threading.Thread(target=download)
    worker.start()
    worker.join(60)
    assert "error" not in result, result.get("error")
    response = result["response"]
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store, private"
    rows = list(csv.reader(io.StringIO(result["body"].decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["BARIS", "ALASAN"]
    assert [int(r[0]) for r in rows[1:]] == sorted(reasons)
    assert rows[1 + sorted(reasons).index(7)][1] == "'" + reasons[7]
    assert rows[1][1] == "NIK tidak valid (baris 2)"
    audited = audit_rows("registry.rejected_export")
    assert len(audited) == 1 and audited[0].object_id == str(import_id)


@pytest.mark.parametrize("url", ["/laporan/antrean-kasus.xlsx", "/laporan/antrean-kasus.csv", "/laporan/bulanan.pdf"])
def test_exports_are_kept_by_no_cache(client, login_as, url):
    login_as("supervisor")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store, private"
    assert "attachment" in response.headers["Content-Disposition"]
