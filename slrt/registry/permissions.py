"""Who may read the registry, import extracts, and move proposals along."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region, personal_role

LOOKUP_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE, Role.SUPERVISOR}
PROPOSING_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE}
FIELD_ROLES = {Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE}


def can_lookup_registry(user) -> bool:
    return _role(user) in LOOKUP_ROLES


def can_see_household(user, region_code: str | None) -> bool:
    """A household shows to a user whose region contains it (a Puskesos sees its own village)."""
    return can_lookup_registry(user) and in_region(user, region_code)


def _works_in_a_district(user) -> bool:
    """Registry imports are per district (each compares with, replaces and compacts only its own district's
    registry, see `importer.start_import`): a user imports and reads the imports of their own district. A
    provincial account (a province region) has no district and sees only aggregates."""
    from slrt.regions.districts import district_of
    return district_of(user) is not None


def can_import_registry(user) -> bool:
    return _role(user) is Role.ADMIN and _works_in_a_district(user)


def can_view_imports(user) -> bool:
    return _role(user) in {Role.ADMIN, Role.SUPERVISOR} and _works_in_a_district(user)


def can_view_changes(user) -> bool:
    """The change report of an import: the registry roles, each within their region."""
    return personal_role(user) in LOOKUP_ROLES | {Role.ADMIN}


def can_propose(user) -> bool:
    return _role(user) in PROPOSING_ROLES


def can_list_proposals(user) -> bool:
    return personal_role(user) in PROPOSING_ROLES | {Role.SUPERVISOR, Role.ADMIN}


def can_view_proposal(user, proposal) -> bool:
    return can_list_proposals(user) and in_region(user, proposal.region_code)


def can_verify_proposal(user, proposal) -> bool:
    return _role(user) in FIELD_ROLES and in_region(user, proposal.region_code)


def can_edit_survey(user, proposal) -> bool:
    """Enter or update the household's socio-economic data of a proposal in the user's area."""
    return _role(user) in PROPOSING_ROLES and in_region(user, proposal.region_code)


def can_start_meeting(user) -> bool:
    """Record a village meeting (musdes/muskel): the village operator, the facilitator, the back office."""
    return _role(user) in FIELD_ROLES


def can_view_meeting(user, meeting) -> bool:
    return can_list_proposals(user) and in_region(user, meeting.region_code)


def can_record_meeting(user, meeting) -> bool:
    """Write the attendance and decisions of a meeting in the user's area, and upload its signed minutes."""
    return _role(user) in FIELD_ROLES and in_region(user, meeting.region_code)


def can_approve_meeting(user, meeting) -> bool:
    """The district approves a meeting's batch (the role that decides proposals)."""
    return _role(user) is Role.SUPERVISOR and in_region(user, meeting.region_code)


def can_decide_proposal(user, proposal) -> bool:
    return _role(user) is Role.SUPERVISOR and in_region(user, proposal.region_code)


def can_export_proposals(user) -> bool:
    return personal_role(user) in {Role.SUPERVISOR, Role.ADMIN}

