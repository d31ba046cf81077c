"""A decision being sent cannot be sent again: its buttons are disabled while the request is in flight, and the
clicked button's own value (approve/return/reject) and the form's one-time id still go with it."""
from __future__ import annotations

import pytest

from slrt.extensions import db
from slrt.referrals.models import ReferralStatus
from tests.browser.conftest import login
from tests.conftest import PASSWORD
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")


def test_sign_off_buttons_are_disabled_while_the_decision_is_sent(page, live_server, make_user, make_case):
    officer, signer = make_user("back_office"), make_user("supervisor", username="manajer")
    referral = referral_in(ReferralStatus.PENDING_SIGNOFF, make_case(), officer, signer)
    referral_id = referral.id
    db.session.rollback()
    login(page, live_server, "manajer", PASSWORD)
    page.goto(f"{live_server}/rujukan/{referral_id}")
    page.fill("#note", "Lengkapi SKTM dari desa")
    sent = []

    def answer_nothing(route):
        # Stands for a slow line: a 204 leaves the page as it is, as if the answer had not come yet.
        sent.append(route.request.post_data)
        route.fulfill(status=204, body="")

    page.route("**/putuskan", answer_nothing)
    page.get_by_role("button", name="Kembalikan ke back office").click(no_wait_after=True)
    page.wait_for_timeout(500)
    buttons = page.locator("#penetapan button[type=submit]")
    assert buttons.count() == 3
    assert all(buttons.nth(i).is_disabled() for i in range(3))
    page.get_by_role("button", name="Setujui dan terbitkan surat").click(force=True, no_wait_after=True)
    page.wait_for_timeout(500)
    assert len(sent) == 1, "a second click sent the form again"
    assert "decision=returned" in sent[0] and "form_id=" in sent[0]
    assert page.js_errors == []
