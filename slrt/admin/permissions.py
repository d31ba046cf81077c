"""Who may change the district's settings and lists."""
from __future__ import annotations

from slrt.auth.models import Role


def can_manage_district(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN


def can_see_logo(user) -> bool:
    """Every signed-in user may load the letterhead logo (letters are printed by several roles)."""
    return bool(getattr(user, "is_authenticated", False))
