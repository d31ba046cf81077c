"""The referral transition table: every allowed and every refused move (the case's and the complaint's are in
test_handling_transitions.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

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
    for value in ReferralStatus:
        assert value in REFERRAL_TRANSITIONS, value
        assert LABELS.label(ReferralStatus, value) != value.value, value


def test_ended_referrals_go_nowhere():
    for status in ENDED:
        assert REFERRAL_TRANSITIONS.targets(status) == frozenset()
