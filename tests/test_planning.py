"""Planning "tepat sasaran": local programmes with a quota and a unit cost, referrals counting against the quota
as they happen, needs versus served per district, kecamatan and village, the what-if, XLSX, the province view."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from slrt.extensions import db
from slrt.planning import operations, queries
from slrt.planning.models import LocalProgramme, PlanStatus
from slrt.referrals.models import ReferralStatus
from tests.conftest import HX, is_fragment
from tests.referrals_helpers import programme, referral_in
from tests.registry_helpers import nik
from tests.test_districts import second  # noqa: F401 - a fixture

YEAR = 2026


@pytest.fixture
def plan(app, make_user, places):
    admin = make_user("admin")
    made = operations.create_plan(operations.PlanData(
        programme_id=programme().id, budget_year=YEAR, funding_source="apbd", quota=3, unit_cost=600_000,
        eligibility="Desil 1-4, belum punya jaminan kesehatan"), places.district, admin)
    operations.move_plan(made, PlanStatus.ACTIVE, admin)
    db.session.commit()
    return made


def needy(make_case, places, n, region=None):
    """n cases whose citizens need the plan's programme."""
    return [make_case(nik=nik(places.kecamatan, date(1960 + i, 1, 1), serial=100 + i), name=f"Warga {i}",
                      region_code=region or places.desa, needs=[programme().id]) for i in range(n)]


def figures(places, region=None):
    p = queries.build(places.district, region or places.district, YEAR)
    return p.plans[0]


def test_referrals_count_against_the_quota_as_they_happen(app, plan, make_case, make_user, places):
    officer, signer = make_user("back_office"), make_user("supervisor")
    c1, c2, c3, c4 = needy(make_case, places, 4)
    f = figures(places)
    assert (f.area.needs, f.used, f.area.waiting, f.unmet_cost) == (4, 0, 4, 2_400_000)
    referral_in(ReferralStatus.DRAFT, c1, officer, signer)
    assert figures(places).used == 0  # a draft promises nothing yet
    referral_in(ReferralStatus.APPROVED, c2, officer, signer)  # signed off: the agency is on it
    f = figures(places)
    assert (f.used, f.area.in_progress, f.area.served, f.area.waiting, f.remaining) == (1, 1, 0, 3, 2)
    referral_in(ReferralStatus.COMPLETED, c3, officer, signer)
    f = figures(places)
    assert (f.used, f.area.served, f.area.waiting, f.remaining, f.used_percent) == (2, 1, 2, 1, 67)
    referral_in(ReferralStatus.DECLINED, c4, officer, signer)  # declined: the household is still waiting
    f = figures(places)
    assert (f.used, f.area.waiting, f.unmet_cost) == (2, 2, 1_200_000)


def test_figures_per_district_kecamatan_and_village(app, plan, make_case, make_user, places):
    officer, signer = make_user("back_office"), make_user("supervisor")
    here = needy(make_case, places, 2)
    needy(make_case, places, 1, region=places.other_desa)
    referral_in(ReferralStatus.COMPLETED, here[0], officer, signer)
    district = queries.build(places.district, places.district, YEAR)
    assert district.plans[0].area.needs == 3 and district.plans[0].area.waiting == 2
    kecamatan = {a.code: a.total() for a in district.areas}
    assert kecamatan[places.kecamatan].needs == 2 and kecamatan[places.other_kecamatan].waiting == 1
    village = queries.build(places.district, places.desa, YEAR)
    f = village.plans[0]
    assert (f.area.needs, f.area.served, f.area.waiting, f.unmet_cost) == (2, 1, 1, 600_000)
    assert f.used == 1  # the quota is the district's, whichever area is shown
    assert queries.build(places.district, places.desa2, YEAR).plans[0].area.needs == 0


@pytest.mark.parametrize("quota, cost, used, waiting, expected", [
    (10, 500_000, 4, 9, (6, 6, 3_000_000, 3, 5_000_000, 13)),
    (20, 500_000, 4, 9, (16, 9, 4_500_000, 0, 10_000_000, 13)),
    (3, 500_000, 4, 9, (0, 0, 0, 9, 1_500_000, 13)),     # a quota below what is used covers nobody new
    (10, 0, 0, 0, (10, 0, 0, 0, 0, 0)),
])
def test_what_if_arithmetic(quota, cost, used, waiting, expected):
    w = queries.WhatIf(quota=quota, unit_cost=cost, used=used, waiting=waiting)
    assert (w.free, w.covered, w.cost_of_covered, w.still_waiting, w.budget, w.quota_for_all) == expected


def test_the_planning_page_and_its_what_if(client, login_as, plan, make_case, places):
    needy(make_case, places, 5)
    login_as("supervisor")
    page = client.get("/perencanaan/", query_string={"tahun": YEAR})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Perencanaan tepat sasaran 2026" in html
    assert "Rp 3.000.000" in html and "APBD" in html  # 5 waiting x Rp 600.000
    url = "/perencanaan/simulasi"
    args = {"rencana": plan.id, "wilayah": places.district, "kuota": "5", "biaya": "700000"}
    fragment = client.get(url, query_string=args, headers=HX)
    text = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and is_fragment(fragment)
    assert "5 dari 5" in text and "Rp 3.500.000" in text  # 5 places free, all 5 covered at Rp 700.000
    bad = client.get(url, query_string={**args, "kuota": "-1"}, headers=HX)
    assert bad.status_code == 200 and "Isi angka 0 sampai 10.000.000." in bad.get_data(as_text=True)
    full = client.get(url, query_string={**args, "kuota": "x"})
    assert full.status_code == 422 and not is_fragment(full) and 'value="700000"' in full.get_data(as_text=True)
    sheet = client.get("/perencanaan/unduh.xlsx", query_string={"tahun": YEAR})
    assert sheet.headers["Cache-Control"] == "no-store, private"
    book = load_workbook(io.BytesIO(sheet.data))
    rows = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    assert rows[0][:4] == ["Program", "Sumber dana", "Status", "Kuota"]
    assert rows[1][3:7] == [3, 0, 3, 600_000] and rows[1][10:12] == [5, 3_000_000]


def test_a_village_operator_plans_for_their_village_and_the_province_sees_districts(client, login_as, plan,
                                                                                   make_case, places):
    needy(make_case, places, 2)
    needy(make_case, places, 1, region=places.desa2)
    login_as("puskesos_operator")  # bound to places.desa
    html = client.get("/perencanaan/", query_string={"tahun": YEAR, "wilayah": places.desa2}).get_data(as_text=True)
    assert "Rp 1.200.000" in html and "Rp 1.800.000" not in html  # their own village only
    client.post("/keluar")
    login_as("provincial_officer")
    html = client.get("/perencanaan/", query_string={"tahun": YEAR, "wilayah": places.desa}).get_data(as_text=True)
    assert "Kabupaten/kota di basis data ini" in html and "Per kabupaten/kota" in html
    assert "Rp 1.800.000" in html and "Per wilayah" not in html


def test_local_programmes_are_kept_by_the_administrator(client, login_as, places, make_user):
    login_as("admin")
    form = {"programme_id": str(programme().id), "budget_year": "2027", "funding_source": "baznas",
            "quota": "3000", "unit_cost": "42000", "eligibility": "Lansia tunggal"}
    assert client.post("/perencanaan/program", data=form).status_code == 303
    again = client.post("/perencanaan/program", data=form)
    assert again.status_code == 422 and "sudah punya anggaran tahun 2027" in again.get_data(as_text=True)
    bad = client.post("/perencanaan/program", data={**form, "budget_year": "2028", "quota": "-5"})
    assert bad.status_code == 422 and "Isi angka 0 sampai 10.000.000." in bad.get_data(as_text=True)
    made = db.session.scalar(select(LocalProgramme))
    assert (made.funding_source, made.quota, made.unit_cost, made.status) == ("baznas", 3000, 42000, "planned")
    assert client.post(f"/perencanaan/program/{made.id}/status", data={"target": "active"}).status_code == 303
    assert client.post(f"/perencanaan/program/{made.id}", data={**form, "quota": "3500"}).status_code == 303
    db.session.expire_all()
    assert (made.status, made.quota) == ("active", 3500)
    client.post("/keluar")
    login_as("supervisor")
    assert client.get("/perencanaan/program").status_code == 403
    assert client.post(f"/perencanaan/program/{made.id}/status", data={"target": "closed"}).status_code == 403


def test_a_deactivated_districts_cases_still_show_side_by_side(client, login_as, make_case, make_user, places,
                                                                second):
    """Before, deactivating district B dropped its row while its cases still counted in the province's
    figures: the rows no longer added up. Now B stays, marked as no longer active, with its figures."""
    make_case()
    make_case(nik=nik(places.other_district_desa[:8], date(1985, 3, 12)), region_code=places.other_district_desa,
              clerk=make_user("front_office", region_code=places.other_district))
    second.active = False
    db.session.commit()
    rows = {row.code: row for row in queries.districts_side_by_side(places.district[:2], date(YEAR, 6, 1))}
    assert set(rows) == {places.district, places.other_district}
    assert (rows[places.other_district].cases, rows[places.other_district].active) == (1, False)
    assert (rows[places.district].cases, rows[places.district].active) == (1, True)
    login_as("provincial_officer")
    html = client.get("/perencanaan/", query_string={"tahun": YEAR}).get_data(as_text=True)
    table = html[html.index('id="districts"'):]
    assert "Kota Bandung" in table and f"{places.other_district} · tidak aktif lagi" in table
