"""Letters take their signer (name, title, NIP), the place line and the letterhead's address and phone from the
district settings; the administrator is prompted on every page until the letterhead and signer are complete."""
from __future__ import annotations

import pytest

from slrt.admin import settings
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import referral_in


@pytest.fixture
def approved(app, make_user, make_case):
    officer = make_user("back_office", username="bo")
    signer = make_user("supervisor", username="manajer")
    signer.full_name, signer.nip = "Drs. Agus Setiawan (Manajer SLRT)", "19800101 200501 1 001"
    db.session.commit()
    return officer, signer


def _letter(app, make_case, officer, signer, client):
    referral = referral_in(ReferralStatus.APPROVED, make_case(), officer, signer)
    return client.get(f"/rujukan/{referral.id}/surat").get_data(as_text=True)


def test_the_letter_is_signed_as_the_settings_say_at_the_capital_town(app, approved, make_case, client, login_as):
    officer, signer = approved
    for key, value in {"letter_signer_name": "Dra. Hj. Euis Komariah, M.Si.", "letter_signer_title": "Kepala Dinas Sosial",
                       "letter_signer_nip": "19700202 199503 2 002", "letter_place": "Soreang",
                       "letterhead_lines": "PEMERINTAH KABUPATEN BANDUNG\nDINAS SOSIAL",
                       "letterhead_address": "Jl. Raya Soreang No. 17", "letterhead_phone": "022-5891234"}.items():
        settings.put(key, value, None)
    db.session.commit()
    login_as("back_office")
    letter = _letter(app, make_case, officer, signer, client)
    assert "Dra. Hj. Euis Komariah, M.Si." in letter and "NIP 19700202 199503 2 002" in letter
    assert "Kepala Dinas Sosial" in letter
    assert "(Manajer SLRT)" not in letter and "Drs. Agus Setiawan" not in letter
    assert "Soreang, " in letter and "Kabupaten Bandung, " not in letter
    assert "Jl. Raya Soreang No. 17 · Telp. 022-5891234" in letter


def test_without_a_place_setting_the_guess_is_the_district_name_without_its_kind(app):
    assert settings.default_place("Kabupaten Bandung") == "Bandung"
    assert settings.default_place("Kota Bandung") == "Bandung"
    assert settings.default_place("Kota Administrasi Jakarta Selatan") == "Jakarta Selatan"
    assert settings.place() == "Bandung"  # TestConfig: Kabupaten Bandung


def test_the_settings_page_prefills_the_place_and_saves_the_letterhead(app, client, login_as):
    login_as("admin")
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert 'name="letter_place"' in page and 'value="Bandung"' in page
    assert 'name="letterhead_address"' in page and 'name="letterhead_phone"' in page
    form = {name: settings.get(name) for name in ("signoff_days", "response_days", "autoclose_days", "objection_days",
                                                  "signoff_role", "letter_pattern", "retention_case_months",
                                                  "retention_attachment_months", "retention_audit_months",
                                                  "retention_registry_months")}
    bad = client.post("/admin/pengaturan", data={**form, "letterhead_phone": "telp <b>"})
    assert bad.status_code == 422 and "Nomor telepon hanya berisi angka" in bad.get_data(as_text=True)
    response = client.post("/admin/pengaturan", data={**form, "letter_place": "Soreang",
                                                      "letterhead_address": "Jl. Raya Soreang No. 17",
                                                      "letterhead_phone": "022-5891234"})
    assert response.status_code == 303
    assert settings.get("letter_place") == "Soreang" and settings.get("letterhead_phone") == "022-5891234"


def test_the_administrator_is_prompted_until_the_letterhead_is_complete(app, client, login_as, make_user):
    admin = login_as("admin")
    # (the administrator's home says it once, in its attention list: tests/test_shell_home.py)
    page = client.get("/admin/daftar/program").get_data(as_text=True)
    assert 'data-prompt="letterhead"' in page
    assert "alamat kantor, telepon kantor, logo, nama penanda tangan surat belum diisi" in page
    for key, value in {"letterhead_address": "Jl. Raya Soreang No. 17", "letterhead_phone": "022-5891234",
                       "letterhead_logo": "logo-" + "a" * 32 + ".png", "letter_signer_name": "Dra. Euis"}.items():
        settings.put(key, value, admin)
        db.session.commit()
        shown = 'data-prompt="letterhead"' in client.get("/admin/pengaturan").get_data(as_text=True)
        assert shown == (key != "letter_signer_name"), key  # until the last one is filled
    other = app.test_client()
    from tests.conftest import log_in
    clerk = make_user("front_office")
    log_in(other, clerk.username)
    settings.put("letterhead_phone", "", admin)
    db.session.commit()
    assert 'data-prompt="letterhead"' not in other.get("/kasus/hari-ini").get_data(as_text=True)
