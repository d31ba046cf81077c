"""In headless Chromium: the back office reads a WhatsApp conversation, answers it and opens a case from it;
a case pulled from SP4N-LAPOR! shows its tracking ID, LAPOR!'s deadlines and what went back to LAPOR!."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from slrt.handling import operations as handling
from slrt.cases.models import Case
from slrt.extensions import db
from slrt.notifications import dispatch
from slrt.notifications.models import OutboxMessage
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.lapor_helpers import FakeLapor, report
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture
from tests.test_lapor import run_sync
from tests.test_whatsapp_in import payload

pytestmark = pytest.mark.usefixtures("fast_passwords")
SECRET = "app-secret-rahasia"


@pytest.fixture
def wa_server(make_app):
    application = make_app(SLRT_WA_APP_SECRET=SECRET)
    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def write_in(base_url: str, text: str, number: str, message_id: str) -> None:
    raw = json.dumps(payload(text, number=number, message_id=message_id)).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{base_url}/wa/webhook", data=raw, method="POST",
                                     headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_the_back_office_answers_a_whatsapp_conversation_and_opens_a_case(page, wa_server, app, make_user):
    make_user("back_office", username="backoffice")
    write_in(wa_server, "Selamat pagi Bu, bantuan PKH ibu saya sudah tiga bulan tidak cair. Mohon dibantu.",
             "6281234567890", "wamid.B1")
    write_in(wa_server, "STATUS ABCDE-FGHJK", "6285711112222", "wamid.B2")
    login(page, wa_server, "backoffice", PASSWORD)
    page.get_by_role("link", name="Pesan masuk").first.click()
    page.wait_for_load_state("networkidle")
    assert "bantuan PKH ibu saya" in page.inner_text("#inbox-rows")
    assert "0812****7890" in page.inner_text("#inbox-rows")
    assert "0857****2222" not in page.inner_text("#inbox-rows")  # answered automatically: not waiting
    page.select_option("#status", "all")
    page.locator("#inbox-rows").get_by_text("0857****2222").wait_for()
    screenshot(page, "pesan-masuk-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "pesan-masuk-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#inbox-rows tr", has_text="0812****7890").get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    page.fill("textarea[name=text]", "Baik Bu, kami cek data PKH ibu Anda. Mohon datang ke loket SLRT membawa KTP dan KK.")
    page.get_by_role("button", name="Kirim balasan").click()
    page.wait_for_load_state("networkidle")
    assert "Balasan dijadwalkan untuk dikirim." in page.inner_text("main")
    assert "membawa KTP dan KK" in page.inner_text("ol.chat")
    screenshot(page, "percakapan-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "percakapan-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Buat kasus dari percakapan ini").click()
    page.wait_for_load_state("networkidle")
    assert page.input_value("#phone") == "081234567890"
    assert page.is_checked("input[name=contact_channel][value=whatsapp]")
    assert not page.js_errors
    db.session.rollback()
    assert [m.kind for m in db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id))] == [
        "wa_auto", "wa_auto", "wa_reply"]


def test_a_lapor_case_shows_its_tracking_id_and_deadlines(page, live_server, app, make_user, places):
    with FakeLapor([report("LPR3204881", places.desa, judul="Bantuan PKH tidak cair sejak Agustus")]) as fake:
        app.config.update(fake.config(SLRT_OUTBOX_BACKOFF=(0,)))
        run_sync(app, make_user)
        officer = make_user("back_office", username="backoffice")
        case = db.session.scalar(db.select(Case))
        handling.take(case, officer)
        db.session.commit()
        dispatch.send_due(app)  # the acknowledgement and the follow-up reach the fake LAPOR!
        case_id = case.id
    assert fake.acks and fake.follow_ups
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/kasus/{case_id}")
    panel = page.locator("section.lapor-panel")
    text = panel.inner_text()
    assert "LPR3204881" in text and "Verifikasi (3 hari kerja)" in text and "Tindak lanjut (5 hari kerja)" in text
    assert "Tanda terima ke LAPOR!" in text and "Tindak lanjut ke LAPOR!" in text
    panel.scroll_into_view_if_needed()
    screenshot(page, "kasus-lapor-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "kasus-lapor-390")
    page.goto(f"{live_server}/lapor/")
    assert "LPR3204881" in page.inner_text("main")
    screenshot(page, "lapor-daftar-1280")
    assert not page.js_errors
