"""In headless Chromium: what the portal refused at a sync is corrected on the tablet, offline, and accepted at
the next sync. A citizen registered with a phone number only the portal's check refuses, and a visit dated
further back than the portal takes, come back "Ditolak" with the portal's message; the facilitator opens each
again (the registration from the waiting list, the visit from *Kunjungan saya*) with what was saved and the
field at fault marked, corrects it without signal, and the next sync saves each exactly once under its first
uuid (so a lost answer could never save it twice)."""
from __future__ import annotations

from datetime import timedelta
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from slrt.cases.models import Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.audit.models import AuditLog
from slrt.field.models import DeviceTicket, SyncRecord, TicketState
from slrt.visits import operations as visits
from slrt.visits.models import HomeVisit, VisitStatus
from tests.browser.test_field_app import NEW_NIK, OPEN, _camera_photo, _sync, enrolled_page
from tests.conftest import count
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")

SHOTS = Path(os.environ.get("SLRT_SHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "field-fix"))

# The outbox as the device keeps it: ids and states are in clear, the bodies encrypted.
OUTBOX = """async () => {
  %s
  const rows = await asked(db.transaction("outbox").objectStore("outbox").getAll());
  db.close();
  return rows.map((r) => [r.uuid, r.kind, r.state]).sort();
}""" % OPEN


def _shot(page, name: str) -> None:
    """What the facilitator sees, kept for a person to look at (test-artifacts/, or SLRT_SHOTS)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _new_citizen(page, places, **more):
    """Opens "Daftar warga baru" and fills in Dedi Kurniawan's registration (head of household, a health
    complaint), with `more` fields (phone, address) as typed; the household members are the caller's."""
    page.get_by_role("button", name="Daftar warga baru").click()
    page.fill("input[name=nik]", NEW_NIK)
    page.fill("input[name=name]", "Dedi Kurniawan")
    page.fill("input[name=birth_date]", "1985-03-10")
    page.check("input[name=sex][value=L]")
    for name, value in more.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=region_code]", places.desa2)
    page.select_option("select[name=visit_type]", "service_request")
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=complaint]", "Butuh bantuan berobat untuk ibu.")


def test_a_refused_record_is_corrected_offline_and_saved_once_at_the_next_sync(app, browser, live_server, make_user,
                                                                                make_case, places):
    officer = make_user("back_office")
    facilitator = make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(documents=["KTP"])
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=1), "", officer, local_today())
    db.session.commit()

    context, page, errors = enrolled_page(browser, live_server)

    # offline: a registration whose phone number the device does not check, and a visit dated too far back
    context.set_offline(True)
    _new_citizen(page, places, phone="12345", address="Kp. Babakan")
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
    assert page.get_by_role("button", name="Buang catatan").count() == 0  # what can be fixed is not thrown away

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


# The photos the app's database holds, by the record they belong to.
PHOTOS = """async () => {
  %s
  const rows = await asked(db.transaction("photos").objectStore("photos").getAll());
  db.close();
  return rows.map((p) => p.record);
}""" % OPEN


def test_a_refusal_nothing_on_the_tablet_can_fix_is_discarded_after_saying_what_is_lost(
        app, browser, live_server, make_user, make_case, places):
    """A member's NIK that repeats the head's is marked on the tablet before saving (the counter's rule). A
    registration whose ticket number the portal no longer gives this device, and a visit the office cancelled,
    come back refused with "Hubungi kantor": only these offer "Buang catatan", whose confirmation says what goes
    (and, for the citizen, that the paper ticket is void and the citizen must be registered again at the office).
    Confirmed, the record and its photos leave the device, and the next sync tells the portal the uuid only."""
    officer = make_user("back_office")
    facilitator = make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(documents=["KTP"])
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=1), "", officer, local_today())
    db.session.commit()
    context, page, errors = enrolled_page(browser, live_server, 390, 844, permissions=["geolocation"],
                                          geolocation={"latitude": -7.02, "longitude": 107.53, "accuracy": 12})

    context.set_offline(True)
    _new_citizen(page, places)
    page.get_by_role("button", name="Tambah anggota").click()
    page.fill("input[name=members-0-name]", "Siti Aminah")
    page.fill("input[name=members-0-nik]", NEW_NIK[:4] + " " + NEW_NIK[4:])  # the head's NIK, typed with a space
    page.select_option("select[name=members-0-relation]", "2")
    for i, name in ((1, "Rudi"), (2, "Rina")):  # two children, the second given her brother's NIK
        page.get_by_role("button", name="Tambah anggota").click()
        page.fill(f"input[name=members-{i}-name]", name)
        page.fill(f"input[name=members-{i}-nik]", "3204050101100002")
        page.select_option(f"select[name=members-{i}-relation]", "3")
    page.get_by_role("button", name="Daftarkan").click()
    for i in (0, 2):
        repeated = page.locator("label.field.invalid", has=page.locator(f"input[name=members-{i}-nik]"))
        expect(repeated).to_contain_text("NIK ini sudah tercantum di atas.")
    assert page.locator("label.field.invalid").count() == 2  # the first holder of a NIK is not marked
    assert page.evaluate(OUTBOX) == []  # marked before saving: nothing waits
    _shot(page, "member-nik-repeated-390")
    page.fill("input[name=members-0-nik]", "")
    page.fill("input[name=members-2-nik]", "")
    page.get_by_role("button", name="Daftarkan").click()
    ticket = page.locator(".ticket .number").inner_text().removeprefix("Nomor tiket: ")
    page.get_by_role("button", name="Kunjungan saya").click()
    page.get_by_role("button", name="Ani Suryani").click()
    page.fill("textarea[name=findings]", "Rumah bambu, lima penghuni.")
    page.fill("textarea[name=recommendation]", "Usulkan RTLH.")
    page.set_input_files("input[name=photo]", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg",
                                                      "buffer": _camera_photo()}])
    page.locator(".photos img").wait_for()
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Tersimpan di perangkat.").wait_for()
    outbox = page.evaluate(OUTBOX)
    citizen_uuid = next(u for u, kind, _state in outbox if kind == "citizen")
    visit_uuid = next(u for u, kind, _state in outbox if kind == "visit")
    assert page.evaluate(PHOTOS) == [visit_uuid]

    # meanwhile at the office: the visit is cancelled, and the ticket the tablet gave is no longer its to give
    visits.cancel(db.session.get(HomeVisit, visit.id), "Warga pindah ke kabupaten lain.", officer)
    db.session.execute(DeviceTicket.__table__.update().where(DeviceTicket.ticket == ticket)
                       .values(state=TicketState.RELEASED))
    db.session.commit()
    context.set_offline(False)
    _sync(page)
    assert sorted(state for _u, _k, state in page.evaluate(OUTBOX)) == ["refused", "refused"]
    page.get_by_role("button", name="Menunggu sinkron").click()
    citizen_row = page.locator(".state-refused", has_text="Dedi Kurniawan")
    expect(citizen_row).to_contain_text("Hubungi kantor")
    expect(page.locator(".state-refused", has_text="Ani Suryani")).to_contain_text("sudah dibatalkan oleh kantor")
    assert citizen_row.get_by_role("button", name="Perbaiki").count() == 0

    # asked first, and "Batal" keeps it
    citizen_row.get_by_role("button", name="Buang catatan").click()
    confirm = citizen_row.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Pendaftaran Dedi Kurniawan tidak pernah diterima kantor")
    expect(confirm).to_contain_text(f"Nomor tiket {ticket} yang diberikan kepada warga tidak berlaku")
    expect(confirm).to_contain_text("datang ke kantor")
    assert "foto" not in confirm.inner_text()  # it has none: "0 foto" is not said
    assert _fits(page)
    _shot(page, "discard-citizen-confirm-390")
    confirm.get_by_role("button", name="Batal").click()
    expect(page.locator(".state-refused")).to_have_count(2)
    assert len(page.evaluate(OUTBOX)) == 2

    citizen_row.get_by_role("button", name="Buang catatan").click()
    citizen_row.get_by_role("button", name="Ya, buang dari perangkat").click()
    page.get_by_text("Catatan dibuang dari perangkat beserta fotonya.").wait_for()
    assert [u for u, _k, _s in page.evaluate(OUTBOX)] == [visit_uuid]

    visit_row = page.locator(".state-refused", has_text="Ani Suryani")
    visit_row.get_by_role("button", name="Buang catatan").click()
    expect(visit_row.get_by_role("alertdialog")).to_contain_text("1 foto catatan ini ikut dihapus")
    assert "Nomor tiket" not in visit_row.get_by_role("alertdialog").inner_text()
    _shot(page, "discard-visit-confirm-390")
    visit_row.get_by_role("button", name="Ya, buang dari perangkat").click()
    expect(page.get_by_text("Tidak ada yang menunggu.")).to_be_visible()
    expect(page.get_by_text("Catatan dibuang dari perangkat beserta fotonya.")).to_be_visible()
    assert page.evaluate(OUTBOX) == [] and page.evaluate(PHOTOS) == []
    _shot(page, "discarded-390")

    # the next sync tells the portal which records went, by uuid; nothing of them arrives
    _sync(page)
    db.session.rollback()
    notes = db.session.scalars(select(AuditLog.note).where(AuditLog.action == "field.discard")).all()
    assert len(notes) == 2 and count(SyncRecord) == 0 and count(Case, Case.ticket == ticket) == 0
    assert any(citizen_uuid in n and ticket in n for n in notes) and any(visit_uuid in n for n in notes)
    assert not any("Dedi" in n or "Ani" in n for n in notes)
    _sync(page)  # told once: the list left the device with the answer
    db.session.rollback()
    assert count(AuditLog, AuditLog.action == "field.discard") == 2
    assert errors == []
    context.close()
