"""In Chromium: the change report filtered by kecamatan and desa (htmx), and a clerk who types the NIK of a
person dropped from DTSEN and starts a sanggah from the flag."""
from __future__ import annotations

import re

from tests.browser.conftest import htmx_settled, login, screenshot
from tests.registry_helpers import import_file, write_csv
from tests.test_registry_changes import _extracts


def test_change_report_filters_and_a_sanggah_from_a_dropped_person(page, live_server, make_user, places, tmp_path):
    families, first, second = _extracts(places)
    import_file(write_csv(tmp_path / "q1.csv", first))
    two, _ = import_file(write_csv(tmp_path / "q2.csv", second))
    clerk = make_user("back_office", username="bobrowser")
    login(page, live_server, clerk.username, "correct-horse-battery")
    page.goto(f"{live_server}/registri/perubahan/{two}")
    assert "Orang (18)" in page.locator("main").inner_text()
    page.select_option("#change-kecamatan", places.kecamatan)
    page.locator("#change-desa:not([disabled])").wait_for()
    htmx_settled(page)
    page.select_option("#change-desa", places.desa2)
    page.locator("h2", has_text="Orang (3)").wait_for()  # only the household that moved into desa2
    assert "HENDRA WIJAYA" in page.locator("#change-results").inner_text()
    assert f"desa={places.desa2}" in page.url
    htmx_settled(page)
    page.select_option("#change-desa", "")
    page.locator("h2", has_text="Orang (18)").wait_for()  # the whole kecamatan again
    screenshot(page, "registry-change-report")

    page.goto(f"{live_server}/pendaftaran/baru")
    page.fill("#nik", families["leaving"][1][0])
    flags = page.locator(".registry-flags")
    flags.wait_for()
    assert "Keluar dari DTSEN pada" in flags.inner_text()
    screenshot(page, "registry-dropped-person-flag")
    flags.get_by_role("link", name="Ajukan sanggah").first.click()
    page.wait_for_url(re.compile(r"/registri/usulan/baru\?perubahan=\d+$"))
    assert page.input_value("#nik") == families["leaving"][1][0]
    assert "Keluar dari DTSEN pada" in page.input_value("#reason")
    assert page.is_checked("input[name=kind][value=sanggah]")
    assert page.js_errors == []
