"""The demo district: made through the operations (audit rows, events, letters are real), spread over six months
and over the states a real office's work is in, the same for the same seed, never in production; `flask demo
reset` puts the starting data back in training or development only."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from slrt.extensions import db

CASES = 70


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        app.config["SLRT_DEMO_PASSWORD"] = "Latihan-SLRT-2026"
        result = runner.invoke(args=["demo", *args])
        db.session.rollback()
        return result
    return invoke


def _snapshot():
    from slrt.cases.models import Case
    from slrt.intake.models import Person
    from slrt.referrals.models import Referral
    cases = db.session.execute(select(Person.nik, Person.name, Case.status, Case.channel, Case.created_at,
                                      Case.region_code).join(Person, Case.person_id == Person.id)
                               .order_by(Case.created_at, Person.nik)).all()
    referrals = db.session.execute(select(Referral.status, Referral.letter_number, Referral.signoff_due,
                                          Referral.response_due).order_by(Referral.created_at)).all()
    return cases, referrals


def test_the_demo_district_shows_six_months_of_work_in_every_state(app, run):
    from slrt.audit.models import AuditLog
    from slrt.auth.models import User
    from slrt.cases.models import Case, CaseEvent
    from slrt.core.time import local_today, to_local
    from slrt.notifications.models import OutboxMessage, OutboxStatus
    from slrt.referrals.models import Referral
    from slrt.registry.models import ImportStatus, RegistryImport, RegistryPerson
    result = run("seed", "--if-new", "--cases", str(CASES))
    assert result.exit_code == 0, result.output
    assert "Demo district:" in result.output and "Demo password" not in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 8
    # a synthetic DTSEN extract, imported as the district imports one
    assert db.session.scalar(select(RegistryImport.status)) == ImportStatus.DONE
    assert db.session.scalar(select(func.count()).select_from(RegistryPerson)) > 2000
    cases = db.session.scalars(select(Case)).all()
    assert CASES - 5 <= len(cases) <= CASES
    days = {to_local(c.created_at).date() for c in cases}
    assert min(days) < local_today() - timedelta(days=120) and max(days) > local_today() - timedelta(days=21)
    assert {c.status for c in cases} >= {"registered", "in_progress", "referred", "resolved", "closed"}
    assert {c.channel for c in cases} == {"counter", "puskesos", "home_visit"}
    assert len({c.region_code[:8] for c in cases}) >= 3 and len({c.region_code for c in cases}) >= 6
    referrals = db.session.scalars(select(Referral)).all()
    assert {r.status for r in referrals} >= {"approved", "completed", "declined"}
    # letters numbered in the order of their dates, as the counter numbers them day by day
    letters = sorted((r for r in referrals if r.letter_number), key=lambda r: r.letter_seq)
    assert len(letters) > 20 and [r.letter_date for r in letters] == sorted(r.letter_date for r in letters)
    # the operations wrote their trail, dated on the day of each step
    created = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.create")).all()
    assert len(created) == len(cases)
    assert min(row.at for row in created) < max(c.created_at for c in cases) - timedelta(days=60)
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) > 3 * len(cases)
    # nothing for a made-up phone number waits for a gateway
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.status == OutboxStatus.PENDING)) == 0
    # a second run on a database with accounts changes nothing
    again = run("seed", "--if-new")
    assert again.exit_code == 0 and "no demo data added" in again.output


def test_the_late_and_waiting_work_shows_on_the_pages(app, run, client):
    from slrt.referrals.lateness import late_condition
    from slrt.core.time import local_today
    from slrt.referrals.models import Referral
    from tests.conftest import log_in
    assert run("seed", "--cases", str(CASES)).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Referral).where(late_condition(local_today()))) > 0
    assert log_in(client, "manajer", "Latihan-SLRT-2026").status_code == 303
    overview = client.get("/rujukan/ikhtisar").get_data(as_text=True)
    assert "terlambat" in overview.lower()
    assert client.get("/laporan/").status_code == 200
    # The facilitator lands on home visits the back office sent: some still to make, some done with findings.
    from slrt.visits.models import HomeVisit, VisitStatus
    statuses = db.session.scalars(select(HomeVisit.status)).all()
    assert VisitStatus.ASSIGNED in statuses and VisitStatus.DONE in statuses, statuses
    client.post("/keluar")
    assert log_in(client, "fasilitator", "Latihan-SLRT-2026").status_code == 303
    mine = client.get("/kunjungan/saya").get_data(as_text=True)
    assert "Tidak ada kunjungan yang menunggu" not in mine and "Belum ada kunjungan yang selesai" not in mine


def test_the_same_seed_makes_the_same_district_and_reset_puts_it_back(app, run, make_case):
    from slrt.cases.models import Case
    from slrt.auth.models import User
    assert run("seed", "--cases", "25").exit_code == 0
    first = _snapshot()
    make_case(nik="3204051708800007", name="Peserta Pelatihan")  # a trainee's work
    assert db.session.scalar(select(func.count()).select_from(Case)) == len(first[0]) + 1
    result = run("reset", "--yes", "--cases", "25")
    assert result.exit_code == 0, result.output
    assert _snapshot() == first
    assert db.session.scalar(select(func.count()).select_from(User)) == 8


def test_reset_and_seed_are_refused_where_they_would_erase_or_mix_real_data(app, run):
    from slrt.auth.models import User
    app.config["SLRT_ENV"] = "production"
    app.config["PRODUCTION"] = True
    result = run("seed")
    assert result.exit_code != 0 and "never created when SLRT_ENV=production" in result.output
    result = run("reset", "--yes")
    assert result.exit_code != 0 and "refused when SLRT_ENV=production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
