"""In headless Chromium: a back-office officer attaches a photo to a case, sees its thumbnail and downloads it;
the referral form's programme list follows the chosen agency."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from slrt.attachments.models import Attachment
from slrt.audit.models import AuditLog
from slrt.extensions import db
from tests.attachments_helpers import phone_photo, taken_case  # noqa: F401 - a fixture
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_a_photo_is_uploaded_shown_as_a_thumbnail_and_downloaded(page, live_server, taken_case, tmp_path):
    photo = tmp_path / "IMG_20261128_ktp.jpg"
    photo.write_bytes(phone_photo())
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/kasus/{taken_case.id}")
    panel = page.locator("section.attachments")
    file_input = panel.locator("input[type=file]")
    assert file_input.get_attribute("capture") == "environment"
    panel.locator("select[name=document_type]").select_option(label="KTP")
    panel.locator("input[name=caption]").fill("KTP pemohon")
    file_input.set_input_files(str(photo))
    panel.get_by_role("button", name="Unggah").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Lampiran \"KTP\" tersimpan.").wait_for()
    assert f"/kasus/{taken_case.id}" in page.url  # swapped in place by htmx, not a new page

    thumbnail = page.locator("section.attachments img")
    thumbnail.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    width, height = thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert max(width, height) == 240 and height > width  # the thumbnail, upright
    assert page.locator("section.attachments").get_by_text("KTP pemohon").is_visible()
    screenshot(page, "attachments-case-panel")

    with page.expect_download() as waiting:
        page.locator("section.attachments").get_by_role("link", name="Unduh").click()
    download = waiting.value
    saved = tmp_path / "unduhan.jpg"
    download.save_as(saved)
    assert saved.read_bytes()[:3] == b"\xff\xd8\xff"
    assert download.suggested_filename.startswith("lampiran-") and download.suggested_filename.endswith(".jpg")
    assert page.js_errors == []

    db.session.rollback()
    attachment = db.session.scalar(select(Attachment))
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.object_type == "Attachment",
                                                               AuditLog.object_id == str(attachment.id))).all()
    assert {"attachment.add", "attachment.thumbnail", "attachment.download"} <= set(actions)


def test_the_programme_list_follows_the_agency(page, live_server, taken_case):
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/kasus/{taken_case.id}/rujukan/baru")
    page.select_option("#agency", label="Dinas Kesehatan")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelectorAll('#programme option').length < 6")
    options = page.locator("#programme option").all_inner_texts()
    assert "Jaminan kesehatan daerah / biaya berobat" in options
    assert not any("PKH" in option for option in options)
    page.select_option("#agency", label="Dinas Sosial")
    page.wait_for_function("() => [...document.querySelectorAll('#programme option')]"
                           ".some(o => o.textContent.includes('PKH'))")
    assert page.js_errors == []
