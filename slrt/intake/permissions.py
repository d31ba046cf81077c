"""Who may decide on a person's identity (intake's own predicates; the rest are in slrt.auth.permissions)."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, can_view_case, in_region


def can_review_identity(user, case) -> bool:
    """The back office decides whether an identity given at a visit becomes the person's: for a case it
    may see, of a person whose stored domicile lies in its area (the district back office: everyone)."""
    return (_role(user) is Role.BACK_OFFICE and can_view_case(user, case) and case.person is not None
            and in_region(user, case.person.region_code))
