"""Lists on a counter clerk's phone (390 px): the case queue, the referral queue and the audit log, with rows, fit
the screen without the page or the list scrolling sideways; each row becomes a card whose cells name their column
(in Indonesian, from the header's own translation). A tablet held upright (768 px) gets the same cards; on a desk
(1280 px) the list is the ordinary table with its header row, and it fits there too."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.conftest import htmx_settled, login
from tests.conftest import PASSWORD

pytest.importorskip("playwright.sync_api")

SHOTS = Path(os.environ.get("SLRT_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "phone-lists"))
LONG_NAME = "Siti Nurhaliza Rahmawati Kusumadewi Wulandari"
LONG_ADDRESS = "Kampung Sukamaju Kidul Blok Pasir Kaliki Nomor 117 Gang Mesjid Al-Ikhlas dekat Pos Ronda"

# (role, url, the first column's header, what a cell of the first row shows)
LISTS = [("back_office", "/kasus/?status=", "Tiket", None),
         ("back_office", "/rujukan/?show=all", "Tiket", "Tiket"),
         ("admin", "/admin/audit", "Waktu", "Waktu")]

WIDTHS = """() => ({page: document.documentElement.scrollWidth, view: window.innerWidth,
  lists: [...document.querySelectorAll('main table, main .scroll-x')].map(t => t.scrollWidth - t.clientWidth)})"""

# The filters above a list: every control lies inside the form's box and is wide enough to read (a field spanning
# two columns where one fits made a second column the screen has no room for: 'Sampai tanggal' showed 'mm/dd/yy').
FILTERS_OUTSIDE = """() => [...document.querySelectorAll('main form.filters')].flatMap((form) => {
  const box = form.getBoundingClientRect();
  return [...form.querySelectorAll('input, select, button')]
    .filter((c) => c.type !== 'hidden' && c.offsetParent !== null)
    .filter((c) => { const r = c.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1 || (c.tagName !== 'BUTTON' && r.width < Math.min(150, box.width / 2)); })
    .map((c) => [c.name || c.textContent.trim(), Math.round(c.getBoundingClientRect().right), Math.round(box.right)]);
})"""


@pytest.fixture
def district(make_user, make_case, monkeypatch):
    from slrt.extensions import db
    from slrt.referrals.models import ReferralStatus
    from tests.referrals_helpers import referral_in
    monkeypatch.setattr("slrt.auth.passwords._hasher", __import__("argon2").PasswordHasher(
        time_cost=1, memory_cost=1024, parallelism=1))
    officer = make_user("back_office", username="back_office")
    signer = make_user("supervisor", username="supervisor")
    make_user("admin", username="admin")
    for n in range(3):
        make_case(name=f"{LONG_NAME} {n}", address=LONG_ADDRESS, phone="081234567890")
    referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(name=LONG_NAME), officer, signer)
    referral_in(ReferralStatus.APPROVED, make_case(name=LONG_NAME), officer, signer)
    db.session.commit()


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_lists_with_rows_fit_the_screen_and_name_their_columns_on_a_phone(browser, live_server, district, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role in ("back_office", "admin"):
        # Not is_mobile: a mobile browser zooms out to fit a page that is too wide, and the overflow would hide.
        context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 844}, has_touch=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            login(page, live_server, role, PASSWORD)
            for who, url, first_header, label in LISTS:
                if who != role:
                    continue
                page.goto(live_server + url)
                htmx_settled(page)
                rows = page.locator("main table tbody tr")
                assert rows.count() >= 2, url
                page.screenshot(path=str(SHOTS / f"{url.strip('/').split('?')[0].replace('/', '-')}-{width}.png"),
                                full_page=True)
                sizes = page.evaluate(WIDTHS)
                assert sizes["page"] <= sizes["view"] == width, (url, sizes)
                assert max(sizes["lists"]) <= 0, (url, "a list scrolls inside its box", sizes)
                assert page.evaluate(FILTERS_OUTSIDE) == [], url
                page.locator("main form").first.screenshot(path=str(SHOTS / f"filters-{url.strip('/').split('?')[0].replace('/', '-')}-{width}.png"))
                header = page.locator("main table thead th").first
                first = rows.first.locator("td").first
                shown = first.evaluate("td => getComputedStyle(td, '::before').content")
                if width < 800:
                    assert not header.is_visible(), url
                    if label:  # the cell names its column, from the translated header
                        assert shown == f'"{label}"', (url, shown)
                    # a card: the row's cells lie one under another, not side by side past the edge
                    box = rows.first.bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width, url
                else:
                    assert header.is_visible() and header.inner_text() == first_header, url
                    assert shown in ("none", "normal"), (url, shown)
        finally:
            context.close()
