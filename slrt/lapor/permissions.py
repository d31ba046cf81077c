"""Who sees the complaints pulled from SP4N-LAPOR!: the district office's staff (the reports are the district's)."""
from __future__ import annotations

from slrt.regions.districts import district_of

from slrt.auth.models import Role

LAPOR_ROLES = frozenset({Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN})


def can_read_lapor(user) -> bool:
    return (bool(getattr(user, "is_authenticated", False)) and user.role in LAPOR_ROLES
            and user.region_code == district_of(user))


def can_complete_lapor(user) -> bool:
    """The back office completes a report LAPOR! sent without usable data and registers its case."""
    return can_read_lapor(user) and user.role in (Role.BACK_OFFICE, Role.SUPERVISOR)
