"""Who may edit the district's days off."""
from __future__ import annotations

from slrt.auth.models import Role


def can_manage_days_off(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN
