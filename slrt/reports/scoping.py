"""Region scoping for reports. Case roles go through `scope_cases` (the one scoping function); the
provincial officer, who may not list cases, is limited to aggregates of the cases under the province."""
from __future__ import annotations

from sqlalchemy import Select, false

from slrt.auth.models import Role
from slrt.cases.models import Case
from slrt.cases.scoping import scope_cases
from slrt.regions.models import region_prefix_match
from slrt.reports.permissions import can_view_reports


def scope_report_cases(query: Select, user) -> Select:
    """Restrict a query that involves Case to the cases the user's reports may count."""
    if not can_view_reports(user):
        return query.where(false())
    if Role(user.role) is Role.PROVINCIAL_OFFICER:
        return query.where(region_prefix_match(Case.region_code, user.region_code))
    return scope_cases(query, user)


def region_allowed(user, code: str) -> bool:
    """The drill-down region lies under the user's region (or is it)."""
    base = user.region_code
    return bool(code) and (code == base or code.startswith(base + "."))
