"""Who may register a visit at the window or in the field."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role

INTAKE_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE}


def can_register(user) -> bool:
    return _role(user) in INTAKE_ROLES
