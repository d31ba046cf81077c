"""Every registry route for every role (allowed and refused), the htmx branches, and lookups through HTTP."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.registry import operations
from slrt.registry.models import Proposal, ProposalStatus, RegistryImport
from tests.conftest import ROLE_REGION, is_fragment
from tests.registry_helpers import family, import_file, nik, write_csv

ROLES = sorted(ROLE_REGION)
LOOKUP = {"front_office", "puskesos_operator", "facilitator", "back_office", "supervisor"}
INTAKE = {"front_office", "puskesos_operator", "facilitator", "back_office"}
PROPOSAL_LIST = INTAKE | {"supervisor", "admin"}


@pytest.fixture
def registry(app, places, tmp_path):
    rows, niks, number = family(places, decile="2")
    import_id, _progress = import_file(write_csv(tmp_path / "a.csv", rows))
    return {"niks": niks, "kk": number, "import_id": import_id}


def make_proposal(places, make_user, status=ProposalStatus.DRAFT):
    user = make_user("front_office", username="pengusul")
    proposal = operations.create_proposal(operations.ProposalData(
        kind="usulan", nik=nik(places.kecamatan, date(1975, 2, 3)), name="Ujang", region_code=places.desa), user)
    proposal.status = status
    db.session.commit()
    return proposal


# (method, url builder, data builder, roles allowed)
def routes(registry, proposal):
    pid, iid = proposal.id, registry["import_id"]
    return [
        ("GET", "/registri/", None, LOOKUP),
        ("POST", "/registri/cari", {"q": registry["niks"][0]}, LOOKUP),
        ("POST", "/registri/keluarga", {"kk": registry["kk"]}, LOOKUP),
        ("POST", "/registri/isi-pendaftaran", {"nik": registry["niks"][0]}, INTAKE),
        ("GET", "/registri/impor", None, {"admin", "supervisor"}),
        ("GET", "/registri/impor/unggah", None, {"admin"}),
        ("POST", "/registri/impor/petakan", {"token": "x"}, {"admin"}),
        ("GET", f"/registri/impor/{iid}", None, {"admin", "supervisor"}),
        ("GET", f"/registri/impor/{iid}/progres", None, {"admin", "supervisor"}),
        ("GET", f"/registri/impor/{iid}/ditolak.csv", None, {"admin", "supervisor"}),
        ("POST", f"/registri/impor/{iid}/batalkan", {}, {"admin"}),
        ("GET", "/registri/usulan", None, PROPOSAL_LIST),
        ("GET", "/registri/usulan/baru", None, INTAKE),
        ("GET", f"/registri/usulan/{pid}", None, PROPOSAL_LIST),
        ("POST", f"/registri/usulan/{pid}/kunjungan", {"visit_date": "2025-09-01", "notes": "ok"},
         {"puskesos_operator", "facilitator", "back_office"}),
        ("POST", f"/registri/usulan/{pid}/putuskan", {"decision": "approve"}, {"supervisor"}),
        ("GET", f"/registri/usulan/{pid}/notulen", None, PROPOSAL_LIST),
        ("GET", f"/registri/perubahan/{iid}", None, LOOKUP | {"admin"}),
        ("GET", f"/registri/perubahan/{iid}/unduh.xlsx", None, LOOKUP | {"admin"}),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_route_for_every_role(client, login_as, registry, places, make_user, role):
    proposal = make_proposal(places, make_user)
    login_as(role)
    for method, url, data, allowed in routes(registry, proposal):
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        if role in allowed:
            assert response.status_code != 403, (role, url)
            assert response.status_code < 500, (role, url)
        else:
            assert response.status_code == 403, (role, url, response.status_code)


def test_anonymous_is_sent_to_login(client, registry):
    assert client.get("/registri/").status_code in (302, 303)
    assert client.post("/registri/cari", data={"q": "x"}).status_code in (302, 303)


def test_nik_search_shows_household_audited_and_never_puts_the_nik_in_a_url(client, login_as, registry):
    login_as("front_office")
    response = client.post("/registri/cari", data={"q": registry["niks"][1]}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert is_fragment(response) and "Terdaftar" in html
    assert "ASEP SURYANA" in html and "EUIS MARLINA" in html and "Suami/istri" in html
    assert "PBI-JKN" in html  # decile 2 without PBI: the suggestion says so
    assert registry["niks"][1] not in html  # members' NIKs are masked on screen
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "registry.view")).all()
    assert len(audit) == 1 and registry["niks"][1] not in audit[0].note
    full = client.post("/registri/cari", data={"q": registry["kk"]})
    assert not is_fragment(full) and "ASEP SURYANA" in full.get_data(as_text=True)


def test_unknown_nik_is_not_registered_and_suggests_a_proposal(client, login_as, registry, places):
    login_as("front_office")
    html = client.post("/registri/cari", data={"q": nik(places.kecamatan, date(1966, 6, 6))}).get_data(as_text=True)
    assert "Belum terdaftar" in html and "Usulan masuk DTSEN" in html


def test_name_search_within_the_users_region(client, login_as, registry, places, make_user):
    login_as("front_office")
    html = client.post("/registri/cari", data={"q": "euis mar"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "EUIS MARLINA" in html and "Lihat keluarga" in html
    client.post("/keluar")
    from tests.conftest import log_in
    make_user("puskesos_operator", region_code=places.other_desa, username="desalain")
    log_in(client, "desalain")
    html = client.post("/registri/cari", data={"q": "euis mar"}).get_data(as_text=True)
    assert "EUIS MARLINA" not in html
    unknown = nik(places.kecamatan, date(1966, 6, 6))
    answers = [client.post("/registri/cari", data={"q": typed}, headers={"HX-Request": "true"}).get_data(as_text=True)
               for typed in (registry["niks"][0], unknown)]
    # A NIK of another area answers exactly as an unknown NIK: "registered elsewhere" would tell its poverty.
    assert answers[0] == answers[1] and "Belum terdaftar" in answers[0] and "ASEP" not in answers[0]
    assert "luar wilayah" not in answers[0]


def test_intake_nik_check_of_a_household_elsewhere_answers_as_unknown(client, login_as, registry, places):
    login_as("puskesos_operator", region_code=places.other_desa)
    html = client.post("/pendaftaran/cek-nik", data={"nik": registry["niks"][0]},
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Belum terdaftar di DTSEN" in html and "luar wilayah" not in html and "EUIS" not in html
    assert "desil" not in html


def test_intake_nik_check_shows_household_and_fills_the_form(client, login_as, registry):
    login_as("front_office")
    response = client.post("/pendaftaran/cek-nik", data={"nik": registry["niks"][0]}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Terdaftar" in html and "EUIS MARLINA" in html
    assert 'id="person-fields" hx-swap-oob="true"' in html and 'value="ASEP SURYANA"' in html
    assert "Program Indonesia Pintar" in html  # the school-age child has no PIP


def test_import_progress_htmx_branches_and_rejected_csv(client, login_as, registry):
    login_as("admin")
    iid = registry["import_id"]
    partial = client.get(f"/registri/impor/{iid}/progres", headers={"HX-Request": "true"})
    assert is_fragment(partial) and "Selesai" in partial.get_data(as_text=True)
    assert not is_fragment(client.get(f"/registri/impor/{iid}/progres"))
    history = client.get("/registri/impor").get_data(as_text=True)
    assert "a.csv" in history
    csv_text = client.get(f"/registri/impor/{iid}/ditolak.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeffBARIS;ALASAN")


def test_upload_runs_in_background_and_asks_for_unknown_columns(client, login_as, places, app):
    from slrt.registry.background import wait_for
    from tests.registry_helpers import HEADERS
    login_as("admin")
    rows, niks, _kk = family(places)
    text = ";".join(["NOMOR_INDUK"] + HEADERS[1:]) + "\n" + "\n".join(";".join(r) for r in rows)
    response = client.post("/registri/impor/unggah", data={
        "extract": (io.BytesIO(text.encode()), "dtsen.csv"), "extract_date": "2025-09-01"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Cocokkan kolom" in html and "NOMOR_INDUK" in html
    import re
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/registri/impor/petakan", data={"token": token, "file_name": "dtsen.csv",
                                                             "extract_date": "2025-09-01", "col-0": "nik"})
    assert response.status_code == 303
    import_id = db.session.scalar(select(RegistryImport.id))
    db.session.rollback()
    wait_for(import_id)
    db.session.rollback()
    row = db.session.get(RegistryImport, import_id)
    assert row.status == "done" and row.accepted_rows == 3 and row.extract_date == date(2025, 9, 1)


def _upload(client, rows, headers, name="dtsen.csv"):
    import re
    text = ";".join(headers) + "\n" + "\n".join(";".join(r) for r in rows)
    response = client.post("/registri/impor/unggah", data={
        "extract": (io.BytesIO(text.encode()), name), "extract_date": "2025-09-01"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html)
    return response, html, token.group(1) if token else None


def test_upload_shows_every_unknown_column_with_its_likely_fields_and_imports_nothing_until_chosen(
        client, login_as, places, app):
    from slrt.registry.background import wait_for
    from tests.registry_helpers import HEADERS
    login_as("admin")
    rows, niks, _kk = family(places, decile="2")
    headers = [{"DESIL": "DESIL_KESEJAHTERAAN", "HUB_KRT": "HUBUNGAN DGN KRT"}.get(h, h) for h in HEADERS]
    response, html, token = _upload(client, rows, headers)
    assert response.status_code == 200 and "Cocokkan kolom" in html, html
    assert "DESIL_KESEJAHTERAAN" in html and "HUBUNGAN DGN KRT" in html
    assert "Mungkin: Desil" in html and "Mungkin: Hubungan dengan kepala keluarga." in html
    assert 'value="decile"' in html and ">decile<" not in html  # labels shown, ids only as values
    relation_col, decile_col = headers.index("HUBUNGAN DGN KRT"), headers.index("DESIL_KESEJAHTERAAN")
    form = {"token": token, "file_name": "dtsen.csv", "extract_date": "2025-09-01", f"col-{decile_col}": "decile"}
    # One column still unanswered: the page comes back with the choice kept, and nothing is imported.
    again = client.post("/registri/impor/petakan", data=form)
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and "Kolom yang tidak dikenali: HUBUNGAN DGN KRT." in html
    assert '<option value="decile" selected>' in html
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    response = client.post("/registri/impor/petakan", data={**form, f"col-{relation_col}": "-"})
    assert response.status_code == 303
    import_id = db.session.scalar(select(RegistryImport.id))
    db.session.rollback()
    wait_for(import_id)
    db.session.rollback()
    assert db.session.get(RegistryImport, import_id).accepted_rows == 3
    from slrt.registry.lookup import household_of
    assert {m.decile for m in household_of(niks[0]).members} == {2}


def test_upload_of_another_districts_file_says_so_and_keeps_the_date(client, login_as, places):
    from tests.registry_helpers import HEADERS
    from tests.test_registry_import import other_district_family
    login_as("admin")
    response, html, _token = _upload(client, other_district_family(places), HEADERS, name="kota.csv")
    assert response.status_code == 422
    assert "bukan data" in html and "Kota Bandung" in html and 'value="2025-09-01"' in html
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0


def test_upload_of_a_numeric_nik_xlsx_says_it_once_before_importing(client, login_as, places, app, tmp_path):
    import re

    from slrt.registry.background import wait_for
    from tests.test_registry_import import numeric_nik_workbook
    login_as("admin")
    path = tmp_path / "ekstrak.xlsx"
    numeric_nik_workbook(places, path)
    response = client.post("/registri/impor/unggah", data={
        "extract": (io.BytesIO(path.read_bytes()), "ekstrak.xlsx"), "extract_date": "2025-09-01"},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Periksa berkas" in html
    assert html.count("format kolom NIK sebagai Teks") == 1
    assert db.session.scalar(select(func.count()).select_from(RegistryImport)) == 0
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)
    assert 'name="acknowledged" type="hidden" value="1"' in html
    response = client.post("/registri/impor/petakan", data={"token": token, "file_name": "ekstrak.xlsx",
                                                             "extract_date": "2025-09-01", "acknowledged": "1"})
    assert response.status_code == 303
    import_id = db.session.scalar(select(RegistryImport.id))
    db.session.rollback()
    wait_for(import_id)
    db.session.rollback()
    row = db.session.get(RegistryImport, import_id)
    assert (row.status, row.accepted_rows, row.rejected_rows) == ("done", 1, 5)
    detail = client.get(f"/registri/impor/{import_id}").get_data(as_text=True)
    assert detail.count("format kolom NIK sebagai Teks") == 1


def test_admin_sees_a_dead_import_at_once_and_cancels_it_which_purges_its_rows(client, login_as, registry, places):
    from slrt.registry import ownership
    from slrt.registry.background import wait_for
    from slrt.registry.importer import start_import
    from slrt.registry.models import RegistryPerson
    from tests.registry_helpers import visible_niks
    row = start_import("b.csv", None, date(2025, 10, 1))
    db.session.commit()
    dead_id = row.id
    handle, _path = ownership._held.pop(dead_id)
    handle.close()  # the process that held the lock is gone (as after a SIGKILL or a worker restart)
    partial = nik(places.kecamatan, date(1999, 9, 9), False, 55)
    db.session.add(RegistryPerson(nik=partial, import_id=dead_id, kk_number=registry["kk"], name="SEBAGIAN",
                                  name_key="SEBAGIAN", region_code=places.desa))
    db.session.commit()
    login_as("admin")
    history = client.get("/registri/impor").get_data(as_text=True)
    assert "Terhenti: proses impor sudah mati" in history
    detail = client.get(f"/registri/impor/{dead_id}").get_data(as_text=True)
    assert "Batalkan impor" in detail and "hx-trigger" not in detail  # no polling of a dead import
    response = client.post(f"/registri/impor/{dead_id}/batalkan")
    assert response.status_code == 303
    wait_for(dead_id)
    db.session.rollback()
    cancelled = db.session.get(RegistryImport, dead_id)
    assert cancelled.status == "failed" and "Dibatalkan oleh administrator" in cancelled.error
    assert db.session.scalar(select(func.count()).select_from(RegistryPerson)
                             .where(RegistryPerson.import_id == dead_id)) == 0
    assert visible_niks() == set(registry["niks"])
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "registry.import_cancel"))
    assert audit.object_id == str(dead_id) and audit.user_id is not None and "gone" in audit.note
    again = client.post(f"/registri/impor/{dead_id}/batalkan", follow_redirects=True)
    assert "sudah tidak berjalan" in again.get_data(as_text=True)
    client.post("/keluar")
    login_as("supervisor")
    assert "Batalkan impor" not in client.get(f"/registri/impor/{dead_id}").get_data(as_text=True)


def test_proposal_pages_through_http(client, login_as, places, make_user):
    login_as("facilitator")
    response = client.post("/registri/usulan/baru", data={
        "kind": "usulan", "nik": nik(places.kecamatan, date(1975, 2, 3)), "name": "Ujang Sopandi",
        "desa": places.desa, "reason": "Rumah tidak layak"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    url = f"/registri/usulan/{proposal.id}"
    assert client.post(url + "/kunjungan", data={"visit_date": "2025-09-02", "notes": "Lantai tanah"}).status_code == 303
    response = client.post("/registri/musdes/baru", data={
        "desa": places.desa, "meeting_date": "2025-09-10", "attendees": "Asep, Kepala Desa", "attendance_count": "12"})
    assert response.status_code == 303
    meeting_url = response.headers["Location"]
    assert client.post(meeting_url + "/keputusan", data={
        "items-0-proposal_id": str(proposal.id), "items-0-decision": "agreed"}).status_code == 303
    response = client.post(meeting_url + "/unggah", data={"minutes": (io.BytesIO(b"%PDF-1.4 notulen"), "notulen.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.DELIBERATED
    assert client.get(meeting_url + "/notulen").data == b"%PDF-1.4 notulen"
    # a step out of order: the page again (422, not a 500) with the message and the notes as typed
    again = client.post(url + "/kunjungan", data={"visit_date": "2025-09-02", "notes": "Dinding bambu lapuk"})
    page = again.get_data(as_text=True)
    assert again.status_code == 422 and "tidak dapat diproses" in page and "Dinding bambu lapuk" in page
    listing = client.get("/registri/usulan?status=deliberated", headers={"HX-Request": "true"})
    assert is_fragment(listing) and "Ujang Sopandi" in listing.get_data(as_text=True)
    assert not is_fragment(client.get("/registri/usulan"))


def test_the_case_page_audits_the_registry_household_it_shows(client, login_as, registry, make_case):
    """The case page's registry panel shows the household; its audit row must be committed with the page."""
    case = make_case(nik=registry["niks"][1], name="EUIS MARLINA")
    case_id = case.id
    login_as("back_office")
    page = client.get(f"/kasus/{case_id}").get_data(as_text=True)
    assert "ASEP SURYANA" in page
    db.session.rollback()  # read what was committed, not this session's own rows
    assert db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "registry.view")) == 1


