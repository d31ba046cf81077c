"""Whether a user was sent on a home visit to a case. The cases feature asks this when a facilitator opens a
case outside their own region: being sent there is what lets them in (this module imports no other
feature, so cases can ask it without a cycle)."""
from __future__ import annotations

from sqlalchemy import select

from slrt.extensions import db
from slrt.visits.models import HomeVisit, VisitStatus


def sent_to_case(user, case) -> bool:
    """`user` has a home visit on `case` that was not cancelled."""
    if user is None or case is None or getattr(case, "id", None) is None:
        return False
    return db.session.scalar(select(HomeVisit.id).where(
        HomeVisit.case_id == case.id, HomeVisit.facilitator_id == user.id,
        HomeVisit.status != VisitStatus.CANCELLED).limit(1)) is not None
