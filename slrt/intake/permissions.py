"""Who may register a visit at the window or in the field, and who decides on a person's identity."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region
from slrt.cases.permissions import can_view_case

INTAKE_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.FACILITATOR, Role.BACK_OFFICE}


def can_register(user) -> bool:
    return _role(user) in INTAKE_ROLES


def can_review_identity(user, case) -> bool:
    """The back office decides whether an identity given at a visit becomes the person's: for a case it
    may see, of a person whose stored domicile lies in its area (the district back office: everyone)."""
    return (_role(user) is Role.BACK_OFFICE and can_view_case(user, case) and case.person is not None
            and in_region(user, case.person.region_code))
