"""Who manages API clients. What a client may call is its own permission list (ApiClient.allows)."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role


def can_manage_api_clients(user) -> bool:
    return _role(user) is Role.ADMIN
