"""Who may do what. Every route checks one of these predicates; templates use them through `can`."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from slrt.auth.models import Role

INTAKE_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE}
CASE_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.BACK_OFFICE, Role.SUPERVISOR,
              Role.FACILITATOR, Role.ADMIN}
HANDLING_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR}


def _role(user) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def in_region(user, code: str | None) -> bool:
    """The region `code` lies under the user's region."""
    if not code or user is None:
        return False
    base = user.region_code
    return code == base or code.startswith(base + ".")


def can_register(user) -> bool:
    return _role(user) in INTAKE_ROLES


def can_list_cases(user) -> bool:
    return _role(user) in CASE_ROLES


def can_view_case(user, case) -> bool:
    return can_list_cases(user) and (in_region(user, case.region_code) or in_region(user, case.office_region_code))


def can_handle_case(user, case) -> bool:
    return _role(user) in HANDLING_ROLES and can_view_case(user, case)


def can_assign_case(user, case) -> bool:
    return _role(user) is Role.SUPERVISOR and can_view_case(user, case)


def can_manage_users(user) -> bool:
    return _role(user) is Role.ADMIN


def can_view_audit(user) -> bool:
    return _role(user) is Role.ADMIN


def require(predicate, *args) -> None:
    """Abort with 403 unless predicate(current_user, *args)."""
    if not predicate(current_user, *args):
        abort(403)


def permission_required(predicate):
    """Decorator: the view needs a logged-in user for whom predicate(user) holds."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not predicate(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
