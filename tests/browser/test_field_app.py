"""In headless Chromium, the field app as a facilitator uses it: set up the tablet while online, go offline,
record a visit with a photo, close the app, open it again offline (the service worker serves it) behind the
PIN, register a citizen and read the ticket at once; back online one sync delivers everything exactly once
(a field the office changed meanwhile is shown as a clash); a tablet revoked by the administrator erases
what it holds at its next sync, and one left too long without a sync erases it when opened."""
from __future__ import annotations

import io
import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from slrt.attachments.models import Attachment
from slrt.auth.models import User
from slrt.cases.models import Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.field import operations
from slrt.field.models import Device, DeviceTicket, FieldPhoto, PhotoStatus, SyncRecord
from slrt.visits import operations as visits
from slrt.visits.models import HomeVisit, VisitStatus
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD, count
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")

PIN = "246810"
NEW_NIK = "3204051003850002"  # a man born 10 March 1985, registered in 32.04.05

# The app's IndexedDB, read and changed from the page as a test (the app itself goes through idb).
OPEN = """const db = await new Promise((ok, fail) => {
    const r = indexedDB.open("slrt-lapangan"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const asked = (r) => new Promise((ok) => { r.onsuccess = () => ok(r.result); });"""

# Every record the app's database holds, in all its stores (0 once wiped).
RECORDS_LEFT = """async () => {
  %s
  let n = 0;
  for (const name of db.objectStoreNames) n += await asked(db.transaction(name).objectStore(name).count());
  db.close();
  return n;
}""" % OPEN

# Everything the app's database holds as clear text (ArrayBuffers, the ciphertexts, are not text).
CLEAR_TEXT = """async () => {
  %s
  const rows = [];
  for (const name of db.objectStoreNames) rows.push(await asked(db.transaction(name).objectStore(name).getAll()));
  db.close();
  return JSON.stringify(rows);
}""" % OPEN

LAST_SYNC_DAYS_AGO = """async (days) => {
  %s
  const t = db.transaction("meta", "readwrite");
  t.objectStore("meta").put(Date.now() - days * 86400000, "last_sync");
  await new Promise((ok) => { t.oncomplete = ok; });
  db.close();
}""" % OPEN


def _camera_photo() -> bytes:
    """A 2000×1500 photo of noise: far above 200 KB as a camera JPEG, so the app must shrink it."""
    from PIL import Image
    noise = random.Random(7).randbytes(2000 * 1500 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (2000, 1500), noise).save(out, "JPEG", quality=95)
    return out.getvalue()


def _same_nik_rules_as_the_counter(page) -> None:
    """static/field/nik.js, the device's port of slrt/core/nik.py, judges as the counter does."""
    from slrt.core.nik import check_nik
    from slrt.regions.operations import region_index
    regencies = region_index.regency_codes()
    for nik in (NEW_NIK, "3204054512900001", "3204051003850000", "9904051003850002", "3204053102850002",
                "320405100385000", "3204 0510 0385 0002", "32040510038500x2"):
        mine = page.evaluate("async ([nik, known]) => (await import('/static/field/nik.js')).checkNik(nik, known)",
                             [nik, regencies])
        counter = check_nik(nik, region_index)
        assert (bool(mine["errors"]), mine["sex"], mine["birthDate"]) == (
            bool(counter.errors), counter.sex, counter.birth_date and counter.birth_date.isoformat()), nik


def _sync(page) -> None:
    page.get_by_role("button", name="Sinkronkan", exact=True).click()  # it reads "Menyinkronkan…" until done
    page.get_by_role("button", name="Sinkronkan", exact=True).wait_for()
    assert page.get_by_text("Sinkron selesai.").is_visible()


def enrolled_page(browser, live_server, width=800, height=1280, **context_options):
    """The facilitator "fasilitator" logged in on a new tablet (a browser context of `width` × `height`) that has
    set itself up and made its first sync. Returns the context, the page and the JS errors it collects."""
    context = browser.new_context(locale="id-ID", viewport={"width": width, "height": height}, **context_options)
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
    return context, page, errors


def test_what_the_tablet_records_offline_arrives_once_and_a_revoked_tablet_wipes(app, browser, live_server,
                                                                                  make_user, make_case, places):
    admin = make_user("admin")
    officer = make_user("back_office")
    facilitator = make_user("facilitator", username="fasilitator", region_code=places.desa2)
    case = make_case(documents=["KTP"])
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=1), "Cek jamban", officer, local_today())
    db.session.commit()
    photo = _camera_photo()
    assert len(photo) > 600_000

    context, page, errors = enrolled_page(browser, live_server, permissions=["geolocation"],
                                          geolocation={"latitude": -7.02, "longitude": 107.53, "accuracy": 12})
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    context.set_offline(True)
    page.get_by_role("button", name="Ani Suryani").click()
    page.select_option("select[name=housing-floor]", "earth")
    page.fill("textarea[name=findings]", "Rumah bambu, lima penghuni, jamban tidak ada.")
    page.fill("textarea[name=recommendation]", "Usulkan RTLH dan jamban sehat.")
    page.check("input[name=documents][value=KK]")  # the family card seen at the house
    page.set_input_files("input[name=photo]", files=[{"name": "rumah.jpg", "mimeType": "image/jpeg",
                                                      "buffer": photo}])
    page.locator(".photos img").wait_for()
    assert "GPS" in page.locator(".photos li").inner_text()
    page.get_by_role("button", name="Simpan").click()
    page.get_by_text("Tersimpan di perangkat.").wait_for()
    page.close()

    page = context.new_page()  # the app opened again, still without signal: the service worker serves it
    page.goto(f"{live_server}/lapangan")
    page.fill("input[name=pin]", "999999")
    page.get_by_role("button", name="Buka").click()
    page.get_by_text("PIN salah").wait_for()  # a wrong PIN cannot decrypt
    page.fill("input[name=pin]", PIN)
    page.get_by_role("button", name="Buka").click()
    page.get_by_text("Sudah dicatat, menunggu sinkron").wait_for()
    page.get_by_role("button", name="Daftar warga baru").click()
    page.fill("input[name=nik]", "3204051003850000")
    page.get_by_role("button", name="Daftarkan").click()
    page.locator(".error", has_text="tidak boleh 0000").wait_for()  # the counter's NIK rules, on the device
    page.fill("input[name=nik]", NEW_NIK)
    page.fill("input[name=name]", "Dedi Kurniawan")
    page.fill("input[name=birth_date]", "1985-03-10")
    page.check("input[name=sex][value=L]")
    page.fill("input[name=address]", "Kp. Babakan")
    page.select_option("select[name=region_code]", places.desa2)
    page.select_option("select[name=visit_type]", "service_request")
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=complaint]", "Butuh bantuan berobat untuk ibu.")
    page.get_by_role("button", name="Daftarkan").click()
    ticket = page.locator(".ticket .number").inner_text().removeprefix("Nomor tiket: ")
    _same_nik_rules_as_the_counter(page)
    device = db.session.scalar(select(Device).where(Device.user_id == facilitator.id))
    clear = page.evaluate(CLEAR_TEXT)  # names, NIK, findings and the token are stored encrypted only
    assert "uuid" in clear and not any(secret in clear for secret in ("Dedi", NEW_NIK, "Ani Suryani", "bambu"))
    assert db.session.scalar(select(DeviceTicket.device_id).where(DeviceTicket.ticket == ticket)) == device.id

    db.session.rollback()
    db.session.get(Case, case.id).documents = "KTP,SKTM"  # the office ticked the SKTM meanwhile
    db.session.commit()
    context.set_offline(False)
    _sync(page)
    db.session.rollback()  # a fresh snapshot: the live server wrote meanwhile
    assert db.session.get(HomeVisit, visit.id).status == VisitStatus.DONE
    stored = db.session.scalar(select(FieldPhoto).where(FieldPhoto.device_id == device.id))
    assert stored.status == PhotoStatus.STORED and stored.size <= 200 * 1024 and stored.latitude == pytest.approx(-7.02)
    assert db.session.get(Attachment, stored.attachment_id).case_id == case.id
    citizen_case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    assert citizen_case.citizen.name == "Dedi Kurniawan"

    _sync(page)  # again: nothing arrives twice
    db.session.rollback()
    assert count(SyncRecord, SyncRecord.device_id == device.id) == 2
    assert count(FieldPhoto, FieldPhoto.device_id == device.id) == 1
    assert count(Case, Case.ticket == ticket) == 1
    page.get_by_role("button", name="Menunggu sinkron").click()
    clash = page.locator(".state-clash")  # the documents: the office's and the tablet's, the office decides
    clash.locator("table").wait_for()
    assert clash.locator("tr", has_text="Dokumen").inner_text().split("\t")[1:] == [
        "KTP, Surat keterangan tidak mampu (SKTM) dari desa", "Kartu Keluarga, KTP"]
    assert page.locator(".state-sent").count() == 1 and page.locator(".state-pending").count() == 0
    screenshot(page, "field-app-waiting-800")

    db.session.rollback()
    operations.revoke(db.session.get(Device, device.id), db.session.get(User, admin.id), "Tablet hilang")
    db.session.commit()
    page.get_by_role("button", name="Sinkronkan", exact=True).click()
    page.get_by_text("Perangkat ini sudah dicabut").wait_for()
    assert page.evaluate(RECORDS_LEFT) == 0

    # set up again; then eight days without a sync (the district's default is seven) erase the data
    page.fill("input[name=device_name]", "Tablet Desa Sukamaju")
    page.fill("input[name=pin]", PIN)
    page.fill("input[name=pin_again]", PIN)
    page.get_by_role("button", name="Pasang perangkat").click()
    page.get_by_text("Sinkron selesai.").wait_for()
    page.evaluate(LAST_SYNC_DAYS_AGO, 8)
    page.reload()
    page.get_by_text("terlalu lama tidak disinkronkan").wait_for()
    assert page.evaluate(RECORDS_LEFT) == 0
    assert errors == []
    context.close()
