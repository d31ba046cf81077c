"""The district's settings page (deadlines, sign-off role, letter numbers, letterhead, logo) and its lists."""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from slrt.admin import settings
from slrt.admin.letter_numbers import format_letter_number, pattern_errors
from slrt.admin.models import Agency, ComplaintCategory, DocumentType, Programme, Setting
from slrt.audit.models import AuditLog
from slrt.extensions import db
from tests.conftest import is_fragment

ROLES = ["front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator",
         "admin", "provincial_officer"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>\n'


def settings_data(**overrides):
    data = {"signoff_days": "3", "response_days": "5", "autoclose_days": "10", "objection_days": "10",
            "signoff_role": "supervisor", "letter_pattern": "460/{seq:04d}/SLRT/{month_roman}/{year}",
            "letter_signer_name": "Drs. H. Asep Sukmana, M.Si.", "letter_signer_nip": "19700101 199503 1 002",
            "letter_signer_title": "Kepala Dinas Sosial",
            "letterhead_lines": "PEMERINTAH KABUPATEN BANDUNG\nDINAS SOSIAL\nJl. Raya Soreang Km. 17"}
    data.update(overrides)
    return data


# Letter numbers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, seq, day, expected", [
    ("460/{seq:04d}/SLRT/{month_roman}/{year}", 7, date(2026, 11, 22), "460/0007/SLRT/XI/2026"),
    ("{seq}/Dinsos/{month}/{year}", 12, date(2026, 3, 2), "12/Dinsos/03/2026"),
    ("400.9/{seq:04d}/{year}", 12345, date(2027, 1, 4), "400.9/12345/2027"),
])
def test_format_letter_number(pattern, seq, day, expected):
    assert pattern_errors(pattern) == []
    assert format_letter_number(pattern, seq, day) == expected


@pytest.mark.parametrize("pattern, message", [
    ("", "wajib diisi"),
    ("460/{seq}/SLRT", "harus memuat {year}"),
    ("460/SLRT/{year}", "nomor urut"),
    ("460/{seq}/{tahun}/{year}", "{tahun} tidak dikenal"),
    ("{seq.__class__}/{year}", "tidak dikenal"),
    ("{seq:05d}/{year}", "{seq:05d} tidak dikenal"),
    ("{seq}/{year}}", "tidak berpasangan"),
    ("{seq}/" + "X" * 60 + "/{year}", "terlalu panjang"),
])
def test_invalid_patterns(pattern, message):
    assert any(message in str(e) for e in pattern_errors(pattern)), [str(e) for e in pattern_errors(pattern)]


# Access -------------------------------------------------------------------------------------------------

ADMIN_GETS = ["/admin/pengaturan", "/admin/pengaturan/pratinjau-nomor?letter_pattern=%7Bseq%7D%2F%7Byear%7D",
              "/admin/daftar/", "/admin/daftar/program", "/admin/daftar/kategori-pengaduan",
              "/admin/daftar/jenis-dokumen", "/admin/daftar/instansi/baru"]


def test_district_pages_need_login(client):
    for url in ADMIN_GETS + ["/admin/logo"]:
        assert client.get(url).status_code == 302, url
    assert client.post("/admin/pengaturan", data=settings_data()).status_code == 302
    assert client.post("/admin/daftar/instansi/baru", data={"code": "X", "name": "X"}).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_district_pages_only_for_admin(client, login_as, role, app, tmp_path):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    name = "logo-" + "a" * 32 + ".png"
    (tmp_path / name).write_bytes(PNG)
    db.session.add(Setting(region_code="32.04", key="letterhead_logo", value=name))
    db.session.commit()
    login_as(role)
    allowed = role == "admin"
    for url in ADMIN_GETS:
        assert client.get(url).status_code == (200 if allowed else 403), url
    agency = db.session.scalar(db.select(Agency).where(Agency.code == "DINKES"))
    assert client.get(f"/admin/daftar/instansi/{agency.id}").status_code == (200 if allowed else 403)
    posts = [
        ("/admin/pengaturan", settings_data(signoff_days="4")),
        ("/admin/daftar/instansi/baru", {"code": "LBH", "name": "LBH Bandung"}),
        (f"/admin/daftar/instansi/{agency.id}", {"code": "DINKES", "name": "Dinkes Kab. Bandung"}),
        (f"/admin/daftar/instansi/{agency.id}/aktif", {}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == (303 if allowed else 403), url
    db.session.expire_all()
    assert settings.get_int("signoff_days") == (4 if allowed else 3)
    assert (db.session.scalar(db.select(Agency).where(Agency.code == "LBH")) is not None) == allowed
    assert agency.active is (not allowed)
    # The logo is for every signed-in user (letters are printed by several roles).
    logo = client.get("/admin/logo")
    assert logo.status_code == 200 and logo.data == PNG


# Settings -----------------------------------------------------------------------------------------------

def test_admin_changes_settings_audited_once_per_change(client, login_as, app):
    admin = login_as("admin")
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert 'value="460/{seq:04d}/SLRT/{month_roman}/{year}"' in page
    assert "Nomor surat berikutnya:" in page and f"460/0001/SLRT/" in page
    response = client.post("/admin/pengaturan", data=settings_data(response_days="7", signoff_role="back_office"))
    assert response.status_code == 303
    assert settings.get_int("response_days") == 7 and settings.get("signoff_role") == "back_office"
    assert settings.get("letter_signer_nip") == "19700101 199503 1 002"
    assert settings.get("letterhead_lines").startswith("PEMERINTAH KABUPATEN BANDUNG\n")
    audits = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "setting.update")).all()
    keys = {a.note.split()[1].split("=")[0] for a in audits}
    assert keys == {"response_days", "signoff_role", "letter_signer_name", "letter_signer_nip",
                    "letterhead_lines"}  # unchanged values (pattern, other days, title) are not rewritten
    assert all(a.user_id == admin.id for a in audits)
    # Saving the same values again writes nothing.
    client.post("/admin/pengaturan", data=settings_data(response_days="7", signoff_role="back_office"))
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "setting.update")) == len(audits)


@pytest.mark.parametrize("overrides, message", [
    ({"letter_pattern": "460/{seq}/SLRT"}, "harus memuat {year}"),
    ({"letter_pattern": "{nomor}/{year}"}, "{nomor} tidak dikenal"),
    ({"signoff_days": "0"}, "antara 1 dan 90"),
    ({"response_days": "lima"}, "Harus berupa bilangan bulat"),
    ({"signoff_role": "agency_liaison"}, "Pilihan tidak sah"),
    ({"letter_signer_nip": "1970"}, "18 angka"),
    ({"letterhead_lines": "1\n2\n3\n4\n5\n6\n7"}, "paling banyak 6 baris"),
])
def test_invalid_settings_rerender_with_what_was_typed(client, login_as, overrides, message):
    login_as("admin")
    response = client.post("/admin/pengaturan", data=settings_data(**overrides))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and message in text
    assert "Drs. H. Asep Sukmana" in text  # what was typed stays
    assert db.session.scalar(db.select(db.func.count()).select_from(Setting)) == 0


def test_the_office_hours_are_a_district_setting_empty_meaning_the_servers(app, client, login_as):
    app.config["SLRT_OFFICE_HOURS"] = "Senin-Jumat 08.00-15.00"
    login_as("admin")
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert 'name="office_hours"' in page and "Jam layanan bawaan server: Senin-Jumat 08.00-15.00" in page
    assert settings.office_hours() == "Senin-Jumat 08.00-15.00"
    typed = "Senin-Kamis  07.30-16.00,\nJumat 07.30-11.00 "
    assert client.post("/admin/pengaturan", data=settings_data(office_hours=typed)).status_code == 303
    assert settings.get("office_hours") == "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00"  # one line for WhatsApp
    assert settings.office_hours() == "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00"
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditLog).where(
        AuditLog.action == "setting.update", AuditLog.note.like("% office_hours=%"))) == 1
    assert 'value="Senin-Kamis 07.30-16.00, Jumat 07.30-11.00"' in client.get("/admin/pengaturan").get_data(
        as_text=True)
    # Too long: a clear message, what was typed stays, nothing changes.
    too_long = "Senin-Jumat 08.00-15.00 <b>kecuali</b> " + "hari libur nasional dan cuti bersama " * 3
    refused = client.post("/admin/pengaturan", data=settings_data(office_hours=too_long))
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Jam layanan paling panjang 120 karakter" in text
    assert "&lt;b&gt;kecuali&lt;/b&gt;" in text and "<b>kecuali" not in text
    assert settings.get("office_hours") == "Senin-Kamis 07.30-16.00, Jumat 07.30-11.00"
    # Emptied: the server's hours again.
    assert client.post("/admin/pengaturan", data=settings_data(office_hours="")).status_code == 303
    assert settings.get("office_hours") == "" and settings.office_hours() == "Senin-Jumat 08.00-15.00"


def test_letter_preview_htmx_fragment_and_full_page(client, login_as):
    login_as("admin")
    url = "/admin/pengaturan/pratinjau-nomor?letter_pattern=400%2F%7Bseq%3A04d%7D%2F%7Bmonth%7D%2F%7Byear%7D"
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert is_fragment(fragment) and "400/0001/" in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    full = client.get(url)
    assert not is_fragment(full) and "400/0001/" in full.get_data(as_text=True)
    bad = client.get("/admin/pengaturan/pratinjau-nomor?letter_pattern=%7Bseq%7D", headers={"HX-Request": "true"})
    assert "harus memuat {year}" in bad.get_data(as_text=True)


def test_preview_counts_from_the_last_letter_of_the_year(client, login_as, make_case, app):
    from slrt.core.time import local_today
    from slrt.referrals.models import Referral
    case = make_case()
    agency = db.session.scalar(db.select(Agency).where(Agency.code == "DINKES"))
    year = local_today().year
    db.session.add(Referral(case_id=case.id, agency_id=agency.id, drafted_by_id=case.created_by_id,
                            district_code="32.04", letter_year=year, letter_seq=41, status="approved"))
    db.session.commit()
    login_as("admin")
    text = client.get("/admin/pengaturan/pratinjau-nomor?letter_pattern=%7Bseq%7D%2F%7Byear%7D",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f"42/{year}" in text


# The logo -----------------------------------------------------------------------------------------------

def _upload(client, content: bytes, filename: str, **overrides):
    data = settings_data(**overrides)
    data["logo"] = (io.BytesIO(content), filename)
    return client.post("/admin/pengaturan", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("content, filename, mimetype", [
    (PNG, "logo.png", "image/png"),
    (JPEG, "logo.PNG", "image/jpeg"),          # judged by content, not by name
    (SVG, "logo-kabupaten", "image/svg+xml"),
])
def test_logo_upload_is_stored_under_a_random_name_and_served_to_signed_in_users(
        make_app, client, login_as, tmp_path, content, filename, mimetype, app):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    login_as("admin")
    response = _upload(client, content, filename)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    name = settings.get("letterhead_logo")
    assert name.startswith("logo-") and filename not in name
    assert (tmp_path / name).read_bytes() == content
    served = client.get("/admin/logo")
    assert served.status_code == 200 and served.mimetype == mimetype and served.data == content
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert db.session.scalar(db.select(AuditLog).where(AuditLog.action == "setting.update",
                                                       AuditLog.note.contains("letterhead_logo")))
    client.post("/keluar")
    login_as("agency_liaison")
    assert client.get("/admin/logo").status_code == 200


@pytest.mark.parametrize("content, filename, message", [
    (b"GIF89a" + b"\x00" * 20, "logo.png", "PNG, JPEG atau SVG"),
    (b"%PDF-1.7 ...", "logo.svg", "PNG, JPEG atau SVG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg", "skrip"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="x()"></svg>', "logo.svg", "skrip"),
    (PNG + b"\x00" * 600_000, "logo.png", "terlalu besar"),
])
def test_bad_logos_are_refused(client, login_as, tmp_path, app, content, filename, message):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    login_as("admin")
    response = _upload(client, content, filename)
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and message in text
    assert settings.get("letterhead_logo") == "" and list(Path(tmp_path).iterdir()) == []


def test_replacing_and_removing_the_logo_deletes_the_old_file(client, login_as, tmp_path, app):
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    login_as("admin")
    _upload(client, PNG, "a.png")
    first = settings.get("letterhead_logo")
    _upload(client, SVG, "b.svg")
    second = settings.get("letterhead_logo")
    assert first != second and [p.name for p in tmp_path.iterdir()] == [second]
    assert 'alt="Logo kop surat saat ini"' in client.get("/admin/pengaturan").get_data(as_text=True)
    client.post("/admin/pengaturan", data=settings_data(remove_logo="y"))
    assert settings.get("letterhead_logo") == "" and list(tmp_path.iterdir()) == []
    assert client.get("/admin/logo").status_code == 404


# The lists ----------------------------------------------------------------------------------------------

KIND_MODELS = [("instansi", Agency), ("program", Programme), ("kategori-pengaduan", ComplaintCategory),
               ("jenis-dokumen", DocumentType)]


@pytest.mark.parametrize("slug, model", KIND_MODELS)
def test_add_edit_deactivate_each_list(client, login_as, slug, model):
    admin = login_as("admin")
    data = {"code": "baru-1", "name": "Entri baru", "sort_order": "5", "address": "Jl. Baru 1"}
    if model is Programme:
        data["agency_id"] = str(db.session.scalar(db.select(Agency.id).where(Agency.code == "DINKES")))
    assert client.post(f"/admin/daftar/{slug}/baru", data=data).status_code == 303
    item = db.session.scalar(db.select(model).where(model.code == "BARU-1"))  # codes are kept in capitals
    assert item is not None and item.active
    listing = client.get(f"/admin/daftar/{slug}", follow_redirects=True).get_data(as_text=True)
    assert "Entri baru" in listing and "BARU-1" in listing

    edit = dict(data, code="GANTI", name="Entri diubah")
    assert client.post(f"/admin/daftar/{slug}/{item.id}", data=edit).status_code == 303
    db.session.expire_all()
    assert (item.code, item.name) == ("BARU-1", "Entri diubah")  # the code never changes

    assert client.post(f"/admin/daftar/{slug}/{item.id}/aktif").status_code == 303
    db.session.expire_all()
    assert item.active is False
    assert client.post(f"/admin/daftar/{slug}/{item.id}/aktif").status_code == 303
    db.session.expire_all()
    assert item.active is True
    name = {Agency: "agency", Programme: "programme", ComplaintCategory: "complaint_category",
            DocumentType: "document_type"}[model]
    actions = [a.action for a in db.session.scalars(db.select(AuditLog).where(AuditLog.action.startswith(name + "."))
                                                    .order_by(AuditLog.id))]
    assert actions == [f"{name}.create", f"{name}.update", f"{name}.deactivate", f"{name}.activate"]
    assert all(a.user_id == admin.id for a in db.session.scalars(
        db.select(AuditLog).where(AuditLog.action.startswith(name + "."))))


@pytest.mark.parametrize("slug, existing", [("instansi", "DINKES"), ("program", "PKH"),
                                            ("kategori-pengaduan", "LAINNYA"), ("jenis-dokumen", "KTP")])
def test_duplicate_code_gets_a_clear_message_and_keeps_the_input(client, login_as, slug, existing):
    login_as("admin")
    response = client.post(f"/admin/daftar/{slug}/baru",
                           data={"code": existing.lower(), "name": "Nama ketikan saya", "agency_id": ""})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Kode {existing} sudah dipakai oleh" in text and "Pilih kode lain." in text
    assert 'value="Nama ketikan saya"' in text


def test_list_form_messages_are_indonesian(client, login_as):
    login_as("admin")
    text = client.post("/admin/daftar/program/baru", data={"code": "ada spasi", "name": "", "sort_order": "x"}) \
        .get_data(as_text=True)
    assert "tanpa spasi" in text and "Nama wajib diisi." in text and "Harus berupa bilangan bulat." in text
    assert 'value="ADA SPASI"' in text


def test_deactivated_entries_leave_the_intake_form_but_stay_on_cases(client, login_as, make_case):
    case = make_case()
    category = case.complaints[0].category
    login_as("admin")
    client.post(f"/admin/daftar/kategori-pengaduan/{category.id}/aktif")
    db.session.expire_all()
    assert category.active is False and case.complaints[0].category_id == category.id
    client.post("/keluar")
    login_as("front_office")
    form = client.get("/pendaftaran/baru").get_data(as_text=True)
    assert category.name not in form


def test_unknown_list_or_item_is_404(client, login_as):
    login_as("admin")
    assert client.get("/admin/daftar/rahasia").status_code == 404
    assert client.get("/admin/daftar/instansi/999999").status_code == 404
    assert client.post("/admin/daftar/program/999999/aktif").status_code == 404
