"""Field devices: a facilitator enrols a tablet after an online login and gets a block of ticket numbers;
the administrator sees the devices and revokes one (its unused numbers released, the device told to wipe at
its next contact). No number is ever held by two devices, nor drawn at the counter while a device holds it."""
from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from slrt.audit.models import AuditLog
from slrt.cases.tickets import normalize_ticket
from slrt.extensions import db
from slrt.field import operations
from slrt.field.models import Device, DeviceStatus, DeviceTicket, TicketState
from tests.auth_helpers import client_for
from tests.conftest import count, csrf_token_from
from tests.field_helpers import bearer, enrol
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def _held(device_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(DeviceTicket.ticket).where(
        DeviceTicket.device_id == device_id, DeviceTicket.state == TicketState.HELD)))


def test_a_facilitator_enrols_a_device_and_gets_a_token_and_twenty_final_tickets(app, make_user):
    client, facilitator = client_for(app, make_user, "facilitator")
    response = enrol(client)
    assert response.status_code == 201, response.data
    body = response.get_json()
    assert body["block_size"] == 20 and len(body["tickets"]) == 20 == len(set(body["tickets"]))
    assert all(normalize_ticket(t) == t for t in body["tickets"])  # the counter's ticket format
    device = db.session.get(Device, body["device"]["id"])
    assert device.user_id == facilitator.id and device.app_version == "1.0.0"
    assert device.token_hash != body["token"] and len(body["token"]) >= 40  # only a hash is kept
    assert count(AuditLog, AuditLog.action == "device.enrolled") == 1
    # the token (not the session) tops the block up at a sync: after 5 numbers given out, 20 held again
    db.session.execute(DeviceTicket.__table__.update().where(DeviceTicket.ticket.in_(body["tickets"][:5]))
                       .values(state=TicketState.USED))
    db.session.commit()
    anonymous = app.test_client()
    answer = anonymous.post("/lapangan/api/tiket", headers={**bearer(body["token"]), "X-App-Version": "1.0.1"})
    assert answer.status_code == 200
    held = answer.get_json()["tickets"]
    assert len(held) == 20 and set(body["tickets"][5:]) <= set(held)
    db.session.expire_all()
    device = db.session.get(Device, device.id)
    assert device.last_sync_at is not None and device.app_version == "1.0.1"
    assert anonymous.post("/lapangan/api/tiket", headers=bearer("x" * 43)).status_code == 401
    assert anonymous.post("/lapangan/api/tiket").status_code == 401


def test_enrolling_again_renews_the_token_and_keeps_the_block(app, make_user):
    client, _user = client_for(app, make_user, "facilitator")
    uid = str(uuid.uuid4())
    first = enrol(client, uid=uid).get_json()
    second = enrol(client, uid=uid, name="Tablet baru").get_json()
    assert second["device"]["id"] == first["device"]["id"] and second["tickets"] == first["tickets"]
    assert app.test_client().post("/lapangan/api/tiket", headers=bearer(first["token"])).status_code == 401
    assert app.test_client().post("/lapangan/api/tiket", headers=bearer(second["token"])).status_code == 200
    other, _ = client_for(app, make_user, "facilitator")
    assert enrol(other, uid=uid).status_code == 409  # someone else's device
    assert enrol(other, uid="not-a-uuid").status_code == 409
    assert enrol(other, name="  ").status_code == 422
    assert count(Device) == 1


@pytest.mark.parametrize("role", ["front_office", "back_office", "admin", "agency_liaison"])
def test_only_facilitators_enrol_devices(app, make_user, role):
    client, _user = client_for(app, make_user, role)
    assert enrol(client).status_code == 403
    assert count(Device) == 0


def test_enrolment_needs_the_csrf_header_of_the_logged_in_session(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_user("facilitator", username="fasil")
        client = app.test_client()
        page = client.get("/masuk").data
        client.post("/masuk", data={"username": "fasil", "password": "correct-horse-battery",
                                    "csrf_token": csrf_token_from(page)})
        assert enrol(client).status_code == 400  # a page of another site cannot enrol a device
        token = csrf_token_from(client.get("/akun/kata-sandi").data)
        assert enrol(client, headers={"X-CSRFToken": token}).status_code == 201


def test_the_administrator_sees_devices_and_a_revoked_device_is_told_to_wipe(app, make_user):
    client, facilitator = client_for(app, make_user, "facilitator")
    body = enrol(client, name="Tablet Pak Yusuf").get_json()
    app.test_client().post("/lapangan/api/tiket", headers=bearer(body["token"]))
    admin_client, admin = client_for(app, make_user, "admin")
    page = admin_client.get("/admin/perangkat").get_data(as_text=True)
    assert "Tablet Pak Yusuf" in page and facilitator.full_name in page and "1.0.0" in page
    assert "belum pernah" not in page  # it synced
    assert client.get("/admin/perangkat").status_code == 403

    device_id = body["device"]["id"]
    refused = admin_client.post(f"/admin/perangkat/{device_id}/cabut", data={"reason": "", "form_id": uuid.uuid4().hex})
    assert refused.status_code == 422 and "Wajib diisi" in refused.get_data(as_text=True)
    response = admin_client.post(f"/admin/perangkat/{device_id}/cabut",
                                 data={"reason": "Tablet hilang di jalan", "form_id": uuid.uuid4().hex})
    assert response.status_code == 303
    db.session.expire_all()
    device = db.session.get(Device, device_id)
    assert device.status == DeviceStatus.REVOKED and device.revoked_by_id == admin.id
    assert _held(device_id) == []
    assert count(DeviceTicket, DeviceTicket.state == TicketState.RELEASED) == 20

    answer = app.test_client().post("/lapangan/api/tiket", headers=bearer(body["token"]))
    assert answer.status_code == 410 and answer.get_json()["wipe"] is True
    assert count(AuditLog, AuditLog.action == "device.wipe_sent") == 1
    assert count(AuditLog, AuditLog.action == "device.revoked", AuditLog.user_id == admin.id) == 1
    assert enrol(client, uid=device.uid).status_code == 409  # re-enrol only as a new, wiped device
    assert "Tablet hilang di jalan" in admin_client.get("/admin/perangkat").get_data(as_text=True)


def test_a_disabled_account_wipes_its_devices_at_their_next_contact(app, make_user):
    client, facilitator = client_for(app, make_user, "facilitator")
    body = enrol(client).get_json()
    facilitator.active = False
    db.session.commit()
    answer = app.test_client().post("/lapangan/api/tiket", headers=bearer(body["token"]))
    assert answer.status_code == 410 and answer.get_json()["wipe"] is True


def test_the_counter_never_draws_a_number_a_device_holds(app, make_user, make_case, monkeypatch):
    client, _user = client_for(app, make_user, "facilitator")
    held = enrol(client).get_json()["tickets"]
    draws = iter([held[0], held[1], "K7MQ4-P2XRT"])
    monkeypatch.setattr("slrt.intake.operations.new_ticket", lambda: next(draws))
    assert make_case().ticket == "K7MQ4-P2XRT"


def test_a_number_another_device_took_is_drawn_again(app, make_user, monkeypatch):
    first = operations.enrol(make_user("facilitator"), uuid.uuid4(), "A", "1", 3)[2]
    draws = iter([first[0], first[2], "K7MQ4-P2XRT", "K7MQ4-P2XRU", "K7MQ4-P2XRV"])
    monkeypatch.setattr("slrt.field.operations.new_ticket", lambda: next(draws))
    second = operations.enrol(make_user("facilitator"), uuid.uuid4(), "B", "1", 3)[2]
    db.session.commit()
    assert sorted(second) == ["K7MQ4-P2XRT", "K7MQ4-P2XRU", "K7MQ4-P2XRV"]
    db.session.add(DeviceTicket(ticket=first[0], device_id=db.session.scalar(select(Device.id).where(Device.name == "B"))))
    with pytest.raises(IntegrityError):  # and the database itself refuses one number on two devices
        db.session.flush()
    db.session.rollback()


def _together(workers):
    barrier = threading.Barrier(len(workers))

    def start(worker):
        barrier.wait(timeout=30)
        return worker()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        return [f.result(timeout=120) for f in [pool.submit(start, w) for w in workers]]


def test_devices_reserving_at_the_same_moment_never_share_a_number(app, make_user, monkeypatch):
    """Six devices top up at once, each twice over (a sync retried), from a small pool of numbers so that
    they do draw the same ones: each ends with exactly 20, none shared."""
    import random
    from slrt.cases.tickets import new_ticket
    pool = sorted({new_ticket() for _ in range(400)})
    monkeypatch.setattr("slrt.field.operations.new_ticket", lambda: random.choice(pool))
    tokens = []
    for n in range(6):
        device, token, _ = operations.enrol(make_user("facilitator"), uuid.uuid4(), f"Tablet {n}", "1", 0)
        tokens.append(token)
    db.session.commit()

    def sync(token):
        def work():
            client = app.test_client()
            return [client.post("/lapangan/api/tiket", headers=bearer(token)).status_code for _ in range(2)]
        return work

    results = _together([sync(t) for t in tokens] + [sync(t) for t in tokens[:2]])
    assert all(codes == [200, 200] for codes in results), results
    db.session.expire_all()
    tickets = db.session.scalars(select(DeviceTicket.ticket)).all()
    assert len(tickets) == 6 * 20 == len(set(tickets))
    for device_id in db.session.scalars(select(Device.id)):
        assert len(_held(device_id)) == 20
