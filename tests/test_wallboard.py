"""The command-centre wallboard: counts for a wall, no personal data; opened by a person who sees the
dashboard, or by a wall screen connected with an API client's key (from the link's fragment) until that
client is revoked."""
from __future__ import annotations

import re

from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.api_helpers import make_client
from tests.conftest import HX, csrf_token_from, is_fragment


def _figure(html: str, title: str) -> str:
    match = re.search(rf"<h2>{re.escape(title)}</h2><p class=\"figure\">([^<]+)</p>", html)
    assert match, title
    return match.group(1)


def test_a_read_only_account_sees_the_counts_and_no_personal_data(client, login_as, make_case, make_user):
    from tests.referrals_helpers import referral_in
    officer, signer = make_user("back_office"), make_user("supervisor")
    make_case(name="Ani Suryani")
    referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(name="Budi Santoso"), officer, signer)
    login_as("provincial_officer")
    response = client.get("/pusat-komando/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _figure(html, "Kasus baru hari ini") == "2" and _figure(html, "Menunggu penetapan") == "1"
    assert "Ani" not in html and "Budi" not in html and "3204054512900001" not in html
    assert 'hx-trigger="every 60s"' in html
    refresh = client.get("/pusat-komando/", headers=HX)
    assert is_fragment(refresh) and 'id="board"' in refresh.get_data(as_text=True)


def test_a_role_without_the_dashboard_is_refused(client, login_as):
    login_as("front_office")
    assert client.get("/pusat-komando/").status_code == 403


def _connect(client, key: str):
    page = client.get("/pusat-komando/")
    return client.post("/pusat-komando/sambung", data={"csrf_token": csrf_token_from(page.data), "key": key})


def test_a_wall_screen_connects_with_a_client_key_until_the_client_is_revoked(make_app, make_user, make_case,
                                                                             places):
    app = make_app(WTF_CSRF_ENABLED=True)  # the key travels in a form with its CSRF token
    screen = app.test_client()
    admin = make_user("admin")
    make_case()
    wall, token = make_client(admin, name="Command Center", permissions=("read_aggregates",),
                              region_code=places.district)
    _status_only, other_token = make_client(admin, permissions=("read_status",), region_code=places.district)
    first = screen.get("/pusat-komando/")
    assert "Sambungkan layar pusat komando" in first.get_data(as_text=True) and "figure" not in \
        first.get_data(as_text=True)
    assert screen.post("/pusat-komando/sambung", data={"key": token}).status_code == 400  # no CSRF token
    assert _connect(screen, "slrt_wrong").status_code == 403
    assert _connect(screen, other_token).status_code == 403  # a client that may not read aggregates
    assert _connect(screen, token).status_code == 303
    board = screen.get("/pusat-komando/")
    assert _figure(board.get_data(as_text=True), "Kasus baru hari ini") == "1"
    assert token not in board.get_data(as_text=True)
    connected = db.session.scalar(select(AuditLog).where(AuditLog.action == "wallboard.connect"))
    assert connected.user_id == wall.user_id and "Command Center" in connected.note
    from slrt.api.operations import revoke
    revoke(wall, admin)
    db.session.commit()
    refresh = screen.get("/pusat-komando/", headers=HX)
    assert refresh.status_code == 204 and refresh.headers["HX-Refresh"] == "true"
    assert "Sambungkan layar" in screen.get("/pusat-komando/").get_data(as_text=True)


def test_a_kecamatan_wall_counts_only_its_kecamatan(client, make_user, make_case, places):
    admin = make_user("admin")
    make_case(region_code=places.desa)
    make_case(region_code=places.other_desa)
    _wall, token = make_client(admin, permissions=("read_aggregates",), region_code=places.kecamatan)
    assert _connect(client, token).status_code == 303
    html = client.get("/pusat-komando/").get_data(as_text=True)
    assert _figure(html, "Kasus baru hari ini") == "1"
