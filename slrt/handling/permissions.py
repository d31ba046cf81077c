"""Who may handle a case. Whether a user may work on a case at all (`can_handle_case`) is a case predicate
(slrt.cases.permissions), which referrals share; handing a case over is the supervisor's."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role
from slrt.cases.models import CaseStatus
from slrt.cases.permissions import COUNTER_ROLES, can_view_case


def can_assign_case(user, case) -> bool:
    return _role(user) is Role.SUPERVISOR and can_view_case(user, case)


def can_record_objection(user, case) -> bool:
    """Record a citizen's objection (keberatan) at the window or by phone, on a closed case of the user's area."""
    return _role(user) in COUNTER_ROLES and can_view_case(user, case) and case.status == CaseStatus.CLOSED
