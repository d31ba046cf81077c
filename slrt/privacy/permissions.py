"""Who may exercise the personal-data duties. Templates reach these through `can(...)` (slrt.core.permissions)."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region, personal_role
from slrt.cases.permissions import can_view_case
from slrt.intake.permissions import can_register

# The designated officers (petugas pelindungan data): the district's administrator and supervisors.
DATA_PROTECTION_ROLES = {Role.ADMIN, Role.SUPERVISOR}


def can_run_subject_access(user) -> bool:
    """Run a subject-access report (everything held about a NIK and who processed it)."""
    return personal_role(user) in DATA_PROTECTION_ROLES


def can_run_breach_scope(user) -> bool:
    """Work out which persons an account viewed or exported (breach notification)."""
    return personal_role(user) in DATA_PROTECTION_ROLES


def can_take_corrections(user) -> bool:
    """The counter roles (and supervisors) write down correction requests."""
    return can_register(user) or _role(user) is Role.SUPERVISOR


def can_request_correction(user, case) -> bool:
    """The counter writes down a citizen's correction request on a case it may see."""
    return can_take_corrections(user) and can_view_case(user, case)


def can_list_corrections(user) -> bool:
    return personal_role(user) in {Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN}


def can_decide_corrections(user) -> bool:
    """The back office's queue of correction requests (its menu entry)."""
    return _role(user) is Role.BACK_OFFICE


def can_decide_correction(user, correction) -> bool:
    """The back office decides, as for identities given at a visit: for a case it may see, of a person
    whose stored domicile lies in its area."""
    return (_role(user) is Role.BACK_OFFICE and can_view_case(user, correction.case)
            and in_region(user, correction.person.region_code))
