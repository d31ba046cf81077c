"""Who may do what, the parts every feature shares: the user's role and region, and the `require` and
`permission_required` checks that every route makes. Each feature keeps its own predicates in its
`permissions.py` and registers them for templates (`slrt.core.permissions.can`)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from slrt.auth.models import Role


def _role(user) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def personal_role(user) -> Role | None:
    """The role with which the user reaches citizens' personal data (cases, people, referrals, proposals,
    messages sent to them, subject-access and breach reports, personal exports): their role, except for an
    administrator over a whole province (region `NN`), who hosts the districts and works in their lists,
    settings and accounts but opens no district's citizens: a province-wide view of every district's people
    would serve none of that work (UU PDP: purpose limitation)."""
    role = _role(user)
    if role is Role.ADMIN and len(user.region_code or "") < DISTRICT_CODE_LENGTH:
        return None
    return role


DISTRICT_CODE_LENGTH = 5


def in_region(user, code: str | None) -> bool:
    """The region `code` lies under the user's region."""
    if not code or user is None:
        return False
    base = user.region_code
    return code == base or code.startswith(base + ".")


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
