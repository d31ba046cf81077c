"""Who uses field mode: facilitators enrol their tablets and phones and sync them; the administrator sees
every enrolled device of the district and revokes one."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region

FIELD_ROLES = {Role.FACILITATOR}


def can_use_field_app(user) -> bool:
    return _role(user) in FIELD_ROLES


def can_manage_devices(user) -> bool:
    return _role(user) is Role.ADMIN


def can_revoke_device(user, device) -> bool:
    return can_manage_devices(user) and device.user is not None and in_region(user, device.user.region_code)


def can_resolve_clashes(user) -> bool:
    return _role(user) in (Role.BACK_OFFICE, Role.SUPERVISOR)


def can_resolve_clash(user, clash) -> bool:
    from slrt.cases.permissions import can_handle_case
    return can_resolve_clashes(user) and can_handle_case(user, clash.case)
