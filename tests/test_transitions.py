"""Transition tables: one shape for every status enum (issue 9), each move allowed or refused as declared,
and the conditional UPDATEs of the outbox and the registry import matching exactly the table's sources."""
from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

import pytest

from slrt.attachments.models import ATTACHMENT_TRANSITIONS
from slrt.cases.models import CASE_TRANSITIONS, COMPLAINT_TRANSITIONS
from slrt.core.errors import TransitionError
from slrt.core.transitions import TransitionTable
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.intake.models import IDENTITY_TRANSITIONS
from slrt.notifications.models import OUTBOX_TRANSITIONS, OutboxMessage, OutboxStatus
from slrt.referrals.models import REFERRAL_TRANSITIONS
from slrt.registry.models import IMPORT_TRANSITIONS, PROPOSAL_TRANSITIONS, ImportStatus, RegistryImport

TABLES = {"case": CASE_TRANSITIONS, "complaint": COMPLAINT_TRANSITIONS, "referral": REFERRAL_TRANSITIONS,
          "proposal": PROPOSAL_TRANSITIONS, "import": IMPORT_TRANSITIONS, "outbox": OUTBOX_TRANSITIONS,
          "attachment": ATTACHMENT_TRANSITIONS, "identity": IDENTITY_TRANSITIONS}

# The moves of each table written out by hand, as the domain has them; a change to a table must change this.
EXPECTED = {
    "case": {"registered": {"in_progress"},
             "in_progress": {"referred", "waiting_citizen", "resolved"},
             "referred": {"in_progress", "waiting_citizen", "resolved"},
             "waiting_citizen": {"in_progress", "referred", "resolved"},
             "resolved": {"in_progress", "referred", "waiting_citizen", "closed"},
             "closed": {"reopened"},
             "reopened": {"in_progress", "referred", "waiting_citizen", "resolved", "closed"}},
    "complaint": {"open": {"answered", "referred"}, "referred": {"open", "completed", "declined"},
                  "answered": {"open"}, "completed": {"open", "referred"}, "declined": {"open", "referred"}},
    "referral": {"draft": {"pending_signoff", "cancelled"},
                 "pending_signoff": {"approved", "returned", "rejected"},
                 "returned": {"pending_signoff", "cancelled"},
                 "approved": {"accepted", "needs_documents", "completed", "declined"},
                 "accepted": {"needs_documents", "completed", "declined"},
                 "needs_documents": {"accepted", "completed", "declined"},
                 "rejected": set(), "completed": set(), "declined": set(), "cancelled": set()},
    "proposal": {"draft": {"verified", "rejected"}, "verified": {"deliberated", "rejected"},
                 "deliberated": {"approved", "rejected"}, "approved": set(), "rejected": set()},
    "import": {"running": {"done", "failed"}, "done": set(), "failed": set()},
    "outbox": {"pending": {"sending"},
               "sending": {"sent", "logged", "pending", "unknown", "failed", "sending", "training"},
               "unknown": {"sending", "pending"}, "failed": {"pending"}, "logged": {"pending"},
               "sent": set(), "no_phone": set(), "training": set()},
    "attachment": {"active": {"removed"}, "removed": set()},
    "identity": {"same": set(), "pending": {"accepted", "dismissed"}, "accepted": set(), "dismissed": set()},
}


def _moves():
    return [pytest.param(name, current, target, id=f"{name}:{current}->{target}")
            for name, table in TABLES.items() for current in table.enum for target in table.enum]


@pytest.fixture(scope="module")
def ctx(database_url):
    """One app for the module: the refusals are translated messages."""
    from slrt import create_app
    from slrt.config import TestConfig
    application = create_app(TestConfig(database_url))
    with application.test_request_context():
        yield application


@pytest.mark.parametrize("name,current,target", _moves())
def test_each_move_is_allowed_or_refused_as_declared(ctx, name, current, target):
    table = TABLES[name]
    if target.value in EXPECTED[name][current.value]:
        table.check(current, target)
        assert current in table.sources(target)
    else:
        with pytest.raises(TransitionError) as refused:
            table.check(current.value, target.value)   # stored values, as read from a row
        assert isinstance(refused.value.message, str) and refused.value.message  # eager: safe to show
        assert current not in table.sources(target)


def test_every_table_has_one_row_per_status():
    for name, table in TABLES.items():
        assert {s.value for s in table.moves} == set(EXPECTED[name]) == {s.value for s in table.enum}, name


def test_refusal_names_the_statuses_in_the_users_language(ctx):
    with pytest.raises(TransitionError) as refused:
        REFERRAL_TRANSITIONS.check("completed", "approved")
    from slrt.core.labels import LABELS
    from slrt.referrals.models import ReferralStatus
    assert refused.value.message == (f'Rujukan berstatus "{LABELS.label(ReferralStatus, "completed")}" tidak dapat '
                                     f'diubah menjadi "{LABELS.label(ReferralStatus, "approved")}".')


def test_an_unknown_stored_status_goes_nowhere(ctx):
    assert CASE_TRANSITIONS.targets("archived") == frozenset()
    with pytest.raises(TransitionError):
        CASE_TRANSITIONS.check("archived", "closed")


def test_a_table_must_cover_its_enum():
    class Light(StrEnum):
        RED = "red"
        GREEN = "green"

    with pytest.raises(ValueError):
        TransitionTable(Light, {Light.RED: {Light.GREEN}})
    with pytest.raises(ValueError):
        TransitionTable(Light, {Light.RED: {"green"}, Light.GREEN: set()})


@pytest.mark.parametrize("status", list(OutboxStatus))
def test_the_outbox_claims_exactly_what_the_table_lets_become_sending(app, status):
    from slrt.notifications import dispatch
    message = OutboxMessage(kind="test", phone="081234567890", body="uji", status=status, attempts=0,
                            next_attempt_at=utcnow() - timedelta(minutes=1))
    db.session.add(message)
    db.session.commit()
    claimed = dispatch._claim(db.session, message.id, limit=3)
    assert (claimed is not None) == (status in OUTBOX_TRANSITIONS.sources(OutboxStatus.SENDING))
    if claimed is not None:
        assert claimed.status == OutboxStatus.SENDING and claimed.attempts == 1


def test_the_outbox_claims_an_unknown_outcome_only_while_attempts_remain(app):
    from slrt.notifications import dispatch
    message = OutboxMessage(kind="test", phone="081234567890", body="uji", status=OutboxStatus.UNKNOWN,
                            attempts=3, next_attempt_at=utcnow() - timedelta(minutes=1))
    db.session.add(message)
    db.session.commit()
    assert dispatch._claim(db.session, message.id, limit=3) is None


@pytest.mark.parametrize("start", list(ImportStatus))
@pytest.mark.parametrize("target", [ImportStatus.DONE, ImportStatus.FAILED])
def test_the_import_ends_only_from_the_tables_sources(app, start, target):
    from slrt.registry.importer import Writer
    row = RegistryImport(file_name="ekstrak.csv", status=start, error="")
    db.session.add(row)
    db.session.commit()
    row_id = row.id
    db.session.rollback()  # no open read transaction while the importer's own connection writes
    writer = Writer()
    try:
        writer.finish(row_id, target, finished_at=utcnow(), error="berhenti")
    finally:
        writer.raw.close()
    db.session.expire_all()
    expected = target if start in IMPORT_TRANSITIONS.sources(target) else start
    assert db.session.get(RegistryImport, row_id).status == expected


def test_a_dead_import_that_finished_meanwhile_stays_done(app, monkeypatch):
    """mark_dead_imports picks dead RUNNING rows, then updates them: one that finished in between keeps DONE."""
    from slrt.registry import importer
    row = RegistryImport(file_name="ekstrak.csv", status=ImportStatus.DONE, error="",
                         heartbeat_at=utcnow() - timedelta(hours=2))
    db.session.add(row)
    db.session.commit()
    real_scalars = db.session.scalars
    monkeypatch.setattr(db.session, "scalars", lambda *a, **k: [row])  # as if read while still running
    monkeypatch.setattr(importer, "is_dead", lambda _row: True)
    dead = importer.mark_dead_imports()
    monkeypatch.setattr(db.session, "scalars", real_scalars)
    db.session.commit()
    db.session.expire_all()
    assert dead == [row.id]
    assert db.session.get(RegistryImport, row.id).status == ImportStatus.DONE
