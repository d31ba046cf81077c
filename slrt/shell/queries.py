"""What waits for a user: the counts in the menu and the first items of each role's home page.

Every count is region-scoped through the features' own queries (`visible_referrals`, `agency_referrals`,
`visible_cases`) and the late rule is `slrt.referrals.lateness`, so a badge and the queue it links to agree.
The menu's counts are one query whatever the number of referrals (conditional sums over one scoped select).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case as sql_case, func, or_, select

from slrt.auth.models import Role
from slrt.cases.models import Case, CaseStatus
from slrt.cases.permissions import HANDLING_ROLES
from slrt.cases.scoping import visible_cases
from slrt.core.time import local_day_bounds_utc
from slrt.extensions import db
from slrt.referrals import queries as referrals
from slrt.referrals.lateness import late_condition
from slrt.referrals.models import AWAITING_AGENCY, Referral, ReferralStatus
from slrt.referrals.permissions import can_sign_off_any, can_use_agency_queue

FIRST_ITEMS = 8
DUE_SOON_DAYS = 7  # "due this week": calendar days ahead, shown next to the late count


@dataclass
class Waiting:
    """The counts shown in the menu; None for a count that is not the user's business."""
    signoff: int | None = None    # referrals waiting for the user's sign-off (penetapan)
    returned: int | None = None   # drafts the signer returned to the user
    late: int | None = None       # referrals whose agency's answer is late
    inbox: int | None = None      # the agency liaison's referrals awaiting their agency's answer

    def any(self) -> bool:
        return any(value is not None for value in (self.signoff, self.returned, self.late, self.inbox))


def _role(user) -> Role:
    return Role(user.role)


def has_waiting_counts(user) -> bool:
    """Whether the menu shows counts for this user at all (other roles load no partial)."""
    return can_use_agency_queue(user) or can_sign_off_any(user) or _role(user) in HANDLING_ROLES


def _count(condition):
    return func.coalesce(func.sum(sql_case((condition, 1), else_=0)), 0)


def returned_to(user):
    """A returned draft is the user's when they drafted it or handle its case."""
    return and_(Referral.status == ReferralStatus.RETURNED,
                or_(Referral.drafted_by_id == user.id, Case.assigned_to_id == user.id))


def waiting_counts(user, today: date) -> Waiting:
    """The menu's counts for `user`, in one query."""
    waiting = Waiting()
    if can_use_agency_queue(user):
        inbox, late = db.session.execute(referrals.agency_referrals(user).with_only_columns(
            _count(Referral.status.in_(sorted(AWAITING_AGENCY))),
            _count(late_condition(today, "response")))).one()
        waiting.inbox, waiting.late = int(inbox), int(late)
        return waiting
    signer = can_sign_off_any(user)
    handler = _role(user) in HANDLING_ROLES
    if not (signer or handler):
        return waiting
    signoff, returned, late = db.session.execute(referrals.visible_referrals(user).with_only_columns(
        _count(Referral.status == ReferralStatus.PENDING_SIGNOFF), _count(returned_to(user)),
        _count(late_condition(today, "response")))).one()
    waiting.late = int(late)
    if signer:
        waiting.signoff = int(signoff)
    if _role(user) is Role.BACK_OFFICE or (handler and not signer):
        waiting.returned = int(returned)
    return waiting


# ---- the first items of each home page ----------------------------------------------------------------

@dataclass
class Listing:
    """A count and the first rows of one list on a home page."""
    total: int
    rows: list = field(default_factory=list)


def _listing(query, *order) -> Listing:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.order_by(*order).limit(FIRST_ITEMS)).unique().all() if total else []
    return Listing(total, rows)


def _referral_listing(query) -> Listing:
    return _listing(referrals.with_rows_loaded(query), *referrals.due_order())


def agency_inbox(user, today: date) -> dict:
    """The liaison's home: what waits for their agency's answer, how much of it is due this week or late."""
    query = referrals.agency_referrals(user)
    waiting = query.where(Referral.status.in_(sorted(AWAITING_AGENCY)))
    due_soon = late_condition(today + timedelta(days=DUE_SOON_DAYS + 1), "response")
    soon, late = db.session.execute(query.with_only_columns(
        _count(and_(due_soon, ~late_condition(today, "response"))), _count(late_condition(today, "response")))).one()
    return {"inbox": _referral_listing(waiting), "due_soon": int(soon), "late": int(late)}


def signoff_queue(user, today: date) -> dict:
    """The signer's home: referrals waiting for their decision, the late ones counted."""
    waiting = referrals.visible_referrals(user).where(Referral.status == ReferralStatus.PENDING_SIGNOFF)
    late = db.session.scalar(waiting.with_only_columns(_count(late_condition(today, "signoff"))))
    return {"signoff": _referral_listing(waiting), "signoff_late": int(late)}


def back_office_work(user) -> dict:
    """The back office's home: the open cases they handle, and the drafts returned to them."""
    mine = visible_cases(user).where(Case.assigned_to_id == user.id, Case.status != CaseStatus.CLOSED)
    returned = referrals.visible_referrals(user).where(returned_to(user))
    return {"my_cases": _listing(mine, Case.updated_at.desc(), Case.id.desc()),
            "returned": _referral_listing(returned)}


def counter_today(user, today: date) -> dict:
    """The front office's home: today's registrations at their own office, and its visits the back office has
    not taken yet (what a citizen who comes back asks about), oldest first."""
    start, end = local_day_bounds_utc(today)
    ours = visible_cases(user).where(Case.office_region_code == user.region_code)
    todays = ours.where(Case.created_at >= start, Case.created_at <= end)
    untaken = ours.where(Case.status == CaseStatus.REGISTERED)
    return {"listing_today": _listing(todays, Case.created_at.desc(), Case.id.desc()),
            "untaken": _listing(untaken, Case.created_at, Case.id)}


LETTERHEAD_SETTINGS = ("letterhead_lines", "letterhead_logo", "letter_signer_name", "letter_signer_nip")


def _setting_names() -> dict:
    from flask_babel import gettext as _
    return {"letterhead_lines": _("alamat dan telepon kantor pada kop"), "letterhead_logo": _("logo"),
            "letter_signer_name": _("nama penanda tangan"), "letter_signer_nip": _("NIP penanda tangan")}


def admin_attention() -> dict:
    """The administrator's home: what needs them. The letterhead settings still empty, registry imports that
    failed since the last one that succeeded, and outbox messages whose fate is unknown or that failed."""
    from slrt.admin import settings
    from slrt.notifications.models import OutboxMessage, OutboxStatus
    from slrt.registry.models import ImportStatus, RegistryImport
    missing = [key for key in LETTERHEAD_SETTINGS if not settings.get(key).strip()]
    from slrt.regions.districts import current_district
    district = current_district()  # the administrator's own district's imports
    last_done = (select(func.coalesce(func.max(RegistryImport.id), 0))
                 .where(RegistryImport.status == ImportStatus.DONE, RegistryImport.district_code == district)
                 .scalar_subquery())
    failed_imports = db.session.scalars(
        select(RegistryImport).where(RegistryImport.status == ImportStatus.FAILED, RegistryImport.id > last_done,
                                     RegistryImport.district_code == district)
        .order_by(RegistryImport.id.desc()).limit(FIRST_ITEMS)).all()
    unknown, failed = db.session.execute(select(
        _count(OutboxMessage.status == OutboxStatus.UNKNOWN),
        _count(OutboxMessage.status == OutboxStatus.FAILED)).select_from(OutboxMessage)).one()
    return {"letterhead_missing": missing, "setting_names": _setting_names(), "failed_imports": failed_imports,
            "outbox_unknown": int(unknown), "outbox_failed": int(failed)}
