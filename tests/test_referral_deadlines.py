"""Working-day deadlines on referrals: sign-off from registration, the agency's answer from the letter date,
holidays and district days off skipped, and the clock paused while the citizen brings documents."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from slrt.deadlines.models import DayOff
from slrt.extensions import db
from slrt.referrals import lateness, operations
from slrt.referrals.models import ReferralStatus
from tests.referrals_helpers import referral_in
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("fast_passwords")
S = ReferralStatus


@pytest.fixture
def staff(make_user):
    return make_user("back_office"), make_user("supervisor")


def _registered_on(make_case, moment_utc: datetime):
    case = make_case()
    case.created_at = moment_utc
    db.session.commit()
    return case


def test_signoff_due_skips_christmas_and_joint_leave(app, make_case, staff):
    # registered Tuesday 22 December 2026, 10.00 WIB; 24 Dec (joint leave) and 25 Dec are off
    case = _registered_on(make_case, datetime(2026, 12, 22, 3, 0))
    referral = referral_in(S.DRAFT, case, *staff)
    assert referral.signoff_due == date(2026, 12, 29)


def test_signoff_due_counts_the_local_day_not_the_utc_day(app, make_case, staff):
    # 23.30 UTC on Monday is already Tuesday 06.30 in Jakarta
    case = _registered_on(make_case, datetime(2026, 11, 23, 23, 30))
    assert referral_in(S.DRAFT, case, *staff).signoff_due == date(2026, 11, 27)  # Wed, Thu, Fri


def test_response_due_from_the_letter_date_over_new_year(app, make_case, staff):
    referral = referral_in(S.APPROVED, make_case(), *staff, today=date(2026, 12, 23))
    # 28, 29, 30, 31 December; 1 January is a holiday; Monday 4 January
    assert referral.letter_date == date(2026, 12, 23)
    assert referral.response_due == date(2027, 1, 4)


def test_district_day_off_and_setting_move_the_due_date(app, make_case, staff):
    from slrt.admin import settings
    db.session.add(DayOff(region_code="32.04", day=date(2026, 12, 28), name="Hari jadi kabupaten"))
    settings.put("response_days", "6", staff[1])
    db.session.commit()
    referral = referral_in(S.APPROVED, make_case(), *staff, today=date(2026, 12, 23))
    # 29, 30, 31 Dec, 4 Jan, (5 Jan Isra Mi'raj), 6, 7 Jan
    assert referral.response_due == date(2027, 1, 7)


def test_waiting_on_the_citizen_pauses_the_clock(app, make_case, staff):
    officer, signer = staff
    referral = referral_in(S.APPROVED, make_case(), officer, signer, today=date(2026, 11, 23))
    assert referral.response_due == date(2026, 11, 30)
    operations.respond(referral, officer, S.NEEDS_DOCUMENTS, "SKTM dari desa", on_behalf=True,
                       today=date(2026, 11, 25))
    referral.paused_since = datetime(2026, 11, 25, 2, 0)  # Wednesday morning, Jakarta time
    db.session.commit()
    assert lateness.due_date(referral) is None
    assert not lateness.is_late(referral, date(2026, 12, 31))
    assert referral.case.status == "waiting_citizen"
    # documents brought on Tuesday 1 December: 26, 27, 30 Nov and 1 Dec were spent waiting
    operations.respond(referral, officer, S.ACCEPTED, "", on_behalf=True, today=date(2026, 12, 1))
    db.session.commit()
    assert referral.paused_since is None
    assert referral.response_due == date(2026, 12, 4)
    assert referral.case.status == "referred"
    assert not lateness.is_late(referral, date(2026, 12, 4))
    assert lateness.is_late(referral, date(2026, 12, 7))


def test_late_referrals_show_in_the_queue_and_the_overview(app, client, login_as, make_case, staff):
    officer, signer = staff
    referral_in(S.APPROVED, make_case(), officer, signer, today=date(2025, 1, 6))
    ticket = make_case().ticket  # another case, nothing late on it
    login_as("supervisor")
    queue = client.get("/rujukan/?show=late").get_data(as_text=True)
    assert "terlambat" in queue and ticket not in queue
    overview = client.get("/rujukan/ikhtisar").get_data(as_text=True)
    assert "Dinas Kesehatan" in overview and officer.full_name in overview
