"""Who may read and answer the office's WhatsApp conversations: the district office's counter and back
office, its managers and the administrator (the conversations belong to the district, not to a village)."""
from __future__ import annotations

from slrt.regions.districts import district_of

from slrt.auth.models import Role

INBOX_ROLES = frozenset({Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN})


def can_read_inbox(user) -> bool:
    return (bool(getattr(user, "is_authenticated", False)) and user.role in INBOX_ROLES
            and user.region_code == district_of(user))


def can_reply_conversation(user, conversation=None) -> bool:
    return can_read_inbox(user)


def can_open_case_from_conversation(user, conversation=None) -> bool:
    from slrt.intake.permissions import can_register
    return can_read_inbox(user) and can_register(user)
