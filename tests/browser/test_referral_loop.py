"""The whole loop in headless Chromium, as the people involved do it: the counter registers, the back office
refers to the health office, the manager approves, the letter prints, the agency completes it, and the
citizen reads the outcome on the public status page."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from slrt.referrals.models import ReferralStatus

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def logout(page):
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state("networkidle")


def test_referral_loop_walked_by_every_role(page, live_server, make_user, make_case, places):
    users = {username: make_user(role, username=username) for username, role in (
        ("loket", "front_office"), ("backoffice", "back_office"), ("manajer", "supervisor"),
        ("dinkes", "agency_liaison"))}
    # An older referral the health office never answered, so the overview has something late to show.
    late = make_case(nik="3204050101800003", name="Budi Santoso", birth_date=date(1980, 1, 1), sex="L")
    referral_in(ReferralStatus.APPROVED, late, users["backoffice"], users["manajer"], today=date(2026, 10, 1))

    # 1. The counter registers the visit.
    login(page, live_server, "loket", PASSWORD)
    page.goto(f"{live_server}/pendaftaran/baru")
    page.fill("#nik", "3204054512900001")
    page.locator("#nik").blur()
    page.wait_for_load_state("networkidle")
    page.fill("#name", "Ani Suryani")
    page.fill("#birth_date", "1990-12-05")
    page.check("input[name=sex][value=P]")
    page.select_option("#kecamatan", places.kecamatan)
    # the villages follow the kecamatan (htmx): wait for them, or the swap replaces a choice made too early
    expect(page.locator(f"#desa option[value='{places.desa}']")).to_have_count(1)
    page.select_option("#desa", places.desa)
    page.select_option("#visit_type", "service_request")
    page.select_option("#complaints-0-category", label="Jaminan kesehatan (PBI-JKN/KIS)")
    page.fill("#complaints-0-description", "Tidak mampu membayar biaya berobat anak di puskesmas")
    page.click("button.primary.big")
    page.wait_for_load_state("networkidle")
    if page.locator("#confirm_warnings").count():
        page.check("#confirm_warnings")
        page.click("button.primary.big")
        page.wait_for_load_state("networkidle")
    assert "/tanda-terima" in page.url
    case_id = re.search(r"/kasus/(\d+)/", page.url).group(1)
    ticket = page.locator(".ticket-number").inner_text().strip()
    page.goto(f"{live_server}/kasus/{case_id}")
    logout(page)

    # 2. The back office takes the case, records the home visit and drafts the referral.
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/kasus/{case_id}")
    page.get_by_role("button", name="Tangani kasus ini").click()
    page.wait_for_load_state("networkidle")
    page.get_by_text("Catat asesmen").click()
    page.fill("#findings", "Rumah semi permanen; suami buruh harian; anak perlu kontrol rutin.")
    page.fill("#visit_date", "2026-11-20")
    page.get_by_role("button", name="Simpan asesmen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Asesmen tercatat.").is_visible()
    page.get_by_role("link", name="Rujuk keluhan ini").click()
    page.select_option("#agency", label="Dinas Kesehatan")
    # the programme list follows the agency (htmx): wait for the health office's own list, then choose
    page.wait_for_function("""() => [...document.querySelectorAll('#programme option')]
        .some(o => o.textContent.trim() === 'Jaminan kesehatan daerah / biaya berobat')""")
    page.select_option("#programme", label="Jaminan kesehatan daerah / biaya berobat")
    page.fill("#reason", "Keluarga tidak mampu; mohon biaya berobat anak ditanggung Jamkesda.")
    page.get_by_role("button", name="Simpan draf").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Ajukan untuk penetapan").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Rujukan diajukan untuk penetapan.").is_visible()
    referral_url = page.url
    page.goto(f"{live_server}/kasus/{case_id}")
    screenshot(page, "loop-1-case-handling")
    page.goto(f"{live_server}/rujukan/")
    assert page.get_by_role("link", name=ticket).is_visible()
    screenshot(page, "loop-2-backoffice-queue")
    logout(page)

    # 3. The manager signs it off: the letter gets its number.
    login(page, live_server, "manajer", PASSWORD)
    page.goto(f"{live_server}/rujukan/penetapan")
    screenshot(page, "loop-3-signoff-queue")
    page.get_by_role("link", name=ticket).click()
    screenshot(page, "loop-4-signoff-decision")
    page.get_by_role("button", name="Setujui dan terbitkan surat").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Rujukan ditetapkan.").is_visible()
    number = re.search(r"460/\d{4}/SLRT/[IVX]+/\d{4}", page.content()).group(0)

    # 4. The letter prints (A4, print media).
    page.get_by_role("link", name="Cetak surat rujukan").click()
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 650, "height": 900})  # A4 less the print margins, at 96 dpi
    assert page.get_by_text(number).first.is_visible()
    assert page.get_by_text("Kepala Dinas Kesehatan").is_visible()
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "loop-5-letter-print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1, "the letter must fit on one A4 page"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(media="screen")
    page.goto(f"{live_server}/rujukan/ikhtisar")
    screenshot(page, "loop-6-overview")
    logout(page)

    # 5. The health office's liaison completes it.
    login(page, live_server, "dinkes", PASSWORD)
    assert page.get_by_role("link", name="Rujukan masuk").is_visible()
    page.goto(f"{live_server}/rujukan/instansi")
    screenshot(page, "loop-7-agency-queue")
    page.get_by_role("link", name=ticket).click()
    assert page.url == referral_url
    page.get_by_label("Selesai, dengan hasil").check()
    page.fill("#note", "Biaya berobat ditanggung Jamkesda sampai Desember 2026")
    page.get_by_role("button", name="Simpan tanggapan").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Tanggapan instansi tercatat.").is_visible()
    logout(page)

    # 6. The citizen sees the outcome on the public page.
    page.goto(f"{live_server}/status")
    page.fill("#ticket", ticket)
    page.fill("#birth_date", "1990-12-05")
    page.get_by_role("button", name="Cek status").click()
    page.wait_for_selector("#status-result .result")
    result = page.locator("#status-result").inner_text()
    assert "Dinas Kesehatan" in result
    assert "Biaya berobat ditanggung Jamkesda" in result
    assert number in result
    screenshot(page, "loop-8-public-status")
    assert page.js_errors == []
