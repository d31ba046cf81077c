"""The second factor (TOTP): enrolment with a QR code, the login's second step, recovery codes, reuse,
throttling, turning it off, the district's requirement for administrators and supervisors, the admin's reset."""
from __future__ import annotations

import re
import time

import pyotp
import pytest

from slrt.admin import settings
from slrt.audit.models import AuditLog
from slrt.auth import two_factor
from slrt.auth.models import RecoveryCode, User
from slrt.extensions import db
from tests.auth_helpers import is_login_redirect
from tests.conftest import PASSWORD, count, log_in

ENROL = "/akun/verifikasi-dua-langkah/aktifkan"
SECURITY = "/akun/verifikasi-dua-langkah"
STEP2 = "/masuk/kode"


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enrol(client) -> tuple[str, list[str]]:
    """Enrol the logged-in client's user as a person would: read the secret off the page, type a code."""
    page = client.get(ENROL).get_data(as_text=True)
    secret = re.search(r'class="totp-secret"><code>([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    done = client.post(ENROL, data={"code": code_at(secret, -1)})  # the previous step: later ones stay usable
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.get_data(as_text=True))
    return secret, codes


def audits(action: str) -> int:
    return count(AuditLog, AuditLog.action == action)


@pytest.fixture
def enrolled(app, make_user):
    """A back-office user with the second factor on; returns (user, secret, recovery codes)."""
    user = make_user("back_office", username="siti")
    client = app.test_client()
    assert log_in(client, "siti").status_code == 303
    secret, codes = enrol(client)
    return user, secret, codes


def test_enrolment_shows_a_qr_and_the_secret_and_needs_a_first_code(app, make_user):
    user = make_user("back_office", username="siti")
    client = app.test_client()
    log_in(client, "siti")
    page = client.get(ENROL)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<img class="totp-qr" src="data:image/svg\+xml', html)
    assert "<script>" not in html  # nothing inline (CSP)
    secret = re.search(r'class="totp-secret"><code>([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    # the same secret on reload, so a QR already scanned stays good
    assert secret in client.get(ENROL).get_data(as_text=True).replace(" ", "")
    wrong = client.post(ENROL, data={"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "Kode salah" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_factor_enabled

    done = client.post(ENROL, data={"code": code_at(secret)})
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert done.headers["Cache-Control"] == "no-store"
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.two_factor_enabled
    assert secret not in user.totp_secret and two_factor.decrypt_secret(user.totp_secret) == secret
    hashes = set(db.session.scalars(db.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert len(hashes) == 10 and not hashes & set(codes)
    assert audits("auth.2fa_enable") == 1
    assert secret not in " ".join(db.session.scalars(db.select(AuditLog.note)))


def test_a_right_password_alone_does_not_log_in(app, enrolled):
    user, secret, _codes = enrolled
    client = app.test_client()
    first = log_in(client, "siti")
    assert first.status_code == 303 and first.headers["Location"].endswith(STEP2)
    assert is_login_redirect(client.get("/kasus/"))  # half-way in is not logged in
    assert client.get(STEP2).status_code == 200
    wrong = client.post(STEP2, data={"code": "123456" if code_at(secret, 1) != "123456" else "654321"})
    assert wrong.status_code == 401
    assert audits("auth.2fa_failed") == 1
    assert is_login_redirect(client.get("/kasus/"))
    right = client.post(STEP2, data={"code": code_at(secret, 1)})
    assert right.status_code == 303
    assert client.get("/kasus/").status_code == 200
    assert audits("auth.login") == 2  # the enrolling login and this one; none at the password step


def test_the_second_step_goes_back_to_the_page_asked_for(app, enrolled):
    _user, secret, _codes = enrolled
    client = app.test_client()
    client.post("/masuk?next=/kasus/", data={"username": "siti", "password": PASSWORD})
    assert client.post(STEP2, data={"code": code_at(secret, 1)}).headers["Location"].endswith("/kasus/")


def test_a_code_is_refused_the_second_time(app, enrolled):
    _user, secret, _codes = enrolled
    code = code_at(secret, 1)
    first = app.test_client()
    log_in(first, "siti")
    assert first.post(STEP2, data={"code": code}).status_code == 303
    second = app.test_client()
    log_in(second, "siti")
    assert second.post(STEP2, data={"code": code}).status_code == 401


def test_a_recovery_code_works_once(app, enrolled):
    _user, _secret, codes = enrolled
    first = app.test_client()
    log_in(first, "siti")
    response = first.post(STEP2, data={"code": codes[0].upper().replace("-", " ")}, follow_redirects=True)
    assert "Sisa kode pemulihan: 9" in response.get_data(as_text=True)
    assert audits("auth.recovery_code_used") == 1
    again = app.test_client()
    log_in(again, "siti")
    assert again.post(STEP2, data={"code": codes[0]}).status_code == 401


def test_wrong_codes_are_throttled_per_account(app, enrolled):
    _user, secret, _codes = enrolled
    client = app.test_client()
    log_in(client, "siti")
    for _ in range(5):
        assert client.post(STEP2, data={"code": "abcde-fghjk"}).status_code == 401
    # the right code, and a fresh password login from elsewhere, no longer help
    assert client.post(STEP2, data={"code": code_at(secret, 1)}).status_code == 429
    other = app.test_client()
    log_in(other, "siti", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.post(STEP2, data={"code": code_at(secret, 1)},
                      environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 429


def test_the_second_step_without_a_right_password_goes_to_the_login(app, enrolled):
    client = app.test_client()
    assert client.get(STEP2).headers["Location"].endswith("/masuk")
    log_in(client, "siti", "wrong-password-x")
    assert client.post(STEP2, data={"code": "123456"}).headers["Location"].endswith("/masuk")


def test_turning_it_off_needs_the_password_and_a_code(app, enrolled):
    user, secret, codes = enrolled
    client = app.test_client()
    log_in(client, "siti")
    client.post(STEP2, data={"code": code_at(secret, 1)})
    no_password = client.post(SECURITY + "/matikan", data={"off-password": "wrong-password-x",
                                                            "off-code": code_at(secret, 0)})
    assert no_password.status_code == 422 and "Kata sandi salah" in no_password.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).two_factor_enabled
    # the login used this window's last code: an older one is refused, a recovery code does it
    stale = client.post(SECURITY + "/matikan", data={"off-password": PASSWORD, "off-code": code_at(secret, 0)})
    assert stale.status_code == 422
    ok = client.post(SECURITY + "/matikan", data={"off-password": PASSWORD, "off-code": codes[0]})
    assert ok.status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_factor_enabled
    assert count(RecoveryCode, RecoveryCode.user_id == user.id) == 0
    assert audits("auth.2fa_disable") == 1
    assert log_in(app.test_client(), "siti").headers["Location"].endswith("/")  # password alone again


def test_new_recovery_codes_replace_the_old(app, enrolled):
    _user, secret, old = enrolled
    client = app.test_client()
    log_in(client, "siti")
    client.post(STEP2, data={"code": code_at(secret, 1)})
    response = client.post(SECURITY + "/kode-pemulihan", data={"codes-code": old[1]})
    new = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    other = app.test_client()
    log_in(other, "siti")
    assert other.post(STEP2, data={"code": old[2]}).status_code == 401
    assert other.post(STEP2, data={"code": new[0]}).status_code == 303


@pytest.mark.parametrize("role, forced", [("admin", True), ("supervisor", True), ("back_office", False)])
def test_the_district_can_require_it_of_administrators_and_supervisors(app, make_user, role, forced):
    admin = make_user("admin", username="kepala")
    settings.put("two_factor_required", "1", admin)
    db.session.commit()
    make_user(role, username="orang")
    client = app.test_client()
    assert log_in(client, "orang").status_code == 303
    response = client.get("/kasus/")
    if forced:
        assert response.status_code == 302 and response.headers["Location"].endswith(ENROL)
        assert "mewajibkan" in client.get(ENROL).get_data(as_text=True)
        enrol(client)
        assert client.get("/kasus/").status_code == 200
    else:
        assert response.status_code == 200


def test_a_required_second_factor_cannot_be_turned_off(app, make_user):
    admin = make_user("admin", username="kepala")
    client = app.test_client()
    log_in(client, "kepala")
    secret, _codes = enrol(client)
    settings.put("two_factor_required", "1", admin)
    db.session.commit()
    response = client.post(SECURITY + "/matikan", data={"off-password": PASSWORD, "off-code": code_at(secret, 1)})
    assert response.status_code == 422
    assert "tidak dapat dimatikan" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).two_factor_enabled


def test_the_settings_page_turns_the_requirement_on(app, make_user):
    from tests.test_admin_district import settings_data
    make_user("admin", username="kepala")
    client = app.test_client()
    log_in(client, "kepala")
    assert 'name="two_factor_required"' in client.get("/admin/pengaturan").get_data(as_text=True)
    assert client.post("/admin/pengaturan", data=settings_data(two_factor_required="y")).status_code == 303
    assert settings.get("two_factor_required") == "1"
    assert count(AuditLog, AuditLog.action == "setting.update", AuditLog.note.contains("two_factor_required=1")) == 1


def test_the_administrator_resets_a_lost_second_factor(app, enrolled, make_user):
    user, secret, _codes = enrolled
    holder = app.test_client()
    log_in(holder, "siti")
    holder.post(STEP2, data={"code": code_at(secret, 1)})
    make_user("admin", username="kepala")
    admin = app.test_client()
    log_in(admin, "kepala")
    assert "Reset 2FA" in admin.get("/admin/pengguna").get_data(as_text=True)
    assert admin.post(f"/admin/pengguna/{user.id}/reset-2fa").status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_factor_enabled
    assert count(RecoveryCode, RecoveryCode.user_id == user.id) == 0
    assert count(AuditLog, AuditLog.action == "user.reset_2fa", AuditLog.object_id == str(user.id)) == 1
    assert is_login_redirect(holder.get("/kasus/"))  # the user's sessions ended


@pytest.mark.parametrize("role", ["supervisor", "back_office", "front_office"])
def test_only_the_administrator_resets_a_second_factor(app, enrolled, make_user, role):
    user, _secret, _codes = enrolled
    make_user(role, username="lain")
    client = app.test_client()
    log_in(client, "lain")
    assert client.post(f"/admin/pengguna/{user.id}/reset-2fa").status_code == 403
    db.session.expire_all()
    assert db.session.get(User, user.id).two_factor_enabled


def test_codes_from_the_step_before_and_after_are_accepted_and_older_ones_not():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    totp = pyotp.TOTP(secret)
    step = now // 30
    assert two_factor.matching_step(secret, totp.at(now), None, now=now) == step
    assert two_factor.matching_step(secret, totp.at(now - 30), None, now=now) == step - 1
    assert two_factor.matching_step(secret, totp.at(now + 30), None, now=now) == step + 1
    assert two_factor.matching_step(secret, totp.at(now - 90), None, now=now) is None
    assert two_factor.matching_step(secret, totp.at(now), step, now=now) is None  # used already


def test_the_secret_is_encrypted_under_its_own_key_when_one_is_set(make_app):
    application = make_app(SLRT_TOTP_KEY="a-separate-totp-key")
    with application.app_context():
        token = two_factor.encrypt_secret("JBSWY3DPEHPK3PXP")
        assert two_factor.decrypt_secret(token) == "JBSWY3DPEHPK3PXP"
    with make_app().app_context():  # under SECRET_KEY the token is unreadable, and no 500
        assert two_factor.decrypt_secret(token) is None
