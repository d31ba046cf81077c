"""Who handles the districts' monthly aggregate files. Templates reach these through `can(...)`."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role


def can_view_rollups(user) -> bool:
    """See and import the districts' files: the provincial officer, and the province server's administrator."""
    return _role(user) in {Role.PROVINCIAL_OFFICER, Role.ADMIN}


def can_trust_districts(user) -> bool:
    """Register a district's public key: the administrator, who received it from the district's IT officer."""
    return _role(user) is Role.ADMIN
