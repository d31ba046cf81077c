"""Who plans: the district's programmes are kept by the administrator; the planning figures are aggregates
(no names) for the roles that read reports, each within their region; the province sees districts only."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role

PLANNING_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN, Role.PUSKESOS_OPERATOR, Role.PROVINCIAL_OFFICER}


def can_view_planning(user) -> bool:
    return _role(user) in PLANNING_ROLES


def can_manage_local_programmes(user) -> bool:
    return _role(user) is Role.ADMIN


def can_see_villages_in_planning(user) -> bool:
    """The province sees aggregates per district only."""
    return can_view_planning(user) and _role(user) is not Role.PROVINCIAL_OFFICER
