"""In Chromium: a village meeting's batch decided on its page (decisions, then the berita acara to print), and
the planning page's what-if answering as the quota is typed (htmx). Screenshots at desk and phone width."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from slrt.extensions import db
from slrt.planning import operations as planning
from slrt.planning.models import PlanStatus
from slrt.referrals.models import ReferralStatus
from slrt.registry import operations
from tests.browser.conftest import login, screenshot
from tests.referrals_helpers import programme, referral_in
from tests.registry_helpers import nik

SHOTS = Path(os.environ.get("SLRT_SHOTS", "")) if os.environ.get("SLRT_SHOTS") else None


def shoot(page, name: str) -> None:
    """Keep the page at desk width and at phone width (and in SLRT_SHOTS, when set)."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_meeting_decides_its_batch_on_its_page(page, live_server, make_user, places):
    clerk = make_user("facilitator", username="pendamping")
    people = [("UJANG SOPANDI", "Kp. Babakan RT 2", "Lantai tanah, dinding bilik bambu, tanpa jamban"),
              ("IMAS MASRIAH", "Kp. Cibeureum", "Lansia tinggal sendiri, rumah bocor"),
              ("DEDE KUSNADI", "Kp. Sukamaju", "Punya warung dan sepeda motor baru")]
    for i, (name, address, notes) in enumerate(people):
        proposal = operations.create_proposal(operations.ProposalData(
            kind="usulan", nik=nik(places.kecamatan, date(1960 + i, 3, 4), serial=20 + i), name=name,
            region_code=places.desa, address=address, rt="002", rw="001", programme="pbi"), clerk)
        operations.record_visit(proposal, date(2026, 11, 20), notes, clerk)
    meeting = operations.record_meeting(operations.MeetingData(
        region_code=places.desa, meeting_date=date(2026, 11, 26), place="Balai Desa", chair="H. Asep Kurnia",
        attendance_count=23, attendees=[("H. Asep Kurnia", "Kepala Desa"), ("Siti Aminah", "Ketua BPD"),
                                        ("Dadang Sutisna", "Ketua RW 01"), ("Euis Rahayu", "Kader PKK")]), clerk)
    db.session.commit()
    login(page, live_server, clerk.username, "correct-horse-battery")
    page.goto(f"{live_server}/registri/musdes/{meeting.id}")
    rows = page.locator("table.batch tbody tr")
    assert rows.count() == 3
    rows.nth(0).locator("select").select_option("agreed")
    rows.nth(1).locator("select").select_option("agreed")
    rows.nth(2).locator("select").select_option("refused")
    page.get_by_role("button", name="Simpan keputusan musyawarah").click()
    page.locator(".errors", has_text="Tuliskan mengapa ditolak atau ditunda.").wait_for()
    rows = page.locator("table.batch tbody tr")
    rows.nth(2).locator("input[type=text]").fill("Mampu: punya warung dan sepeda motor baru")
    page.get_by_role("button", name="Simpan keputusan musyawarah").click()
    page.get_by_text("Keputusan musyawarah tersimpan").wait_for()
    assert page.locator("a", has_text="Cetak berita acara (PDF)").count() == 1
    shoot(page, "musdes-batch")
    # the refused decision without a note came back as 422 on purpose (the browser logs that status)
    assert [e for e in page.js_errors if "422" not in e] == []


def test_the_planning_what_if_answers_as_the_quota_is_typed(page, live_server, make_user, make_case, places):
    admin, officer, signer = make_user("admin"), make_user("back_office"), make_user("supervisor")
    plan = planning.create_plan(planning.PlanData(
        programme_id=programme().id, budget_year=2026, funding_source="apbd", quota=4, unit_cost=600_000,
        eligibility="Desil 1-4"), places.district, admin)
    planning.move_plan(plan, PlanStatus.ACTIVE, admin)
    db.session.commit()
    cases = [make_case(nik=nik(places.kecamatan, date(1950 + i, 1, 2), serial=40 + i), name=f"Warga {i}",
                       region_code=places.desa if i < 5 else places.other_desa, needs=[programme().id])
             for i in range(8)]
    referral_in(ReferralStatus.COMPLETED, cases[0], officer, signer)
    referral_in(ReferralStatus.APPROVED, cases[1], officer, signer)
    login(page, live_server, signer.username, "correct-horse-battery")
    page.goto(f"{live_server}/perencanaan/?tahun=2026")
    main = page.locator("main").inner_text()
    assert "2 dari 4, sisa 2" in main and "Rp 3.600.000" in main  # 6 waiting x Rp 600.000
    page.fill(f"#kuota-{plan.id}", "10")
    result = page.locator(f"#what-if-{plan.id}")
    result.locator("dl").wait_for()
    assert "6 dari 6" in result.inner_text() and "Rp 3.600.000" in result.inner_text()
    shoot(page, "planning")
    assert page.js_errors == []
