"""Who may see and retry the outbox."""
from __future__ import annotations

from slrt.auth.models import Role


def can_manage_outbox(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.ADMIN
