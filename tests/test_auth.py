"""Logging in and out, throttling, server-side session ends, idle timeout, redirects, security headers."""
from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from slrt.audit.models import AuditLog
from slrt.auth.models import User
from slrt.extensions import db
from tests.auth_helpers import client_for, is_login_redirect
from tests.conftest import HX, PASSWORD, count, log_in


def cookie_of(client) -> str:
    cookie = client.get_cookie("slrt_session")
    assert cookie is not None
    return cookie.value


def replay(app, cookie_value: str):
    """A new client that carries a copy of someone's session cookie."""
    other = app.test_client()
    other.set_cookie("slrt_session", cookie_value)
    return other


# --- logging in and out ------------------------------------------------------------------------------------

def test_login_and_logout(app, make_user):
    user = make_user("back_office", username="siti")
    client = app.test_client()
    assert is_login_redirect(client.get("/kasus/"))
    response = log_in(client, "  SITI ")  # forgiving of case and spaces around the name
    assert response.status_code == 303
    assert client.get("/kasus/").status_code == 200
    assert count(AuditLog, AuditLog.action == "auth.login", AuditLog.user_id == user.id) == 1
    response = client.post("/keluar")
    assert response.status_code == 303 and response.headers["Location"].endswith("/masuk")
    assert is_login_redirect(client.get("/kasus/"))


def test_wrong_password_and_unknown_user_get_the_same_answer(app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    wrong = log_in(client, "siti", "not-the-password")
    unknown = log_in(client, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    message = "Nama pengguna atau kata sandi salah"
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    assert count(AuditLog, AuditLog.action == "auth.login_failed") == 2


def test_disabled_account_cannot_log_in(app, make_user):
    user = make_user("back_office", username="siti")
    user.active = False
    db.session.commit()
    assert log_in(app.test_client(), "siti").status_code == 401


def test_passwords_are_stored_as_argon2id_hashes(app, make_user):
    user = make_user("back_office")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


# --- throttling --------------------------------------------------------------------------------------------

def test_five_failures_lock_the_account_from_that_address_even_with_the_right_password(app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, "siti", "wrong-password-x").status_code == 401
    locked = log_in(client, "siti")
    assert locked.status_code == 429
    html = locked.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in html
    assert 'value="siti"' in html  # what was typed stays in the form
    # another account from the same address is not locked
    make_user("back_office", username="budi")
    assert log_in(client, "budi").status_code == 303


def test_a_stranger_cannot_lock_a_clerk_out_of_their_own_desk(app, make_user):
    """The account+address pair is throttled first: guesses from elsewhere do not lock the clerk out."""
    make_user("back_office", username="siti")
    stranger = {"REMOTE_ADDR": "10.9.9.9"}
    for _ in range(6):
        log_in(app.test_client(), "siti", "wrong-password-x", environ_base=stranger)
    assert log_in(app.test_client(), "Siti", environ_base=stranger).status_code == 429
    assert log_in(app.test_client(), "siti", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 303


def test_an_account_has_a_ceiling_over_all_addresses(make_app, make_user):
    app = make_app(SLRT_LOGIN_ACCOUNT_LIMIT="12 per 15 minutes")
    with app.app_context():
        make_user("back_office", username="siti")
        for n in range(12):  # four failures from each of three addresses: under every pair limit
            address = {"REMOTE_ADDR": f"10.7.0.{n % 3}"}
            assert log_in(app.test_client(), "siti", "wrong-password-x", environ_base=address).status_code == 401
        assert log_in(app.test_client(), "siti", environ_base={"REMOTE_ADDR": "10.7.9.9"}).status_code == 429


def test_every_failed_login_path_does_the_same_argon2_work(app, make_user, monkeypatch):
    """Unknown account, disabled account, wrong password: one Argon2 verification each, so the time of the
    answer tells nothing (a disabled account used to answer in 14 ms, the others in 450 ms)."""
    import argon2
    calls = []
    real_verify = argon2.PasswordHasher.verify

    def counting_verify(self, hash, password):
        calls.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting_verify)
    make_user("back_office", username="siti")
    disabled = make_user("back_office", username="budi")
    disabled.active = False
    db.session.commit()
    paths = {"unknown": ("nobody", "wrong-password-x"), "disabled, right password": ("budi", PASSWORD),
             "disabled, wrong password": ("budi", "wrong-password-x"), "wrong password": ("siti", "wrong-x-pw")}
    for path, (username, password) in paths.items():
        calls.clear()
        response = log_in(app.test_client(), username, password)
        assert response.status_code == 401, path
        assert len(calls) == 1 and calls[0].startswith("$argon2id$"), path


def test_successful_logins_are_not_counted(app, make_user):
    make_user("back_office", username="siti")
    for _ in range(7):
        client = app.test_client()
        assert log_in(client, "siti").status_code == 303


def test_one_address_trying_many_accounts_is_throttled(app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    for n in range(30):
        assert log_in(client, f"guess{n}", "wrong-password-x").status_code == 401
    assert log_in(client, "siti").status_code == 429
    other_address = app.test_client()
    assert log_in(other_address, "siti", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 303


# --- sessions end on the server ----------------------------------------------------------------------------

def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, make_user):
    client, _ = client_for(app, make_user, "back_office")
    copied = cookie_of(client)
    assert replay(app, copied).get("/kasus/").status_code == 200
    client.post("/keluar")
    assert is_login_redirect(replay(app, copied).get("/kasus/"))


def test_logout_ends_the_other_sessions_of_the_account(app, make_user):
    user = make_user("back_office", username="siti")
    desk, tablet = app.test_client(), app.test_client()
    log_in(desk, "siti"), log_in(tablet, "siti")
    desk.post("/keluar")
    assert is_login_redirect(tablet.get("/kasus/"))
    assert user is not None


def test_disabling_an_account_ends_its_sessions_at_once(app, make_user):
    staff, user = client_for(app, make_user, "back_office")
    assert staff.get("/kasus/").status_code == 200
    admin, _ = client_for(app, make_user, "admin")
    assert admin.post(f"/admin/pengguna/{user.id}/aktif").status_code == 303
    assert is_login_redirect(staff.get("/kasus/"))
    assert log_in(app.test_client(), user.username).status_code == 401


def test_admin_cannot_disable_their_own_account(app, make_user):
    admin, me = client_for(app, make_user, "admin")
    refused = admin.post(f"/admin/pengguna/{me.id}/aktif")
    assert refused.status_code == 422 and 'class="errors form-errors"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, me.id).active
    assert admin.get("/admin/pengguna").status_code == 200


def test_password_reset_ends_sessions_and_forces_a_new_password(app, make_user):
    staff, user = client_for(app, make_user, "back_office")
    admin, _ = client_for(app, make_user, "admin")
    page = admin.post(f"/admin/pengguna/{user.id}/reset")
    assert page.status_code == 200
    one_time = re.search(r'class="password-once"><code>([a-z2-9]{12})</code>', page.get_data(as_text=True))
    assert one_time, page.get_data(as_text=True)[-1500:]
    one_time = one_time.group(1)
    assert is_login_redirect(staff.get("/kasus/"))
    assert log_in(staff, user.username).status_code == 401  # the old password is gone

    assert log_in(staff, user.username, one_time).status_code == 303
    for url in ("/kasus/", "/", "/pendaftaran/baru"):
        response = staff.get(url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/akun/kata-sandi"), url
    short = staff.post("/akun/kata-sandi", data={"current_password": one_time, "password": "short",
                                                 "confirm": "short"})
    assert "minimal 10 karakter" in short.get_data(as_text=True)
    changed = staff.post("/akun/kata-sandi", data={"current_password": one_time, "password": "a-new-secret-99",
                                                   "confirm": "a-new-secret-99"})
    assert changed.status_code == 303
    assert staff.get("/kasus/").status_code == 200  # the session that changed it goes on
    assert log_in(app.test_client(), user.username, "a-new-secret-99").status_code == 303


def test_idle_session_expires_and_activity_keeps_it_alive(make_app, make_user):
    # (the cookie's timestamp has whole seconds: a 2 s lifetime leaves room for a slow machine)
    short = make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=2))
    make_user("back_office", username="siti")
    db.session.commit()
    client = short.test_client()
    assert log_in(client, "siti").status_code == 303
    for _ in range(5):  # 2.5 s of steady work: each request slides the expiry
        time.sleep(0.5)
        assert client.get("/kasus/").status_code == 200
    time.sleep(3.2)
    assert is_login_redirect(client.get("/kasus/"))


# --- redirects after login and language switch -------------------------------------------------------------

EVIL = ["//evil.example", "https://evil.example/x", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
        "http:/evil.example", "javascript:alert(1)", " //evil.example", "/%0a/evil.example".replace("%0a", "\n")]


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_site(app, make_user, target):
    make_user("back_office", username="siti")
    response = app.test_client().post("/masuk", query_string={"next": target},
                                      data={"username": "siti", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_login_goes_back_to_the_page_asked_for(app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    asked = client.get("/kasus/?status=closed")
    assert is_login_redirect(asked)
    response = client.post(asked.headers["Location"], data={"username": "siti", "password": PASSWORD})
    assert response.headers["Location"] == "/kasus/?status=closed"


@pytest.mark.parametrize("target", EVIL)
def test_language_switch_never_redirects_off_site(app, target):
    """(Off-site targets are refused; so is a POST-only page like the one-time password.)"""
    response = app.test_client().post("/bahasa", data={"lang": "en", "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/status"


def test_language_switch_after_a_post_only_page_goes_home(app, make_user):
    client, _ = client_for(app, make_user, "admin")
    response = client.post("/bahasa", data={"lang": "en", "next": "/admin/pengguna/1/reset"})
    assert response.headers["Location"] == "/"
    back = client.post("/bahasa", data={"lang": "id", "next": "/kasus/?status=closed"})
    assert back.headers["Location"] == "/kasus/?status=closed"


# --- security headers --------------------------------------------------------------------------------------

def assert_secure_headers(response, cacheable=False):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert headers.get("X-Content-Type-Options") == "nosniff"
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")
    assert headers.get("X-Frame-Options") == "DENY"
    if not cacheable:
        assert "no-store" in headers.get("Cache-Control", "")


def test_security_headers_everywhere(app, make_user, make_case):
    case = make_case()
    client, _ = client_for(app, make_user, "front_office")
    responses = {
        "page": client.get("/kasus/"),
        "fragment": client.get("/kasus/?status=", headers=HX),
        "widget": client.get("/pendaftaran/baris-anggota", headers=HX),
        "receipt": client.get(f"/kasus/{case.id}/tanda-terima"),
        "403": client.get("/admin/audit"),
        "404": client.get("/kasus/999999"),
        "405": client.get("/keluar"),
        "json": client.get("/healthz"),
        "public": app.test_client().get("/status"),
        "login": app.test_client().get("/masuk"),
        "redirect": app.test_client().get("/kasus/"),
    }
    for name, response in responses.items():
        assert_secure_headers(response), name
    assert responses["json"].is_json
    static = app.test_client().get("/static/css/slrt.css")
    assert static.status_code == 200
    assert_secure_headers(static, cacheable=True)


def test_security_headers_on_throttled_and_csrf_answers(app, make_app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    for _ in range(5):
        log_in(client, "siti", "wrong-password-x")
    throttled = log_in(client, "siti")
    assert throttled.status_code == 429
    assert_secure_headers(throttled)
    csrf = make_app(WTF_CSRF_ENABLED=True).test_client().post("/masuk", data={"username": "siti"})
    assert csrf.status_code == 400
    assert_secure_headers(csrf)


def test_no_inline_script_or_style_in_pages(app, make_user, make_case):
    case = make_case()
    client, _ = client_for(app, make_user, "front_office")
    for url in ("/kasus/", "/pendaftaran/baru", f"/kasus/{case.id}", f"/kasus/{case.id}/tanda-terima", "/status"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html and " onclick=" not in html, url


def test_language_chosen_before_login_survives_login_and_logout(app, make_user):
    make_user("back_office", username="siti")
    client = app.test_client()
    client.post("/bahasa", data={"lang": "en", "next": "/masuk"})
    log_in(client, "siti")
    assert '<html lang="en"' in client.get("/kasus/").get_data(as_text=True)
    client.post("/keluar")
    assert '<html lang="en"' in client.get("/masuk").get_data(as_text=True)


def test_changing_ones_password_ends_the_other_sessions(app, make_user):
    make_user("back_office", username="siti")
    desk, tablet = app.test_client(), app.test_client()
    log_in(desk, "siti"), log_in(tablet, "siti")
    response = desk.post("/akun/kata-sandi", data={"current_password": PASSWORD, "password": "another-secret-1",
                                                   "confirm": "another-secret-1"})
    assert response.status_code == 303
    assert desk.get("/kasus/").status_code == 200
    assert is_login_redirect(tablet.get("/kasus/"))


def test_wrong_current_password_changes_nothing(app, make_user):
    client, user = client_for(app, make_user, "back_office")
    response = client.post("/akun/kata-sandi", data={"current_password": "not-it-at-all", "password": "x" * 12,
                                                     "confirm": "x" * 12})
    assert "Kata sandi lama salah" in response.get_data(as_text=True)
    assert log_in(app.test_client(), user.username).status_code == 303
