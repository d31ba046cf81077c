"""A Puskesos (village desk) registering a citizen of another village: warned with the citizen's village before
the visit is saved, in the NIK check and on the receipt; the case is shared with that village's desk, and a
third village sees nothing."""
from __future__ import annotations

from slrt.cases.models import Case
from slrt.extensions import db
from slrt.regions.models import Region
from tests.auth_helpers import client_for
from tests.conftest import HX, VALID_NIK, count
from tests.intake_helpers import intake_data


def _name(code: str) -> str:
    return db.session.get(Region, code).name


def test_the_village_desk_is_warned_with_the_citizens_village_before_saving(app, make_user, places):
    client, _operator = client_for(app, make_user, "puskesos_operator")  # at places.desa
    village = _name(places.desa2)
    response = client.post("/pendaftaran/baru", data=intake_data(places, desa=places.desa2))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Case) == 0
    assert f"Warga ini beralamat di {village}, di luar desa/kelurahan Anda" in page
    assert f"juga dibagikan kepada Puskesos {village}" in page
    # what was typed stays, and the confirmed form saves the visit
    assert f'value="{places.desa2}" selected' in page or f'selected value="{places.desa2}"' in page
    saved = client.post("/pendaftaran/baru", data=intake_data(places, desa=places.desa2, confirm_warnings="y"))
    assert saved.status_code == 303 and count(Case) == 1


def test_the_own_village_and_the_district_counter_get_no_village_warning(app, make_user, places):
    desk, _operator = client_for(app, make_user, "puskesos_operator")
    page = desk.post("/pendaftaran/baru", data=intake_data(places)).get_data(as_text=True)
    assert "di luar desa/kelurahan Anda" not in page
    counter, _clerk = client_for(app, make_user, "front_office")
    # The same citizen again, with the desk's case still open: a new case needs a reason (tests/test_returning_citizen.py).
    data = intake_data(places, desa=places.desa2, open_case="new", new_case_reason="Keluhan lain")
    assert counter.post("/pendaftaran/baru", data=data).status_code == 303


def test_the_receipt_says_the_visit_is_shared_with_the_citizens_village(app, make_user, make_case, places):
    operator = make_user("puskesos_operator")
    case = make_case(region_code=places.desa2, clerk=operator, channel="puskesos")
    client, _user = client_for(app, lambda *a, **k: operator, "puskesos_operator")
    page = client.get(f"/kasus/{case.id}/tanda-terima").get_data(as_text=True)
    assert (f"Dicatat di Puskesos {_name(places.desa)} untuk warga {_name(places.desa2)}; dapat diikuti juga di "
            f"Puskesos {_name(places.desa2)}.") in page
    at_home = make_case(nik="3204051708800002", clerk=operator, channel="puskesos")
    assert "Dibagikan" not in client.get(f"/kasus/{at_home.id}/tanda-terima").get_data(as_text=True)


def test_both_desks_see_the_shared_visit_and_a_third_village_sees_nothing(app, make_user, make_case, places):
    operator = make_user("puskesos_operator")  # places.desa
    case = make_case(region_code=places.desa2, clerk=operator, channel="puskesos")
    registering, _a = client_for(app, lambda *a, **k: operator, "puskesos_operator")
    citizens_desk, _b = client_for(app, make_user, "puskesos_operator", region_code=places.desa2)
    third, _c = client_for(app, make_user, "puskesos_operator", region_code=places.other_desa)
    for client in (registering, citizens_desk):
        assert client.get(f"/kasus/{case.id}").status_code == 200
        assert case.ticket in client.get("/kasus/?status=").get_data(as_text=True)
        assert client.get(f"/kasus/{case.id}/tanda-terima").status_code == 200
    assert third.get(f"/kasus/{case.id}").status_code == 403
    assert third.get(f"/kasus/{case.id}/tanda-terima").status_code == 403
    assert case.ticket not in third.get("/kasus/?status=").get_data(as_text=True)
    # the person's data follows the case: the citizen's desk finds it at the NIK check, the third desk does not
    assert "Ani Suryani" in citizens_desk.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK},
                                               headers=HX).get_data(as_text=True)
    assert "Ani Suryani" not in third.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK},
                                           headers=HX).get_data(as_text=True)


def test_the_nik_check_names_the_village_of_a_known_citizen_of_another_village(app, make_user, make_case, places):
    operator = make_user("puskesos_operator")
    make_case(region_code=places.desa2, clerk=operator, channel="puskesos")
    client, _user = client_for(app, lambda *a, **k: operator, "puskesos_operator")
    widget = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers=HX).get_data(as_text=True)
    assert f"Warga ini beralamat di {_name(places.desa2)}, di luar desa/kelurahan Anda" in widget
    # the citizen's own desk is not warned about its own citizen
    home, _desk = client_for(app, make_user, "puskesos_operator", region_code=places.desa2)
    assert "di luar desa/kelurahan Anda" not in home.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK},
                                                          headers=HX).get_data(as_text=True)


def test_the_nik_check_hints_at_a_nik_first_registered_in_another_kecamatan(app, make_user, places):
    from slrt.regions.operations import children
    nik_kecamatan = VALID_NIK[:2] + "." + VALID_NIK[2:4] + "." + VALID_NIK[4:6]
    elsewhere = places.desa if not places.desa.startswith(nik_kecamatan + ".") else places.other_desa
    client, _user = client_for(app, make_user, "puskesos_operator", region_code=elsewhere)
    widget = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers=HX).get_data(as_text=True)
    assert f"NIK ini pertama kali terdaftar di Kecamatan {_name(nik_kecamatan)}" in widget
    inside, _desk = client_for(app, make_user, "puskesos_operator", region_code=children(nik_kecamatan)[0].code)
    assert "NIK ini pertama kali terdaftar" not in inside.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK},
                                                               headers=HX).get_data(as_text=True)
