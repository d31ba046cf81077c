"""The household's socio-economic data on proposals (Regsosek 2022 variables): entered once per family card,
reused by later proposals of the same household, validated with clear messages."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from slrt.audit.models import AuditLog
from slrt.extensions import db
from slrt.registry import regsosek as rs
from slrt.registry.models import HouseholdSurvey, Proposal
from tests.registry_helpers import family, import_file, kk, nik, write_csv
from tests.test_districts import _as, second  # noqa: F401 - the fixture: district B with its admin


def house(**changes):
    data = {"kk_number": "", "ownership": "1", "floor_area": "36", "floor": "8", "wall": "4", "roof": "3",
            "water": "6", "lighting": "2", "cooking_fuel": "10", "toilet": "6", "sewage": "", "land_area": "0",
            "other_house": "0", "assets": ["motorcycle", "smartphone"],
            "members-0-name": "Ujang Sopandi", "members-0-nik": "", "members-0-birth_place": "Garut",
            "members-0-birth_date": "1975-02-03", "members-0-sex": "1", "members-0-relation": "1",
            "members-0-schooling": "2", "members-0-diploma": "1", "members-0-working": "1",
            "members-0-industry": "1", "members-0-job_status": "6", "members-0-disability": "0",
            "members-0-chronic_illness": "0",
            "members-1-name": "Imas", "members-1-birth_date": "1980-06-01", "members-1-sex": "2",
            "members-1-relation": "2", "members-1-schooling": "2", "members-1-diploma": "2",
            "members-1-working": "0", "members-1-disability": "4", "members-1-chronic_illness": "1",
            "members-2-name": ""}
    data.update(changes)
    return data


def propose(client, places, number, kk_value, name="Ujang Sopandi"):
    response = client.post("/registri/usulan/baru", data={
        "kind": "usulan", "nik": number, "kk_number": kk_value, "name": name, "desa": places.desa,
        "programme": "pbi", "reason": "Rumah tidak layak"})
    assert response.status_code == 303, response.get_data(as_text=True)
    return db.session.scalar(select(Proposal).order_by(Proposal.id.desc()))


def test_household_data_is_entered_once_and_reused_by_the_next_proposal(client, login_as, places):
    login_as("facilitator")
    kk_value = kk(places.kecamatan, serial=7)
    first = propose(client, places, nik(places.kecamatan, date(1975, 2, 3)), kk_value)
    assert first.programme == "pbi" and first.survey_id is None
    assert "Isi data sosial ekonomi" in client.get(f"/registri/usulan/{first.id}").get_data(as_text=True)
    form_page = client.get(f"/registri/usulan/{first.id}/sosial-ekonomi").get_data(as_text=True)
    assert '<option selected value="4">Gas elpiji 3 kg</option>' in form_page  # the usual answer is preselected
    response = client.post(f"/registri/usulan/{first.id}/sosial-ekonomi", data=house())
    assert response.status_code == 303, response.get_data(as_text=True)
    survey = db.session.scalar(select(HouseholdSurvey))
    assert (survey.kk_number, survey.floor, survey.wall, survey.toilet, survey.sewage) == (kk_value, "8", "4", "6", "")
    assert survey.asset_codes() == ["motorcycle", "smartphone"]
    assert [(m.name, m.relation, m.working, m.disability, m.chronic_illness) for m in survey.members] == [
        ("Ujang Sopandi", "1", True, "0", "0"), ("Imas", "2", False, "4", "1")]

    # the wife is proposed later on her own NIK: the household's data comes with it, nothing typed again
    second = propose(client, places, nik(places.kecamatan, date(1980, 6, 1), woman=True), kk_value, name="Imas")
    assert second.survey_id == survey.id
    page = client.get(f"/registri/usulan/{second.id}").get_data(as_text=True)
    assert "Tanah" in page and "Anyaman bambu" in page and "Disabilitas sensorik netra" in page
    again = client.get(f"/registri/usulan/{second.id}/sosial-ekonomi").get_data(as_text=True)
    assert 'value="Imas"' in again and 'value="36"' in again
    # a change made from the second proposal is the household's, seen from the first one too
    assert client.post(f"/registri/usulan/{second.id}/sosial-ekonomi",
                       data=house(floor="6", kk_number=kk_value)).status_code == 303
    db.session.expire_all()
    assert db.session.get(Proposal, first.id).survey.floor == "6"
    assert db.session.scalar(select(func.count()).select_from(HouseholdSurvey)) == 1
    actions = [a.action for a in db.session.scalars(select(AuditLog).where(AuditLog.action.like("survey.%")))]
    assert actions.count("survey.create") == 1 and actions.count("survey.update") == 1


@pytest.mark.parametrize("changes, message", [
    ({"floor": ""}, "Pilih jenis lantai terluas."),
    ({"floor_area": "0"}, "Isi angka 1 sampai 5000 m²."),
    ({"toilet": "1", "sewage": ""}, "Pilih tempat pembuangan akhir tinja."),
    ({"members-0-industry": ""}, "Isi untuk anggota yang bekerja."),
    ({"members-1-relation": "1"}, "tepat satu kepala keluarga (tercatat 2)"),
    ({"members-1-nik": "12345"}, "NIK harus 16 angka"),
    ({"members-1-birth_date": "2099-01-01"}, "Tanggal lahir tidak mungkin."),
])
def test_bad_household_data_is_refused_next_to_the_field_and_kept(client, login_as, places, changes, message):
    login_as("facilitator")
    proposal = propose(client, places, nik(places.kecamatan, date(1975, 2, 3)), kk(places.kecamatan, serial=7))
    response = client.post(f"/registri/usulan/{proposal.id}/sosial-ekonomi", data=house(**changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="Ujang Sopandi"' in html and 'value="Garut"' in html  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(HouseholdSurvey)) == 0


def test_a_correction_starts_from_the_members_the_extract_knows(client, login_as, places, tmp_path):
    rows, niks, kk_value = family(places)
    import_file(write_csv(tmp_path / "a.csv", rows))
    login_as("facilitator")
    response = client.post("/registri/usulan/baru", data={
        "kind": "perbaikan", "nik": niks[0], "kk_number": kk_value, "name": "ASEP SURYANA", "desa": places.desa,
        "reason": "Lantai sudah diganti keramik, anak sudah bekerja"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    html = client.get(f"/registri/usulan/{proposal.id}/sosial-ekonomi").get_data(as_text=True)
    for name in ("ASEP SURYANA", "EUIS MARLINA", "DEDI SURYANA"):
        assert f'value="{name}"' in html


def test_add_member_row_saves_nothing(client, login_as, places):
    login_as("facilitator")
    proposal = propose(client, places, nik(places.kecamatan, date(1975, 2, 3)), kk(places.kecamatan, serial=7))
    response = client.post(f"/registri/usulan/{proposal.id}/sosial-ekonomi", data=house(add_member="1"))
    assert response.status_code == 200 and 'name="members-3-name"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(HouseholdSurvey)) == 0


def test_codes_follow_the_questionnaire():
    assert rs.HOUSE_FIELDS["floor"] == ("303", rs.FLOOR) and rs.FLOOR["8"] == "Tanah"
    for name, value in rs.HOUSE_DEFAULTS.items():
        assert value in rs.HOUSE_FIELDS[name][1]
    for name, value in rs.MEMBER_DEFAULTS.items():
        assert value in rs.MEMBER_FIELDS[name]


def test_a_family_that_moved_to_another_district_is_surveyed_afresh_there(client, login_as, make_user, places,
                                                                          second):  # noqa: F811
    """Each hosted district keeps its own survey of a family card (migration 0033): district B, proposing a
    family that moved in from A, is shown nothing of A's survey (members' names, NIKs and birth dates), and its
    own survey leaves A's as it was."""
    login_as("facilitator")
    kk_value = kk(places.kecamatan, serial=7)
    first = propose(client, places, nik(places.kecamatan, date(1975, 2, 3)), kk_value)
    assert client.post(f"/registri/usulan/{first.id}/sosial-ekonomi", data=house()).status_code == 303
    ours = db.session.scalar(select(HouseholdSurvey))

    b_kecamatan = places.other_district_desa[:8]
    _as(client, make_user("facilitator", region_code=b_kecamatan))
    moved = propose(client, replace(places, desa=places.other_district_desa),
                    nik(b_kecamatan, date(1980, 6, 1), woman=True), kk_value, name="Imas")
    assert moved.survey_id is None
    form_page = client.get(f"/registri/usulan/{moved.id}/sosial-ekonomi").get_data(as_text=True)
    assert "Ujang Sopandi" not in form_page and 'value="36"' not in form_page and 'value="Imas"' in form_page
    assert client.post(f"/registri/usulan/{moved.id}/sosial-ekonomi",
                       data=house(floor="6", kk_number=kk_value)).status_code == 303

    db.session.expire_all()
    surveys = db.session.scalars(select(HouseholdSurvey).order_by(HouseholdSurvey.id)).all()
    assert [(s.district_code, s.floor) for s in surveys] == [(places.district, "8"), (places.other_district, "6")]
    assert db.session.get(Proposal, first.id).survey_id == ours.id
    assert db.session.get(Proposal, moved.id).survey_id == surveys[1].id
