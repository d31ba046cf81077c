"""One rule for "late": the referral queues, the supervisor's overview, the dashboard figure and the list
behind it name the same referrals, on a mix of every status (issue 9)."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from slrt.core.time import local_today
from slrt.extensions import db
from slrt.referrals import lateness, operations
from slrt.referrals.models import Referral, ReferralStatus
from slrt.reports import figures, lists
from slrt.reports.filters import ReportFilter
from tests.referrals_helpers import fast_passwords  # noqa: F401 - a fixture
from tests.referrals_helpers import referral_in

pytestmark = pytest.mark.usefixtures("fast_passwords")
S = ReferralStatus
LONG_AGO = date(2025, 1, 6)  # every clock started then is long past its due date


@pytest.fixture
def mixed(app, make_case, make_user):
    """name: referral, for a mixed set; the names of those late today, per step."""
    officer, signer = make_user("back_office"), make_user("supervisor")

    def old_case():
        case = make_case()
        case.created_at = datetime(2025, 1, 2, 3, 0)  # sign-off due a few working days later
        db.session.commit()
        return case

    made = {
        "draft_past_due": referral_in(S.DRAFT, old_case(), officer, signer, today=LONG_AGO),
        "draft_not_due": referral_in(S.DRAFT, make_case(), officer, signer),
        "cancelled_draft": referral_in(S.CANCELLED, old_case(), officer, signer, today=LONG_AGO),
        "pending_past_due": referral_in(S.PENDING_SIGNOFF, old_case(), officer, signer, today=LONG_AGO),
        "returned": referral_in(S.RETURNED, old_case(), officer, signer, today=LONG_AGO),
        "resubmitted": referral_in(S.RETURNED, old_case(), officer, signer, today=LONG_AGO),
        "rejected": referral_in(S.REJECTED, old_case(), officer, signer, today=LONG_AGO),
        "approved_past_due": referral_in(S.APPROVED, old_case(), officer, signer, today=LONG_AGO),
        "accepted_past_due": referral_in(S.ACCEPTED, old_case(), officer, signer, today=LONG_AGO),
        "needs_documents": referral_in(S.NEEDS_DOCUMENTS, old_case(), officer, signer, today=LONG_AGO),
        "completed": referral_in(S.COMPLETED, old_case(), officer, signer, today=LONG_AGO),
        "declined": referral_in(S.DECLINED, old_case(), officer, signer, today=LONG_AGO),
    }
    operations.submit(made["resubmitted"], officer)  # back to the signer, after a first decision
    db.session.commit()
    signoff = {"draft_past_due", "pending_past_due", "returned", "resubmitted"}
    response = {"approved_past_due", "accepted_past_due"}
    return made, signoff, response


def _names(made, ids) -> set[str]:
    by_id = {r.id: name for name, r in made.items()}
    return {by_id[i] for i in ids}


def test_the_rule_on_each_status(mixed):
    made, signoff, response = mixed
    today = local_today()
    assert {n for n, r in made.items() if lateness.is_late(r, today)} == signoff | response
    assert {n for n, r in made.items() if lateness.is_late(r, today, "signoff")} == signoff
    assert {n for n, r in made.items() if lateness.is_late(r, today, "response")} == response
    for step in ("any", "signoff", "response"):
        ids = db.session.scalars(db.select(Referral.id).where(lateness.late_condition(today, step))).all()
        assert _names(made, ids) == {n for n, r in made.items() if lateness.is_late(r, today, step)}


def test_dashboard_figure_and_overview_list_agree(mixed, client, login_as):
    made, signoff, response = mixed
    supervisor = login_as("supervisor")
    f = ReportFilter.from_args(MultiDict({}), supervisor)
    dashboard = figures.build(f, supervisor)
    assert dashboard.late == {"signoff": len(signoff), "response": len(response),
                              "any": len(signoff) + len(response)}
    # the list behind the figure
    for step, expected in (("any", signoff | response), ("signoff", signoff), ("response", response)):
        f_list = ReportFilter.from_args(MultiDict({"kind": "referrals", "late": step}), supervisor)
        listed = db.session.scalars(lists.referral_query(f_list, supervisor).with_only_columns(Referral.id)).all()
        assert _names(made, listed) == expected, step
    # the supervisor's overview and the back office's queue
    overview = client.get("/rujukan/ikhtisar").get_data(as_text=True)
    table = overview.split("Rujukan terlambat", 1)[1].split("</table>", 1)[0]
    in_overview = [int(i) for i in re.findall(r'href="/rujukan/(\d+)"', table)]
    assert len(in_overview) == dashboard.late["any"]
    assert _names(made, in_overview) == signoff | response
    # the list page behind the dashboard's figure marks each of its rows late
    listed_page = client.get("/laporan/daftar?kind=referrals&late=any").get_data(as_text=True)
    assert listed_page.count('<td class="late">') == dashboard.late["any"]
    queue = client.get("/rujukan/?show=late").get_data(as_text=True)
    assert _names(made, {int(i) for i in re.findall(r'href="/rujukan/(\d+)"', queue)}) == signoff | response
