"""CSRF stays on here: every POST needs the token (form field, or the header htmx sends from base.html)."""
from __future__ import annotations

import json
import re

import pytest

from slrt.extensions import db
from tests.conftest import PASSWORD, VALID_NIK, csrf_token_from


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def header_token(html: bytes) -> str:
    match = re.search(rb"hx-headers='([^']+)'", html)
    assert match, "base.html carries no hx-headers"
    return json.loads(match.group(1))["X-CSRFToken"]


def logged_in(csrf_app, make_user, role="front_office"):
    user = make_user(role)
    username = user.username
    # End the test's read transaction: this app has its own connections, and on SQLite a transaction
    # that read before another connection wrote cannot write afterwards.
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/masuk").data)
    response = client.post("/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return client, user


def assert_indonesian_refusal(response):
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "kedaluwarsa" in html
    assert '<html lang="id"' in html


def test_login_without_token_is_refused_in_indonesian(csrf_app, make_user):
    user = make_user("front_office")
    client = csrf_app.test_client()
    client.get("/masuk")
    response = client.post("/masuk", data={"username": user.username, "password": PASSWORD})
    assert_indonesian_refusal(response)
    assert client.get("/kasus/").status_code == 302  # not logged in


def test_login_with_the_form_token_works(csrf_app, make_user):
    client, _ = logged_in(csrf_app, make_user)
    assert client.get("/kasus/").status_code == 200


def test_a_token_from_another_session_is_refused(csrf_app, make_user):
    user = make_user("front_office")
    other = csrf_app.test_client()
    token = csrf_token_from(other.get("/masuk").data)
    client = csrf_app.test_client()
    client.get("/masuk")
    response = client.post("/masuk", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert_indonesian_refusal(response)


def test_htmx_post_with_the_header_from_the_page_works(csrf_app, make_user):
    client, _ = logged_in(csrf_app, make_user)
    token = header_token(client.get("/pendaftaran/baru").data)
    refused = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert b"<html" not in refused.data  # the error comes as a fragment to an htmx request
    ok = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK},
                     headers={"HX-Request": "true", "X-CSRFToken": token})
    assert ok.status_code == 200
    assert "NIK sah" in ok.get_data(as_text=True)


def test_intake_form_post_needs_the_token(csrf_app, make_user, places):
    from tests.intake_helpers import intake_data
    client, _ = logged_in(csrf_app, make_user)
    page = client.get("/pendaftaran/baru").data
    data = intake_data(places)
    assert_indonesian_refusal(client.post("/pendaftaran/baru", data=data))
    response = client.post("/pendaftaran/baru", data={**data, "csrf_token": csrf_token_from(page)})
    assert response.status_code == 303


def test_logout_needs_the_token(csrf_app, make_user):
    client, _ = logged_in(csrf_app, make_user)
    page = client.get("/kasus/").data
    assert_indonesian_refusal(client.post("/keluar"))
    assert client.get("/kasus/").status_code == 200  # still logged in: a forged logout does nothing
    response = client.post("/keluar", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 303
    assert client.get("/kasus/").status_code == 302


CROSS_SITE = ({"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
              {"Origin": "https://evil.example"}, {"Origin": "null"})
SAME_SITE = ({}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}, {"Origin": "http://localhost"})


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_language_switch_another_site_sends_is_refused(csrf_app, headers):
    client = csrf_app.test_client()
    assert_indonesian_refusal(client.post("/bahasa", data={"lang": "en", "next": "/status"}, headers=headers))
    assert '<html lang="id"' in client.get("/status").get_data(as_text=True)


@pytest.mark.parametrize("headers", SAME_SITE)
def test_the_language_switch_needs_no_token_from_this_site(csrf_app, headers):
    client = csrf_app.test_client()
    response = client.post("/bahasa", data={"lang": "en", "next": "/status"}, headers=headers)
    assert response.status_code == 303
    assert '<html lang="en"' in client.get("/status").get_data(as_text=True)


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_status_lookup_another_site_sends_is_refused(csrf_app, make_case, headers):
    case = make_case()
    client = csrf_app.test_client()
    assert_indonesian_refusal(client.post("/status", data={"ticket": case.ticket, "birth_date": "1990-12-05"},
                                          headers=headers))


def test_the_status_page_holds_no_token_and_its_form_works_from_this_site(csrf_app, make_case):
    case = make_case()
    client = csrf_app.test_client()
    page = client.get(f"/status?ticket={case.ticket}")
    assert page.status_code == 200 and b"csrf_token" not in page.data and b"X-CSRFToken" not in page.data
    response = client.post("/status", data={"ticket": case.ticket}, headers={"Sec-Fetch-Site": "same-origin",
                                                                              "Origin": "http://localhost"})
    assert response.status_code == 200 and case.ticket in response.get_data(as_text=True)


def test_staff_pages_still_carry_the_token_and_the_login_needs_it(csrf_app, make_user):
    client, _ = logged_in(csrf_app, make_user)
    html = client.get("/kasus/").data
    assert b'name="csrf_token"' in html and header_token(html)
    assert_indonesian_refusal(client.post("/keluar", headers={"Sec-Fetch-Site": "same-origin"}))


def test_take_and_admin_actions_need_the_token(csrf_app, make_user, make_case):
    case_id = make_case().id
    client, _ = logged_in(csrf_app, make_user, "back_office")
    assert client.post(f"/kasus/{case_id}/ambil").status_code == 400
    admin, _ = logged_in(csrf_app, make_user, "admin")
    target = make_user("front_office", username="target")
    assert admin.post(f"/admin/pengguna/{target.id}/aktif").status_code == 400
    assert admin.post(f"/admin/pengguna/{target.id}/reset").status_code == 400
    from slrt.auth.models import User
    db.session.expire_all()
    assert db.session.get(User, target.id).active
    assert not db.session.get(User, target.id).must_change_password


def test_cancelling_a_registry_import_needs_the_token(csrf_app, make_user):
    from slrt.registry.importer import start_import
    from slrt.registry.models import ImportStatus, RegistryImport
    with csrf_app.app_context():
        import_id = start_import("b.csv").id
        db.session.commit()
    admin, _ = logged_in(csrf_app, make_user, "admin")
    assert admin.post(f"/registri/impor/{import_id}/batalkan").status_code == 400
    page = admin.get(f"/registri/impor/{import_id}")
    assert "Batalkan impor" in page.get_data(as_text=True)
    response = admin.post(f"/registri/impor/{import_id}/batalkan", data={"csrf_token": csrf_token_from(page.data)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(RegistryImport, import_id).status == ImportStatus.FAILED
