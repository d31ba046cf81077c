"""A returning citizen with an open case is not silently given another one: the NIK check shows their open
cases in the user's area (nothing outside it); the clerk adds the new complaint to one (same ticket, receipt
printed again, a public step, audited) or opens a new case with a reason, which the server requires."""
from __future__ import annotations

import html as htmlmod
import uuid

import pytest

from slrt.audit.models import AuditLog
from slrt.handling import operations as cases
from slrt.cases.models import Case, CaseEvent, CaseStatus, Complaint, ComplaintStatus
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.intake.operations import VisitData, register_visit
from tests.auth_helpers import client_for
from tests.conftest import HX, VALID_NIK, count
from tests.intake_helpers import category_id, intake_data

SECOND = {"complaints-0-category": None, "complaints-0-description": "Anak belum menerima KIP"}


@pytest.fixture
def counter(app, make_user, places):
    """A district counter where Ani registered once; her case is still open."""
    client, clerk = client_for(app, make_user, "front_office")
    assert client.post("/pendaftaran/baru", data=intake_data(places)).status_code == 303
    return client, db.session.scalar(db.select(Case))


def second_visit(places, **overrides) -> dict:
    data = intake_data(places, **{"complaints-0-category": str(category_id("PENDIDIKAN")),
                                  "complaints-0-description": "Anak belum menerima KIP", "form_id": uuid.uuid4().hex})
    data.update(overrides)
    return data


def error_of(page: str, field_id: str) -> str:
    start = page.index(f'id="field-{field_id}"')
    end = page.find("</fieldset>", start) if field_id == "open_case" else page.find("</div>", start)
    return htmlmod.unescape(page[start:end])


def test_the_nik_check_shows_the_open_case(counter, places):
    client, first = counter
    html = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers=HX).get_data(as_text=True)
    block = html[html.index('id="field-open_case"'):]
    assert "Warga ini masih punya kasus yang terbuka" in block and first.ticket in block
    assert "Terdaftar" in block and "Kesehatan" in block.title()  # status and category
    assert first.office_region.name in block and f'value="{first.id}"' in block and 'value="new"' in block


def test_a_second_case_without_a_choice_or_a_reason_is_refused_keeping_what_was_typed(counter, places):
    client, first = counter
    refused = client.post("/pendaftaran/baru", data=second_visit(places))
    page = refused.get_data(as_text=True)
    assert "Pilih kasus untuk keluhan ini" in error_of(page, "open_case")
    assert "Anak belum menerima KIP" in page and count(Case) == 1
    refused = client.post("/pendaftaran/baru", data=second_visit(places, open_case="new"))
    page = refused.get_data(as_text=True)
    assert "tuliskan alasan membuka kasus baru" in error_of(page, "new_case_reason")
    assert first.ticket in error_of(page, "new_case_reason")
    assert "Anak belum menerima KIP" in page and 'value="new" checked' in page and count(Case) == 1


def test_a_new_case_with_a_reason_keeps_the_reason_and_shows_it(counter, places):
    client, first = counter
    response = client.post("/pendaftaran/baru", data=second_visit(
        places, open_case="new", new_case_reason="Keluhan pendidikan, ditangani instansi lain"))
    assert response.status_code == 303
    second = db.session.scalar(db.select(Case).where(Case.id != first.id))
    assert second.new_case_reason == "Keluhan pendidikan, ditangani instansi lain"
    page = client.get(f"/kasus/{second.id}").get_data(as_text=True)
    assert "Alasan kasus baru" in page and "Keluhan pendidikan, ditangani instansi lain" in page


def test_the_complaint_goes_on_the_open_case_with_the_same_ticket(counter, places):
    client, first = counter
    response = client.post("/pendaftaran/baru", data=second_visit(places, open_case=str(first.id)))
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/kasus/{first.id}/tanda-terima")
    assert count(Case) == 1
    case = db.session.get(Case, first.id)
    assert [k.description for k in case.complaints] == ["Kartu KIS tidak aktif saat berobat",
                                                        "Anak belum menerima KIP"]
    event = db.session.scalar(db.select(CaseEvent).where(CaseEvent.kind == "complaint_added"))
    assert event.public and event.case_id == case.id
    assert count(AuditLog, AuditLog.action == "case.complaint_add") == 1
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert case.ticket in receipt and case.complaints[1].category.name in receipt
    status = client.get("/status", query_string={"ticket": case.ticket}).get_data(as_text=True)
    assert "Keluhan tambahan diterima" in status


def test_a_case_of_someone_else_is_no_choice(counter, places, make_case):
    client, _first = counter
    other = make_case(nik="3204050101800001", name="Budi", sex="L")
    page = client.post("/pendaftaran/baru", data=second_visit(places, open_case=str(other.id))).get_data(as_text=True)
    assert "Pilih kasus untuk keluhan ini" in error_of(page, "open_case")
    assert len(db.session.get(Case, other.id).complaints) == 1


def test_a_user_outside_the_citizens_area_sees_no_open_case_and_is_not_asked(app, make_user, places, counter):
    operator, _user = client_for(app, make_user, "puskesos_operator", region_code=places.other_desa)
    html = operator.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers=HX).get_data(as_text=True)
    assert "open_case" not in html and counter[1].ticket not in html
    data = second_visit(places, kecamatan=places.other_kecamatan, desa=places.other_desa)
    assert operator.post("/pendaftaran/baru", data=data).status_code == 303
    assert count(Case) == 2


def test_the_operation_refuses_a_second_open_case_without_a_reason(app, make_case, make_user, places):
    first = make_case()
    clerk = make_user("front_office")
    data = VisitData(nik=VALID_NIK, name="Ani Suryani", birth_date=first.person.birth_date, sex="P",
                     region_code=places.desa, channel="counter", visit_type="grievance",
                     complaints=[(category_id(), "Lagi")])
    with pytest.raises(DomainError) as refused:
        register_visit(data, clerk)
    assert refused.value.field == "new_case_reason"
    db.session.rollback()
    first = db.session.get(Case, first.id)
    first.status, first.closed_at = CaseStatus.CLOSED, utcnow()  # a closed case asks for nothing
    db.session.commit()
    assert register_visit(data, clerk).new_case_reason == ""


def test_a_resolved_case_goes_back_to_handling_with_a_new_complaint(app, make_case, make_user):
    case = make_case()
    officer = make_user("back_office")
    cases.take(case, officer)
    cases.answer_complaint(case.complaints[0], officer, "Sudah aktif kembali")
    assert case.status == CaseStatus.RESOLVED
    cases.add_complaints(case, officer, [(category_id("PENDIDIKAN"), "KIP")])
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.complaints[-1].status == ComplaintStatus.OPEN
    case.status = CaseStatus.CLOSED
    with pytest.raises(DomainError):
        cases.add_complaints(case, officer, [(category_id(), "Lagi")])
    assert count(Complaint) == 2


def test_the_nik_check_offers_the_objection_on_a_recently_closed_case(counter, places):
    client, first = counter
    first.status, first.closed_at = CaseStatus.CLOSED, utcnow()
    db.session.commit()
    html = client.post("/pendaftaran/cek-nik", data={"nik": VALID_NIK}, headers=HX).get_data(as_text=True)
    assert "open_case" not in html
    assert f'href="/kasus/{first.id}/keberatan"' in html and "Catat keberatan" in html
