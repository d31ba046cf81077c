"""The wallboard's figures: counts only, from the dashboard's own base queries (slrt.reports.figures), so
the wall and the dashboard never disagree."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from slrt.admin.models import Agency
from slrt.cases.models import Case
from slrt.core.time import local_day_bounds_utc, local_today, local_zone
from slrt.extensions import db
from slrt.referrals.models import Referral, ReferralStatus
from slrt.reports import figures
from slrt.reports.filters import ReportFilter


@dataclass
class Board:
    today: int
    week: int
    month: int
    waiting_signoff: int
    late: dict
    late_by_agency: list
    completed: int
    declined: int
    closed: int
    regions: list
    at: datetime


def board(user) -> Board:
    """This month's figures for `user`'s region (a person's, or an API client's account)."""
    f = ReportFilter(root=user.region_code, today=local_today())
    start, _end = local_day_bounds_utc(f.today)
    today = db.session.scalar(figures.scoped(select(func.count()).select_from(Case), f, user)
                              .where(Case.created_at >= start))
    new = figures.new_counts(f, user)
    waiting = db.session.scalar(figures.referral_base(f, user, func.count())
                                .where(Referral.status == ReferralStatus.PENDING_SIGNOFF))
    answered = dict(db.session.execute(
        figures.referral_base(f, user, Referral.status, func.count())
        .where(Referral.status.in_([ReferralStatus.COMPLETED, ReferralStatus.DECLINED]),
               figures.in_period(Referral.responded_at, f)).group_by(Referral.status)).all())
    closed = db.session.scalar(figures.scoped(select(func.count()).select_from(Case), f, user)
                               .where(figures.in_period(Case.closed_at, f)))
    cases, referrals = figures.case_facts(f, user), figures.referral_facts(f, user)
    late = figures.late_facts(f, user)
    regions = figures.by_region(f, cases, referrals, late, [])
    return Board(today=today or 0, week=new["week"], month=new["month"], waiting_signoff=waiting or 0,
                 late=figures.late_totals(late),
                 late_by_agency=figures.late_by(figures.late_facts(f, user, Referral.agency_id), Agency)[:8],
                 completed=answered.get(ReferralStatus.COMPLETED, 0), declined=answered.get(ReferralStatus.DECLINED, 0),
                 closed=closed or 0, regions=regions, at=datetime.now(local_zone()))
