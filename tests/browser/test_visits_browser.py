"""In headless Chromium: the back office sends a facilitator on a home visit from the case page; the
facilitator finds it under "Kunjungan saya" on a phone and records the findings; neither page overflows at
390 px."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from slrt.extensions import db
from slrt.visits.models import HomeVisit, VisitStatus
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_home_visit_is_assigned_then_recorded_on_a_phone(browser, live_server, make_user, make_case, places):
    make_user("back_office", username="backoffice")
    make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(address="Kp. Cibodas RT 02", rt="002", rw="005")

    office = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = office.new_page()
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/kasus/{case.id}#kunjungan")
    panel = page.locator("#kunjungan")
    panel.locator("select[name=facilitator]").select_option(index=1)
    panel.locator("input[name=due_date]").fill("2099-01-31")
    panel.locator("textarea[name=note]").fill("Periksa atap yang bocor dan jamban")
    panel.get_by_role("button", name="Tugaskan").click()
    page.get_by_text("Kunjungan rumah ditugaskan ke").wait_for()
    screenshot(page, "visits-case-panel-1280")
    office.close()

    phone = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True)
    page = phone.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "fasilitator", PASSWORD)
    assert page.url.endswith("/kunjungan/saya")  # the facilitator lands on their visits
    page.get_by_role("link", name="Ani Suryani").click()
    page.wait_for_load_state("networkidle")
    assert _no_horizontal_overflow(page)
    screenshot(page, "visits-detail-390")
    page.locator("select[name=floor]").select_option(label="Tanah")
    page.locator("select[name=toilet]").select_option(label="Tidak ada")
    page.locator("textarea[name=findings]").fill("Rumah bambu, atap bocor; lima penghuni, ayah buruh harian.")
    page.locator("textarea[name=recommendation]").fill("Usulkan RTLH dan PBI-JKN.")
    page.get_by_role("button", name="Simpan hasil kunjungan").click()
    page.get_by_text("Hasil kunjungan tercatat").wait_for()
    assert page.get_by_text("Rumah bambu, atap bocor").first.is_visible()
    page.goto(f"{live_server}/kunjungan/saya")
    assert _no_horizontal_overflow(page)
    screenshot(page, "visits-mine-390")
    assert errors == []
    phone.close()
    db.session.rollback()  # a fresh read of what the server wrote
    visit = db.session.scalar(select(HomeVisit))
    assert visit.status == VisitStatus.DONE and visit.floor == "earth"
