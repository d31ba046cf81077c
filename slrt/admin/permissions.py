"""Who may change the district's settings and lists."""
from __future__ import annotations

from slrt.auth.models import Role


def can_manage_district(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN


def can_see_logo(user) -> bool:
    """Every signed-in user may load the letterhead logo (letters are printed by several roles)."""
    return bool(getattr(user, "is_authenticated", False))


def can_host_districts(user) -> bool:
    """The provincial administrator (an administrator whose region is a province): adds and edits the districts
    hosted in this database and chooses the one they work in. A district's own administrator may not."""
    from slrt.regions.districts import is_province_admin
    return is_province_admin(user)
