"""Closure, auto-close (`flask handling autoclose`) and the citizen's objection that reopens a closed case."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from slrt.core.errors import DomainError
from slrt.extensions import db
from slrt.handling import operations as handling
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")
S = ReferralStatus


@pytest.fixture
def staff(make_user):
    return make_user("back_office"), make_user("supervisor")


def test_a_resolved_case_closes_itself_after_the_quiet_period(app, make_case, staff):
    officer, signer = staff
    referral = referral_in(S.COMPLETED, make_case(), officer, signer)
    case = referral.case
    assert case.status == "resolved"
    case.resolved_at = datetime(2026, 11, 23, 2, 0)  # Monday
    db.session.commit()
    assert handling.autoclose_due(case) == date(2026, 12, 7)  # ten working days later
    assert not handling.auto_close(case, date(2026, 12, 7))
    assert handling.auto_close(case, date(2026, 12, 8))
    db.session.commit()
    assert case.status == "closed" and case.events[-1].kind == "closed"
    from slrt.notifications.models import OutboxMessage
    assert "closed" in db.session.scalars(db.select(OutboxMessage.kind)).all()


def test_the_nightly_command_closes_only_cases_past_their_day(app, make_case, staff):
    """`flask handling autoclose` (the systemd timer's job): the overdue case closes, the fresh one waits."""
    officer, signer = staff
    overdue = referral_in(S.COMPLETED, make_case(), officer, signer).case
    fresh = referral_in(S.COMPLETED, make_case(), officer, signer).case
    overdue.resolved_at = datetime(2020, 1, 6, 2, 0)
    db.session.commit()
    overdue_id, fresh_id = overdue.id, fresh.id
    result = app.test_cli_runner().invoke(args=["handling", "autoclose"])
    assert result.exit_code == 0 and "Cases closed automatically: 1" in result.output
    db.session.expire_all()
    from slrt.cases.models import Case
    assert db.session.get(Case, overdue_id).status == "closed"
    assert db.session.get(Case, fresh_id).status == "resolved"


def test_an_objection_after_the_window_is_refused(app, make_case, staff):
    officer, signer = staff
    referral = referral_in(S.COMPLETED, make_case(), officer, signer)
    handling.close(referral.case, officer, "Selesai")
    referral.case.closed_at = datetime(2026, 11, 23, 2, 0)
    db.session.commit()
    assert handling.objection_deadline(referral.case) == date(2026, 12, 7)
    with pytest.raises(DomainError, match="Masa keberatan sudah lewat"):
        handling.reopen_on_objection(referral.case, officer, "Belum puas", date(2026, 12, 8))
    handling.reopen_on_objection(referral.case, officer, "Belum puas", date(2026, 12, 7))
    assert referral.case.status == "reopened"


def test_a_case_with_a_running_referral_cannot_be_closed(app, make_case, staff):
    officer, signer = staff
    referral = referral_in(S.APPROVED, make_case(), officer, signer)
    with pytest.raises(DomainError, match="belum dapat ditutup"):
        handling.close(referral.case, officer, "Selesai")
