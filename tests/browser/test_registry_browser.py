"""In Chromium: an administrator uploads an extract and watches it to the end; a clerk types a registered
NIK at intake and sees the household and its suggestions."""
from __future__ import annotations

import re

from slrt.registry.synth import HEADERS
from tests.browser.conftest import login, screenshot
from tests.registry_helpers import family, import_file, write_csv


def test_admin_uploads_an_extract_and_watches_progress(page, live_server, make_user, places, tmp_path):
    admin = make_user("admin", username="adminbrowser")
    rows = []
    for serial in range(1, 41):
        more, _niks, _kk = family(places, kk_serial=serial)
        rows += more
    rows.append(["3.27301E+15"] + rows[0][1:])
    path = write_csv(tmp_path / "dtsen-kab-bandung.csv", rows, headers=HEADERS, delimiter=";", bom=True)
    login(page, live_server, admin.username, "correct-horse-battery")
    page.goto(f"{live_server}/registri/impor/unggah")
    page.set_input_files("#extract", str(path))
    page.fill("#extract_date", "2025-09-01")
    page.click("main button[type=submit]")
    # One NIK a spreadsheet made a number: said once, before anything is imported.
    notice = page.locator(".import-notice")
    notice.wait_for()
    assert "format kolom NIK sebagai Teks" in notice.inner_text()
    page.click("text=Tetap impor")
    page.wait_for_url(re.compile(r"/registri/impor/\d+$"))
    page.locator(".import-status", has_text="Selesai").wait_for(timeout=30_000)
    assert page.locator(".import-accepted").inner_text() == "120"
    assert page.locator(".import-rejected").inner_text().startswith("1")
    assert page.locator("progress").get_attribute("value") == "100"
    screenshot(page, "registry-import-done")
    page.click("text=Riwayat impor")
    assert page.get_by_role("cell", name="dtsen-kab-bandung.csv").is_visible()
    assert page.js_errors == []


def test_clerk_types_a_registered_nik_and_sees_the_household(page, live_server, make_user, places, tmp_path, app):
    rows, niks, _kk = family(places, decile="2")
    import_file(write_csv(tmp_path / "a.csv", rows))
    clerk = make_user("front_office", username="loketbrowser")
    login(page, live_server, clerk.username, "correct-horse-battery")
    page.goto(f"{live_server}/pendaftaran/baru")
    page.fill("#nik", niks[0])
    household = page.locator(".registry-household")
    household.wait_for()
    assert "Terdaftar" in household.inner_text()
    assert "EUIS MARLINA" in household.inner_text()
    suggestions = page.locator(".registry-suggestions").inner_text()
    assert "PBI-JKN" in suggestions and "Program Indonesia Pintar" in suggestions
    assert page.input_value("#name") == "ASEP SURYANA"
    screenshot(page, "registry-intake-household")
    assert page.js_errors == []
