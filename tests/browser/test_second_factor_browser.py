"""Setting up the second factor in a real browser: the QR shows under the page's CSP, the code from the
app turns it on, the recovery codes show once, and the next login asks for a code."""
import time

import pyotp

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD


def test_enrolment_qr_renders_and_the_next_login_asks_for_a_code(page, live_server, make_user):
    make_user("back_office", username="siti")
    login(page, live_server, "siti", PASSWORD)
    page.click("text=Keamanan akun")
    page.click("text=Aktifkan verifikasi dua langkah")
    qr = page.locator("img.totp-qr")
    qr.wait_for()
    # a data: image that the Content-Security-Policy let through and the browser decoded
    assert page.evaluate("document.querySelector('img.totp-qr').naturalWidth") > 0
    screenshot(page, "second-factor-enrol")
    secret = page.locator(".totp-secret code").inner_text().replace(" ", "")
    page.fill("#code", pyotp.TOTP(secret).at(time.time() - 30))
    page.click("main button[type=submit]")
    assert page.locator(".recovery-codes li").count() == 10
    screenshot(page, "second-factor-recovery-codes")
    page.click("header button:has-text('Keluar')")

    login(page, live_server, "siti", PASSWORD)
    assert page.url.endswith("/masuk/kode")
    page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == live_server.rstrip("/")  # the officer's home page: their work
    assert page.js_errors == []
