"""SP4N-LAPOR!: pull, acknowledge, push follow-ups, errors, duplicates, an outage mid-sync (fake LAPOR! server)."""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

from slrt.audit.models import AuditLog
from slrt.cases.models import Case
from slrt.extensions import db
from slrt.lapor.client import HttpLaporClient
from slrt.lapor.models import LaporReport, LaporStatus
from slrt.lapor.operations import sync
from slrt.lapor.panels import lapor_panel
from slrt.notifications import dispatch
from slrt.notifications.models import MessageChannel, OutboxMessage, OutboxStatus
from tests.conftest import count, log_in
from tests.lapor_helpers import TOKEN, FakeLapor, report


def nik(n: int) -> str:
    return f"320405451290{n:04d}"


@contextmanager
def app_with(make_app, fake, **config):
    application = make_app(**fake.config(**config))
    with application.app_context():
        yield application
        db.session.remove()


def run_sync(application, make_user):
    from slrt.admin.models import ComplaintCategory
    from slrt.auth.models import User
    actor = db.session.scalar(db.select(User).where(User.username == "lapor")) or make_user("back_office", username="lapor")
    category = db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == "LAINNYA"))
    client = HttpLaporClient(application.config["SLRT_LAPOR_URL"], application.config["SLRT_LAPOR_TOKEN"],
                             timeout=5, env="test")
    return sync(client, actor, category)


def test_a_pull_makes_lapor_cases_and_the_acknowledgements_reach_lapor(make_app, make_user, places):
    reports = [report(f"LPR{n:07d}", places.desa, nik=nik(n)) for n in range(1, 4)]
    with FakeLapor(reports) as fake, app_with(make_app, fake, SLRT_OUTBOX_DISPATCH="inline") as application:
        result = run_sync(application, make_user)
        assert len(result.created) == 3 and result.error == ""
        db.session.expire_all()
        entry = db.session.scalar(db.select(LaporReport).where(LaporReport.tracking_id == "LPR0000001"))
        assert entry.case.channel == "lapor" and entry.status == LaporStatus.RECEIVED
        assert entry.dispositioned_on == date(2026, 11, 26)
        assert "Bantuan PKH tidak cair" in entry.case.complaints[0].description
        assert "SP4N-LAPOR! LPR0000001" in entry.case.note
        acks = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "lapor_ack")).all()
        assert [(m.channel, m.status) for m in acks] == [(MessageChannel.LAPOR, OutboxStatus.SENT)] * 3
        assert fake.acks["LPR0000001"]["nomor_tiket"] == entry.case.ticket
        assert count(AuditLog, AuditLog.action == "lapor.received") == 3
    assert sorted(fake.acks) == ["LPR0000001", "LPR0000002", "LPR0000003"]


def test_a_second_pull_creates_nothing(make_app, make_user, places):
    reports = [report(f"LPR{n:07d}", places.desa, nik=nik(n)) for n in range(1, 3)]
    with FakeLapor(reports) as fake, app_with(make_app, fake) as application:  # acks not sent: LAPOR! lists them again
        assert len(run_sync(application, make_user).created) == 2
        again = run_sync(application, make_user)
        assert (again.created, again.duplicates) == ([], 2)
        assert count(Case) == 2 and count(LaporReport) == 2
        assert count(OutboxMessage, OutboxMessage.kind == "lapor_ack") == 2


def test_an_outage_mid_sync_loses_and_doubles_nothing(make_app, make_user, places):
    reports = [report(f"LPR{n:07d}", places.desa, nik=nik(n)) for n in range(1, 6)]
    # page 1 answers, page 2 fails with 503; the next run pulls from the start
    with FakeLapor(reports, page_size=2, fail_pulls=[None, 503]) as fake, \
            app_with(make_app, fake, SLRT_OUTBOX_DISPATCH="inline") as application:
        first = run_sync(application, make_user)
        assert len(first.created) == 2 and "HTTP 503" in first.error
        assert count(Case) == 2  # what was taken before the outage is kept
        second = run_sync(application, make_user)
        assert len(second.created) == 3 and second.error == ""
        assert count(Case) == 5 and count(LaporReport) == 5
        tickets = set(first.created) | set(second.created)
        assert len(tickets) == 5
    assert sorted(fake.acks) == [f"LPR{n:07d}" for n in range(1, 6)]
    assert len(fake.keys) == 5  # each acknowledged once


def test_a_report_without_usable_data_is_kept_without_a_case_and_not_acknowledged(make_app, make_user, places):
    reports = [report("LPR0000001", places.desa, nik="12345"),
               report("LPR0000002", places.other_district_desa, nik=nik(2)),
               {"judul": "no tracking id"}]
    with FakeLapor(reports) as fake, app_with(make_app, fake, SLRT_OUTBOX_DISPATCH="inline") as application:
        result = run_sync(application, make_user)
        assert result.needs_data == ["LPR0000001", "LPR0000002"] and result.created == []
        entries = db.session.scalars(db.select(LaporReport).order_by(LaporReport.tracking_id)).all()
        assert [e.status for e in entries] == [LaporStatus.NEEDS_DATA] * 2
        assert "NIK" in entries[0].problem and "di luar kabupaten" in entries[1].problem
        assert count(Case) == 0 and fake.acks == {}
        admin = make_user("admin")
        client = application.test_client()
        log_in(client, admin.username)
        page = client.get("/lapor/").get_data(as_text=True)
        assert "LPR0000001" in page and "Data pelapor kurang" in page


def test_a_refused_token_creates_nothing(make_app, make_user, places):
    with FakeLapor([report("LPR0000001", places.desa)]) as fake, \
            app_with(make_app, fake, SLRT_LAPOR_TOKEN="salah") as application:
        result = run_sync(application, make_user)
        assert "HTTP 401" in result.error and count(Case) == 0


def test_each_step_of_the_case_is_pushed_back_once_with_retries(make_app, make_user, places):
    from slrt.handling import operations as handling
    with FakeLapor([report("LPR0000001", places.desa)]) as fake, \
            app_with(make_app, fake, SLRT_OUTBOX_BACKOFF=(0,)) as application:
        run_sync(application, make_user)
        dispatch.send_due(application)  # the acknowledgement
        officer = make_user("back_office")
        case = db.session.scalar(db.select(Case))
        handling.take(case, officer)
        db.session.commit()
        [step] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == "lapor_follow_up")).all()
        assert step.channel == MessageChannel.LAPOR and step.status == OutboxStatus.PENDING
        fake.fail[:] = [503]  # LAPOR! is down for the first try
        assert dispatch.send_due(application)["retry"] == 1
        assert dispatch.send_due(application)["sent"] == 1
        db.session.expire_all()
        entry = db.session.scalar(db.select(LaporReport))
        assert entry.status == LaporStatus.FOLLOWED_UP and entry.followed_up_on is not None
    [pushed] = fake.follow_ups["LPR0000001"]
    assert pushed["tahap"] == "taken" and pushed["isi"] == "Ditangani petugas."


def test_a_follow_up_whose_answer_was_lost_is_not_recorded_twice(make_app, make_user, places):
    """LAPOR! took the step but its answer never came: the retry carries the same key and is a 409."""
    from slrt.handling import operations as handling
    with FakeLapor([report("LPR0000001", places.desa)]) as fake, \
            app_with(make_app, fake, SLRT_OUTBOX_BACKOFF=(0,)) as application:
        run_sync(application, make_user)
        officer = make_user("back_office")
        handling.take(db.session.scalar(db.select(Case)), officer)
        db.session.commit()
        message = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.kind == "lapor_follow_up"))
        client = HttpLaporClient(fake.url, TOKEN, timeout=5, env="test")
        body = json.loads(message.body)
        client.push_follow_up(body["tracking_id"], body["step"], message.idempotency_key)  # the lost first try
        assert dispatch.send_due(application)["sent"] == 2  # the acknowledgement and the step
        db.session.rollback()  # a fresh snapshot
        assert db.session.get(OutboxMessage, message.id).status == OutboxStatus.SENT
    assert len(fake.follow_ups["LPR0000001"]) == 1


def test_the_lapor_deadlines_show_on_the_case(make_app, make_user, places):
    with FakeLapor([report("LPR0000001", places.desa)]) as fake, app_with(make_app, fake) as application:
        run_sync(application, make_user)
        case = db.session.scalar(db.select(Case))
        panel = lapor_panel(case)
        # disposition Thursday 26 November 2026: 3 working days → Tuesday 1 December, 5 → Thursday 3 December
        assert [d.due for d in panel["deadlines"]] == [date(2026, 12, 1), date(2026, 12, 3)]
        admin = make_user("admin")
        client = application.test_client()
        log_in(client, admin.username)
        page = client.get(f"/kasus/{case.id}").get_data(as_text=True)
        assert "LPR0000001" in page and "Verifikasi (3 hari kerja)" in page and "1 Desember 2026" in page
        assert "SP4N-LAPOR!" in page


def test_flask_lapor_sync(make_app, make_user, places):
    with FakeLapor([report("LPR0000001", places.desa)]) as fake, \
            app_with(make_app, fake, SLRT_LAPOR_USER="lapor") as application:
        make_user("back_office", username="lapor")
        runner = application.test_cli_runner()
        result = runner.invoke(args=["lapor", "sync"])
        assert result.exit_code == 0, result.output
        assert "1 new cases" in result.output
        assert runner.invoke(args=["lapor", "sync"]).output.count("1 already here") == 1
        fake.fail_pulls[:] = [503]
        failed = runner.invoke(args=["lapor", "sync"])
        assert failed.exit_code == 1 and "stopped early" in failed.output


def test_the_intake_form_does_not_offer_lapor(client, login_as):
    login_as("front_office")
    assert 'value="lapor"' not in client.get("/pendaftaran/baru").get_data(as_text=True)
