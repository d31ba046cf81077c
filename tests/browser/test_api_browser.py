"""The administrator makes an API client in the browser and reads the API reference (Swagger UI, vendored)."""
from __future__ import annotations

import os
from pathlib import Path

from tests.browser.conftest import login, screenshot

SHOTS = Path(os.environ.get("SLRT_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "api"))


def _shot(page, name: str) -> None:
    """A screenshot at the desk's width and a phone's (kept for the reviewer when the folder exists)."""
    screenshot(page, name)
    if SHOTS.is_dir():
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_administrator_creates_a_client_and_reads_the_reference(page, live_server, make_user, places):
    admin = make_user("admin", username="admin1")
    login(page, live_server, admin.username, "correct-horse-battery")
    page.click("nav.mainnav >> text=Klien API")
    page.click("text=+ Tambah klien")
    page.fill("#name", "Command Center Kabupaten")
    page.check("input[name=permissions][value=read_status]")
    page.check("input[name=permissions][value=read_aggregates]")
    _shot(page, "api-client-form")
    page.click("main button[type=submit]")
    token = page.locator("p.password-once code").inner_text()
    assert token.startswith("slrt_") and len(token) > 40
    _shot(page, "api-client-token")
    page.click("text=Kembali ke daftar klien")
    assert page.get_by_role("cell", name="Command Center Kabupaten").count() == 1 or \
        page.locator("td", has_text="Command Center Kabupaten").count() == 1
    assert token not in page.content()
    _shot(page, "api-clients")
    page.click("text=Dokumentasi API")
    page.wait_for_selector(".opblock-summary-path")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/status/{ticket}" in [p.replace("\u200b", "") for p in paths]
    _shot(page, "api-reference")
    assert page.js_errors == []


def test_a_wall_screen_opens_the_link_with_its_key_in_the_fragment(page, live_server, make_user, make_case, places):
    from tests.api_helpers import make_client
    from tests.referrals_helpers import referral_in
    from slrt.referrals.models import ReferralStatus
    admin = make_user("admin", username="admin1")
    officer, signer = make_user("back_office"), make_user("supervisor")
    for desa in (places.desa, places.desa2, places.other_desa):
        make_case(region_code=desa)
    referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, signer)
    _client, token = make_client(admin, name="Command Center", permissions=("read_aggregates",),
                                 region_code=places.district)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server}/pusat-komando/#kunci={token}")
    page.wait_for_selector("#board")
    assert "kunci" not in page.url and token not in page.url
    assert all(token not in url for url in requests)  # the key left in a form body, never in a URL
    assert page.locator(".tile .figure").first.inner_text() == "4"
    assert page.js_errors == []
    _shot(page, "wallboard")
    page.set_viewport_size({"width": 1920, "height": 1080})
    if SHOTS.is_dir():
        page.screenshot(path=str(SHOTS / "wallboard-1920.png"), full_page=True)
