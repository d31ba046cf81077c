"""The header search box in a real browser at a phone's width (390 px), CSRF on: a NIK, a partial ticket and
a name spelled the old way each find the case, and no NIK ever travels in a URL."""
from __future__ import annotations

import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import screenshot
from tests.browser.test_window_flow import sign_in

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

NIK = "3204051708850003"


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
def joko(make_case, make_user):
    from slrt.cases.models import CaseStatus
    from slrt.extensions import db
    case = make_case(nik=NIK, name="Joko Susilo", birth_date=date(1985, 8, 17), sex="L")
    case.status = CaseStatus.WAITING_CITIZEN  # not "Terdaftar": the queue's default filter would hide it
    db.session.commit()
    make_user("front_office", username="loket")
    return {"ticket": case.ticket, "person_id": case.person_id}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    page.urls = urls
    yield page
    context.close()


def header_search(page, typed: str) -> None:
    box = page.get_by_role("search").first.get_by_role("searchbox")
    box.fill(typed)
    box.press("Enter")
    page.wait_for_load_state("networkidle")


def test_search_by_nik_from_the_header_keeps_the_nik_out_of_urls(phone, server, joko):
    sign_in(phone, server, "loket")
    header_search(phone, NIK)
    results = phone.locator("#search-results")
    expect(results.get_by_role("link", name=joko["ticket"])).to_be_visible()
    expect(results).to_contain_text("Menunggu dokumen warga")
    expect(results).to_contain_text("Joko Susilo")
    assert phone.url.endswith("/cari")
    assert not any(NIK in url for url in phone.urls), phone.urls
    # Usable at 390 px: nothing sticks out sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "search-nik-390")


def test_search_by_partial_ticket_swaps_the_results(phone, server, joko):
    sign_in(phone, server, "loket")
    header_search(phone, "Ani")  # a first search, nothing found
    expect(phone.locator("#search-results")).to_contain_text("Tidak ada yang cocok")
    box = phone.locator("main #q")
    box.fill(joko["ticket"].split("-")[1].lower())
    with phone.expect_response(lambda r: r.url.endswith("/cari") and r.request.method == "POST"):
        box.press("Enter")
    expect(phone.locator("#search-results").get_by_role("link", name=joko["ticket"])).to_be_visible()


def test_search_by_an_old_spelling_finds_the_person_and_opens_their_page(phone, server, joko):
    sign_in(phone, server, "loket")
    header_search(phone, "Djoko Soesilo")
    phone.locator("#search-results").get_by_role("link", name="Joko Susilo").click()
    phone.wait_for_load_state("networkidle")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Joko Susilo")
    expect(phone.locator("main")).to_contain_text(joko["ticket"])
    expect(phone.locator("main")).to_contain_text(NIK)  # on the page, audited; never in the URL
    assert phone.url.endswith(f"/warga/{joko['person_id']}")
    screenshot(phone, "person-page-390")
