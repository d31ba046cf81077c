"""API clients: the administrator creates them (token shown once, only its hash kept), revokes them; a token
opens the API only while its client is active and unexpired, within its rate, and each call is audited with
the client's name."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from slrt.api.models import ApiClient, ApiClientStatus
from slrt.api.operations import token_digest
from slrt.audit.models import AuditLog
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.submissions.operations import new_form_id
from tests.api_helpers import bearer, make_client
from tests.conftest import count

PROBLEM = "application/problem+json"


def _new_client_form(places, **overrides):
    data = {"name": "Command Center Kabupaten", "region": places.district, "permissions": ["read_status",
            "read_aggregates"], "agency": "", "expires_on": "2031-01-31", "rate_per_minute": "120",
            "form_id": new_form_id()}
    data.update(overrides)
    return data


def test_the_administrator_creates_a_client_and_sees_its_token_once(client, login_as, places, make_case):
    login_as("admin")
    form = _new_client_form(places)
    response = client.post("/admin/klien-api/baru", data=form)
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    token = re.search(r"<code>(slrt_[A-Za-z0-9_\-]+)</code>", html).group(1)
    stored = db.session.scalar(select(ApiClient))
    assert stored.token_hash == token_digest(token) and token not in stored.token_hash
    assert stored.permission_set == {"read_status", "read_aggregates"}
    assert "Cache-Control" in response.headers and response.headers["Cache-Control"] == "no-store"
    # the token opens the API
    case = make_case()
    assert client.get(f"/api/v1/status/{case.ticket}", headers=bearer(token)).status_code == 200
    # the same form again (a double click): no second client, and the token is not shown again
    again = client.post("/admin/klien-api/baru", data=form)
    assert again.status_code == 303 and count(ApiClient) == 1
    listing = client.get("/admin/klien-api/").get_data(as_text=True)
    assert "Command Center Kabupaten" in listing and token not in listing


def test_a_refused_client_form_says_why_next_to_the_field_and_keeps_what_was_typed(client, login_as, places):
    login_as("admin")
    response = client.post("/admin/klien-api/baru", data=_new_client_form(places, permissions=[]))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Pilih sedikitnya satu izin." in html and 'value="Command Center Kabupaten"' in html
    response = client.post("/admin/klien-api/baru", data=_new_client_form(places, permissions=["answer_referrals"]))
    assert response.status_code == 422
    assert "harus terikat pada satu instansi" in response.get_data(as_text=True)
    assert count(ApiClient) == 0


@pytest.mark.parametrize("role", ["back_office", "supervisor", "front_office", "provincial_officer"])
def test_only_the_administrator_manages_clients(client, login_as, places, role):
    login_as(role)
    assert client.get("/admin/klien-api/").status_code == 403
    assert client.post("/admin/klien-api/baru", data=_new_client_form(places)).status_code == 403


def test_a_revoked_or_expired_token_gets_401_problem_json(client, make_user, places, make_case):
    admin = make_user("admin")
    case = make_case()
    revoked, revoked_token = make_client(admin, region_code=places.district)
    expired, expired_token = make_client(admin, region_code=places.district)
    expired.expires_at = utcnow() - timedelta(seconds=1)  # its day has passed
    db.session.commit()
    url = f"/api/v1/status/{case.ticket}"
    assert client.get(url, headers=bearer(revoked_token)).status_code == 200
    from tests.conftest import log_in
    log_in(client, admin.username)
    confirm = {"form_id": new_form_id()}
    assert client.post(f"/admin/klien-api/{revoked.id}/cabut", data=confirm).status_code == 303
    assert client.post(f"/admin/klien-api/{revoked.id}/cabut", data={"form_id": new_form_id()}).status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiClient, revoked.id).status == ApiClientStatus.REVOKED
    assert count(AuditLog, AuditLog.action == "api_client.revoke") == 1  # the second revoke changed nothing
    for token in (revoked_token, expired_token, "slrt_not-a-token", ""):
        response = client.get(url, headers=bearer(token))
        assert response.status_code == 401 and response.mimetype == PROBLEM
        assert response.get_json()["detail"].startswith("Token tidak ada, tidak sah")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cookie_does_not_open_the_api(client, login_as, make_case):
    login_as("back_office")
    case = make_case()
    assert client.get(f"/api/v1/status/{case.ticket}").status_code == 401


def test_a_client_calls_only_what_it_was_given(client, make_user, places):
    admin = make_user("admin")
    _client, token = make_client(admin, permissions=("read_status",), region_code=places.district)
    response = client.get("/api/v1/aggregates", headers=bearer(token))
    assert response.status_code == 403 and response.mimetype == PROBLEM
    response = client.post("/api/v1/registry/status", json={"nik": "3204054512900001"}, headers=bearer(token))
    assert response.status_code == 403


def test_each_client_has_its_own_rate_limit_in_the_shared_throttle_storage(make_app, make_user, places, make_case):
    admin = make_user("admin")
    case = make_case()
    slow, slow_token = make_client(admin, region_code=places.district, rate_per_minute=3)
    _fast, fast_token = make_client(admin, region_code=places.district, rate_per_minute=100)
    url = f"/api/v1/status/{case.ticket}"
    # two apps over one database stand for two gunicorn workers: the limit holds across them
    first, second = make_app().test_client(), make_app().test_client()
    answers = [c.get(url, headers=bearer(slow_token)).status_code for c in (first, second, first, second)]
    assert answers == [200, 200, 200, 429]
    limited = second.get(url, headers=bearer(slow_token))
    assert limited.mimetype == PROBLEM and "3 panggilan per menit" in limited.get_json()["detail"]
    assert first.get(url, headers=bearer(fast_token)).status_code == 200


def test_every_call_is_audited_with_the_clients_name(client, make_user, places, make_case):
    admin = make_user("admin")
    case = make_case()
    api_client, token = make_client(admin, name="Sistem RSUD", region_code=places.district)
    client.get(f"/api/v1/status/{case.ticket}", headers=bearer(token))
    client.get("/api/v1/status/ZZZZZZZZ", headers=bearer(token))
    client.get("/api/v1/aggregates", headers=bearer(token))  # refused (403): audited too
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "api.call").order_by(AuditLog.id)).all()
    assert [r.note for r in rows] == [
        f"Sistem RSUD: GET /api/v1/status/{case.ticket} -> 200", "Sistem RSUD: GET /api/v1/status/ZZZZZZZZ -> 404",
        "Sistem RSUD: GET /api/v1/aggregates -> 403"]
    assert {r.user_id for r in rows} == {api_client.user_id}
    assert api_client.user.full_name == "Klien API: Sistem RSUD"


def test_the_service_account_cannot_log_in_nor_be_enabled_in_the_user_pages(client, make_user, places):
    admin = make_user("admin")
    api_client, _token = make_client(admin, region_code=places.district)
    from tests.conftest import log_in
    assert log_in(client, api_client.user.username, "!").status_code != 303
    assert not api_client.user.active
    log_in(client, admin.username)
    assert api_client.user.username not in client.get("/admin/pengguna").get_data(as_text=True)
    assert client.get(f"/admin/pengguna/{api_client.user_id}").status_code == 404
