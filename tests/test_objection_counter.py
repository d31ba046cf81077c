"""Keberatan at the counter: the front office records a returning citizen's objection to a closed case within
the objection window; the case reopens through its transition table, the step shows on /status, every
opening and the change are audited, a second post of the form changes nothing."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from slrt.audit.models import AuditLog
from slrt.cases.models import Case, CaseEvent, CaseStatus
from slrt.core.time import utcnow
from slrt.extensions import db
from tests.auth_helpers import client_for
from tests.conftest import count


@pytest.fixture
def closed_case(make_case):
    case = make_case()
    case.status, case.closed_at = CaseStatus.CLOSED, utcnow()
    db.session.commit()
    return case


def test_the_front_office_records_an_objection_and_the_case_reopens(app, make_user, closed_case):
    client, clerk = client_for(app, make_user, "front_office")
    page = client.get(f"/kasus/{closed_case.id}/keberatan")
    assert page.status_code == 200 and "Catat keberatan dan buka kembali" in page.get_data(as_text=True)
    assert count(AuditLog, AuditLog.action == "person.view",
                 AuditLog.note == f"objection form {closed_case.ticket}") == 1
    data = {"reason": "Kartu KIS masih belum aktif saat berobat", "form_id": uuid.uuid4().hex}
    response = client.post(f"/kasus/{closed_case.id}/keberatan", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/kasus/{closed_case.id}")
    case = db.session.get(Case, closed_case.id)
    assert case.status == CaseStatus.REOPENED and case.closed_at is None
    event = db.session.scalar(db.select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "reopened"))
    assert event.public and event.actor_id == clerk.id and event.note == data["reason"]
    assert count(AuditLog, AuditLog.action == "case.reopened") == 1
    # Sent again (a double click): nothing more happens.
    assert client.post(f"/kasus/{closed_case.id}/keberatan", data=data).status_code == 303
    assert count(CaseEvent, CaseEvent.kind == "reopened") == 1
    # The citizen sees the step on the public status page.
    status = app.test_client().get("/status", query_string={"ticket": case.ticket}).get_data(as_text=True)
    assert "Dibuka kembali atas keberatan warga" in status


def test_the_case_page_offers_the_objection_to_the_counter(app, make_user, closed_case):
    client, _clerk = client_for(app, make_user, "front_office")
    page = client.get(f"/kasus/{closed_case.id}").get_data(as_text=True)
    assert 'id="keberatan"' in page and f'action="/kasus/{closed_case.id}/keberatan"' in page


def test_an_objection_without_its_reason_is_refused_next_to_the_field(app, make_user, closed_case):
    client, _clerk = client_for(app, make_user, "front_office")
    response = client.post(f"/kasus/{closed_case.id}/keberatan", data={"reason": "  "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    block = page[page.index('id="field-reason"'):]
    assert "Tuliskan keberatan warga." in block[:block.index("</div>")]
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


def test_an_objection_after_the_window_is_refused_and_says_why(app, make_user, closed_case):
    closed_case.closed_at = utcnow() - timedelta(days=60)
    db.session.commit()
    client, _clerk = client_for(app, make_user, "front_office")
    page = client.get(f"/kasus/{closed_case.id}/keberatan").get_data(as_text=True)
    assert "Masa keberatan sudah lewat" in page and 'name="reason"' not in page
    response = client.post(f"/kasus/{closed_case.id}/keberatan", data={"reason": "Belum puas"})
    assert response.status_code == 422 and "Masa keberatan sudah lewat" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, closed_case.id).status == CaseStatus.CLOSED


@pytest.mark.parametrize("role, where, allowed", [
    ("front_office", "district", True), ("puskesos_operator", "desa", True), ("back_office", "district", True),
    ("supervisor", "district", True), ("puskesos_operator", "other_desa", False),
    ("facilitator", "kecamatan", False), ("agency_liaison", "district", False), ("admin", "district", False),
])
def test_who_may_record_an_objection(app, make_user, places, closed_case, role, where, allowed):
    client, _user = client_for(app, make_user, role, region_code=getattr(places, where))
    assert (client.get(f"/kasus/{closed_case.id}/keberatan").status_code == 200) is allowed
    response = client.post(f"/kasus/{closed_case.id}/keberatan", data={"reason": "Belum puas"})
    assert (response.status_code == 303) is allowed
    assert (db.session.get(Case, closed_case.id).status == CaseStatus.REOPENED) is allowed


def test_an_open_case_has_no_objection(app, make_user, make_case):
    case = make_case()
    client, _clerk = client_for(app, make_user, "front_office")
    assert client.get(f"/kasus/{case.id}/keberatan").status_code == 403
    assert 'id="keberatan"' not in client.get(f"/kasus/{case.id}").get_data(as_text=True)
