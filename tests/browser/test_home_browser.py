"""Each role's landing page in a real browser at a phone's width (390 px): it shows that role's work, the menu's
waiting counts arrive by htmx, and nothing makes the page wider than the screen."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import screenshot
from tests.browser.test_window_flow import sign_in

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def server(make_app):
    application = make_app(WTF_CSRF_ENABLED=True)
    httpd = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def office(make_case, make_user):
    from slrt.referrals.models import ReferralStatus as S
    from tests.referrals_helpers import referral_in
    counter = make_user("front_office", username="loket")
    officer, signer = make_user("back_office", username="rina"), make_user("supervisor", username="agus")
    liaison = make_user("agency_liaison", username="maya")
    make_user("admin", username="admin")
    make_case(nik="3204051708800001", name="Budi Santoso", clerk=counter)
    referral_in(S.PENDING_SIGNOFF, make_case(nik="3204051708800002", name="Sri Wahyuni"), officer, signer)
    referral_in(S.RETURNED, make_case(nik="3204051708800003", name="Tuti Alawiyah"), officer, signer)
    referral_in(S.APPROVED, make_case(nik="3204051708800004", name="Wati Nugraha"), officer, signer, liaison)


LANDINGS = [
    ("loket", "Loket hari ini", "Budi Santoso", None),
    ("rina", "Dikembalikan ke saya", "Tuti Alawiyah", "Dikembalikan"),
    ("agus", "Menunggu penetapan Anda", "Sri Wahyuni", "Menunggu penetapan"),
    ("maya", "Rujukan masuk untuk Dinas Kesehatan", "Wati Nugraha", "Menunggu jawaban"),
    ("admin", "Perlu perhatian Anda", "Kop surat belum lengkap.", None),
]


@pytest.mark.parametrize("username, heading, item, badge", LANDINGS)
def test_each_role_lands_on_its_work_at_390_px(browser, server, office, username, heading, item, badge):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, server, username)
        page.goto(server + "/")
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_text(item).first).to_be_visible()
        if badge:  # the menu's count came in by htmx, after the page
            expect(page.locator(".waiting-item", has_text=badge).locator(".badge")).to_have_text("1")
        else:
            assert page.locator(".waiting-item").count() == 0
        wider = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        screenshot(page, f"home-{username}-390")
        assert wider <= 0, f"{username}'s home is {wider} px wider than the screen"
    finally:
        context.close()


def test_the_menu_folds_on_a_phone_and_lies_open_on_a_desk(browser, server, office):
    """Some twenty entries for the back office: on a phone they wait behind "Menu" (the search box stays in
    sight), grouped; on a desk screen they are all one click away."""
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, server, "rina")
        menu = page.get_by_role("navigation", name="Menu utama")
        expect(menu.get_by_role("link", name="Antrean kasus")).to_be_hidden()
        expect(page.get_by_role("search").get_by_role("searchbox")).to_be_visible()
        folded = page.locator("header").bounding_box()["height"]
        page.locator(".mainmenu > summary").click()
        expect(menu.get_by_role("group", name="Rujukan").get_by_role("link", name="Rujukan")).to_be_visible()
        screenshot(page, "menu-back-office-390-open")
        assert folded < 844 / 3, f"the folded header takes {folded} px of an 844 px screen"
        page.set_viewport_size({"width": 1280, "height": 900})
        page.reload()
        expect(page.locator(".mainmenu > summary")).to_be_hidden()
        menu.get_by_role("link", name="Antrean kasus").click()
        expect(page).to_have_url(server + "/kasus/")
    finally:
        context.close()
