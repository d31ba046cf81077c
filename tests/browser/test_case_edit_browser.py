"""Correct and complete, in a real browser with CSRF on: a clerk corrects a registered case with a reason and
sees the old values in the case's "Riwayat perubahan"; a returning citizen's new complaint goes on their open
case from the NIK check; an objection is recorded at the counter. At 1280 and 390 px."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import screenshot
from tests.browser.test_window_flow import sign_in, wait_for_nik_check
from tests.conftest import VALID_NIK

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402


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
def registered(make_case, make_user):
    make_user("front_office", username="loket")
    return make_case(phone="081234567890")


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def correct_the_name(page, server, case) -> None:
    page.goto(f"{server}/kasus/{case.id}")
    page.get_by_role("link", name="Ubah data").click()
    expect(page.get_by_role("heading", name="Ubah data kasus")).to_be_visible()
    expect(page.get_by_text("NIK tidak dapat diubah di sini")).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Ani Suryani")
    page.get_by_label("Nama lengkap").fill("Ani Suryani Rahayu")
    page.get_by_label("Nomor HP").fill("0857 1111 2222")
    page.get_by_label("Alasan perubahan").fill("Salah ketik nama saat pendaftaran; nomor HP baru")


def test_an_edit_with_its_history_on_the_case_page(page, server, registered):
    sign_in(page, server, "loket")
    correct_the_name(page, server, registered)
    screenshot(page, "case-edit-form-1280")
    assert overflow(page) <= 1280
    page.get_by_role("button", name="Simpan perubahan").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Perubahan data kasus")).to_be_visible()
    history = page.locator("#riwayat-perubahan")
    expect(history.get_by_role("heading", name="Riwayat perubahan")).to_be_visible()
    expect(history).to_contain_text("Salah ketik nama saat pendaftaran")  # why, and who
    expect(history).to_contain_text("Petugas front_office")
    expect(history.locator("ul.changes li", has_text="Nama:")).to_have_text("Nama: Ani Suryani → Ani Suryani Rahayu")
    expect(history.locator("ul.changes li", has_text="Nomor HP:")).to_have_text(
        "Nomor HP: 081234567890 → 085711112222")
    expect(page.locator("main")).to_contain_text("Ani Suryani Rahayu")  # the case shows the corrected name
    history.scroll_into_view_if_needed()
    screenshot(page, "case-history-1280")
    # The citizen's status page shows no new step.
    page.goto(f"{server}/status?ticket={registered.ticket}")
    expect(page.locator("#status-result")).not_to_contain_text("Ubah")


def test_the_edit_form_and_the_history_at_a_phones_width(phone, server, registered):
    sign_in(phone, server, "loket")
    correct_the_name(phone, server, registered)
    assert overflow(phone) <= 390
    screenshot(phone, "case-edit-form-390")
    phone.get_by_role("button", name="Simpan perubahan").click()
    phone.wait_for_load_state("networkidle")
    history = phone.locator("#riwayat-perubahan")
    expect(history).to_contain_text("Ani Suryani Rahayu")
    # The history table scrolls inside its panel; it does not widen the page.
    assert history.evaluate("e => e.scrollWidth") <= 390
    history.scroll_into_view_if_needed()
    screenshot(phone, "case-history-390")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_returning_citizens_complaint_goes_on_the_open_case(browser, server, registered, width):
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, server, "loket")
        page.goto(f"{server}/pendaftaran/baru")
        wait_for_nik_check(page, VALID_NIK)
        choice = page.locator("#field-open_case")
        expect(choice).to_contain_text("Warga ini masih punya kasus yang terbuka")
        expect(choice).to_contain_text(registered.ticket)
        assert overflow(page) <= width
        screenshot(page, f"intake-open-case-{width}")
        choice.get_by_role("radio").first.check()
        page.locator("#visit_type").select_option("grievance")
        page.locator("select[name='complaints-0-category']").select_option(index=2)
        page.locator("textarea[name='complaints-0-description']").fill("Anak belum menerima KIP")
        page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(f"/kasus/{registered.id}/tanda-terima")
        expect(page.locator("body")).to_contain_text(registered.ticket)
    finally:
        context.close()


def test_an_objection_at_the_counter(page, phone, server, registered):
    from slrt.cases.models import CaseStatus
    from slrt.core.time import utcnow
    from slrt.extensions import db
    registered.status, registered.closed_at = CaseStatus.CLOSED, utcnow()
    db.session.commit()
    for each, width in ((page, 1280), (phone, 390)):
        sign_in(each, server, "loket")
        each.goto(f"{server}/kasus/{registered.id}/keberatan")
        expect(each.get_by_role("heading", name="Keberatan warga")).to_be_visible()
        assert overflow(each) <= width
        screenshot(each, f"objection-{width}")
    page.get_by_label("Keberatan warga").fill("Kartu KIS masih belum aktif saat berobat")
    page.get_by_role("button", name="Catat keberatan dan buka kembali").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("main h1")).to_contain_text("Dibuka kembali")


def test_the_signoff_queue_marks_a_resubmitted_draft(page, phone, server, registered, make_user):
    from slrt.extensions import db
    from slrt.referrals import operations
    from slrt.referrals.models import ReferralStatus
    from tests.referrals_helpers import referral_in
    officer, signer = make_user("back_office", username="bo"), make_user("supervisor", username="spv")
    referral = referral_in(ReferralStatus.RETURNED, registered, officer, signer)
    operations.update_draft(referral, officer, agency=referral.agency, programme=referral.programme,
                            complaint=referral.complaint, reason="Biaya berobat; SKTM dari desa sudah ada",
                            documents=["KTP", "KK", "SKTM"])
    operations.submit(referral, officer)
    db.session.commit()
    for each, width in ((page, 1280), (phone, 390)):
        sign_in(each, server, "spv")
        each.goto(f"{server}/rujukan/penetapan")
        row = each.locator("#referral-rows tbody tr").first
        expect(row).to_contain_text("Diajukan ulang")
        expect(row.locator("ul.changes")).to_contain_text("Dokumen:")
        screenshot(each, f"signoff-resubmitted-{width}")
