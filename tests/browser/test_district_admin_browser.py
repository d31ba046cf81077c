"""The administrator sets up the district in a real browser: settings with the live letter-number preview,
a district day off, a list entry, and the outbox filter."""
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot

expect.set_options(timeout=15_000)  # the CI machine can be slow


def test_admin_sets_up_the_district(page, live_server, make_user, make_case):
    admin = make_user("admin", username="admin-dinsos")
    make_case(phone="081234567890")
    login(page, live_server, admin.username, "correct-horse-battery")

    page.click("nav.mainnav >> text=Pengaturan")
    page.wait_for_load_state("networkidle")  # htmx has processed the page
    assert page.get_by_role("heading", name="Pengaturan daerah").is_visible()
    pattern = page.locator("#letter_pattern")
    pattern.fill("400.9/{seq:04d}/Dinsos/{month_roman}/{year}")
    expect(page.locator("#letter-preview")).to_contain_text("400.9/0001/Dinsos/")
    pattern.fill("400.9/{seq}/Dinsos")
    expect(page.locator("#letter-preview")).to_contain_text("{year}")
    pattern.fill("400.9/{seq:04d}/Dinsos/{month_roman}/{year}")
    page.fill("#letter_signer_name", "Drs. H. Asep Sukmana, M.Si.")
    page.fill("#letter_signer_nip", "19700101 199503 1 002")
    page.fill("#letterhead_lines", "PEMERINTAH KABUPATEN BANDUNG\nDINAS SOSIAL")
    expect(page.locator("#letter-preview")).to_contain_text("400.9/0001/Dinsos/")
    screenshot(page, "district-settings")
    page.click("text=Simpan pengaturan")
    assert page.locator(".flash-success").inner_text() == "Pengaturan daerah sudah disimpan."

    page.click("nav.mainnav >> text=Hari libur")
    page.wait_for_load_state("networkidle")  # htmx has processed the page
    page.fill("#day", "2026-04-20")
    page.fill("#name", "Hari jadi Kabupaten Bandung")
    page.click("main button:has-text('Tambah')")
    assert "20 April 2026" in page.locator("main").inner_text()
    screenshot(page, "district-days-off")

    page.click("nav.mainnav >> text=Daftar isian")
    page.wait_for_load_state("networkidle")  # htmx has processed the page
    page.click("nav.tabs >> text=Program dan layanan")
    page.click("text=+ Tambah program")
    page.fill("#code", "PKH")
    page.fill("#name", "Program Keluarga Harapan lagi")
    page.click("main button:has-text('Simpan')")
    assert "Kode PKH sudah dipakai oleh" in page.locator("main").inner_text()
    page.fill("#code", "bpjs-mandiri")
    page.select_option("#agency_id", label="BPJS Kesehatan")
    page.click("main button:has-text('Simpan')")
    assert "BPJS-MANDIRI" in page.locator("main").inner_text()
    screenshot(page, "district-programmes")

    page.click("nav.mainnav >> text=Pesan keluar")
    page.wait_for_load_state("networkidle")  # htmx has processed the page
    assert "Menunggu: 1" in page.locator(".counts").inner_text()
    page.select_option("#status", "failed")
    expect(page.locator("#outbox-rows")).to_contain_text("Tidak ada pesan.")
    assert "status=failed" in page.url
    page.select_option("#status", "")
    expect(page.locator("#outbox-rows")).to_contain_text("terdaftar")
    screenshot(page, "district-outbox")
    # the duplicate code came back as 422 on purpose (the browser logs that status)
    assert [e for e in page.js_errors if "422" not in e] == []
