"""The provincial administrator's page of hosted districts: counts side by side, adding a district with its first
administrator (the one-time password shown once), editing one, and choosing the district they work in."""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.regions.models import District
from tests.conftest import VALID_NIK, count, log_in
from tests.test_districts import _as, _user, second  # noqa: F401  (the fixture of a second hosted district)

NEW = "32.01"  # Kabupaten Bogor: a known kabupaten, not hosted in the tests


@pytest.fixture
def province_admin(make_user, places):
    return make_user("admin", region_code=places.district[:2], username="adminprov")


def new_district(**overrides):
    data = {"code": NEW, "name": "Kabupaten Bogor", "office_name": "SLRT Dinsos Bogor",
            "public_host": "slrt.bogorkab.go.id", "whatsapp_number": "6281100001111",
            "whatsapp_number_id": "301000000000001",
            "admin_username": "adminbogor", "admin_name": "Admin Bogor"}
    data.update(overrides)
    return data


def edit_data(district, **overrides):
    data = {"name": district.name, "office_name": district.office_name or "", "public_host": district.public_host or "",
            "whatsapp_number": district.whatsapp_number or "", "whatsapp_number_id": district.whatsapp_number_id or "",
            "active": "y" if district.active else ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value != "" or key != "active"}


# Who ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "front_office", "back_office", "supervisor", "provincial_officer"])
def test_only_the_provincial_administrator_manages_districts(client, login_as, role, second, places):
    login_as(role)  # a district's own administrator too
    for url in ("/admin/kabupaten", "/admin/kabupaten/baru", f"/admin/kabupaten/{places.other_district}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/admin/kabupaten/baru", data=new_district()).status_code == 403
    assert client.post("/admin/kabupaten/pilih", data={"code": places.other_district}).status_code == 403
    assert client.post(f"/admin/kabupaten/{places.other_district}",
                       data=edit_data(second, name="Diubah")).status_code == 403
    assert db.session.get(District, NEW) is None
    assert 'href="/admin/kabupaten"' not in client.get("/").get_data(as_text=True)


def test_the_page_counts_each_hosted_district_side_by_side(client, province_admin, make_case, make_user, second,
                                                            places):
    make_case()
    make_case(nik="3204050101800003", birth_date=date(1980, 1, 1), sex="L")
    make_case(clerk=make_user("front_office", region_code=places.other_district), nik="3273014101900002",
              region_code=places.other_district_desa, birth_date=date(1990, 1, 1))
    _as(client, province_admin)
    assert 'href="/admin/kabupaten"' in client.get("/").get_data(as_text=True)  # in the admin menu
    page = client.get("/admin/kabupaten").get_data(as_text=True)
    rows = {code: page.split(f'data-district="{code}"')[1].split("</tr>")[0]
            for code in (places.district, places.other_district)}
    a, b = rows[places.district], rows[places.other_district]
    assert 'data-label="Kasus terbuka">2<' in a and 'data-label="Kasus bulan ini">2<' in a
    assert 'data-label="Kasus terbuka">1<' in b and 'data-label="Kasus bulan ini">1<' in b
    # Users: B has its administrator and its clerk; A has the factory clerk (the province admin is nobody's).
    assert 'data-label="Pengguna aktif">2<' in b and 'data-label="Pengguna aktif">1<' in a
    assert "Ani Suryani" not in page and VALID_NIK not in page  # counts only


def test_the_page_shows_each_districts_whatsapp_number_and_its_id_escaped(client, province_admin, second, places):
    """The Cloud API number id the district's notices leave from, on the list as on the edit form ("—" if none)."""
    second.whatsapp_number, second.whatsapp_number_id = "6281100002222", "200000000000002"
    db.session.commit()
    _as(client, province_admin)
    page = client.get("/admin/kabupaten").get_data(as_text=True)

    def cell(code):
        row = page.split(f'data-district="{code}"')[1].split("</tr>")[0]
        return row.split('data-label="WhatsApp">')[1].split("</td>")[0]
    assert "6281100002222" in cell(places.other_district)
    assert "ID nomor: 200000000000002" in cell(places.other_district)
    assert cell(places.district) == '—<br><small class="muted">ID nomor: —</small>'  # the configured one: none set
    # A value that reached the row by another way than the form is still shown as text.
    second.whatsapp_number_id = '<b hx-get="/x">1</b>'
    db.session.commit()
    page = client.get("/admin/kabupaten").get_data(as_text=True)
    assert "ID nomor: &lt;b hx-get=&#34;/x&#34;&gt;1&lt;/b&gt;" in cell(places.other_district)
    assert '<b hx-get' not in page


def test_the_counts_take_one_query_each_however_many_districts(app, second, places):
    from sqlalchemy import event

    from slrt.regions.queries import counts_by_district
    statements = []

    def seen(*args):
        statements.append(args[2])
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        counts_by_district(places.district[:2], date.today())
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert len(statements) == 3


# Adding ---------------------------------------------------------------------------------------------------

def test_adding_a_district_shows_its_administrators_password_once(app, client, province_admin):
    _as(client, province_admin)
    form_id = uuid.uuid4().hex
    response = client.post("/admin/kabupaten/baru", data={**new_district(), "form_id": form_id})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    password = page.split('class="password-once"><code>')[1].split("</code>")[0]
    assert len(password) >= 8 and "hanya ditampilkan sekali" in page and "serahkan" in page
    district = db.session.get(District, NEW)
    assert (district.name, district.office_name, district.public_host, district.whatsapp_number,
            district.whatsapp_number_id) == (
        "Kabupaten Bogor", "SLRT Dinsos Bogor", "slrt.bogorkab.go.id", "6281100001111", "301000000000001")
    admin = _user("adminbogor")
    assert admin.region_code == NEW and admin.role == "admin" and admin.must_change_password
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "district.add"))
    assert row.user_id == province_admin.id and password not in row.note
    with client.session_transaction() as stored:  # nor in a flash kept in the session cookie
        assert password not in repr(dict(stored))
    # The same form sent again: nothing added twice, and the password is not shown again.
    again = client.post("/admin/kabupaten/baru", data={**new_district(), "form_id": form_id})
    assert again.status_code == 303 and again.headers["Location"].endswith("/admin/kabupaten")
    assert password not in client.get("/admin/kabupaten").get_data(as_text=True)
    assert count(AuditLog, AuditLog.action == "district.add") == 1
    # The new administrator signs in with it (and must change it).
    client.post("/keluar")
    assert log_in(client, "adminbogor", password).status_code == 303


@pytest.mark.parametrize("overrides, field, message", [
    ({"code": "32.99"}, "code", "bukan kode kabupaten/kota yang dikenal"),
    ({"code": "32.04"}, "code", "sudah ada"),
    ({"code": "33.01"}, "code", "tidak berada di provinsi Anda"),
    ({"code": "3201"}, "code", "Format kode kabupaten/kota"),
    ({"admin_username": "adminb"}, "admin_username", "sudah dipakai"),
    ({"public_host": "slrt.bandung.go.id"}, "public_host", "sudah dipakai oleh kabupaten/kota 32.73"),
    ({"whatsapp_number": "+62 811-0000-2222"}, "whatsapp_number", "sudah dipakai oleh kabupaten/kota 32.73"),
    ({"public_host": "https://slrt.bogorkab.go.id/"}, "public_host", "nama host saja"),
    ({"whatsapp_number": "081100001111"}, "whatsapp_number", "kode negara"),
    ({"whatsapp_number": "62811abc"}, "whatsapp_number", "hanya berisi angka"),
    ({"whatsapp_number_id": "200000000000002"}, "whatsapp_number_id", "sudah dipakai oleh kabupaten/kota 32.73"),
    ({"whatsapp_number_id": "1065-4035"}, "whatsapp_number_id", "hanya berisi angka"),
    ({"whatsapp_number": ""}, "whatsapp_number", "Isi juga nomor WhatsApp"),  # an id without its number
])
def test_adding_is_refused_clearly_keeping_what_was_typed(client, province_admin, second, overrides, field,
                                                         message):
    second.public_host, second.whatsapp_number = "slrt.bandung.go.id", "6281100002222"
    second.whatsapp_number_id = "200000000000002"
    db.session.commit()
    _as(client, province_admin)
    data = new_district(**overrides)
    response = client.post("/admin/kabupaten/baru", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    section = page.split(f'id="field-{field}"')[1].split("</div>")[0]
    assert message in section, section
    assert f'value="{data["name"]}"' in page and f'value="{data["admin_name"]}"' in page
    assert db.session.get(District, NEW) is None and count(AuditLog, AuditLog.action == "district.add") == 1  # B's


# Editing --------------------------------------------------------------------------------------------------

def test_editing_a_district_is_audited_old_to_new_and_a_repeat_changes_once(client, province_admin, second,
                                                                               places):
    _as(client, province_admin)
    form_id = uuid.uuid4().hex
    data = {**edit_data(second, name="Kota Bandung Baru", public_host="SLRT.Bandung.go.id",
                        whatsapp_number="6281100003333", whatsapp_number_id=" 200000000000002 "),
            "form_id": form_id}
    assert client.post(f"/admin/kabupaten/{places.other_district}", data=data).status_code == 303
    assert client.post(f"/admin/kabupaten/{places.other_district}", data=data).status_code == 303
    db.session.expire_all()
    district = db.session.get(District, places.other_district)
    assert (district.name, district.public_host, district.whatsapp_number, district.whatsapp_number_id) == (
        "Kota Bandung Baru", "slrt.bandung.go.id", "6281100003333", "200000000000002")
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "district.update")).all()
    assert len(rows) == 1
    assert "name: Kota Bandung -> Kota Bandung Baru" in rows[0].note
    assert "public_host: None -> slrt.bandung.go.id" in rows[0].note
    assert "whatsapp_number_id: None -> 200000000000002" in rows[0].note
    # Deactivated: no longer offered to work in.
    assert client.post(f"/admin/kabupaten/{places.other_district}",
                       data=edit_data(district, active="")).status_code == 303
    db.session.expire_all()
    assert not db.session.get(District, places.other_district).active
    assert "active: True -> False" in db.session.scalars(select(AuditLog.note).where(
        AuditLog.action == "district.update").order_by(AuditLog.id.desc())).first()


def test_the_configured_district_cannot_be_deactivated(client, province_admin, places):
    _as(client, province_admin)
    district = District(code=places.district, name="Kabupaten Bandung", active=True)  # no row stored yet
    response = client.post(f"/admin/kabupaten/{places.district}", data=edit_data(district, active=""))
    assert response.status_code == 422 and "tidak dapat dinonaktifkan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(District, places.district) is None  # nothing stored
    assert count(AuditLog, AuditLog.action == "district.update") == 0


def test_a_host_used_by_another_district_is_refused_on_edit(client, province_admin, second, places):
    db.session.add(District(code=places.district, name="Kabupaten Bandung", public_host="slrt.bandungkab.go.id"))
    db.session.commit()
    _as(client, province_admin)
    response = client.post(f"/admin/kabupaten/{places.other_district}",
                           data=edit_data(second, public_host="slrt.bandungkab.go.id"))
    assert response.status_code == 422 and "sudah dipakai oleh kabupaten/kota 32.04" in response.get_data(as_text=True)


# Choosing -------------------------------------------------------------------------------------------------

def _settings_response_days(client) -> str:
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    return page.split('name="response_days"')[1].split('value="')[1].split('"')[0]


def test_the_provincial_administrator_works_in_the_district_they_choose(client, province_admin, make_case, second,
                                                                        places):
    from slrt.admin import settings
    settings.put("response_days", "7", None, region_code=places.other_district)
    db.session.commit()
    make_case()
    _as(client, province_admin)
    cases_before = client.get("/kasus/").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert 'data-banner="district"' in home and places.district in home.split('data-banner="district"')[1][:300]
    assert _settings_response_days(client) == "5"

    response = client.post("/admin/kabupaten/pilih", data={"code": places.other_district})
    assert response.status_code == 303
    page = client.get("/admin/kabupaten").get_data(as_text=True)
    assert "Anda bekerja di Kota Bandung (32.73)" in page
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "district.choose"))
    assert row.user_id == province_admin.id and row.note == places.other_district
    assert _settings_response_days(client) == "7"
    # The settings and lists pages now act on B: a new programme is B's.
    assert client.post("/admin/daftar/program/baru", data={"code": "PROVB", "name": "Program pilihan B",
                                                           "sort_order": "1", "agency_id": ""}).status_code == 303
    from slrt.admin.models import Programme
    from slrt.regions.districts import working_in
    with working_in(places.other_district):
        assert db.session.scalar(select(Programme.name).where(Programme.code == "PROVB")) == "Program pilihan B"
    assert db.session.scalar(select(Programme.name).where(Programme.code == "PROVB")) is None  # not A's
    assert "Program pilihan B" in client.get("/admin/daftar/program").get_data(as_text=True)
    # Their access to people and cases does not change with the choice.
    assert client.get("/kasus/").get_data(as_text=True).count("/kasus/") == cases_before.count("/kasus/")


def test_only_hosted_active_districts_of_the_province_can_be_chosen(client, province_admin, second, places):
    second.active = False
    db.session.commit()
    _as(client, province_admin)
    for code in (places.other_district, NEW, "33.01", "32"):
        response = client.post("/admin/kabupaten/pilih", data={"code": code})
        assert response.status_code == 422, code
        assert "tidak dapat dipilih" in response.get_data(as_text=True)
    assert count(AuditLog, AuditLog.action == "district.choose") == 0
    # A choice kept from before the district was deactivated no longer counts.
    with client.session_transaction() as stored:
        stored["slrt_district"] = places.other_district
    assert "Anda bekerja di Kota Bandung" not in client.get("/admin/kabupaten").get_data(as_text=True)


def test_a_district_administrators_choice_in_the_session_is_ignored(client, make_user, second, places):
    from slrt.admin.models import Programme
    _as(client, make_user("admin"))
    with client.session_transaction() as stored:
        stored["slrt_district"] = places.other_district  # tampered
    assert client.post("/admin/daftar/program/baru", data={"code": "TAMPER", "name": "Program sisipan",
                                                           "sort_order": "1", "agency_id": ""}).status_code == 303
    assert db.session.scalar(select(Programme.district_code).where(Programme.code == "TAMPER")) == places.district
    assert 'data-banner="district"' not in client.get("/").get_data(as_text=True)


def test_the_cli_lists_the_new_fields(app, second, places):
    second.public_host, second.whatsapp_number, second.office_name = "slrt.bandung.go.id", "6281100002222", "Kantor B"
    db.session.commit()
    output = app.test_cli_runner().invoke(args=["district", "list"]).output
    line = next(line for line in output.splitlines() if line.startswith(places.other_district))
    assert "Kantor B" in line and "slrt.bandung.go.id" in line and "6281100002222" in line
    result = app.test_cli_runner().invoke(args=["district", "add", NEW, "Kabupaten Bogor", "--admin", "adminbgr",
                                                "--office-name", "SLRT Bogor", "--public-host", "slrt.bogorkab.go.id",
                                                "--whatsapp-number", "6281100004444",
                                                "--whatsapp-number-id", "301000000000004"])
    assert result.exit_code == 0, result.output
    assert "slrt.bogorkab.go.id" in result.output and "one-time password" in result.output
    assert db.session.get(District, NEW).whatsapp_number == "6281100004444"
    assert db.session.get(District, NEW).whatsapp_number_id == "301000000000004"
    assert "301000000000004" in app.test_cli_runner().invoke(args=["district", "list"]).output
    refused = app.test_cli_runner().invoke(args=["district", "add", "32.02", "Kabupaten Sukabumi", "--admin",
                                                 "adminsk", "--public-host", "slrt.bogorkab.go.id"])
    assert refused.exit_code != 0 and "sudah dipakai" in refused.output


def test_the_provincial_administrator_sees_no_citizens_case(client, province_admin, make_case, make_user, places):
    """They host the districts and work in their lists and settings: no case or person of any district."""
    case = make_case()
    _as(client, province_admin)
    assert client.get("/kasus/").status_code == 403
    assert client.get(f"/kasus/{case.id}").status_code == 403
    assert case.ticket not in client.get("/").get_data(as_text=True)
    district_admin = make_user("admin", region_code=places.district, username="admindistrik")
    other = client.application.test_client()
    _as(other, district_admin)
    assert other.get(f"/kasus/{case.id}").status_code == 200  # a district's own administrator still does


@pytest.mark.parametrize("path", ["/rujukan/", "/rujukan/ikhtisar", "/laporan/daftar", "/pelindungan-data/",
                                  "/pelindungan-data/cakupan-kebocoran", "/pelindungan-data/koreksi",
                                  "/admin/pesan-keluar/", "/registri/usulan"])
def test_the_provincial_administrator_opens_no_list_of_citizens(client, province_admin, path):
    _as(client, province_admin)
    assert client.get(path).status_code == 403, path
