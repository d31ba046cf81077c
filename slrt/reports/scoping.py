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


def scope_month_counts(query: Select, user) -> Select:
    """The same scope as `scope_report_cases`, over the pre-counted table (its columns mirror Case's:
    the citizen's desa and the office). tests/test_reports_summary.py checks both give the same counts."""
    from sqlalchemy import or_
    from slrt.cases.permissions import can_list_cases
    from slrt.reports.models import CaseMonthCount
    if not can_view_reports(user):
        return query.where(false())
    code = user.region_code
    if Role(user.role) is Role.PROVINCIAL_OFFICER:
        return query.where(region_prefix_match(CaseMonthCount.region_code, code))
    if not can_list_cases(user):
        return query.where(false())
    return query.where(or_(region_prefix_match(CaseMonthCount.region_code, code),
                           region_prefix_match(CaseMonthCount.office_region_code, code)))
