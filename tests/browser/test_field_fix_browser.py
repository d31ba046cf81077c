"""In headless Chromium: what the portal refused at a sync is corrected on the tablet, offline, and accepted at
the next sync. A citizen registered with a phone number only the portal's check refuses, and a visit dated
further back than the portal takes, come back "Ditolak" with the portal's message; the facilitator opens each
again (the registration from the waiting list, the visit from *Kunjungan saya*) with what was saved and the
field at fault marked, corrects it without signal, and the next sync saves each exactly once under its first
uuid (so a lost answer could never save it twice)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from slrt.cases.models import Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.field.models import SyncRecord
from slrt.visits import operations as visits
from slrt.visits.models import HomeVisit, VisitStatus
from tests.browser.conftest import login
from tests.browser.test_field_app import NEW_NIK, OPEN, PIN, _sync
from tests.conftest import PASSWORD, count
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")

SHOTS = Path("/work/notes/shots-s16-field")

# The outbox as the device keeps it: ids and states are in clear, the bodies encrypted.
OUTBOX = """async () => {
  %s
  const rows = await asked(db.transaction("outbox").objectStore("outbox").getAll());
  db.close();
  return rows.map((r) => [r.uuid, r.kind, r.state]).sort();
}""" % OPEN


def _shot(page, name: str) -> None:
    """What the facilitator sees, kept for a person to look at (only where the notes folder exists)."""
    if SHOTS.parent.is_dir():
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_refused_record_is_corrected_offline_and_saved_once_at_the_next_sync(app, browser, live_server, make_user,
                                                                                make_case, places):
    officer = make_user("back_office")
    facilitator = make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(documents=["KTP"])
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=1), "", officer, local_today())
    db.session.commit()

    context = browser.new_context(locale="id-ID", viewport={"width": 800, "height": 1280})
    context.set_default_timeout(15_000)
    errors = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    page = context.new_page()
    login(page, live_server, "fasilitator", PASSWORD)
    page.goto(f"{live_server}/lapangan")
    page.fill("input[name=device_name]", "Tablet Desa Sukamaju")
    page.fill("input[name=pin]", PIN)
    page.fill("input[name=pin_again]", PIN)
    page.get_by_role("button", name="Pasang perangkat").click()
    page.get_by_text("Sinkron selesai.").wait_for()

    # offline: a registration whose phone number the device does not check, and a visit dated too far back
    context.set_offline(True)
    page.get_by_role("button", name="Daftar warga baru").click()
    page.fill("input[name=nik]", NEW_NIK)
    page.fill("input[name=name]", "Dedi Kurniawan")
    page.fill("input[name=birth_date]", "1985-03-10")
    page.check("input[name=sex][value=L]")
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=address]", "Kp. Babakan")
    page.select_option("select[name=region_code]", places.desa2)
    page.select_option("select[name=visit_type]", "service_request")
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=complaint]", "Butuh bantuan berobat untuk ibu.")
    # a household member (her NIK not at hand: left out, as the counter allows)
    page.get_by_role("button", name="Tambah anggota").click()
    page.fill("input[name=members-0-name]", "Siti Aminah")
    page.select_option("select[name=members-0-relation]", "2")
    page.fill("input[name=members-0-birth_date]", "1987-06-02")
    page.select_option("select[name=members-0-sex]", "P")
    page.get_by_role("button", name="Daftarkan").click()
    ticket = page.locator(".ticket .number").inner_text().removeprefix("Nomor tiket: ")
    page.get_by_role("button", name="Kunjungan saya").click()
    page.get_by_role("button", name="Ani Suryani").click()
    page.fill("input[name=visited_on]", (local_today() - timedelta(days=200)).isoformat())
    page.fill("textarea[name=findings]", "Rumah bambu, lima penghuni.")
    page.fill("textarea[name=recommendation]", "Usulkan RTLH.")
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Tersimpan di perangkat.").wait_for()
    sent_first = page.evaluate(OUTBOX)
    assert [state for _uuid, _kind, state in sent_first] == ["pending", "pending"]

    # online: the portal refuses both and saves nothing
    context.set_offline(False)
    _sync(page)
    db.session.rollback()
    assert count(Case, Case.ticket == ticket) == 0 and count(SyncRecord) == 0
    assert db.session.get(HomeVisit, visit.id).status == VisitStatus.ASSIGNED
    assert [state for _uuid, _kind, state in page.evaluate(OUTBOX)] == ["refused", "refused"]
    page.get_by_role("button", name="Menunggu sinkron").click()
    citizen_row = page.locator(".state-refused", has_text="Dedi Kurniawan")
    assert "Nomor HP tidak sah" in citizen_row.inner_text()
    assert "null" not in page.locator("main").inner_text()  # a screen without a notice shows none
    _shot(page, "waiting-refused-800")

    # offline again: the registration reopened from the list, with what was typed and the phone marked
    context.set_offline(True)
    citizen_row.get_by_role("button", name="Perbaiki").click()
    page.get_by_role("heading", name="Perbaiki pendaftaran warga").wait_for()
    phone = page.locator("label.field.invalid", has=page.locator("input[name=phone]"))
    assert "Nomor HP tidak sah" in phone.inner_text()
    assert page.input_value("input[name=phone]") == "12345"
    assert page.input_value("input[name=name]") == "Dedi Kurniawan"
    assert page.input_value("input[name=nik]") == NEW_NIK
    assert page.input_value("textarea[name=complaint]") == "Butuh bantuan berobat untuk ibu."
    assert page.input_value("input[name=members-0-name]") == "Siti Aminah"
    assert page.input_value("select[name=members-0-relation]") == "2"
    assert page.locator("label.field.invalid").count() == 1
    assert ticket in page.locator("main").inner_text()  # the citizen keeps the number they were given
    _shot(page, "fix-citizen-800")
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    _shot(page, "fix-citizen-390")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.fill("input[name=phone]", "081234567890")
    page.get_by_role("button", name="Simpan perbaikan").click()
    page.get_by_text("Perbaikan tersimpan di perangkat").wait_for()
    assert page.locator(".state-pending", has_text="Dedi Kurniawan").count() == 1

    # the visit, from Kunjungan saya: it says it was refused and opens as saved, the date marked
    page.get_by_role("button", name="Kunjungan saya").click()
    page.get_by_text("Ditolak portal: perlu diperbaiki").wait_for()
    # the case has no address, RT or RW: the visit says its village, not "RT /RW , Arjasari"
    where = page.locator("button.visit span").first.inner_text()
    assert where and not where.startswith((",", "RT")) and "/RW" not in where, where
    page.get_by_role("button", name="Ani Suryani").click()
    date = page.locator("label.field.invalid", has=page.locator("input[name=visited_on]"))
    assert "terlalu lama" in date.inner_text()
    assert page.input_value("textarea[name=findings]") == "Rumah bambu, lima penghuni."
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page)
    _shot(page, "fix-visit-390")
    page.set_viewport_size({"width": 800, "height": 1280})
    page.fill("input[name=visited_on]", local_today().isoformat())
    page.get_by_role("button", name="Simpan perbaikan").click()
    page.get_by_text("Perbaikan tersimpan di perangkat").wait_for()
    # the same two records, under the same ids, waiting again; nothing left the device meanwhile
    assert page.evaluate(OUTBOX) == sent_first
    db.session.rollback()
    assert count(SyncRecord) == 0

    context.set_offline(False)
    _sync(page)
    db.session.rollback()
    (uuid_one, _, _), (uuid_two, _, _) = sent_first
    assert count(SyncRecord, SyncRecord.uuid.in_([uuid_one, uuid_two])) == 2 and count(SyncRecord) == 2
    registered = db.session.scalar(select(Case).where(Case.ticket == ticket))
    assert registered.citizen.name == "Dedi Kurniawan" and registered.citizen.phone == "081234567890"
    assert [(m.name, m.relation, m.nik or "", m.sex) for m in registered.person.members] == [("Siti Aminah", 2, "", "P")]
    assert db.session.get(HomeVisit, visit.id).status == VisitStatus.DONE
    _sync(page)  # once more: nothing arrives twice
    db.session.rollback()
    assert count(Case, Case.ticket == ticket) == 1 and count(SyncRecord) == 2
    page.get_by_role("button", name="Menunggu sinkron").click()
    expect(page.locator(".state-sent")).to_have_count(2)
    assert page.locator(".state-refused").count() == 0
    _shot(page, "waiting-sent-800")
    assert errors == []
    context.close()
