"""The case's and the complaint's transition tables (every allowed and every refused move), and the case
following its referrals: the referrals feature tells it by a signal, and handling moves it."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from slrt.cases import operations as cases
from slrt.cases.models import CASE_TRANSITIONS, COMPLAINT_TRANSITIONS, CaseStatus, ComplaintStatus
from slrt.core.errors import TransitionError
from slrt.extensions import db
from slrt.referrals import operations as referrals
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import TODAY, referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

S = ReferralStatus


@pytest.fixture(scope="module")
def ctx(database_url):
    """One app for the table tests: they touch no data, only the tables and their messages."""
    from slrt import create_app
    from slrt.config import TestConfig
    application = create_app(TestConfig(database_url))
    with application.test_request_context():
        yield application


def _pairs(enum, table):
    return [(a, b, table.allows(a, b)) for a in enum for b in enum]


@pytest.mark.parametrize("current,target,allowed", _pairs(CaseStatus, CASE_TRANSITIONS))
def test_case_transitions(ctx, current, target, allowed):
    case = SimpleNamespace(status=current)
    if allowed:
        cases.check_transition(case, target)
    else:
        with pytest.raises(TransitionError) as refused:
            cases.check_transition(case, target)
        assert "tidak dapat diubah menjadi" in str(refused.value.message)


@pytest.mark.parametrize("current,target,allowed", _pairs(ComplaintStatus, COMPLAINT_TRANSITIONS))
def test_complaint_transitions(ctx, current, target, allowed):
    complaint = SimpleNamespace(status=current)
    if allowed:
        cases.check_complaint_transition(complaint, target)
    else:
        with pytest.raises(TransitionError):
            cases.check_complaint_transition(complaint, target)


def test_every_case_and_complaint_status_has_a_row_and_a_label(ctx):
    from slrt.core.labels import LABELS
    for enum, table in ((CaseStatus, CASE_TRANSITIONS), (ComplaintStatus, COMPLAINT_TRANSITIONS)):
        for value in enum:
            assert value in table, value
            assert LABELS.label(enum, value) != value.value, value


@pytest.mark.usefixtures("fast_passwords")
def test_the_case_follows_its_referral_through_the_signal(app, make_user, make_case):
    """Approved: the case is referred; the agency asks for documents: waiting on the citizen; completed: resolved."""
    officer, signer = make_user("back_office"), make_user("supervisor")
    referral = referral_in(S.APPROVED, make_case(), officer, signer)
    assert referral.case.status == CaseStatus.REFERRED
    referrals.respond(referral, officer, S.NEEDS_DOCUMENTS, "Fotokopi KK", on_behalf=True, today=TODAY)
    db.session.commit()
    assert referral.case.status == CaseStatus.WAITING_CITIZEN
    referrals.respond(referral, officer, S.COMPLETED, "PBI-JKN aktif kembali", on_behalf=True, today=TODAY)
    db.session.commit()
    assert referral.case.status == CaseStatus.RESOLVED and referral.case.resolved_at is not None


def test_referrals_do_not_import_handling():
    """Referrals tell the case through `slrt.core.hooks.referral_changed`; they never reach up into handling."""
    import grimp
    graph = grimp.build_graph("slrt", cache_dir=None, exclude_type_checking_imports=True)
    assert not graph.chain_exists(importer="slrt.referrals", imported="slrt.handling", as_packages=True)
    assert not graph.chain_exists(importer="slrt.cases", imported="slrt.handling", as_packages=True)
