"""Who sends facilitators on home visits, and who records them: the back office (and supervisor) of the
case's region assigns and cancels; only the facilitator sent records the findings, and a facilitator sees
their own visits and no one else's."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role
from slrt.cases.permissions import can_handle_case, can_view_case


def can_assign_visit(user, case) -> bool:
    return can_handle_case(user, case)


def can_list_my_visits(user) -> bool:
    return _role(user) is Role.FACILITATOR


def can_view_visit(user, visit) -> bool:
    if _role(user) is Role.FACILITATOR:
        return visit.facilitator_id == user.id
    return can_view_case(user, visit.case)


def can_record_visit(user, visit) -> bool:
    return _role(user) is Role.FACILITATOR and visit.facilitator_id == user.id


def can_cancel_visit(user, visit) -> bool:
    return can_assign_visit(user, visit.case)
