"""Ubah data kasus: the counter and the back office correct a case and its citizen's data with a reason; the old
values stay in the case's history (who, when, before → after) and the person's old identity as a PersonVersion;
the citizen's public steps do not change; a correction based on an older version is refused with the
differences shown; a NIK is never edited here."""
from __future__ import annotations

import html as htmlmod
import re
import uuid

import pytest

from slrt.audit.models import AuditLog
from slrt.cases import operations
from slrt.handling import operations as handling
from slrt.cases.models import Case, CaseChange, CaseEvent, CaseStatus
from slrt.core.errors import DomainError
from slrt.extensions import db
from slrt.intake.models import IdentityReview, Person, PersonVersion
from tests.auth_helpers import client_for
from tests.conftest import VALID_NIK, count
from tests.intake_helpers import category_id


def edit_form(client, case_id: int) -> dict:
    """The edit form as the browser would post it back unchanged (prefilled values, opened_with)."""
    response = client.get(f"/kasus/{case_id}/ubah")
    assert response.status_code == 200
    data = edit_form_from(response.get_data(as_text=True))
    data["form_id"] = uuid.uuid4().hex
    return data


@pytest.fixture
def clerk(app, make_user):
    return client_for(app, make_user, "front_office")


def test_a_correction_is_saved_with_its_history_and_the_old_identity_kept(app, clerk, make_case, places):
    client, user = clerk
    case = make_case(phone="081234567890")
    public_steps = count(CaseEvent, CaseEvent.case_id == case.id, CaseEvent.public.is_(True))
    data = edit_form(client, case.id)
    assert data["name"] == "Ani Suryani" and data["desa"] == places.desa
    data.update(name="Ani Suryani Rahayu", phone="085711112222", desa=places.desa2,
                reason="Salah ketik nama saat pendaftaran; nomor HP baru")
    response = client.post(f"/kasus/{case.id}/ubah", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/kasus/{case.id}#riwayat-perubahan")
    db.session.expire_all()
    changes = {c.field: (c.before, c.after, c.reason, c.actor_id)
               for c in db.session.scalars(db.select(CaseChange).where(CaseChange.case_id == case.id))}
    assert set(changes) == {"name", "phone", "region_code"}
    assert changes["name"][:2] == ("Ani Suryani", "Ani Suryani Rahayu")
    assert changes["phone"][:2] == ("081234567890", "085711112222")
    assert changes["name"][2] == "Salah ketik nama saat pendaftaran; nomor HP baru" and changes["name"][3] == user.id
    person = db.session.scalar(db.select(Person))
    case = db.session.get(Case, case.id)
    assert (person.name, person.phone, person.region_code) == ("Ani Suryani Rahayu", "085711112222", places.desa2)
    assert (case.identity.name, case.region_code) == ("Ani Suryani Rahayu", places.desa2)
    assert person.nik == VALID_NIK
    [version] = db.session.scalars(db.select(PersonVersion)).all()
    assert (version.name, version.phone, version.region_code) == ("Ani Suryani", "081234567890", places.desa)
    # No public step: the citizen's status page shows what it showed before.
    assert count(CaseEvent, CaseEvent.case_id == case.id, CaseEvent.public.is_(True)) == public_steps
    assert count(AuditLog, AuditLog.action == "case.edit") == 1
    assert count(AuditLog, AuditLog.action == "person.edit") == 1
    assert VALID_NIK not in " ".join(db.session.scalars(db.select(AuditLog.note)).all())
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    history = page[page.index('id="riwayat-perubahan"'):]
    assert "Riwayat perubahan" in page and "Ani Suryani Rahayu" in history and "085711112222" in history
    assert user.full_name in history and "Salah ketik nama" in history


def test_opening_the_form_is_audited_and_says_the_nik_is_not_edited_here(app, clerk, make_case):
    client, _user = clerk
    case = make_case()
    page = client.get(f"/kasus/{case.id}/ubah").get_data(as_text=True)
    assert "NIK tidak dapat diubah di sini" in page and 'name="nik"' not in page
    assert count(AuditLog, AuditLog.action == "person.view", AuditLog.note == f"case edit form {case.ticket}") == 1


@pytest.mark.parametrize("change, field_id, words", [
    ({"reason": ""}, "reason", "Tuliskan alasan perubahan"),
    ({"name": ""}, "name", "Nama wajib diisi"),
    ({"phone": "12345"}, "phone", "Nomor HP tidak sah"),
    ({"kk_number": "3,20405E+15"}, "kk_number", "rusak oleh spreadsheet"),
])
def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(app, clerk, make_case, change, field_id,
                                                                        words):
    client, _user = clerk
    case = make_case()
    data = edit_form(client, case.id)
    data.update({"name": "Ani Suryanti", "address": "Jl. Melati 7", "reason": "Salah ketik"} | change)
    response = client.post(f"/kasus/{case.id}/ubah", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    block = page[page.index(f'id="field-{field_id}"'):]
    assert words in htmlmod.unescape(block[:block.index("</div>")])
    assert 'value="Jl. Melati 7"' in page
    assert count(CaseChange) == 0 and db.session.scalar(db.select(Person.name)) == "Ani Suryani"


def test_nothing_changed_is_said_so(app, clerk, make_case):
    client, _user = clerk
    case = make_case()
    data = edit_form(client, case.id) | {"reason": "Periksa ulang"}
    response = client.post(f"/kasus/{case.id}/ubah", data=data, follow_redirects=True)
    assert response.status_code == 422 and "Tidak ada data yang diubah" in response.get_data(as_text=True)


def test_a_second_correction_based_on_an_older_version_is_refused_with_the_differences(app, make_user, make_case):
    case = make_case()
    first, _one = client_for(app, make_user, "front_office")
    second, _two = client_for(app, make_user, "back_office")
    form_one, form_two = edit_form(first, case.id), edit_form(second, case.id)
    assert first.post(f"/kasus/{case.id}/ubah", data=form_one | {"name": "Ani Suryani Putri",
                                                                  "reason": "KTP"}).status_code == 303
    refused = second.post(f"/kasus/{case.id}/ubah", data=form_two | {"name": "Ani Suriani", "reason": "KK"})
    assert refused.status_code == 409
    raw = refused.get_data(as_text=True)
    assert 'class="errors form-errors"' in raw  # the reason above the form, not only a flash on the next page
    page = htmlmod.unescape(raw)
    differences = page[page.index('id="perbedaan"'):page.index("</table>", page.index('id="perbedaan"'))]
    assert "Ani Suryani" in differences and "Ani Suryani Putri" in differences  # opened with → now stored
    assert 'value="Ani Suriani"' in page  # what the second one typed is kept
    assert db.session.scalar(db.select(Person.name)) == "Ani Suryani Putri" and count(CaseChange) == 1
    # Having seen the differences, the second one may save over the current version.
    again = edit_form_from(raw) | {"form_id": uuid.uuid4().hex}
    assert second.post(f"/kasus/{case.id}/ubah", data=again).status_code == 303
    assert db.session.scalar(db.select(Person.name)) == "Ani Suriani" and count(CaseChange) == 2


def edit_form_from(page: str) -> dict:
    data = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and not ('type="radio"' in tag and "checked" not in tag):
            value = re.search(r'value="([^"]*)"', tag)
            data[name.group(1)] = htmlmod.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[name] = htmlmod.unescape(body).lstrip("\n")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"[^>]*selected',
                           body)
        data[name] = (chosen.group(1) or chosen.group(2)) if chosen else ""
    return data


def test_complaints_and_visit_type_are_corrected_while_registered_only(app, clerk, make_case, make_user):
    client, _user = clerk
    case = make_case()
    data = edit_form(client, case.id)
    data.update({"complaints-0-category": str(category_id("PENDIDIKAN")), "visit_type": "grievance",
                 "complaints-0-description": "KIP anak belum cair", "reason": "Kategori salah pilih"})
    assert client.post(f"/kasus/{case.id}/ubah", data=data).status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert (case.visit_type, case.complaints[0].description) == ("grievance", "KIP anak belum cair")
    fields = set(db.session.scalars(db.select(CaseChange.field)))
    assert fields == {"visit_type", "complaint_category.1", "complaint_description.1"}
    handling.take(case, make_user("back_office"))
    db.session.commit()
    page = client.get(f"/kasus/{case.id}/ubah").get_data(as_text=True)
    assert 'name="complaints-0-description"' not in page and "tidak dapat diubah lagi" in page
    # A post that still carries them (an old page) changes only the citizen's data.
    data = edit_form(client, case.id) | {"complaints-0-complaint_id": str(case.complaints[0].id),
                                         "complaints-0-description": "Lain", "phone": "085711112222",
                                         "reason": "Nomor HP baru"}
    assert client.post(f"/kasus/{case.id}/ubah", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).complaints[0].description == "KIP anak belum cair"


def test_a_visit_whose_identity_waits_for_review_is_corrected_without_touching_the_stored_person(
        app, clerk, make_case):
    client, _user = clerk
    make_case()
    case = make_case(name="Ani Suryana")  # differs from the stored identity: waits for the back office
    assert case.identity.review == IdentityReview.PENDING
    data = edit_form(client, case.id) | {"name": "Ani Suryani", "phone": "085711112222", "reason": "Salah ketik"}
    assert client.post(f"/kasus/{case.id}/ubah", data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).identity.phone == "085711112222"
    assert db.session.scalar(db.select(Person.phone)) == "" and count(PersonVersion) == 0


@pytest.mark.parametrize("role, where, allowed", [
    ("front_office", "district", True), ("back_office", "district", True), ("supervisor", "district", True),
    ("puskesos_operator", "desa", True), ("puskesos_operator", "other_desa", False),
    ("agency_liaison", "district", False), ("facilitator", "kecamatan", False), ("admin", "district", False),
])
def test_who_may_correct_a_case(app, make_user, make_case, places, role, where, allowed):
    case = make_case()
    client, _user = client_for(app, make_user, role, region_code=getattr(places, where))
    response = client.get(f"/kasus/{case.id}/ubah")
    assert (response.status_code == 200) is allowed, response.status_code
    page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
    assert (f"/kasus/{case.id}/ubah" in page) is allowed


def test_a_closed_case_is_not_corrected(app, make_case, make_user):
    case = make_case()
    case.status = CaseStatus.CLOSED
    db.session.commit()
    assert operations.edit_values(case)["name"] == "Ani Suryani"
    with pytest.raises(DomainError):
        operations.edit_case(case, make_user("back_office"), {"name": "X"}, reason="x",
                             opened_with=operations.edit_values(case))
    client, _user = client_for(app, make_user, "front_office")
    assert client.get(f"/kasus/{case.id}/ubah").status_code == 403


def test_the_operation_refuses_a_stale_version_and_a_missing_reason(app, make_case, make_user):
    case = make_case()
    officer = make_user("back_office")
    opened = operations.edit_values(case)
    with pytest.raises(DomainError, match="alasan"):
        operations.edit_case(case, officer, opened | {"name": "Ani S."}, reason=" ", opened_with=opened)
    operations.edit_case(case, officer, opened | {"name": "Ani S."}, reason="KTP", opened_with=opened)
    with pytest.raises(operations.EditConflict) as refused:
        operations.edit_case(case, officer, opened | {"phone": "085711112222"}, reason="HP", opened_with=opened)
    assert refused.value.differences == [("name", "Ani Suryani", "Ani S.")]
