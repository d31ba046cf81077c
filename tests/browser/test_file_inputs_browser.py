"""File inputs speak the portal's language, not the browser's: in a Chromium set to English, on a phone, the case
page's attachment box says "Pilih berkas" / "Belum ada berkas", shows the chosen photo's name, and the upload still
goes through; the box that htmx swaps in afterwards works the same. The input itself stays the control: labelled,
focusable, hit by a tap on the button, with its accept and capture attributes. Without JavaScript the browser's own
input shows."""
from __future__ import annotations

import re
import os
from pathlib import Path

import pytest

from tests.attachments_helpers import phone_photo, taken_case  # noqa: F401 - a fixture
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.usefixtures("fast_passwords")

SHOTS = Path(os.environ.get("SLRT_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "file-inputs"))


def phone(browser, **options):
    # An English browser: its own file input would say "Choose File" / "No file chosen".
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, has_touch=True, **options)
    context.set_default_timeout(15_000)
    return context


def test_the_attachment_box_speaks_indonesian_shows_the_chosen_file_and_uploads(browser, live_server, taken_case,
                                                                                 tmp_path):
    photo = tmp_path / "IMG_20261129_kartu_keluarga.jpg"
    photo.write_bytes(phone_photo())
    context = phone(browser)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(page, live_server, "backoffice", PASSWORD)
        page.goto(f"{live_server}/kasus/{taken_case.id}")
        panel = page.locator("section.attachments")
        box = panel.locator("[data-file-pick]")
        file_input = box.locator("input[type=file]")
        button = box.locator(".file-pick-button")
        chosen = box.locator(".file-pick-name")
        assert button.inner_text() == "Pilih berkas" and button.is_visible()
        assert chosen.inner_text() == "Belum ada berkas"
        # The input is the control: its label, its attributes, a tap on the button lands on it, a keyboard reaches it.
        assert page.get_by_label("Pilih berkas").get_attribute("type") == "file"
        assert file_input.get_attribute("capture") == "environment"
        assert file_input.get_attribute("accept") == "image/*,application/pdf"
        assert file_input.evaluate("i => getComputedStyle(i).opacity") == "0"
        button.scroll_into_view_if_needed()
        assert button.evaluate("b => { const r = b.getBoundingClientRect();"
                               " return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2)"
                               " === b.parentElement.querySelector('input[type=file]') }")
        assert file_input.get_attribute("aria-describedby") == chosen.get_attribute("id")
        panel.locator("input[name=caption]").focus()  # the field after it
        page.keyboard.press("Shift+Tab")
        assert file_input.evaluate("i => document.activeElement === i")
        SHOTS.mkdir(parents=True, exist_ok=True)
        panel.screenshot(path=str(SHOTS / "file-input-390-empty.png"))

        panel.locator("select[name=document_type]").select_option(label="KTP")
        file_input.set_input_files(str(photo))
        assert chosen.inner_text() == photo.name
        panel.screenshot(path=str(SHOTS / "file-input-390-chosen.png"))
        panel.get_by_role("button", name="Unggah").click()
        page.get_by_text("Lampiran \"KTP\" tersimpan.").wait_for()
        assert panel.locator("img").count() == 1

        # The box htmx swapped in is enhanced too, and follows a new choice.
        box = page.locator("section.attachments [data-file-pick]")
        assert re.search(r"\benhanced\b", box.get_attribute("class"))
        assert box.locator(".file-pick-name").inner_text() == "Belum ada berkas"
        box.locator("input[type=file]").set_input_files(str(photo))
        assert box.locator(".file-pick-name").inner_text() == photo.name
        assert errors == []
    finally:
        context.close()


def test_in_english_the_box_says_choose_file(browser, live_server, taken_case):
    context = phone(browser)
    page = context.new_page()
    try:
        login(page, live_server, "backoffice", PASSWORD)
        page.goto(f"{live_server}/kasus/{taken_case.id}")
        page.locator("button[name=lang][value=en]").click()
        page.wait_for_load_state("networkidle")
        box = page.locator("section.attachments [data-file-pick]")
        assert box.locator(".file-pick-button").inner_text() == "Choose file"
        assert box.locator(".file-pick-name").inner_text() == "No file chosen"
    finally:
        context.close()


def test_without_javascript_the_browsers_own_input_shows(browser, live_server, taken_case):
    context = phone(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, "backoffice", PASSWORD)
        page.goto(f"{live_server}/kasus/{taken_case.id}")
        box = page.locator("section.attachments [data-file-pick]")
        assert box.locator("input[type=file]").evaluate("i => getComputedStyle(i).opacity") == "1"
        assert not box.locator(".file-pick-button").is_visible()
        assert not box.locator(".file-pick-name").is_visible()
    finally:
        context.close()


def test_a_date_input_writes_its_date_out_in_the_pages_language(browser, live_server, taken_case):
    """The date input itself keeps the browser's order (mm/dd/yyyy in an English Chromium: no page can change it);
    beside it the chosen day reads in Indonesian, so 03/02 is not taken for 3 February."""
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, "backoffice", PASSWORD)
        page.goto(f"{live_server}/kasus/?status=&date_from=2026-03-02")
        date_from = page.get_by_label("Dari tanggal")
        echo = page.locator("#date_from + .date-echo")
        assert echo.inner_text() == "Senin, 2 Maret 2026"
        assert date_from.get_attribute("aria-describedby") == echo.get_attribute("id")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("form.filters").screenshot(path=str(SHOTS / "date-echo-1280.png"))
        date_from.fill("2026-12-25")
        assert echo.inner_text() == "Jumat, 25 Desember 2026"
        date_from.fill("")
        assert not echo.is_visible()
        assert not page.locator("#date_to + .date-echo").is_visible()  # an empty input says nothing
    finally:
        context.close()
