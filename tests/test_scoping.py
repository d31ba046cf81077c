"""Region scoping: a user sees only the cases under their region (or registered at their office)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.auth_helpers import client_for
from tests.conftest import HX

NIK_HERE = "3204054512900001"
NIK_THERE = "3273014107850002"  # registered in Kota Bandung (32.73)


@pytest.fixture
def cases(make_case, make_user, places):
    """Cases of citizens in several places, registered at the district office and at a village office."""
    district_clerk = make_user("front_office", username="districtclerk")
    village_clerk = make_user("puskesos_operator", username="villageclerk")  # at places.desa
    city_clerk = make_user("front_office", region_code=places.other_district, username="cityclerk")
    return {
        "desa": make_case(clerk=district_clerk, region_code=places.desa, nik="3204050101800011"),
        "desa2": make_case(clerk=district_clerk, region_code=places.desa2, nik="3204050101800012"),
        # lives in desa2 but came to the Puskesos of desa: that office follows it
        "desa2_at_village": make_case(clerk=village_clerk, region_code=places.desa2, nik="3204050101800013"),
        "other_kecamatan": make_case(clerk=district_clerk, region_code=places.other_desa, nik="3204050101800014"),
        "other_district": make_case(clerk=city_clerk, region_code=places.other_district_desa, nik=NIK_THERE,
                                    birth_date=date(1985, 7, 1)),
    }


EXPECTED = {
    # role -> which of the cases it sees
    "back_office": {"desa", "desa2", "desa2_at_village", "other_kecamatan"},
    "supervisor": {"desa", "desa2", "desa2_at_village", "other_kecamatan"},
    "front_office": {"desa", "desa2", "desa2_at_village", "other_kecamatan"},
    "admin": {"desa", "desa2", "desa2_at_village", "other_kecamatan"},
    "puskesos_operator": {"desa", "desa2_at_village"},
    "facilitator": {"desa", "desa2", "desa2_at_village"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_list_and_detail_show_only_the_users_region(role, app, make_user, cases):
    client, _user = client_for(app, make_user, role)
    listing = client.get("/kasus/?status=").get_data(as_text=True)
    rows = client.get("/kasus/?status=", headers=HX).get_data(as_text=True)
    for name, case in cases.items():
        visible = name in EXPECTED[role]
        assert (case.ticket in listing) is visible, (role, name)
        assert (case.ticket in rows) is visible, (role, name)
        for url in (f"/kasus/{case.id}", f"/kasus/{case.id}/tanda-terima"):
            status = client.get(url).status_code
            assert status == 200 if visible else status in (403, 404), (role, name, url, status)
        # searching by the exact ticket does not reach past the region either
        # (the rows fragment: the full page echoes the typed search in its input)
        found = client.get("/kasus/", query_string={"status": "", "q": case.ticket}, headers=HX)
        assert (f"/kasus/{case.id}" in found.get_data(as_text=True)) is visible, (role, name)


@pytest.mark.parametrize("role", ["back_office", "supervisor"])
def test_district_user_cannot_take_another_districts_case(role, app, make_user, cases):
    client, _user = client_for(app, make_user, role)
    response = client.post(f"/kasus/{cases['other_district'].id}/ambil")
    assert response.status_code in (403, 404)
    from slrt.cases.models import Case
    from slrt.extensions import db
    db.session.expire_all()
    assert db.session.get(Case, cases["other_district"].id).status == "registered"


def test_today_shows_only_registrations_at_the_users_own_office(app, make_user, cases, places):
    district_fo, _ = client_for(app, make_user, "front_office")
    today = district_fo.get("/kasus/hari-ini").get_data(as_text=True)
    assert cases["desa"].ticket in today and cases["other_kecamatan"].ticket in today
    assert cases["other_district"].ticket not in today
    assert cases["desa2_at_village"].ticket not in today  # registered at the village office, not here

    village, _ = client_for(app, make_user, "puskesos_operator")
    today = village.get("/kasus/hari-ini").get_data(as_text=True)
    assert cases["desa2_at_village"].ticket in today
    for name in ("desa", "desa2", "other_kecamatan", "other_district"):
        assert cases[name].ticket not in today, name

    city, _ = client_for(app, make_user, "front_office", region_code=places.other_district)
    today = city.get("/kasus/hari-ini").get_data(as_text=True)
    assert cases["other_district"].ticket in today
    assert cases["desa"].ticket not in today


@pytest.mark.parametrize("role", ["agency_liaison", "provincial_officer"])
def test_roles_without_case_access_see_no_case(role, app, make_user, cases):
    client, _user = client_for(app, make_user, role)
    assert client.get("/kasus/").status_code == 403
    for case in cases.values():
        assert client.get(f"/kasus/{case.id}").status_code in (403, 404)


def test_nik_check_shows_earlier_tickets_only_inside_the_region(app, make_user, cases, places):
    """A person known in another village: the village operator learns nothing of that village's case."""
    from slrt.cases.models import Case
    from slrt.extensions import db
    # the same person also has a case in the other kecamatan
    other = db.session.get(Case, cases["other_kecamatan"].id)
    village, _ = client_for(app, make_user, "puskesos_operator")
    html = village.post("/pendaftaran/cek-nik", data={"nik": other.person.nik}, headers=HX).get_data(as_text=True)
    assert other.ticket not in html
    district, _ = client_for(app, make_user, "back_office")
    html = district.post("/pendaftaran/cek-nik", data={"nik": other.person.nik}, headers=HX).get_data(as_text=True)
    assert other.ticket in html
