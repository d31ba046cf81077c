"""Many counters at once, on the real database (the SQLite file, or MariaDB): no "database is locked",
no lost or doubled work."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from slrt.audit.models import AuditLog
from slrt.cases.models import Case, CaseEvent
from slrt.extensions import db
from slrt.intake.models import Person
from tests.conftest import count, log_in
from tests.intake_helpers import intake_data

THREADS = 8
VISITS = 5


def _nik(serial: int) -> str:
    return f"320405011290{serial:04d}"  # a man born 1 December 1990


def _run_together(workers):
    """Start every worker at the same moment; return their results (exceptions are re-raised here)."""
    barrier = threading.Barrier(len(workers))

    def start(worker):
        barrier.wait(timeout=30)
        return worker()

    with ThreadPoolExecutor(max_workers=len(workers)) as pool:
        futures = [pool.submit(start, worker) for worker in workers]
        return [future.result(timeout=120) for future in futures]


def _logged_in_client(app, username):
    client = app.test_client()
    response = log_in(client, username)
    assert response.status_code == 303, response.status_code
    return client


def test_eight_counters_registering_at_once_all_succeed(app, make_user, places):
    users = [make_user("front_office", username=f"loket{n}").username for n in range(THREADS)]
    form = intake_data(places, birth_date="1990-12-01", sex="L")
    db.session.commit()  # no transaction of the test stays open while the threads work

    def counter(n):
        def work():
            client = _logged_in_client(app, users[n])
            statuses = []
            for visit in range(VISITS):
                response = client.post("/pendaftaran/baru", data={**form, "nik": _nik(n * VISITS + visit + 1)})
                statuses.append(response.status_code)
            return statuses
        return work

    results = _run_together([counter(n) for n in range(THREADS)])
    assert results == [[303] * VISITS] * THREADS
    assert count(Case) == THREADS * VISITS
    tickets = db.session.scalars(db.select(Case.ticket)).all()
    assert len(set(tickets)) == THREADS * VISITS
    assert count(Person) == THREADS * VISITS
    assert count(AuditLog, AuditLog.action == "case.create") == THREADS * VISITS


def test_the_same_new_person_registered_at_two_counters_at_once(app, make_user, places):
    """Two windows register the same first-time visitor at the same moment: one person, two cases (each with a
    reason: the later windows find the first one's case open)."""
    users = [make_user("front_office", username=f"loket{n}").username for n in range(4)]
    form = intake_data(places, nik=_nik(77), birth_date="1990-12-01", sex="L", open_case="new",
                       new_case_reason="Keluhan terpisah")
    db.session.commit()

    def counter(n):
        def work():
            client = _logged_in_client(app, users[n])
            return client.post("/pendaftaran/baru", data=form).status_code
        return work

    assert _run_together([counter(n) for n in range(4)]) == [303] * 4
    assert count(Person, Person.nik == _nik(77)) == 1
    assert count(Case) == 4


def test_two_officers_taking_the_same_case_at_once(app, make_user, make_case):
    case_id = make_case().id
    officers = [make_user("back_office", username=f"bo{n}").username for n in range(2)]
    db.session.commit()
    clients = [_logged_in_client(app, name) for name in officers]

    def take(client):
        def work():
            response = client.post(f"/kasus/{case_id}/ambil")
            if response.status_code == 303:
                return 303, client.get(response.headers["Location"]).get_data(as_text=True)
            return response.status_code, response.get_data(as_text=True)  # refused: the case page, who has it
        return work

    results = _run_together([take(c) for c in clients])
    assert sorted(status for status, _page in results) == [303, 422]
    assert count(CaseEvent, CaseEvent.case_id == case_id, CaseEvent.kind == "taken") == 1
    db.session.expire_all()
    case = db.session.get(Case, case_id)
    assert case.status == "in_progress"
    pages = [page for _status, page in results]
    winner = case.assigned_to
    assert sum("sekarang Anda tangani" in page for page in pages) == 1
    loser_page = next(page for page in pages if "sekarang Anda tangani" not in page)
    assert f"sudah ditangani oleh {winner.full_name}" in loser_page
    assert count(AuditLog, AuditLog.action == "case.taken") == 1


def test_a_person_saved_by_another_window_meanwhile_is_reused_not_duplicated(app, make_case, monkeypatch):
    """Force the race the threads above can only hit by luck: this window looked the NIK up before the
    other window's insert was committed."""
    from slrt.intake import operations
    first = make_case(phone="081111111111")
    real_find = operations.find_person
    calls = {"n": 0}

    def find_too_early(nik):
        calls["n"] += 1
        return None if calls["n"] == 1 else real_find(nik)

    monkeypatch.setattr(operations, "find_person", find_too_early)
    second = make_case(phone="082222222222", clerk=first.created_by)
    assert second.person_id == first.person_id
    assert count(Person) == 1 and count(Case) == 2
    db.session.expire_all()
    # Not overwritten: the different phone waits for the back office, and this case's SMS go to it.
    assert db.session.get(Person, first.person_id).phone == "081111111111"
    assert (second.identity.phone, second.identity.review) == ("082222222222", "pending")
    assert count(AuditLog, AuditLog.action == "person.create") == 1


def test_the_same_citizen_at_two_counters_at_once_without_a_reason_gets_one_case(app, make_user, places):
    """Without a reason, the windows that come second find the first one's case open and are asked to choose."""
    users = [make_user("front_office", username=f"loket{n}").username for n in range(3)]
    form = intake_data(places, nik=_nik(78), birth_date="1990-12-01", sex="L")
    db.session.commit()

    def counter(n):
        def work():
            client = _logged_in_client(app, users[n])
            return client.post("/pendaftaran/baru", data=form).status_code
        return work

    assert sorted(_run_together([counter(n) for n in range(3)])) == [200, 200, 303]
    assert count(Case) == 1
