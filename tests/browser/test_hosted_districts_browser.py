"""The provincial administrator, on a phone (390 px), adds a district on Kabupaten/Kota, reads its one-time
administrator password once, and chooses to work in it: the banner names it and Pengaturan acts on it."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

expect.set_options(timeout=15_000)  # the CI machine can be slow


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    context.close()


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_province_adds_a_district_and_works_in_it(phone, live_server, make_user, places):
    page = phone
    admin = make_user("admin", region_code=places.district[:2], username="admin-provinsi")
    login(page, live_server, admin.username, "correct-horse-battery")

    page.locator("details.mainmenu > summary").click()
    page.click("nav.mainnav >> text=Kabupaten/Kota")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("heading", name="Kabupaten/Kota", exact=True)).to_be_visible()
    expect(page.locator("[data-banner=district]")).to_contain_text(places.district)
    assert overflow(page) <= 390

    page.click("text=+ Tambah kabupaten/kota")
    page.fill("#code", "32.01")
    page.fill("#name", "Kabupaten Bogor")
    page.fill("#office_name", "SLRT Dinas Sosial Kabupaten Bogor")
    page.fill("#public_host", "https://slrt.bogorkab.go.id/")  # a whole address: refused, what was typed kept
    page.fill("#whatsapp_number", "6281100001111")
    page.fill("#admin_username", "admin.bogor")
    page.fill("#admin_name", "Admin Bogor")
    page.click("main button:has-text('Simpan')")
    expect(page.locator("#field-public_host .errors")).to_contain_text("nama host saja")
    expect(page.locator("#admin_name")).to_have_value("Admin Bogor")
    page.fill("#public_host", "slrt.bogorkab.go.id")
    page.click("main button:has-text('Simpan')")
    expect(page.get_by_role("heading", name="Kabupaten Bogor (32.01) sudah ditambahkan")).to_be_visible()
    password = page.locator(".password-once code").inner_text()
    assert len(password) >= 8
    expect(page.locator("main")).to_contain_text("hanya ditampilkan sekali")
    screenshot(page, "district-added-390")
    assert overflow(page) <= 390

    page.click("text=Kembali ke daftar kabupaten/kota")
    assert password not in page.content()
    expect(page.locator("[data-district='32.01']")).to_contain_text("Kabupaten Bogor")
    page.select_option("#code", "32.01")
    page.click("#choose button:has-text('Pilih')")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-banner=district]")).to_contain_text("Kabupaten Bogor (32.01)")
    screenshot(page, "districts-390")
    assert overflow(page) <= 390

    page.goto(f"{live_server}/admin/pengaturan")
    expect(page.locator("[data-banner=district]")).to_contain_text("Kabupaten Bogor (32.01)")
    expect(page.locator("#letter_place")).to_have_value("Bogor")  # the guess from the chosen district's name
    assert not page.js_errors
