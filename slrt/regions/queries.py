"""Counts per hosted district for the provincial administrator's page: aggregates only, one grouped query each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from slrt.core.time import local_day_bounds_utc
from slrt.extensions import db
from slrt.regions.districts import DISTRICT_LENGTH
from slrt.regions.models import region_prefix_match


@dataclass
class DistrictCounts:
    users: int = 0
    open_cases: int = 0
    cases_this_month: int = 0


def counts_by_district(province: str, today: date) -> dict[str, DistrictCounts]:
    """Per district code under `province`: active accounts, cases not closed and cases registered since the first
    of this (local) month, each case counted in the district of the office that registered it."""
    from slrt.auth.models import User
    from slrt.cases.models import Case, CaseStatus
    counts: dict[str, DistrictCounts] = {}

    def row(code: str) -> DistrictCounts:
        return counts.setdefault(code, DistrictCounts())

    user_district = func.substr(User.region_code, 1, DISTRICT_LENGTH)
    for code, n in db.session.execute(
            select(user_district, func.count()).where(region_prefix_match(User.region_code, province),
                                                      User.active.is_(True)).group_by(user_district)):
        row(code).users = n
    case_district = func.substr(Case.office_region_code, 1, DISTRICT_LENGTH)
    in_province = region_prefix_match(Case.office_region_code, province)
    for code, n in db.session.execute(
            select(case_district, func.count()).where(in_province, Case.status != CaseStatus.CLOSED)
            .group_by(case_district)):
        row(code).open_cases = n
    month_start, _end = local_day_bounds_utc(today.replace(day=1))
    for code, n in db.session.execute(
            select(case_district, func.count()).where(in_province, Case.created_at >= month_start)
            .group_by(case_district)):
        row(code).cases_this_month = n
    return counts
