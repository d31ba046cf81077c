"""Who may see and retry the outbox."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import personal_role


def can_manage_outbox(user) -> bool:
    """The messages sent to citizens (their numbers and texts): a district's administrator."""
    return personal_role(user) is Role.ADMIN
