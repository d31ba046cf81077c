"""Loaders of home visits: one visit with its permission check and lock, a facilitator's own list, the
visits on a case, and the facilitators a case's visit may go to."""
from __future__ import annotations

from flask import abort
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from slrt.auth.models import Role, User
from slrt.auth.permissions import require
from slrt.cases.models import Case
from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.visits.models import HomeVisit, VisitStatus
from slrt.visits.permissions import can_view_visit


def load_visit(visit_id: int, *, lock: bool = False, permission=can_view_visit) -> HomeVisit:
    """The visit, if the current user passes `permission` on it; 404 if there is none, 403 if not theirs.
    With `lock`, its row is held until the commit and read afresh (two posts of the findings queue)."""
    if lock:
        lock_row(HomeVisit, visit_id)
    visit = db.session.get(HomeVisit, visit_id, populate_existing=lock)
    if visit is None:
        abort(404)
    require(permission, visit)
    return visit


def my_visits(user) -> list[HomeVisit]:
    """The facilitator's visits: still to do (earliest due first), then done and cancelled (newest first)."""
    rows = db.session.scalars(select(HomeVisit).where(HomeVisit.facilitator_id == user.id)
                              .options(selectinload(HomeVisit.case).selectinload(Case.complaints))
                              .order_by(HomeVisit.due_date, HomeVisit.id)).all()
    open_ = [v for v in rows if v.status == VisitStatus.ASSIGNED]
    closed = sorted((v for v in rows if v.status != VisitStatus.ASSIGNED),
                    key=lambda v: (v.done_at or v.cancelled_at or v.created_at), reverse=True)
    return open_ + closed


def visits_of(case: Case) -> list[HomeVisit]:
    return db.session.scalars(select(HomeVisit).where(HomeVisit.case_id == case.id)
                              .order_by(HomeVisit.id)).all()


def facilitators_for(case: Case) -> list[User]:
    """Active facilitators of the case's area: whose region holds the citizen's village, or who work in a
    village of the same kecamatan."""
    return db.session.scalars(select(User).where(
        User.role == Role.FACILITATOR, User.active.is_(True), is_of_area(User.region_code, case.region_code))
        .order_by(User.full_name)).all()


def is_of_area(user_region, village: str):
    """SQL: a user region that holds `village` (its province, district or kecamatan) or is a village of the
    same kecamatan."""
    kecamatan = village[:8]
    return or_(user_region.in_([village[:2], village[:5], kecamatan]), user_region.startswith(kecamatan + "."))
