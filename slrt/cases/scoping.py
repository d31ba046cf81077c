"""Region scoping: the one function every case query goes through."""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from slrt.auth.models import Role
from slrt.cases.models import Case
from slrt.regions.models import region_prefix_match


def scope_cases(query: Select, user) -> Select:
    """Restrict a query over Case to what `user` may see: cases of citizens living under the user's
    region, or registered at an office under it. Roles without case access see nothing."""
    from slrt.cases.permissions import can_list_cases
    if not can_list_cases(user):
        return query.where(false())
    code = user.region_code
    return query.where(or_(region_prefix_match(Case.region_code, code),
                           region_prefix_match(Case.office_region_code, code)))


def visible_cases(user) -> Select:
    return scope_cases(select(Case), user)


def role_sees_all_district(user) -> bool:
    return Role(user.role) in (Role.ADMIN, Role.SUPERVISOR, Role.BACK_OFFICE)
