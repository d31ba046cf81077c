"""In headless Chromium: the administrator revokes a lost tablet from *Perangkat lapangan* (the tablet then
hears "wipe"), and the back office decides a clash between a tablet's version and the office's field by
field; both pages fit a 390 px phone."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from slrt.cases.models import Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.field import operations
from slrt.field.models import ClashStatus, FieldClash
from slrt.visits import operations as visits
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.field_helpers import bearer
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_lost_tablet_is_revoked_and_a_clash_is_decided_field_by_field(app, browser, live_server, make_user,
                                                                         make_case, places):
    make_user("admin", username="admin")
    officer = make_user("back_office", username="backoffice")
    facilitator = make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(documents=["KTP"])
    device, token, _tickets = operations.enrol(facilitator, uuid.uuid4(), "Tablet Desa Sukamaju", "1.0.0", 20)
    spare, spare_token, _ = operations.enrol(facilitator, uuid.uuid4(), "Ponsel cadangan", "1.0.0", 20)
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=1), "", officer, local_today())
    case.documents = "KTP,SKTM"  # the office's change while the tablet was offline
    operations.push_visit(device, str(uuid.uuid4()), {
        "visit_id": visit.id, "visited_on": local_today().isoformat(), "findings": "Atap bocor.",
        "recommendation": "RTLH.", "base": {"needs": [], "documents": ["KTP"]},
        "case": {"needs": [], "documents": ["KTP", "KK"]}}, local_today())
    db.session.commit()

    for width in (1280, 390):
        context = browser.new_context(locale="id-ID", viewport={"width": width, "height": 900})
        page = context.new_page()
        login(page, live_server, "admin", PASSWORD)
        page.goto(f"{live_server}/admin/perangkat")
        assert page.get_by_text("Tablet Desa Sukamaju").is_visible()
        screenshot(page, f"field-devices-{width}")
        assert width == 1280 or _fits(page)
        context.close()

    context = browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server}/admin/perangkat")
    row = page.locator("tr", has_text="Ponsel cadangan")
    row.get_by_text("Cabut", exact=True).click()
    row.locator("textarea[name=reason]").fill("Ponsel hilang di pasar")
    row.get_by_role("button", name="Cabut perangkat").click()
    page.get_by_text("Perangkat Ponsel cadangan dicabut").wait_for()
    context.close()
    answer = app.test_client().post("/lapangan/api/tarik", headers=bearer(spare_token))
    assert answer.status_code == 410 and answer.get_json()["wipe"] is True
    assert app.test_client().post("/lapangan/api/tarik", headers=bearer(token)).status_code == 200

    context = browser.new_context(locale="id-ID", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    login(page, live_server, "backoffice", PASSWORD)
    page.goto(f"{live_server}/lapangan/bentrok")
    page.get_by_role("link", name="Pilih versi").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Surat keterangan tidak mampu").first.is_visible()
    assert _fits(page)
    screenshot(page, "field-clash-390")
    page.locator("input[name=choice-documents][value=device]").check()
    page.get_by_role("button", name="Simpan pilihan").click()
    page.get_by_text("Pilihan tersimpan").wait_for()
    context.close()
    db.session.rollback()
    assert db.session.scalar(select(FieldClash.status)) == ClashStatus.RESOLVED
    assert db.session.get(Case, case.id).document_codes == ["KK", "KTP"]
