"""The administrator subscribes a URL for an API client, copies its secret, and reads the delivery log after a
delivery was refused and retried."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app

from slrt.extensions import db
from slrt.webhooks.delivery import deliver_due
from tests.browser.conftest import login, screenshot
from tests.test_webhooks import Receiver

SHOTS = Path(os.environ.get("SLRT_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "webhooks"))


def _shot(page, name: str) -> None:
    """A screenshot at the desk's width and a phone's (kept for the reviewer when the folder exists); the page
    never scrolls sideways on the phone."""
    screenshot(page, name)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        if SHOTS.is_dir():
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_administrator_subscribes_a_url_and_reads_the_delivery_log(page, live_server, make_user, make_case,
                                                                        places):
    from tests.api_helpers import make_client
    admin = make_user("admin", username="admin1")
    make_client(admin, name="Command Center Kabupaten", region_code=places.district)
    application = current_app._get_current_object()
    with Receiver([500, 200]) as receiver:
        login(page, live_server, admin.username, "correct-horse-battery")
        page.click("nav.mainnav >> text=Klien API")
        page.click("td.row-actions >> text=Webhook")
        page.fill("#url", receiver.url)
        for event in ("case.created", "referral.answered", "case.closed"):
            page.check(f"input[name=events][value='{event}']")
        page.click("main form.panel button[type=submit]")
        secret = page.locator("p.password-once code").inner_text()
        assert secret.startswith("whsec_")
        page.click("text=Kembali ke webhook klien")
        assert secret not in page.content() and receiver.url in page.content()
        _shot(page, "webhook-admin")
        db.session.rollback()  # the test's read snapshot predates the server's writes (SQLite could not write)
        make_case()
        application.config["SLRT_WEBHOOK_BACKOFF"] = (0,)
        deliver_due(application)  # refused with 500: waits for its retry
        page.click("text=Log kiriman")
        assert "HTTP 500" in page.content()
        deliver_due(application)
        page.reload()
        assert "Terkirim" in page.content()
        _shot(page, "webhook-deliveries")
    assert page.js_errors == []
