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
        ("GET", "/registri/usulan", None, PROPOSAL_LIST),
        ("GET", "/registri/usulan/baru", None, INTAKE),
        ("GET", f"/registri/usulan/{pid}", None, PROPOSAL_LIST),
        ("POST", f"/registri/usulan/{pid}/kunjungan", {"visit_date": "2025-09-01", "notes": "ok"},
         {"puskesos_operator", "facilitator", "back_office"}),
        ("POST", f"/registri/usulan/{pid}/musdes", {}, {"puskesos_operator", "facilitator", "back_office"}),
        ("POST", f"/registri/usulan/{pid}/putuskan", {"decision": "approve"}, {"supervisor"}),
        ("GET", f"/registri/usulan/{pid}/notulen", None, PROPOSAL_LIST),
        ("GET", "/registri/usulan/ekspor-siks-ng.csv", None, {"supervisor", "admin"}),
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
    html = client.post("/registri/cari", data={"q": registry["niks"][0]}).get_data(as_text=True)
    assert "di luar wilayah kerja Anda" in html and "ASEP" not in html


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


def test_proposal_pages_through_http(client, login_as, places, make_user):
    login_as("facilitator")
    response = client.post("/registri/usulan/baru", data={
        "kind": "usulan", "nik": nik(places.kecamatan, date(1975, 2, 3)), "name": "Ujang Sopandi",
        "desa": places.desa, "reason": "Rumah tidak layak"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    url = f"/registri/usulan/{proposal.id}"
    assert client.post(url + "/kunjungan", data={"visit_date": "2025-09-02", "notes": "Lantai tanah"}).status_code == 303
    response = client.post(url + "/musdes", data={"meeting_date": "2025-09-10",
                                                  "minutes": (io.BytesIO(b"%PDF-1.4 notulen"), "notulen.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.get(Proposal, proposal.id).status == ProposalStatus.DELIBERATED
    assert client.get(url + "/notulen").data == b"%PDF-1.4 notulen"
    # an illegal move is a flash, not a 500
    again = client.post(url + "/kunjungan", data={"visit_date": "2025-09-02", "notes": "x"}, follow_redirects=True)
    assert again.status_code == 200 and "tidak dapat diproses" in again.get_data(as_text=True)
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
