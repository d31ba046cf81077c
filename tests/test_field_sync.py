"""The sync API of field mode: a device pulls only what its visits need, pushes findings and new citizens each
with its own id (a resend saves nothing twice), a citizen keeps the ticket the device gave offline, and a case
field the office changed meanwhile is never overwritten: it waits as a clash, chosen field by field."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from slrt.admin.models import ComplaintCategory, Programme
from slrt.audit.models import AuditLog
from slrt.cases.models import Assessment, Case
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.field.models import ClashStatus, DeviceTicket, FieldClash, SyncRecord, TicketState
from slrt.notifications.models import OutboxMessage
from slrt.visits import operations as visits
from slrt.visits.models import HomeVisit, VisitStatus
from tests.auth_helpers import client_for
from tests.conftest import count, log_in
from tests.field_helpers import bearer, enrol
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def field(app, make_user, make_case, places):
    officer = make_user("back_office")
    case = make_case(address="Kp. Cibodas", rt="003", rw="007", documents=["KTP"])
    client, facilitator = client_for(app, make_user, "facilitator", region_code=places.desa2)
    visit = visits.assign(case, facilitator, local_today() + timedelta(days=2), "Cek jamban", officer, local_today())
    other = make_case(name="Budi Santoso")
    visits.assign(other, make_user("facilitator", region_code=places.desa2), local_today(), "", officer,
                  local_today())
    db.session.commit()
    body = enrol(client).get_json()
    return {"case": case, "visit": visit, "officer": officer, "facilitator": facilitator, "token": body["token"],
            "tickets": body["tickets"], "device_id": body["device"]["id"], "api": app.test_client()}


def _pull(f):
    response = f["api"].post("/lapangan/api/tarik", headers=bearer(f["token"]))
    assert response.status_code == 200, response.data
    return response.get_json()


def _push(f, *records):
    return f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]), json={"records": list(records)})


def _visit_record(f, base, **case):
    return {"uuid": str(uuid.uuid4()), "kind": "visit", "visit_id": f["visit"].id,
            "visited_on": local_today().isoformat(), "housing": {"floor": "earth", "toilet": "none"},
            "findings": "Rumah bambu, lima penghuni.", "recommendation": "Usulkan RTLH.", "base": base,
            "case": {**base, **case}}


def test_the_pull_carries_only_what_the_visits_need(app, field, places):
    f = field
    payload = _pull(f)
    assert [v["id"] for v in payload["visits"]] == [f["visit"].id]  # not another facilitator's visit
    case = payload["visits"][0]["case"]
    assert (case["name"], case["address"], case["rt"]) == ("Ani Suryani", "Kp. Cibodas", "003")
    assert case["requests"][0]["description"] == "Kartu KIS tidak aktif saat berobat"
    assert case["base"] == {"needs": [], "documents": ["KTP"]}
    assert "3204054512900001" not in json.dumps(payload)  # no NIK leaves for a visit
    assert payload["lists"]["programmes"] and payload["lists"]["housing"]["floor"][0][0] == "earth"
    assert payload["villages"] and all(v["code"].startswith(places.kecamatan + ".") for v in payload["villages"])
    assert payload["tickets"] == f["tickets"]
    # what the device needs offline: the counter's NIK regions, and when to wipe without a sync
    assert "32.04" in payload["regencies"] and payload["expire_days"] == 7
    assert payload["lists"]["housing_aspects"][:2] == ["ownership", "floor"]
    assert count(AuditLog, AuditLog.action == "person.view", AuditLog.person_id == f["case"].person_id,
                 AuditLog.user_id == f["facilitator"].id) == 1
    assert count(AuditLog, AuditLog.action == "field.pull") == 1


def test_a_visit_sent_twice_is_saved_once_and_merges_what_the_office_left_alone(app, field):
    f = field
    base = _pull(f)["visits"][0]["case"]["base"]
    pkh = db.session.scalar(select(Programme.id).where(Programme.code == "PKH"))
    record = _visit_record(f, base, needs=[pkh], documents=["KTP", "KK"])
    first = _push(f, record).get_json()["results"][0]
    again = _push(f, record).get_json()["results"][0]  # the line broke after the server saved it
    assert first["status"] == "saved" and first["ticket"] == f["case"].ticket
    assert again["status"] == "duplicate" and again["outcome"] == "saved"
    db.session.expire_all()
    assert db.session.get(HomeVisit, f["visit"].id).status == VisitStatus.DONE
    assert count(Assessment) == 1 and count(SyncRecord) == 1
    case = db.session.get(Case, f["case"].id)
    assert [n.programme_id for n in case.needs] == [pkh] and case.document_codes == ["KK", "KTP"]
    pushes = db.session.scalars(select(AuditLog.note).where(AuditLog.action == "field.push")).all()
    assert len(pushes) == 2 and "saved 1" in pushes[0] and "duplicate 1" in pushes[1]


def test_a_field_the_office_changed_meanwhile_waits_as_a_clash_chosen_field_by_field(app, field):
    f = field
    base = _pull(f)["visits"][0]["case"]["base"]
    case = db.session.get(Case, f["case"].id)
    case.documents = "KTP,SKTM"  # the office ticked the SKTM while the tablet was offline
    db.session.commit()
    pkh = db.session.scalar(select(Programme.id).where(Programme.code == "PKH"))
    result = _push(f, _visit_record(f, base, needs=[pkh], documents=["KK"])).get_json()["results"][0]
    assert result["status"] == "clash"
    assert result["clash"] == {"office": {"documents": ["KTP", "SKTM"]}, "device": {"documents": ["KK"]}}  # shown
    db.session.expire_all()
    case = db.session.get(Case, f["case"].id)
    assert case.document_codes == ["KTP", "SKTM"]  # not overwritten
    assert [n.programme_id for n in case.needs] == [pkh]  # the office left needs alone: taken
    clash = db.session.scalar(select(FieldClash))
    assert json.loads(clash.device_values) == {"documents": ["KK"]}
    assert json.loads(clash.office_values) == {"documents": ["KTP", "SKTM"]}

    office = app.test_client()
    assert log_in(office, f["officer"].username).status_code == 303
    assert f"/lapangan/bentrok/{clash.id}" in office.get("/lapangan/bentrok").get_data(as_text=True)
    page = office.get(f"/lapangan/bentrok/{clash.id}").get_data(as_text=True)
    assert "Surat keterangan tidak mampu" in page and "Kartu Keluarga" in page
    refused = office.post(f"/lapangan/bentrok/{clash.id}", data={"form_id": uuid.uuid4().hex})
    assert refused.status_code == 422
    chosen = office.post(f"/lapangan/bentrok/{clash.id}", data={"choice-documents": "device",
                                                                 "form_id": uuid.uuid4().hex})
    assert chosen.status_code == 303
    db.session.expire_all()
    clash = db.session.get(FieldClash, clash.id)
    assert clash.status == ClashStatus.RESOLVED and json.loads(clash.chosen) == {"documents": "device"}
    assert db.session.get(Case, f["case"].id).document_codes == ["KK"]
    assert json.loads(clash.office_values) == {"documents": ["KTP", "SKTM"]}  # history keeps both
    assert count(AuditLog, AuditLog.action == "field.clash_resolved") == 1
    # a facilitator cannot decide
    assert f["api"].get("/lapangan/bentrok").status_code in (302, 303, 401, 403)


def _citizen(places, ticket, **overrides):
    category = db.session.scalar(select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
    citizen = {"nik": "3204051012850003", "name": "Dedi Kurnia", "birth_date": "1985-12-10", "sex": "L",
               "address": "Kp. Babakan", "rt": "001", "rw": "002", "region_code": places.desa,
               "visit_type": "service_request", "phone": "081298765432",
               "complaints": [{"category": category, "description": "Butuh kursi roda untuk ibu"}],
               **overrides}
    return {"uuid": str(uuid.uuid4()), "kind": "citizen", "ticket": ticket, "citizen": citizen}


def test_a_citizen_registered_offline_keeps_the_device_ticket_once(app, field, places):
    f = field
    ticket = f["tickets"][3]
    record = _citizen(places, ticket)
    first = _push(f, record).get_json()["results"][0]
    again = _push(f, record).get_json()["results"][0]
    assert first == {"uuid": record["uuid"], "status": "saved", "ticket": ticket}
    assert again["status"] == "duplicate" and again["ticket"] == ticket
    case = db.session.scalar(select(Case).where(Case.ticket == ticket))
    assert case.channel == "home_visit" and case.created_by_id == f["facilitator"].id
    assert count(Case, Case.ticket == ticket) == 1
    assert db.session.scalar(select(DeviceTicket.state).where(DeviceTicket.ticket == ticket)) == TicketState.USED
    assert count(OutboxMessage, OutboxMessage.case_id == case.id) >= 1  # the confirmation SMS leaves on sync
    # a number the device does not hold, a number already used, a NIK the counter refuses
    results = _push(f, _citizen(places, "K7MQ4-P2XRT"), _citizen(places, ticket),
                    _citizen(places, f["tickets"][4], nik="3204053212850003")).get_json()["results"]
    assert [r["status"] for r in results] == ["refused"] * 3
    assert results[0]["field"] == "ticket" and "nik" in results[2]["errors"]
    assert db.session.scalar(select(DeviceTicket.state).where(DeviceTicket.ticket == f["tickets"][4])) == TicketState.HELD


def test_a_revoked_device_is_told_to_wipe_and_sends_nothing(app, field, places):
    f = field
    from slrt.field import operations
    from slrt.field.models import Device
    operations.revoke(db.session.get(Device, f["device_id"]), f["officer"], "Hilang")
    db.session.commit()
    response = _push(f, _citizen(places, f["tickets"][0]))
    assert response.status_code == 410 and response.get_json()["wipe"] is True
    assert _pull_status(f) == 410
    assert count(Case, Case.ticket == f["tickets"][0]) == 0


def _pull_status(f):
    return f["api"].post("/lapangan/api/tarik", headers=bearer(f["token"])).status_code


def test_a_push_is_bounded_and_needs_records(app, field):
    f = field
    assert _push(f, *[{"uuid": str(uuid.uuid4())}] * 51).status_code == 400
    assert f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]), data="x").status_code == 400
    result = _push(f, {"uuid": "nope", "kind": "visit"}).get_json()["results"][0]
    assert result["status"] == "refused"


def test_a_photo_still_arriving_keeps_its_part_file_through_the_orphan_sweep(app, field, tmp_path):
    """The retention run's orphan sweep removes part files that no photo still arriving names, however old the
    kept one is (a device may resume days later)."""
    import os
    import time

    from slrt.privacy.operations import run_retention
    from tests.attachments_helpers import phone_photo
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    f = field
    record = _visit_record(f, _pull(f)["visits"][0]["case"]["base"])
    _push(f, record)
    photo = phone_photo(800, 600)
    meta = {"uuid": str(uuid.uuid4()), "record_uuid": record["uuid"], "size": len(photo)}
    api, headers = f["api"], bearer(f["token"])
    api.post("/lapangan/api/foto", headers=headers, json=meta)
    assert api.put(f"/lapangan/api/foto/{meta['uuid']}?dari=0", headers=headers, data=photo[:100]).status_code == 200
    arriving = tmp_path / "lapangan-sebagian" / f"{meta['uuid']}.part"
    left = tmp_path / "lapangan-sebagian" / f"{uuid.uuid4()}.part"  # its photo's device was removed meanwhile
    left.write_bytes(photo[:100])
    then = time.time() - 3 * 24 * 3600
    for path in (arriving, left):
        os.utime(path, (then, then))
    report = run_retention()
    db.session.commit()
    assert {s.key: s.count for s in report.steps}["orphan_files_removed"] == 1
    assert arriving.is_file() and not left.exists()
    assert api.put(f"/lapangan/api/foto/{meta['uuid']}?dari=100", headers=headers,
                   data=photo[100:]).get_json()["status"] == "stored"


def test_a_photo_arrives_part_by_part_resumes_after_a_break_and_becomes_an_attachment(app, field, tmp_path):
    from slrt.attachments.models import Attachment
    from slrt.field.models import FieldPhoto, PhotoStatus
    from tests.attachments_helpers import phone_photo
    app.config["SLRT_UPLOAD_DIR"] = str(tmp_path)
    f = field
    base = _pull(f)["visits"][0]["case"]["base"]
    record = _visit_record(f, base)
    _push(f, record)
    photo = phone_photo(800, 600)
    meta = {"uuid": str(uuid.uuid4()), "record_uuid": record["uuid"], "size": len(photo),
            "taken_at": "2026-11-28T09:15:00+07:00", "latitude": -6.9147, "longitude": 107.6098, "accuracy": 12.5}
    api, headers = f["api"], bearer(f["token"])
    assert api.post("/lapangan/api/foto", headers=headers, json=meta).get_json()["received"] == 0
    half = len(photo) // 2
    assert api.put(f"/lapangan/api/foto/{meta['uuid']}?dari=0", headers=headers, data=photo[:half]).status_code == 200
    # the line broke: the device asks again where it stands, and a part from the wrong place is refused
    assert api.post("/lapangan/api/foto", headers=headers, json=meta).get_json()["received"] == half
    wrong = api.put(f"/lapangan/api/foto/{meta['uuid']}?dari=0", headers=headers, data=photo[:half])
    assert wrong.status_code == 409 and wrong.get_json()["photo"]["received"] == half
    done = api.put(f"/lapangan/api/foto/{meta['uuid']}?dari={half}", headers=headers, data=photo[half:])
    assert done.status_code == 200 and done.get_json()["status"] == PhotoStatus.STORED
    again = api.put(f"/lapangan/api/foto/{meta['uuid']}?dari={half}", headers=headers, data=photo[half:])
    assert again.get_json()["status"] == PhotoStatus.STORED and count(Attachment) == 1
    db.session.expire_all()
    kept = db.session.scalar(select(FieldPhoto))
    attachment = db.session.get(Attachment, kept.attachment_id)
    visit = db.session.get(HomeVisit, f["visit"].id)
    assert attachment.case_id == f["case"].id and attachment.assessment_id == visit.assessment_id
    assert (kept.latitude, kept.accuracy_m) == (-6.9147, 12.5) and kept.taken_at.hour == 2  # 09:15 WIB in UTC
    assert "GPS -6.91470,107.60980 ±12 m" in attachment.caption
    assert not list((tmp_path / "lapangan-sebagian").glob("*.part"))
    # a photo of a record that was never sent is refused
    stray = dict(meta, uuid=str(uuid.uuid4()), record_uuid=str(uuid.uuid4()))
    assert api.post("/lapangan/api/foto", headers=headers, json=stray).status_code == 422


def test_a_refused_registration_names_each_field_at_fault_and_its_correction_is_saved_once(app, field, places):
    """The device marks the field the portal refused by the name it posts (a complaint's own field too), and the
    same record corrected and sent again under its uuid is saved once."""
    f = field
    ticket = f["tickets"][5]
    record = _citizen(places, ticket, phone="12345")
    record["citizen"]["complaints"] = [{"category": record["citizen"]["complaints"][0]["category"], "description": "x" * 4001}]
    refused = _push(f, record).get_json()["results"][0]
    assert refused["status"] == "refused"
    assert "phone" in refused["errors"] and "complaints-0-description" in refused["errors"]
    assert all(isinstance(m, str) for messages in refused["errors"].values() for m in messages)
    assert count(Case, Case.ticket == ticket) == 0
    record["citizen"] = _citizen(places, ticket)["citizen"]  # corrected on the device: the same uuid
    assert _push(f, record).get_json()["results"][0]["status"] == "saved"
    assert _push(f, record).get_json()["results"][0]["status"] == "duplicate"
    assert count(Case, Case.ticket == ticket) == 1


def test_a_household_member_registered_on_the_device_is_checked_as_at_the_counter(app, field, places):
    """Members sent with a registration reach the person; a member's field the counter refuses is named by its
    row (members-<i>-<field>), so the device marks that very field."""
    f = field
    twice = _citizen(places, f["tickets"][6], nik="3204051012850003",
                     members=[{"name": "Siti Aminah", "relation": 2, "nik": "3204051012850003", "sex": "P"}])
    refused = _push(f, twice).get_json()["results"][0]
    assert refused["status"] == "refused" and "members-0-nik" in refused.get("errors", {}), refused
    twice["citizen"]["members"][0]["nik"] = ""
    assert _push(f, twice).get_json()["results"][0]["status"] == "saved"
    case = db.session.scalar(select(Case).where(Case.ticket == f["tickets"][6]))
    assert [(m.name, m.relation, m.sex) for m in case.person.members] == [("Siti Aminah", 2, "P")]


def test_one_refusal_names_every_fault_the_portal_finds(app, field, places):
    """A registration with a bad phone, a member's NIK repeating the head's, another repeating a member's, and a
    ticket the device does not hold is refused once, naming all of them by the names the form posts; a visit
    with a bad date and no findings or recommendation likewise: one correction, one more sync."""
    f = field
    head = "3204051012850003"
    record = _citizen(places, "K7MQ4-P2XRT", phone="12345", nik=head, members=[
        {"name": "Siti Aminah", "relation": 2, "nik": head, "sex": "P"},
        {"name": "Rudi", "relation": 3, "nik": "3204050101100002", "sex": "L"},
        {"name": "Rina", "relation": 3, "nik": "3204050101100002", "sex": "P"}])
    refused = _push(f, record).get_json()["results"][0]
    assert refused["status"] == "refused"
    assert set(refused["errors"]) == {"phone", "members-0-nik", "members-2-nik", "ticket"}, refused
    assert refused["field"] == "ticket"  # the one thing the device cannot correct, said as such
    # with a ticket the device holds, the same faults come back as fields to correct
    record["ticket"] = f["tickets"][7]
    refused = _push(f, record).get_json()["results"][0]
    assert set(refused["errors"]) == {"phone", "members-0-nik", "members-2-nik"} and refused["field"] is None
    assert db.session.scalar(select(DeviceTicket.state).where(DeviceTicket.ticket == f["tickets"][7])) == TicketState.HELD

    visit = _visit_record(f, {"needs": [], "documents": ["KTP"]})
    visit.update(visited_on="kemarin", findings="", recommendation=" ")
    refused = _push(f, visit).get_json()["results"][0]
    assert refused["status"] == "refused"
    assert set(refused["errors"]) == {"visited_on", "findings", "recommendation"}, refused
    assert db.session.get(HomeVisit, f["visit"].id).status == VisitStatus.ASSIGNED


def test_a_record_discarded_on_the_device_is_audited_by_uuid_only(app, field, places):
    """A refused record the facilitator threw away unsent is named at the next sync: one audit row with the
    device, its uuid, its kind and a citizen's paper ticket, nothing of the person; said again, written once."""
    f = field
    gone = str(uuid.uuid4())
    entry = {"uuid": gone, "kind": "citizen", "ticket": "K7MQ4-P2XRT", "name": "Dedi Kurnia"}
    answer = f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]),
                           json={"records": [], "discarded": [entry, {"uuid": "not-a-uuid"}, "x"]})
    assert answer.status_code == 200 and answer.get_json()["results"] == []
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "field.discard")).all()
    assert len(rows) == 1
    assert rows[0].object_id == str(f["device_id"]) and rows[0].user_id == f["facilitator"].id
    assert gone in rows[0].note and "K7MQ4-P2XRT" in rows[0].note and "Dedi" not in rows[0].note
    assert rows[0].person_id is None
    _push_again = f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]),
                                json={"records": [], "discarded": [entry]})
    assert _push_again.status_code == 200
    assert count(AuditLog, AuditLog.action == "field.discard") == 1
    too_many = [{"uuid": str(uuid.uuid4()), "kind": "visit"} for _ in range(51)]
    assert f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]),
                         json={"records": [], "discarded": too_many}).status_code == 400
    assert f["api"].post("/lapangan/api/kirim", headers=bearer(f["token"]),
                         json={"records": [], "discarded": "all"}).status_code == 400
