"""Queries over referrals, always through the case's region scoping (or the liaison's own agency)."""
from __future__ import annotations

from datetime import date

from flask import abort
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from slrt.auth.permissions import require

from slrt.cases.models import Case
from slrt.cases.scoping import scope_cases
from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.referrals.lateness import due_expression, late_condition
from slrt.referrals.models import AWAITING_AGENCY, EDITABLE, ENDED, Referral, ReferralChange, ReferralStatus
from slrt.referrals.permissions import can_view_referral
from slrt.regions.models import region_prefix_match

S = ReferralStatus


def load_referral(referral_id: int, *, lock: bool = False, permission=can_view_referral) -> Referral:
    """The referral, if the current user passes `permission` on it; 404 if there is none, 403 if not theirs.
    With `lock`, the referral row alone is locked until the commit and then read afresh (its agency and
    programme load joined, unlocked); operations lock the case row themselves before they write."""
    if lock:
        lock_row(Referral, referral_id)
    referral = db.session.get(Referral, referral_id, populate_existing=lock)
    if referral is None:
        abort(404)
    require(permission, referral)
    return referral


def visible_referrals(user) -> Select:
    """Referrals of the cases the user may see."""
    return scope_cases(select(Referral).join(Case, Referral.case_id == Case.id), user)


def agency_referrals(user) -> Select:
    """Referrals addressed to the liaison's agency, once signed off (a draft is not the agency's business)."""
    return (select(Referral).join(Case, Referral.case_id == Case.id)
            .where(Referral.agency_id == user.agency_id, Referral.letter_number.is_not(None),
                   or_(region_prefix_match(Case.office_region_code, user.region_code),
                       region_prefix_match(Case.region_code, user.region_code))))


def with_rows_loaded(query: Select) -> Select:
    """Load what a queue row shows in a few queries instead of one per row."""
    return query.options(selectinload(Referral.case).joinedload(Case.assigned_to),
                         selectinload(Referral.drafted_by))


def due_order():
    """Earliest due first; paused and ended referrals last."""
    due = due_expression()
    return (due.is_(None), due, Referral.id)


SHOW_FILTERS = {
    "open": lambda today: Referral.status.not_in(sorted(ENDED)),
    "action": lambda today: Referral.status.in_(sorted(EDITABLE)),
    "signoff": lambda today: Referral.status == S.PENDING_SIGNOFF,
    "agency": lambda today: Referral.status.in_(sorted(AWAITING_AGENCY)),
    "late": late_condition,
    "ended": lambda today: Referral.status.in_(sorted(ENDED)),
    "all": None,
}


def apply_show(query: Select, show: str, today: date) -> Select:
    condition = SHOW_FILTERS.get(show)
    return query.where(condition(today)) if condition is not None else query


def is_resubmitted(referral: Referral) -> bool:
    """Waiting for sign-off again after a signer returned it (decided_at is the return's)."""
    return referral.status == S.PENDING_SIGNOFF and referral.decided_at is not None


def changes_since_return(referrals) -> dict[int, list[ReferralChange]]:
    """For each resubmitted referral among `referrals`, the edits made since it was returned (one query)."""
    returned = {r.id: r.decided_at for r in referrals if is_resubmitted(r)}
    found: dict[int, list[ReferralChange]] = {referral_id: [] for referral_id in returned}
    if not returned:
        return found
    rows = db.session.scalars(select(ReferralChange).where(ReferralChange.referral_id.in_(sorted(returned)))
                              .order_by(ReferralChange.id)).all()
    for change in rows:
        if change.at >= returned[change.referral_id]:
            found[change.referral_id].append(change)
    return found
