"""The transition tables of case, complaint and referral: every allowed and every refused move."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from slrt.cases import operations as cases
from slrt.cases.models import CASE_TRANSITIONS, COMPLAINT_TRANSITIONS, CaseStatus, ComplaintStatus
from slrt.core.errors import TransitionError
from slrt.referrals import operations
from slrt.referrals.models import ENDED, REFERRAL_TRANSITIONS, ReferralStatus


@pytest.fixture(scope="module")
def ctx(database_url):
    """One app for the whole module: these tests touch no data, only the tables and their messages."""
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


@pytest.mark.parametrize("current,target,allowed", _pairs(ReferralStatus, REFERRAL_TRANSITIONS))
def test_referral_transitions(ctx, current, target, allowed):
    referral = SimpleNamespace(status=current)
    if allowed:
        operations.check_transition(referral, target)
    else:
        with pytest.raises(TransitionError) as refused:
            operations.check_transition(referral, target)
        assert "Rujukan berstatus" in str(refused.value.message)


def test_every_status_has_a_row_and_a_label(ctx):
    from slrt.core.labels import LABELS
    for enum, table in ((CaseStatus, CASE_TRANSITIONS), (ComplaintStatus, COMPLAINT_TRANSITIONS),
                        (ReferralStatus, REFERRAL_TRANSITIONS)):
        for value in enum:
            assert value in table, value
            assert LABELS.label(enum, value) != value.value, value


def test_ended_referrals_go_nowhere():
    for status in ENDED:
        assert REFERRAL_TRANSITIONS.targets(status) == frozenset()
