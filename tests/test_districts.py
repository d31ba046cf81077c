"""Several districts in one database: each keeps its own people, lists, settings and letter numbers, its
administrators manage only their own, and a single-district database becomes the first district intact."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from slrt.admin import settings
from slrt.admin.models import Agency, Programme
from slrt.auth.models import User
from slrt.extensions import db
from slrt.regions.districts import working_in
from tests.api_helpers import bearer, make_client
from tests.conftest import PASSWORD, VALID_NIK, log_in


@pytest.fixture
def second(app, places):
    """District B (Kota Bandung) hosted next to the configured district A, with its own lists and admin."""
    from slrt.auth.passwords import hash_password
    from slrt.regions.models import District
    result = app.test_cli_runner().invoke(args=["district", "add", places.other_district, "Kota Bandung",
                                                "--admin", "adminb", "--admin-name", "Admin Kota"])
    assert result.exit_code == 0 and "one-time password" in result.output, result.output
    admin = _user("adminb")
    admin.password_hash, admin.must_change_password = hash_password(PASSWORD), False  # log in without the change
    db.session.commit()
    return db.session.get(District, places.other_district)


def _as(client, user) -> None:
    client.post("/keluar")
    assert log_in(client, user.username).status_code == 303


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_a_clerk_of_another_district_sees_none_of_its_people_or_cases(app, client, make_case, make_user, second,
                                                                        places):
    case = make_case()
    clerk_b = make_user("front_office", region_code=places.other_district)
    _as(client, clerk_b)
    found = client.post("/cari", data={"q": VALID_NIK}).get_data(as_text=True)
    assert case.ticket not in found and "Ani Suryani" not in found
    assert case.ticket not in client.get("/kasus/").get_data(as_text=True)
    assert client.get(f"/kasus/{case.id}").status_code in (403, 404)
    assert client.get(f"/warga/{case.person_id}").status_code == 404
    # Nor does another system connected to district B.
    app.config["SLRT_API_SETTLE_SECONDS"] = 0
    _c, token = make_client(_user("adminb"), permissions=("read_status",), region_code=places.other_district)
    assert client.get(f"/api/v1/status/{case.ticket}", headers=bearer(token)).status_code == 404
    assert client.get("/api/v1/cases/changes", headers=bearer(token)).get_json()["items"] == []


def test_lists_and_settings_are_each_districts_own(client, make_user, second, places):
    admin_a = make_user("admin")
    _as(client, admin_a)
    agency = str(db.session.scalar(select(Agency.id).where(Agency.code == "DINSOS")))
    assert client.post("/admin/daftar/program/baru", data={"code": "bedah", "name": "Bedah rumah Kabupaten",
                                                           "sort_order": "1", "agency_id": agency}).status_code == 303
    assert client.post("/admin/pengaturan", data={
        "signoff_days": "3", "response_days": "9", "autoclose_days": "10", "objection_days": "10",
        "signoff_role": "supervisor", "letter_pattern": "460/{seq:04d}/A/{year}", "letter_signer_name": "",
        "letter_signer_nip": "", "letter_signer_title": "Kepala Dinas Sosial",
        "letterhead_lines": ""}).status_code == 303

    _as(client, _user("adminb"))
    # The same code is free in district B; its entry is B's alone.
    assert client.post("/admin/daftar/program/baru", data={"code": "BEDAH", "name": "Bedah rumah Kota",
                                                           "sort_order": "1", "agency_id": ""}).status_code == 303
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert "460/{seq:04d}/A/{year}" not in page

    _as(client, make_user("front_office", region_code=places.other_district))
    intake = client.get("/pendaftaran/baru").get_data(as_text=True)
    assert "Bedah rumah Kota" in intake and "Bedah rumah Kabupaten" not in intake
    assert "SLRT Dinas Sosial Kota Bandung" in intake  # the office that speaks for district B
    with working_in(places.other_district):
        assert settings.get_int("response_days") == 5
        assert db.session.scalar(select(Programme.name).where(Programme.code == "BEDAH")) == "Bedah rumah Kota"
    with working_in(places.district):
        assert settings.get_int("response_days") == 9
        assert db.session.scalar(select(Programme.name).where(Programme.code == "BEDAH")) == "Bedah rumah Kabupaten"
        assert db.session.scalar(select(Programme.district_code).where(Programme.code == "BEDAH")) == places.district


def test_letter_numbers_are_counted_per_district(app, second, places):
    from slrt.referrals.operations import next_letter_seq
    assert [next_letter_seq(places.district, 2026), next_letter_seq(places.district, 2026),
            next_letter_seq(places.other_district, 2026)] == [1, 2, 1]


def test_an_administrator_cannot_touch_another_districts_lists_or_users(client, make_user, second, places):
    with working_in(places.other_district):
        programme_b = db.session.scalar(select(Programme).where(Programme.code == "PKH"))
    clerk_b = make_user("front_office", region_code=places.other_district)
    _as(client, make_user("admin"))
    assert programme_b.district_code == places.other_district
    assert client.get(f"/admin/daftar/program/{programme_b.id}").status_code == 404
    assert client.post(f"/admin/daftar/program/{programme_b.id}/aktif").status_code == 404
    assert client.get(f"/admin/pengguna/{clerk_b.id}").status_code == 404
    listing = client.get("/admin/pengguna").get_data(as_text=True)
    assert clerk_b.username not in listing and "adminb" not in listing
    refused = client.post("/admin/pengguna/baru", data={"username": "intruder", "full_name": "Penyusup",
                                                       "role": "front_office", "region_code": places.other_district})
    assert refused.status_code in (200, 422) and _user("intruder") is None


def test_a_single_district_database_becomes_the_first_district(make_app, tmp_path):
    from flask_migrate import upgrade
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}", SLRT_REGION_CODE="32.04")
    with app.app_context():
        upgrade(revision="0023")
        db.session.execute(text("INSERT INTO agencies (code, name, address, active) VALUES "
                                "('DINSOS', 'Dinas Sosial', '', 1)"))
        db.session.execute(text("INSERT INTO programmes (code, name, agency_id, active, sort_order) VALUES "
                                "('PKH', 'PKH', 1, 1, 0), ('PIP', 'PIP', 1, 1, 1)"))
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT code, district_code FROM programmes ORDER BY code")).all()
        assert [tuple(r) for r in rows] == [("PIP", "32.04"), ("PKH", "32.04")]
        assert db.session.execute(text("SELECT district_code FROM agencies")).scalar() == "32.04"
        assert db.session.execute(text("SELECT code FROM districts")).scalars().all() == ["32.04"]


def test_the_provincial_officer_sees_each_hosted_district_side_by_side(client, make_case, make_user, second,
                                                                        places, login_as):
    make_case()
    make_case(clerk=make_user("front_office", region_code=places.other_district), nik="3273014101900002",
              region_code=places.other_district_desa, birth_date=date(1990, 1, 1))
    make_case(nik="3204050101800003", birth_date=date(1980, 1, 1), sex="L")
    login_as("provincial_officer")
    page = client.get("/perencanaan/").get_data(as_text=True)
    section = page.split('id="districts"')[1].split("</section>")[0]
    rows = {row.split("</small>")[0].split('"muted">')[-1]: row for row in section.split('<th scope="row">')[1:]}
    assert set(rows) == {places.district, places.other_district}
    assert 'data-label="Kasus">2<' in rows[places.district] and 'data-label="Kasus">1<' in rows[places.other_district]
    assert "Ani Suryani" not in page and VALID_NIK not in page  # counts only
    # The province's page of monthly figures lists the hosted districts counted live, beside the sent files;
    # each district's figures (and the file it would send) count its own cases only.
    from slrt.core.time import local_today
    from slrt.rollup import aggregate
    month = f"{local_today():%Y-%m}"
    figures = client.get("/provinsi/kiriman/", query_string={"bulan": month}).get_data(as_text=True)
    table = figures.split("<tbody>")[1].split("</tbody>")[0]
    assert table.count("Di server ini (langsung)") == 2
    assert f"({places.district})</td><td class=\"num\">2</td>" in table
    assert f"({places.other_district})</td><td class=\"num\">1</td>" in table
    assert aggregate.totals(aggregate.month_counts(month, places.district))["cases_registered"] == 2


def test_a_deactivated_district_stays_in_the_provinces_monthly_figures(client, make_case, make_user, second, places,
                                                                       login_as):
    """Before, deactivating district B dropped its row from the province's side-by-side monthly figures while
    its cases were still in the database: the rows no longer added up. Now B stays, marked as no longer active
    (as on the planning page), with its own figures."""
    from slrt.core.time import local_today
    make_case()
    make_case(clerk=make_user("front_office", region_code=places.other_district), nik="3273014101900002",
              region_code=places.other_district_desa, birth_date=date(1990, 1, 1))
    second.active = False
    db.session.commit()
    login_as("provincial_officer")
    figures = client.get("/provinsi/kiriman/", query_string={"bulan": f"{local_today():%Y-%m}"})
    table = figures.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    rows = {row.split("</td>")[0]: row for row in table.split("<tr><td>")[1:]}
    inactive = f"Kota Bandung ({places.other_district}) <small class=\"muted\">tidak aktif lagi</small>"
    assert set(rows) == {f"Kabupaten Bandung ({places.district})", inactive}, rows.keys()
    assert rows[inactive].split("</td>")[1] == '<td class="num">1'
    assert rows[f"Kabupaten Bandung ({places.district})"].split("</td>")[1] == '<td class="num">1'


def test_another_district_imports_its_own_extract_and_sees_only_its_own_history(client, second, places,
                                                                                tmp_path):
    """Registry imports are per district: B's administrator uploads B's extract, which is imported as B's,
    and the import list shows B's imports only, never the configured district's."""
    import io
    import re

    from slrt.registry.background import wait_for
    from slrt.registry.models import ImportStatus, RegistryImport
    from tests.registry_helpers import HEADERS, family, import_file, write_csv
    from tests.test_registry_import import other_district_family
    ours, _ = import_file(write_csv(tmp_path / "a.csv", family(places)[0]))
    _as(client, _user("adminb"))
    assert client.get("/registri/impor/unggah").status_code == 200
    text = ";".join(HEADERS) + "\n" + "\n".join(";".join(r) for r in other_district_family(places))
    response = client.post("/registri/impor/unggah", data={
        "extract": (io.BytesIO(text.encode()), "kota.csv"), "extract_date": "2025-09-01"},
        content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    theirs = int(re.search(r"/impor/(\d+)", response.headers["Location"]).group(1))
    wait_for(theirs)
    db.session.expire_all()
    row = db.session.get(RegistryImport, theirs)
    assert (row.status, row.district_code, row.accepted_rows, row.compared_with_id) == \
        (ImportStatus.DONE, places.other_district, 3, None)  # B's first import: nothing of A's to compare with
    listing = client.get("/registri/impor").get_data(as_text=True)
    assert f"/registri/impor/{theirs}" in listing and f"/registri/impor/{ours}" not in listing
    assert "Impor DTSEN" in client.get("/").get_data(as_text=True)

