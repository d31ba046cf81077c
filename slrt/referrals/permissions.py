"""Who may do what with referrals. Templates reach these through `can(...)` (slrt.core.permissions)."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region, personal_role
from slrt.cases.permissions import can_handle_case, can_view_case

OVERVIEW_ROLES = {Role.SUPERVISOR, Role.ADMIN}
LIST_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN}


def signoff_role() -> str:
    from slrt.admin import settings
    return settings.get("signoff_role") or "supervisor"


def can_list_referrals(user) -> bool:
    """The back office's referral queue."""
    return personal_role(user) in LIST_ROLES


def can_sign_off_any(user) -> bool:
    """The user holds the role that the district's setting names as signer (penetapan layanan)."""
    role = _role(user)
    return role is not None and str(role) == signoff_role()


def can_sign_off(user, referral) -> bool:
    case = referral.case
    return can_sign_off_any(user) and (in_region(user, case.region_code) or in_region(user, case.office_region_code))


def can_view_overview(user) -> bool:
    return personal_role(user) in OVERVIEW_ROLES or can_sign_off_any(user)


def is_liaison_of(user, referral) -> bool:
    """The liaison of the referral's agency, for a signed-off referral under the liaison's region: the same
    rule as their queue (queries.agency_referrals), so a referral their queue hides cannot be opened by id."""
    case = referral.case
    return (_role(user) is Role.AGENCY_LIAISON and user.agency_id is not None
            and user.agency_id == referral.agency_id and referral.letter_number is not None
            and (in_region(user, case.region_code) or in_region(user, case.office_region_code)))


def can_use_agency_queue(user) -> bool:
    return _role(user) is Role.AGENCY_LIAISON and getattr(user, "agency_id", None) is not None


def can_use_referrals(user) -> bool:
    """Roles that may open a referral at all (case staff, and agency liaisons for their agency's)."""
    from slrt.cases.permissions import can_list_cases
    return can_list_cases(user) or can_use_agency_queue(user)


def can_view_referral(user, referral) -> bool:
    return can_view_case(user, referral.case) or is_liaison_of(user, referral)


def can_edit_referral(user, referral) -> bool:
    """Draft, edit, submit or withdraw: the back office handling the case."""
    return can_handle_case(user, referral.case)


def can_respond(user, referral) -> bool:
    """The agency's liaison, or the back office recording the answer on the agency's behalf."""
    return is_liaison_of(user, referral) or can_handle_case(user, referral.case)


def responds_on_behalf(user, referral) -> bool:
    return not is_liaison_of(user, referral)


def can_print_letter(user, referral) -> bool:
    return referral.letter_number is not None and can_view_referral(user, referral)

