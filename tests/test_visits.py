"""Home visits: the back office sends a facilitator of the case's area, the facilitator opens the case they
were sent to (and nothing else) and writes down the findings, which become an assessment on the case."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.cases.models import Assessment, CaseEvent
from slrt.core.errors import TransitionError
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.visits import operations
from slrt.visits.models import VISIT_TRANSITIONS, HomeVisit, VisitStatus
from tests.auth_helpers import client_for
from tests.conftest import count
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")
V = VisitStatus


@pytest.mark.parametrize("current,target,allowed", [
    (V.ASSIGNED, V.DONE, True), (V.ASSIGNED, V.CANCELLED, True),
    (V.DONE, V.CANCELLED, False), (V.DONE, V.ASSIGNED, False), (V.DONE, V.DONE, False),
    (V.CANCELLED, V.DONE, False), (V.CANCELLED, V.ASSIGNED, False),
])
def test_visit_transition_table(current, target, allowed):
    assert VISIT_TRANSITIONS.allows(current, target) is allowed


def _form_id() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def office(app, make_user, make_case, places):
    """A case in one village; the back office; a facilitator of the neighbouring village of the same
    kecamatan (outside the case's village, so today they could not open it), another one there, and one of
    another kecamatan."""
    case = make_case(address="Jl. Melati 4", rt="003", rw="001")
    bo_client, officer = client_for(app, make_user, "back_office")
    sent_client, sent = client_for(app, make_user, "facilitator", region_code=places.desa2)
    other_client, other = client_for(app, make_user, "facilitator", region_code=places.desa2)
    far = make_user("facilitator", region_code=places.other_desa)
    return {"case": case, "bo": bo_client, "officer": officer, "sent_client": sent_client, "sent": sent,
            "other_client": other_client, "other": other, "far": far}


def _assign(o, facilitator, **extra):
    data = {"facilitator": facilitator.id, "due_date": (local_today() + timedelta(days=3)).isoformat(),
            "note": "Lihat kondisi atap dan jamban", "form_id": _form_id(), **extra}
    return o["bo"].post(f"/kasus/{o['case'].id}/kunjungan-rumah", data=data)


FINDINGS = {"ownership": "own", "floor": "earth", "walls": "bamboo", "toilet": "none", "water": "unprotected_well",
            "lighting": "pln_shared", "cooking_fuel": "wood",
            "findings": "Lima orang tinggal di rumah bambu; kepala keluarga buruh tani, anak bungsu sakit.",
            "recommendation": "Usulkan PBI-JKN dan RTLH."}


def _findings(**extra):
    return {"visited_on": local_today().isoformat(), "form_id": _form_id(), **FINDINGS, **extra}


def test_back_office_sends_a_facilitator_who_then_opens_the_case_and_records_the_findings(app, office):
    o = office
    case_url = f"/kasus/{o['case'].id}"
    assert o["sent_client"].get(case_url).status_code == 403  # not their village: nothing to see before
    page = o["bo"].get(case_url).get_data(as_text=True)
    assert "Tugaskan kunjungan rumah" in page and o["sent"].full_name in page
    assert o["far"].full_name not in page  # another kecamatan's facilitator is not offered

    response = _assign(o, o["sent"])
    assert response.status_code == 303
    visit = db.session.scalar(select(HomeVisit))
    assert (visit.status, visit.facilitator_id, visit.note) == (V.ASSIGNED, o["sent"].id, "Lihat kondisi atap dan jamban")
    assert count(AuditLog, AuditLog.action == "visit.assigned") == 1

    mine = o["sent_client"].get("/kunjungan/saya").get_data(as_text=True)
    assert "Ani Suryani" in mine and "Jl. Melati 4" in mine and "Belum dikunjungi" in mine
    assert o["sent_client"].get(case_url).status_code == 200  # sent there: the case opens
    visit_page = o["sent_client"].get(f"/kunjungan/{visit.id}").get_data(as_text=True)
    assert "Kartu KIS tidak aktif" in visit_page and "Catat hasil kunjungan" in visit_page

    programme = db.session.scalar(select(__import__("slrt.admin.models", fromlist=["Programme"]).Programme.id))
    response = o["sent_client"].post(f"/kunjungan/{visit.id}", data=_findings(needs=[programme], documents_seen=["KTP"]))
    assert response.status_code == 303
    db.session.expire_all()
    visit = db.session.get(HomeVisit, visit.id)
    assert visit.status == V.DONE and visit.visited_on == local_today()
    assert (visit.floor, visit.toilet, visit.need_ids, visit.document_codes) == ("earth", "none", [programme], ["KTP"])
    assessment = db.session.get(Assessment, visit.assessment_id)
    assert assessment.facilitator_id == o["sent"].id and assessment.visit_date == local_today()
    assert "Usulkan PBI-JKN dan RTLH." in assessment.findings
    assert count(CaseEvent, CaseEvent.case_id == o["case"].id, CaseEvent.kind == "home_visit") == 1
    assert count(AuditLog, AuditLog.action == "visit.done", AuditLog.user_id == o["sent"].id) == 1
    # the views of the citizen's data by the facilitator are audited too
    assert count(AuditLog, AuditLog.action == "person.view", AuditLog.user_id == o["sent"].id) >= 2
    # the back office reads the findings on the case page
    assert "Lima orang tinggal di rumah bambu" in o["bo"].get(case_url).get_data(as_text=True)
    assert "Sudah dikunjungi" in o["sent_client"].get("/kunjungan/saya").get_data(as_text=True)


def test_a_facilitator_sees_nothing_else(app, office):
    o = office
    _assign(o, o["sent"])
    visit = db.session.scalar(select(HomeVisit))
    other = o["other_client"]
    assert other.get(f"/kasus/{o['case'].id}").status_code == 403
    assert other.get(f"/kunjungan/{visit.id}").status_code == 403
    assert other.post(f"/kunjungan/{visit.id}", data=_findings()).status_code == 403
    assert "Ani Suryani" not in other.get("/kunjungan/saya").get_data(as_text=True)
    # the facilitator sent cannot send others, nor call the visit off
    sent = o["sent_client"]
    assert sent.post(f"/kasus/{o['case'].id}/kunjungan-rumah",
                     data={"facilitator": o["other"].id, "due_date": local_today().isoformat(),
                           "form_id": _form_id()}).status_code == 403
    assert sent.post(f"/kunjungan/{visit.id}/batal", data={"reason": "x", "form_id": _form_id()}).status_code == 403
    db.session.expire_all()
    assert db.session.get(HomeVisit, visit.id).status == V.ASSIGNED
    # other roles have no "Kunjungan saya"
    assert o["bo"].get("/kunjungan/saya").status_code == 403


def test_a_facilitator_of_another_kecamatan_or_a_past_due_date_is_refused_next_to_the_field(app, office):
    o = office
    response = _assign(o, o["far"])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Pilihan tidak sah" in page and "Lihat kondisi atap dan jamban" in page  # what was typed stays
    response = _assign(o, o["sent"], due_date=(local_today() - timedelta(days=1)).isoformat())
    assert response.status_code == 422
    assert "tidak boleh sebelum hari ini" in response.get_data(as_text=True)
    with pytest.raises(Exception):  # the operation itself refuses the far facilitator too
        operations.assign(o["case"], o["far"], local_today(), "", o["officer"], local_today())
    db.session.rollback()
    assert count(HomeVisit) == 0


def test_findings_need_a_situation_and_a_recommendation_and_keep_what_was_typed(app, office):
    o = office
    _assign(o, o["sent"])
    visit = db.session.scalar(select(HomeVisit))
    response = o["sent_client"].post(f"/kunjungan/{visit.id}", data=_findings(recommendation=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Wajib diisi" in page and "Lima orang tinggal di rumah bambu" in page
    response = o["sent_client"].post(f"/kunjungan/{visit.id}",
                                     data=_findings(visited_on=(local_today() + timedelta(days=2)).isoformat()))
    assert response.status_code == 422 and "sesudah hari ini" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HomeVisit, visit.id).status == V.ASSIGNED and count(Assessment) == 0


def test_findings_sent_twice_make_one_assessment(app, office):
    o = office
    _assign(o, o["sent"])
    visit = db.session.scalar(select(HomeVisit))
    data = _findings()
    first = o["sent_client"].post(f"/kunjungan/{visit.id}", data=data)
    second = o["sent_client"].post(f"/kunjungan/{visit.id}", data=data)  # the same form: its first result
    third = o["sent_client"].post(f"/kunjungan/{visit.id}", data=_findings())  # a second form: refused
    assert first.status_code == 303 and second.headers["Location"] == first.headers["Location"]
    assert third.status_code == 422
    assert count(Assessment) == 1 and count(AuditLog, AuditLog.action == "visit.done") == 1


def test_the_assignment_form_sent_twice_sends_one_visit(app, office):
    o = office
    fid = _form_id()
    assert _assign(o, o["sent"], form_id=fid).status_code == 303
    assert _assign(o, o["sent"], form_id=fid).status_code == 303
    assert count(HomeVisit) == 1


def test_a_cancelled_visit_needs_a_reason_and_closes_the_door_again(app, office):
    o = office
    _assign(o, o["sent"])
    visit = db.session.scalar(select(HomeVisit))
    response = o["bo"].post(f"/kunjungan/{visit.id}/batal", data={"reason": "", "form_id": _form_id()})
    assert response.status_code == 422 and "Wajib diisi" in response.get_data(as_text=True)
    response = o["bo"].post(f"/kunjungan/{visit.id}/batal",
                            data={"reason": "Warga datang sendiri ke kantor", "form_id": _form_id()})
    assert response.status_code == 303
    db.session.expire_all()
    visit = db.session.get(HomeVisit, visit.id)
    assert visit.status == V.CANCELLED and visit.cancel_reason == "Warga datang sendiri ke kantor"
    assert count(AuditLog, AuditLog.action == "visit.cancelled") == 1
    assert o["sent_client"].get(f"/kasus/{o['case'].id}").status_code == 403
    assert o["sent_client"].post(f"/kunjungan/{visit.id}", data=_findings()).status_code == 422
    with pytest.raises(TransitionError):
        operations.record_findings(visit, operations.Findings(local_today(), "a", "b"), o["sent"], local_today())


def test_late_visits_are_listed_first_and_marked(app, office):
    o = office
    long_ago = local_today() - timedelta(days=10)
    operations.assign(o["case"], o["sent"], long_ago + timedelta(days=2), "", o["officer"], long_ago)
    db.session.commit()
    page = o["sent_client"].get("/kunjungan/saya").get_data(as_text=True)
    assert "Terlambat" in page and "terlambat 8 hari" in page


def test_facilitator_lands_on_their_visits(app, office):
    response = office["sent_client"].get("/")
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/kunjungan/saya")
