"""Who sees which report, and who may take personal data out of the portal.

- The dashboard, the needs per village and the monthly report: back office, supervisor, administrator, the
  village Puskesos operator (their village only) and the provincial officer (aggregates of the province).
- The lists behind the figures (people by case): the same roles except the provincial officer, who sees
  aggregates only — never a case or a name.
- Personal data (NIK, name, phone) in an export: back office, supervisor, administrator only. A village
  operator's laptop is a weaker place for a spreadsheet of names; a province never needs them.
"""
from __future__ import annotations

from slrt.auth.models import Role
from slrt.auth.permissions import personal_role

REPORT_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN, Role.PUSKESOS_OPERATOR, Role.PROVINCIAL_OFFICER}
LIST_ROLES = REPORT_ROLES - {Role.PROVINCIAL_OFFICER}
PERSONAL_EXPORT_ROLES = {Role.BACK_OFFICE, Role.SUPERVISOR, Role.ADMIN}


def _role(user) -> Role | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role(user.role)


def can_view_reports(user) -> bool:
    return _role(user) in REPORT_ROLES


def can_view_report_lists(user) -> bool:
    return personal_role(user) in LIST_ROLES


def can_export_personal_data(user) -> bool:
    return personal_role(user) in PERSONAL_EXPORT_ROLES


def can_export_case_queue(user) -> bool:
    """The case queue's export: whoever may list cases (scoped as the queue is)."""
    from slrt.cases.permissions import can_list_cases
    return can_list_cases(user)
