"""The single window in a real browser: register a citizen, hand over the receipt, the citizen checks the ticket.

What is asserted is what a person sees on the screen. The server runs with CSRF on, as in production, so a
missing htmx header would show here.
"""
from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import htmx_settled, screenshot
from tests.conftest import PASSWORD, VALID_NIK

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402


@pytest.fixture
def server(make_app):
    """The live portal with CSRF protection switched on."""
    application = make_app(WTF_CSRF_ENABLED=True)
    httpd = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=5)


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/masuk")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def wait_for_nik_check(page, typed: str, *, one_by_one: bool = False) -> None:
    """Type into the NIK field and wait for the widget's answer (htmx waits 300 ms after the last key)."""
    field = page.locator("#nik")
    with page.expect_response(re.compile(r"/pendaftaran/cek-nik$")):
        if one_by_one:
            field.press_sequentially(typed, delay=15)
        else:
            field.fill(typed)
    htmx_settled(page)


def public_page(browser):
    """A citizen's phone: a new browser context without any session."""
    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.js_errors = errors
    return context, page


def test_front_office_registers_a_visit_and_the_citizen_follows_the_ticket(page, browser, server, make_user,
                                                                            places):
    make_user("front_office", username="loket")
    sign_in(page, server, "loket")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Pendaftaran Baru").click()
    expect(page.get_by_role("heading", name="Pendaftaran Baru", level=1)).to_be_visible()
    check = page.locator("#nik-check")

    # A NIK that a spreadsheet turned into a number is refused with its own message.
    wait_for_nik_check(page, "3.27301E+15")
    expect(check).to_contain_text("rusak oleh spreadsheet")
    expect(check).not_to_contain_text("NIK sah")

    # Typed digit by digit: nothing is judged before the 16th digit.
    wait_for_nik_check(page, "")
    wait_for_nik_check(page, VALID_NIK[:15], one_by_one=True)
    expect(check).not_to_contain_text("NIK sah")
    expect(check).not_to_contain_text("rusak")
    wait_for_nik_check(page, VALID_NIK[15], one_by_one=True)
    expect(check).to_contain_text("NIK sah.")
    expect(check).to_contain_text("Lahir 5 Desember 1990, perempuan.")
    expect(check).to_contain_text("belum pernah tercatat")
    screenshot(page, "window-nik-valid")

    page.get_by_label("Nama lengkap").fill("Ani Suryani")
    page.get_by_label("Tempat lahir").fill("Bandung")
    page.get_by_label("Tanggal lahir").first.fill("1990-12-05")
    page.get_by_label("Perempuan").check()
    page.get_by_label("Nomor HP").fill("0812 3456 7890")

    # The desa select is filled for the chosen kecamatan.
    with page.expect_response(re.compile(r"desa\?")):
        page.locator("#kecamatan").select_option(places.kecamatan)
    expect(page.locator(f"#desa option[value='{places.desa}']")).to_have_count(1)
    expect(page.locator(f"#desa option[value='{places.other_desa}']")).to_have_count(0)
    page.locator("#desa").select_option(places.desa)

    # Two household members added, the second (typed by mistake) removed again.
    members = page.locator("#members .row")
    page.get_by_role("button", name="Tambah anggota").click()
    expect(members).to_have_count(1)
    page.get_by_role("button", name="Tambah anggota").click()
    expect(members).to_have_count(2)
    members.nth(0).get_by_label("Nama anggota").fill("Budi Santoso")
    members.nth(0).get_by_label("Hubungan").select_option(label="Suami/istri")
    members.nth(1).get_by_label("Nama anggota").fill("Salah ketik")
    members.nth(1).get_by_role("button", name="Hapus baris").click()
    expect(members).to_have_count(1)

    # A second complaint row.
    complaints = page.locator("#complaints .row")
    expect(complaints).to_have_count(1)
    page.get_by_role("button", name="Tambah keluhan").click()
    expect(complaints).to_have_count(2)
    complaints.nth(0).get_by_label("Kategori").select_option(label="Jaminan kesehatan (PBI-JKN/KIS)")
    complaints.nth(0).get_by_label("Uraian keluhan atau permintaan").fill("Kartu KIS tidak aktif saat berobat")
    complaints.nth(1).get_by_label("Kategori").select_option(label="Bantuan pendidikan (KIP/PIP)")
    complaints.nth(1).get_by_label("Uraian keluhan atau permintaan").fill("Anak belum menerima PIP")
    page.get_by_label("Jenis layanan").select_option(label="Permohonan layanan")

    page.locator("#field-needs").get_by_label("PBI-JKN / KIS (reaktivasi atau pendaftaran)").check()
    page.locator("#field-needs").get_by_label("Program Indonesia Pintar (KIP/PIP)").check()
    page.locator("#field-documents").get_by_label("KTP", exact=True).check()
    page.locator("#field-documents").get_by_label("Kartu Keluarga").check()
    screenshot(page, "window-intake-filled")

    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()

    # The receipt: ticket, QR code, what was asked; never the NIK.
    expect(page.get_by_role("heading", name="TANDA TERIMA LAYANAN")).to_be_visible()
    ticket = page.locator(".ticket-number").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", ticket)
    expect(page.locator(".qr svg")).to_be_visible()
    slip = page.locator(".slip")
    for text in ("Ani Suryani", "Jaminan kesehatan (PBI-JKN/KIS)", "Bantuan pendidikan (KIP/PIP)",
                 "Program Indonesia Pintar (KIP/PIP)"):
        expect(slip).to_contain_text(text)
    assert VALID_NIK not in page.content()
    screenshot(page, "window-receipt")

    # The QR code encodes exactly the address the receipt links to.
    status_url = page.locator("a.qr").get_attribute("href")
    assert status_url.endswith(f"/status?ticket={ticket}")
    import segno
    expected = re.search(r' d="([^"]+)"', segno.make(status_url, error="m").svg_inline(scale=3, border=2)).group(1)
    assert page.locator(".qr svg path").first.get_attribute("d") == expected
    assert page.js_errors == []

    # The citizen, on a phone, with nothing but the receipt.
    context, phone = public_page(browser)
    try:
        phone.goto(status_url)
        result = phone.locator("#status-result")
        expect(result).to_contain_text(ticket)
        expect(result).to_contain_text("Terdaftar")
        expect(result).to_contain_text("Pendaftaran diterima")
        expect(phone.locator("body")).not_to_contain_text("Ani Suryani")
        expect(result).not_to_contain_text("Kartu KIS tidak aktif")
        expect(phone.get_by_label("Nomor tiket")).to_have_value(ticket)
        expect(phone.locator("script")).to_have_count(0)  # a plain form: nothing to download on a slow line
        screenshot(phone, "window-public-ticket")

        phone.get_by_label("Tanggal lahir").fill("1990-12-05")
        phone.get_by_role("button", name="Cek status").click()
        expect(result).to_contain_text("Permintaan Anda")
        expect(result).to_contain_text("Kartu KIS tidak aktif saat berobat")
        expect(result).to_contain_text("Anak belum menerima PIP")
        expect(phone.locator("body")).not_to_contain_text("Ani Suryani")
        screenshot(phone, "window-public-detailed")

        phone.get_by_label("Tanggal lahir").fill("1990-12-06")
        phone.get_by_role("button", name="Cek status").click()
        expect(result).to_contain_text("tidak cocok")
        expect(result).not_to_contain_text("Kartu KIS")
        assert phone.js_errors == []
    finally:
        context.close()


def test_second_visit_of_the_same_nik_fills_the_form_and_lists_the_earlier_ticket(page, server, make_user,
                                                                                    make_case, places):
    from slrt.intake.operations import MemberData
    earlier = make_case(name="Ani Suryani", phone="081234567890", address="Kp. Cibiru Hilir", rt="3", rw="7",
                        birth_date=date(1990, 12, 5), members=[MemberData(name="Budi Santoso", relation=2)])
    make_user("front_office", username="loket")
    sign_in(page, server, "loket")
    page.goto(f"{server}/pendaftaran/baru")

    wait_for_nik_check(page, VALID_NIK, one_by_one=True)
    check = page.locator("#nik-check")
    expect(check).to_contain_text("NIK sah.")
    expect(check).to_contain_text("pernah datang sebelumnya")
    expect(check.locator(".earlier").get_by_role("link", name=earlier.ticket)).to_be_visible()
    # The earlier case is still open: the clerk is asked where the new complaint goes.
    expect(check.locator("#field-open_case").get_by_role("link", name=earlier.ticket)).to_be_visible()
    expect(page.get_by_label("Nama lengkap")).to_have_value("Ani Suryani")
    expect(page.get_by_label("Tanggal lahir").first).to_have_value("1990-12-05")
    expect(page.get_by_label("Perempuan")).to_be_checked()
    expect(page.get_by_label("Nomor HP")).to_have_value("081234567890")
    expect(page.locator("#desa")).to_have_value(places.desa)
    expect(page.locator("#members .row")).to_have_count(1)
    expect(page.locator("#members .row").first.get_by_label("Nama anggota")).to_have_value("Budi Santoso")
    screenshot(page, "window-second-visit")

    # The kecamatan select still refills the desa list after the form was swapped in.
    with page.expect_response(re.compile(r"desa\?")):
        page.locator("#kecamatan").select_option(places.other_kecamatan)
    expect(page.locator(f"#desa option[value='{places.other_desa}']")).to_have_count(1)
    page.locator("#desa").select_option(places.other_desa)

    complaint = page.locator("#complaints .row").first
    complaint.get_by_label("Kategori").select_option(label="Dokumen kependudukan")
    complaint.get_by_label("Uraian keluhan atau permintaan").fill("Akta kelahiran anak hilang")
    page.get_by_label("Jenis layanan").select_option(label="Permohonan layanan")
    page.get_by_label("Buka kasus baru (tuliskan alasannya)").check()
    page.get_by_label("Alasan membuka kasus baru").fill("Keluhan dokumen, ditangani Dukcapil")
    page.get_by_role("button", name="Simpan dan cetak tanda terima").click()
    expect(page.get_by_role("heading", name="TANDA TERIMA LAYANAN")).to_be_visible()
    new_ticket = page.locator(".ticket-number").inner_text().strip()
    assert new_ticket != earlier.ticket
    expect(page.get_by_role("status")).to_contain_text(f"Pendaftaran tersimpan. Nomor tiket: {new_ticket}")

    # The next citizen's form starts clean: no message left over from the one before.
    page.get_by_role("link", name="Pendaftaran berikutnya").click()
    expect(page.get_by_role("heading", name="Pendaftaran Baru", level=1)).to_be_visible()
    expect(page.locator(".flash")).to_have_count(0)

    # Both visits are on the person's record: the earlier ticket is listed on the next visit too.
    page.goto(f"{server}/pendaftaran/baru")
    wait_for_nik_check(page, VALID_NIK)
    expect(page.locator("#nik-check .earlier li")).to_have_count(2)
    assert page.js_errors == []


def test_queue_filters_swap_the_rows_without_reloading_the_page(page, server, make_user, make_case, places):
    for number in range(27):
        make_case(nik=f"320405411190{number + 1:04d}", name=f"Warga Desa Satu {number}",
                  birth_date=date(1990, 11, 1), region_code=places.desa)
    for number in range(3):
        make_case(nik=f"320405011190{number + 1:04d}", name=f"Warga Kecamatan Lain {number}",
                  birth_date=date(1990, 11, 1), sex="L", region_code=places.other_desa)
    make_user("back_office", username="bo")
    sign_in(page, server, "bo")
    page.goto(f"{server}/kasus/")
    rows = page.locator("#case-rows table.list tbody tr")
    expect(page.locator("#case-rows")).to_contain_text("30 kasus")
    expect(rows).to_have_count(25)
    page.evaluate("window.slrtMarker = 'still here'")

    with page.expect_response(re.compile(r"/kasus/\?")):
        page.locator("form.filters").get_by_label("Kecamatan").select_option(places.other_kecamatan)
    expect(page.locator("#case-rows")).to_contain_text("3 kasus")
    expect(rows).to_have_count(3)
    expect(page.locator("#case-rows")).to_contain_text("Warga Kecamatan Lain")
    expect(page.locator("#case-rows")).not_to_contain_text("Warga Desa Satu")
    assert page.evaluate("window.slrtMarker") == "still here"
    assert f"kecamatan={places.other_kecamatan}" in page.url  # the filter is in the address, for back/bookmark

    # The name search narrows further; then the whole district again, paged.
    with page.expect_response(re.compile(r"/kasus/\?")):
        page.locator("form.filters").get_by_label("Kecamatan").select_option("")
    expect(rows).to_have_count(25)
    expect(page.locator(".pager")).to_contain_text("Halaman 1 dari 2")
    page.locator(".pager").get_by_role("link", name=re.compile("Berikutnya")).click()
    expect(page.locator(".pager")).to_contain_text("Halaman 2 dari 2")
    expect(rows).to_have_count(5)
    assert "page=2" in page.url
    assert page.evaluate("window.slrtMarker") == "still here"
    page.locator(".pager").get_by_role("link", name=re.compile("Sebelumnya")).click()
    expect(page.locator(".pager")).to_contain_text("Halaman 1 dari 2")
    screenshot(page, "window-queue")

    # A ticket typed in the search box finds exactly that case.
    ticket = page.locator("#case-rows tbody td:first-child a").first.inner_text()
    page.locator("form.filters").get_by_label("Tiket atau nama").fill(ticket.lower())
    with page.expect_response(re.compile(r"/kasus/\?")):
        page.locator("form.filters").get_by_role("button", name="Saring").click()
    expect(rows).to_have_count(1)
    expect(page.locator("#case-rows")).to_contain_text("1 kasus")
    assert page.evaluate("window.slrtMarker") == "still here"
    assert page.js_errors == []


def pdf_pages(page) -> int:
    document = page.pdf(prefer_css_page_size=True, print_background=False)
    return int(re.search(rb"/Count (\d+)", document).group(1))


def test_receipt_prints_on_one_a5_page_and_on_a_72_mm_roll(page, server, make_user, make_case):
    from slrt.admin.models import ComplaintCategory, Programme
    from slrt.extensions import db
    categories = db.session.scalars(db.select(ComplaintCategory).limit(3)).all()
    programmes = db.session.scalars(db.select(Programme.id).limit(4)).all()
    case = make_case(name="Siti Maryam Nurjanah binti Abdul Rahman Hakim",
                     complaints=[(c.id, "Uraian keluhan yang cukup panjang " * 3) for c in categories],
                     needs=list(programmes))
    make_user("front_office", username="loket")
    sign_in(page, server, "loket")

    page.goto(f"{server}/kasus/{case.id}/tanda-terima")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Cetak")).to_be_hidden()
    expect(page.locator(".ticket-number")).to_have_text(case.ticket)
    assert pdf_pages(page) == 1

    page.emulate_media(media="screen")
    page.get_by_role("link", name="Struk printer thermal").click()
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Kertas A5")).to_be_hidden()
    width_mm = page.evaluate("() => document.querySelector('.slip').getBoundingClientRect().width") / 96 * 25.4
    assert width_mm <= 72.5
    overflow = page.evaluate("() => [...document.querySelectorAll('.slip *')].filter("
                             "e => e.getBoundingClientRect().right > document.querySelector('.slip')"
                             ".getBoundingClientRect().right + 1).length")
    assert overflow == 0, "something sticks out of the 72 mm strip"
    assert pdf_pages(page) == 1
    screenshot(page, "window-receipt-thermal-print")
    assert page.js_errors == []
