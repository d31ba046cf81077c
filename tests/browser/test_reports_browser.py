"""A supervisor opens the dashboard, follows a figure to its list and downloads the XLSX; the dashboard on
a phone; the monthly report."""
from __future__ import annotations

from openpyxl import load_workbook

from tests import reports_helpers as h
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD


def test_supervisor_follows_a_figure_and_downloads_the_xlsx(page, live_server, make_user, places, tmp_path):
    ds = h.build(places, make_user)
    user = make_user("supervisor", username="pengawas")
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server}/laporan/")
    assert page.get_by_role("heading", name="Dasbor SLRT").is_visible()
    # The period filter swaps the dashboard by htmx.
    page.select_option("#period", "range")
    page.fill("#date_from", ds.range_args()["date_from"])
    page.fill("#date_to", ds.range_args()["date_to"])
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator('[data-figure="total"]', has_text="4").wait_for()
    screenshot(page, "reports-dashboard-desktop")
    # Follow "registered: 2" to the list behind it.
    page.locator("#by-status tr", has_text="Terdaftar").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    assert "/laporan/daftar" in page.url
    assert page.locator("#figure-rows tbody tr").count() == 2
    screenshot(page, "reports-list")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Unduh XLSX").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = load_workbook(path).worksheets[0]
    tickets = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert tickets == ["TST-0001", "TST-0004"]
    assert page.js_errors == []


def test_dashboard_reads_on_a_phone_and_the_monthly_report_prints(browser, live_server, make_user, places):
    h.build(places, make_user)
    user = make_user("supervisor", username="pengawas2")
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server}/laporan/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(page, "reports-dashboard-phone")
    page.goto(f"{live_server}/laporan/bulanan")
    assert page.get_by_role("heading", name="Laporan Bulanan SLRT").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    screenshot(page, "reports-monthly-print")
    page.goto(f"{live_server}/laporan/kebutuhan")
    screenshot(page, "reports-needs-phone")
    context.close()
    assert errors == []


def test_provincial_officer_sees_districts_without_links_to_people(page, live_server, make_user, places):
    h.build(places, make_user)
    user = make_user("provincial_officer", username="provinsi")
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server}/laporan/")
    assert page.locator("#by-region").get_by_role("link", name="Kabupaten Bandung", exact=True).is_visible()
    assert page.locator("a.figure-link").count() == 0
    screenshot(page, "reports-dashboard-province")
    page.locator("#by-region").get_by_role("link", name="Kabupaten Bandung", exact=True).click()
    page.locator("#by-region", has_text="Arjasari").wait_for()
    assert "region=32.04" in page.url
    assert page.js_errors == []
