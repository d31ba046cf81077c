"""Who may see and work on a case. Region scoping of case queries is `slrt.cases.scoping`; these answer for
one case already loaded."""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import _role, in_region, personal_role
from slrt.cases.models import CaseStatus

CASE_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.BACK_OFFICE, Role.SUPERVISOR,
              Role.FACILITATOR, Role.ADMIN}
HANDLING_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR}


def can_list_cases(user) -> bool:
    """The case roles (an administrator over a whole province has none: slrt.auth.permissions.personal_role)."""
    return personal_role(user) in CASE_ROLES


def can_view_case(user, case) -> bool:
    """A case of the user's region; for a facilitator also a case they were sent to on a home visit (the
    back office may send a facilitator of a neighbouring village of the kecamatan)."""
    if not can_list_cases(user):
        return False
    if in_region(user, case.region_code) or in_region(user, case.office_region_code):
        return True
    from slrt.visits.access import sent_to_case
    return _role(user) is Role.FACILITATOR and sent_to_case(user, case)


def can_handle_case(user, case) -> bool:
    return _role(user) in HANDLING_ROLES and can_view_case(user, case)


# The counter and the back office correct a case and its citizen's data, and record an objection at the window
# (slrt.handling.permissions.can_record_objection).
COUNTER_ROLES = {Role.FRONT_OFFICE, Role.PUSKESOS_OPERATOR, Role.BACK_OFFICE, Role.SUPERVISOR}


def can_edit_case(user, case) -> bool:
    """Correct a case of the user's area and its citizen's data, while the case is not closed (a closed
    case changes only through an objection) and its personal data was not removed by the retention job."""
    return (_role(user) in COUNTER_ROLES and can_view_case(user, case) and case.status != CaseStatus.CLOSED
            and case.anonymised_at is None)
