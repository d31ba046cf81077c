"""A person's data follows the region rule of cases: the NIK check answers a village or kecamatan user only
for people of their area (throttled, audited); a counter user never silently changes who a person is (the
visit keeps what was typed, the back office decides); SMS go to the phone given for the case; the registry
search answers a NIK of another region as an unknown one."""
from __future__ import annotations

from datetime import date

import pytest

from slrt.audit.models import AuditLog
from slrt.cases.models import Case
from slrt.extensions import db
from slrt.intake.models import IdentityReview, Person, PersonVersion, VisitIdentity
from slrt.notifications.models import OutboxMessage
from tests.conftest import VALID_NIK
from tests.conftest import HX, count
from tests.auth_helpers import client_for
from tests.intake_helpers import intake_data

STORED = {"name": "Ani Suryani", "phone": "081234567890", "kk": "3204051234560007", "address": "Kp. Cibodas",
          "member": "Dedi Suryana", "member_nik": "3204050101100003"}
MEMBER = {"members-0-name": STORED["member"], "members-0-nik": STORED["member_nik"], "members-0-relation": "3",
          "members-0-birth_date": "01/01/2010", "members-0-sex": "L"}


@pytest.fixture
def registered(app, make_user, places):
    """Ani, registered at the district counter for her village (places.desa), with her son in the household."""
    client, _clerk = client_for(app, make_user, "front_office")
    assert client.post("/pendaftaran/baru", data=intake_data(places, **MEMBER)).status_code == 303
    return db.session.scalar(db.select(Case))


def nik_check(client, nik=VALID_NIK) -> str:
    response = client.post("/pendaftaran/cek-nik", data={"nik": nik}, headers=HX)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shows_personal_data(html: str) -> list[str]:
    return [value for value in STORED.values() if value in html]


# --- the NIK check follows the region rule ------------------------------------------------------------------

@pytest.mark.parametrize("role, where", [("puskesos_operator", "desa"), ("facilitator", "kecamatan"),
                                         ("front_office", "district"), ("back_office", "district")])
def test_nik_check_fills_the_form_for_people_of_the_users_area(app, make_user, places, registered, role, where):
    region = {"desa": places.desa, "kecamatan": places.kecamatan, "district": places.district}[where]
    client, _user = client_for(app, make_user, role, region_code=region)
    html = nik_check(client)
    assert 'value="Ani Suryani"' in html and STORED["member_nik"] in html and registered.ticket in html
    assert count(AuditLog, AuditLog.action == "person.view", AuditLog.note == "intake NIK check") == 1


@pytest.mark.parametrize("role, where", [("puskesos_operator", "other_desa"), ("puskesos_operator", "desa2"),
                                         ("facilitator", "other_kecamatan")])
def test_nik_check_outside_the_users_area_says_known_elsewhere_without_personal_data(
        app, make_user, places, registered, role, where):
    client, user = client_for(app, make_user, role, region_code=getattr(places, where))
    html = nik_check(client)
    assert "NIK sah" in html and "di luar wilayah kerja Anda" in html
    assert shows_personal_data(html) == [], shows_personal_data(html)
    assert registered.ticket not in html and "person-fields" not in html
    rows = db.session.scalars(db.select(AuditLog).where(AuditLog.action == "person.check")).all()
    assert [(r.user_id, r.person_id) for r in rows] == [(user.id, registered.person_id)]
    assert VALID_NIK not in rows[0].note
    assert count(AuditLog, AuditLog.action == "person.view") == 0


def test_registering_a_visit_with_someone_elses_nik_does_not_open_their_data(app, make_user, places, registered):
    """A village operator who types Ani's NIK with another name for their own village gets a case of their own,
    but neither the NIK check nor that case page shows Ani's stored identity."""
    client, _user = client_for(app, make_user, "puskesos_operator", region_code=places.other_desa)
    form = intake_data(places, name="Orang Lain", phone="089999999999", kk_number="", address="Jl. Lain",
                       kecamatan=places.other_kecamatan, desa=places.other_desa, confirm_warnings="y")
    assert client.post("/pendaftaran/baru", data=form).status_code == 303
    own = db.session.scalar(db.select(Case).where(Case.id != registered.id))
    html = nik_check(client)
    assert "di luar wilayah kerja Anda" in html and shows_personal_data(html) == []
    page = client.get(f"/kasus/{own.id}").get_data(as_text=True)
    assert "Orang Lain" in page and "089999999999" in page
    assert shows_personal_data(page) == [], shows_personal_data(page)


def test_nik_checks_are_throttled_per_user(make_app, make_user, places):
    app = make_app(SLRT_NIK_CHECK_LIMIT="3 per 10 minutes")
    with app.app_context():
        first, user = client_for(app, make_user, "front_office", username="loket1")
        other, _other = client_for(app, make_user, "front_office", username="loket2")
        niks = [f"32040545129000{n:02d}" for n in range(1, 5)]
        for nik in niks[:3]:
            assert "Terlalu banyak" not in nik_check(first, nik)
        html = nik_check(first, niks[3])
        assert "Terlalu banyak pemeriksaan NIK" in html and "belum pernah tercatat" not in html
        assert count(AuditLog, AuditLog.action == "person.check_throttled", AuditLog.user_id == user.id) == 1
        assert "belum pernah tercatat" in nik_check(other, niks[3])  # another counter is not slowed down
        # Still typing (or a malformed NIK) costs nothing.
        assert "Terlalu banyak" not in nik_check(first, "3204")


# --- no silent overwrite of a person's identity -------------------------------------------------------------

@pytest.fixture
def second_visit(app, make_user, places, registered):
    """Someone at another village's counter registers Ani's NIK with a new phone, birth date and address."""
    client, clerk = client_for(app, make_user, "puskesos_operator", region_code=places.other_desa)
    form = intake_data(places, phone="089999999999", birth_date="1990-12-06", address="Jl. Lain 9",
                       kecamatan=places.other_kecamatan, desa=places.other_desa, confirm_warnings="y")
    assert client.post("/pendaftaran/baru", data=form).status_code == 303
    return db.session.scalar(db.select(Case).where(Case.id != registered.id))


def test_a_later_visit_keeps_what_was_typed_and_leaves_the_person_unchanged(app, registered, second_visit, places):
    person = db.session.get(Person, registered.person_id)
    assert (person.phone, person.birth_date, person.address, person.region_code) == (
        STORED["phone"], date(1990, 12, 5), STORED["address"], places.desa)
    assert [m.nik for m in person.members] == [STORED["member_nik"]]
    identity = second_visit.identity
    assert (identity.phone, identity.birth_date, identity.address, identity.region_code) == (
        "089999999999", date(1990, 12, 6), "Jl. Lain 9", places.other_desa)
    assert identity.review == IdentityReview.PENDING and registered.identity.review == IdentityReview.SAME
    pending = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "person.identity_pending"))
    assert pending.person_id == person.id and "phone" in pending.note and "089999999999" not in pending.note
    assert count(AuditLog, AuditLog.action.in_(["person.update", "person.create"])) == 1  # only the creation


def test_status_page_still_opens_with_the_real_birth_date(app, registered, second_visit):
    citizen = app.test_client()
    real = citizen.post("/status", data={"ticket": registered.ticket, "birth_date": "1990-12-05"})
    assert "Kartu KIS tidak aktif saat berobat" in real.get_data(as_text=True)
    typed = citizen.post("/status", data={"ticket": registered.ticket, "birth_date": "1990-12-06"})
    assert "Kartu KIS tidak aktif saat berobat" not in typed.get_data(as_text=True)


def test_sms_go_to_the_phone_given_for_each_case(app, registered, second_visit):
    from slrt.notifications.operations import queue_citizen_message
    phones = {m.case_id: m.phone for m in db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "registered"))}
    assert phones == {registered.id: STORED["phone"], second_visit.id: "089999999999"}
    queue_citizen_message(registered, "referred", "Rujukan Anda disetujui.")
    db.session.commit()
    later = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "referred"))
    assert later.phone == STORED["phone"]  # the victim's case still texts the victim


# --- the district back office decides -----------------------------------------------------------------------

def test_back_office_sees_the_difference_others_only_the_visit(app, make_user, places, registered, second_visit):
    office, _officer = client_for(app, make_user, "back_office")
    page = office.get(f"/kasus/{second_visit.id}").get_data(as_text=True)
    assert "Perubahan data warga" in page and "Terima perubahan" in page
    assert STORED["phone"] in page and "089999999999" in page and "Jl. Lain 9" in page
    for role in ("front_office", "supervisor"):
        other, _user = client_for(app, make_user, role)
        html = other.get(f"/kasus/{second_visit.id}").get_data(as_text=True)
        assert "Terima perubahan" not in html and "menunggu pemeriksaan back office" in html
    first_page = office.get(f"/kasus/{registered.id}").get_data(as_text=True)
    assert "Perubahan data warga" not in first_page


def test_accepting_needs_a_reason_and_keeps_what_was_typed(app, make_user, registered, second_visit):
    office, _officer = client_for(app, make_user, "back_office")
    response = office.post(f"/pendaftaran/identitas/{second_visit.id}", data={"reason": "  ", "accept": "y"})
    assert response.status_code == 422  # refused: the case page again, with what was typed
    html = response.get_data(as_text=True)
    assert "Tuliskan alasannya" in html and "Perubahan data warga" in html
    assert db.session.get(Person, registered.person_id).phone == STORED["phone"]
    assert second_visit.identity.review == IdentityReview.PENDING


def test_accepting_changes_the_person_keeps_the_old_values_and_is_audited(app, make_user, places, registered,
                                                                          second_visit):
    office, officer = client_for(app, make_user, "back_office")
    response = office.post(f"/pendaftaran/identitas/{second_visit.id}",
                           data={"reason": "KTP baru diperiksa di loket", "accept": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    person = db.session.get(Person, registered.person_id)
    assert (person.phone, person.birth_date, person.address, person.region_code) == (
        "089999999999", date(1990, 12, 6), "Jl. Lain 9", places.other_desa)
    version = db.session.scalar(db.select(PersonVersion))
    assert (version.phone, version.birth_date, version.address, version.region_code, version.replaced_by_id,
            version.reason) == (STORED["phone"], date(1990, 12, 5), STORED["address"], places.desa, officer.id,
                                "KTP baru diperiksa di loket")
    assert STORED["member_nik"] in version.members
    identity = db.session.get(VisitIdentity, second_visit.identity.id)
    assert (identity.review, identity.reviewed_by_id) == (IdentityReview.ACCEPTED, officer.id)
    audit = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "person.identity_accept"))
    assert audit.user_id == officer.id and audit.person_id == person.id and "KTP baru" in audit.note
    # The first case keeps the phone given for it; a second decision on the same visit is refused.
    assert registered.identity.phone == STORED["phone"]
    again = office.post(f"/pendaftaran/identitas/{second_visit.id}", data={"reason": "lagi", "dismiss": "y"},
                        follow_redirects=True)
    assert "sudah diputuskan" in again.get_data(as_text=True)
    assert count(PersonVersion) == 1


def test_dismissing_keeps_the_stored_identity(app, make_user, registered, second_visit):
    office, officer = client_for(app, make_user, "back_office")
    response = office.post(f"/pendaftaran/identitas/{second_visit.id}",
                           data={"reason": "Bukan warga yang sama, NIK salah ketik", "dismiss": "y"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Person, registered.person_id).phone == STORED["phone"]
    identity = db.session.get(VisitIdentity, second_visit.identity.id)
    assert identity.review == IdentityReview.DISMISSED and identity.phone == "089999999999"
    assert count(AuditLog, AuditLog.action == "person.identity_dismiss", AuditLog.user_id == officer.id) == 1
    assert count(PersonVersion) == 0


@pytest.mark.parametrize("role", ["front_office", "puskesos_operator", "supervisor", "facilitator", "admin"])
def test_only_the_back_office_decides(app, make_user, places, registered, second_visit, role):
    region = places.other_desa if role == "puskesos_operator" else None
    client, _user = client_for(app, make_user, role, region_code=region)
    response = client.post(f"/pendaftaran/identitas/{second_visit.id}", data={"reason": "x", "accept": "y"})
    assert response.status_code == 403
    assert db.session.get(Person, registered.person_id).phone == STORED["phone"]


def test_a_kecamatan_back_office_cannot_rewrite_a_person_of_another_kecamatan(app, make_user, places, registered,
                                                                             second_visit):
    client, _user = client_for(app, make_user, "back_office", region_code=places.other_kecamatan)
    response = client.post(f"/pendaftaran/identitas/{second_visit.id}", data={"reason": "x", "accept": "y"})
    assert response.status_code == 403


def test_an_identical_second_visit_needs_no_review(app, make_user, places, registered):
    client, _user = client_for(app, make_user, "puskesos_operator", region_code=places.desa)
    data = intake_data(places, **MEMBER, open_case="new", new_case_reason="Keluhan lain")
    assert client.post("/pendaftaran/baru", data=data).status_code == 303
    second = db.session.scalar(db.select(Case).where(Case.id != registered.id))
    assert second.identity.review == IdentityReview.SAME
    assert count(AuditLog, AuditLog.action == "person.identity_pending") == 0


def test_lists_and_receipt_show_the_name_given_at_the_visit(app, make_user, places, registered):
    client, _user = client_for(app, make_user, "puskesos_operator", region_code=places.other_desa)
    form = intake_data(places, name="Orang Lain", kecamatan=places.other_kecamatan, desa=places.other_desa,
                       confirm_warnings="y")
    assert client.post("/pendaftaran/baru", data=form).status_code == 303
    own = db.session.scalar(db.select(Case).where(Case.id != registered.id))
    listing = client.get("/kasus/?status=").get_data(as_text=True)
    receipt = client.get(f"/kasus/{own.id}/tanda-terima").get_data(as_text=True)
    for html in (listing, receipt):
        assert "Orang Lain" in html and "Ani Suryani" not in html
    # Searching the list by the stored person's name does not find the case registered under another name.
    assert own.ticket not in client.get("/kasus/?status=&q=Ani").get_data(as_text=True)
    assert own.ticket in client.get("/kasus/?status=&q=Orang").get_data(as_text=True)


def test_a_household_of_the_users_village_in_the_registry_opens_the_person(app, make_user, places, tmp_path):
    """People of the area also include those whose registry household lies in it, without a case there."""
    from tests.registry_helpers import family, import_file, write_csv
    rows, niks, _kk = family(places, decile="2")
    import_file(write_csv(tmp_path / "a.csv", rows))
    counter, _clerk = client_for(app, make_user, "front_office")
    form = intake_data(places, nik=niks[0], name="Asep Suryana", sex="L", birth_date="1980-03-01",
                       kecamatan=places.other_kecamatan, desa=places.other_desa, confirm_warnings="y")
    assert counter.post("/pendaftaran/baru", data=form).status_code == 303
    household_village, _u = client_for(app, make_user, "puskesos_operator", region_code=places.desa)
    elsewhere, _v = client_for(app, make_user, "puskesos_operator", region_code=places.desa2)
    assert 'value="Asep Suryana"' in nik_check(household_village, niks[0])
    html = nik_check(elsewhere, niks[0])
    assert "di luar wilayah kerja Anda" in html and "Asep Suryana" not in html


def test_migration_gives_existing_cases_the_persons_identity_as_their_visit_identity(make_app, tmp_path):
    """Cases registered before visit identities keep texting the phone they had, and need no review."""
    from flask_migrate import upgrade
    from sqlalchemy import text
    old = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with old.app_context():
        upgrade(revision="0004")
        db.session.execute(text(
            "INSERT INTO regions (code, name, level, parent_code, active, dataset_version, updated_at) VALUES "
            "('32.04', 'Bandung', 2, NULL, 1, '', '2026-01-01'), ('32.04.05.2001', 'Desa', 4, NULL, 1, '', "
            "'2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO users (id, username, full_name, nip, password_hash, role, region_code, active, "
            "session_version, must_change_password, created_at) VALUES (1, 'loket', 'Loket', '', 'x', "
            "'front_office', '32.04', 1, 1, 0, '2026-01-01')"))
        db.session.execute(text(
            "INSERT INTO people (id, nik, name, birth_place, birth_date, sex, phone, kk_number, address, rt, rw, "
            "region_code, created_at, updated_at) VALUES (1, :nik, 'Ani Suryani', 'Bandung', '1990-12-05', 'P', "
            "'081234567890', '', 'Kp. Cibodas', '003', '007', '32.04.05.2001', '2026-01-02 03:04:05', "
            "'2026-01-02 03:04:05')"), {"nik": VALID_NIK})
        db.session.execute(text(
            "INSERT INTO cases (id, ticket, person_id, region_code, office_region_code, channel, visit_type, status, "
            "documents, note, created_by_id, created_at, updated_at) VALUES (7, 'ABCDEFGHJK', 1, '32.04.05.2001', "
            "'32.04', 'counter', 'question', 'registered', '', '', 1, '2026-01-02 03:04:05', "
            "'2026-01-02 03:04:05')"))
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT case_id, person_id, review, phone, birth_date, name, members "
                                      "FROM visit_identities")).one()
        assert tuple(row) == (7, 1, "same", "081234567890", "1990-12-05", "Ani Suryani", "")
        db.session.remove()
        db.engine.dispose()
