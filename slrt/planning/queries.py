"""The planning figures ("tepat sasaran") for a budget year and a region: needs recorded versus served, the
cases still waiting, the quota used, and the cost of the unmet need at the unit cost; and the what-if.

Counted from the cases and referrals as they stand (nothing is kept as a counter, so a referral signed off or
completed a minute ago already counts): a household is a case.
- needs: cases living in the area with the programme among their recorded needs, registered by the end of the
  year;
- served: cases with a referral to the programme completed by the agency (signed off in the year);
- in progress: cases with a referral signed off in the year that the agency has not finished;
- quota used: served + in progress, over the whole district (the quota is the district's);
- waiting: cases with the need and no referral to the programme signed off and still alive (any year);
- unmet cost: waiting x unit cost.
Only aggregates leave this module: no name, no NIK.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import abort
from sqlalchemy import distinct, func, select

from slrt.cases.models import Case, CaseNeed
from slrt.core.time import local_day_bounds_utc
from slrt.extensions import db
from slrt.planning.models import LocalProgramme
from slrt.referrals.models import Referral, ReferralStatus
from slrt.regions.models import region_prefix_match

SERVED = (ReferralStatus.COMPLETED,)
IN_PROGRESS = (ReferralStatus.APPROVED, ReferralStatus.ACCEPTED, ReferralStatus.NEEDS_DOCUMENTS)


def load_plan(plan_id: int, district: str) -> LocalProgramme:
    """A local programme of this district (404 otherwise; the route checks who may see or change it)."""
    plan = db.session.get(LocalProgramme, plan_id)
    if plan is None or plan.region_code != district:
        abort(404)
    return plan


def plans_of(district: str, year: int) -> list[LocalProgramme]:
    return list(db.session.scalars(select(LocalProgramme).where(
        LocalProgramme.region_code == district, LocalProgramme.budget_year == year)
        .order_by(LocalProgramme.status, LocalProgramme.id)))


def budget_years(district: str, today: date) -> list[int]:
    kept = set(db.session.scalars(select(LocalProgramme.budget_year).distinct()
                                  .where(LocalProgramme.region_code == district)))
    return sorted(kept | {today.year, today.year + 1}, reverse=True)


@dataclass
class Counts:
    needs: int = 0
    served: int = 0
    in_progress: int = 0
    waiting: int = 0

    def add(self, other: "Counts") -> None:
        self.needs += other.needs
        self.served += other.served
        self.in_progress += other.in_progress
        self.waiting += other.waiting


@dataclass
class PlanFigures:
    plan: LocalProgramme
    area: Counts                 # in the chosen area
    used: int                    # of the district's quota: served + in progress, district-wide

    @property
    def remaining(self) -> int:
        return max(0, self.plan.quota - self.used)

    @property
    def unmet_cost(self) -> int:
        return self.area.waiting * self.plan.unit_cost

    @property
    def used_percent(self) -> int:
        return min(100, round(100 * self.used / self.plan.quota)) if self.plan.quota else 0


@dataclass
class AreaRow:
    code: str
    name: str
    counts: dict[int, Counts] = field(default_factory=dict)  # plan id -> counts
    unmet_cost: int = 0

    def total(self) -> Counts:
        out = Counts()
        for c in self.counts.values():
            out.add(c)
        return out


@dataclass
class Planning:
    year: int
    region_code: str
    plans: list[PlanFigures]
    areas: list[AreaRow]          # the areas one level below the region (districts for a province)

    @property
    def unmet_cost(self) -> int:
        return sum(p.unmet_cost for p in self.plans)


def _year_bounds(year: int):
    start, _ = local_day_bounds_utc(date(year, 1, 1))
    end, _ = local_day_bounds_utc(date(year + 1, 1, 1))
    return start, end


def _per_desa(region: str, programme_ids: list[int], year: int) -> dict[tuple[str, int], Counts]:
    """(desa code, programme id) -> Counts, for the cases living under `region`."""
    out: dict[tuple[str, int], Counts] = defaultdict(Counts)
    if not programme_ids:
        return out
    _start, end = _year_bounds(year)
    in_area = region_prefix_match(Case.region_code, region)
    needs = db.session.execute(
        select(Case.region_code, CaseNeed.programme_id, func.count(distinct(Case.id)))
        .join(CaseNeed, CaseNeed.case_id == Case.id)
        .where(in_area, CaseNeed.programme_id.in_(programme_ids), Case.created_at < end)
        .group_by(Case.region_code, CaseNeed.programme_id))
    for desa, pid, n in needs:
        out[(desa, pid)].needs = n
    first, last = date(year, 1, 1), date(year, 12, 31)
    for statuses, attribute in ((SERVED, "served"), (IN_PROGRESS, "in_progress")):
        rows = db.session.execute(
            select(Case.region_code, Referral.programme_id, func.count(distinct(Case.id)))
            .join(Referral, Referral.case_id == Case.id)
            .where(in_area, Referral.programme_id.in_(programme_ids), Referral.status.in_(statuses),
                   Referral.letter_date.between(first, last))
            .group_by(Case.region_code, Referral.programme_id))
        for desa, pid, n in rows:
            setattr(out[(desa, pid)], attribute, n)
    alive = (select(Referral.id).where(Referral.case_id == Case.id, Referral.programme_id == CaseNeed.programme_id,
                                       Referral.status.in_(SERVED + IN_PROGRESS)).exists())
    waiting = db.session.execute(
        select(Case.region_code, CaseNeed.programme_id, func.count(distinct(Case.id)))
        .join(CaseNeed, CaseNeed.case_id == Case.id)
        .where(in_area, CaseNeed.programme_id.in_(programme_ids), Case.created_at < end, ~alive)
        .group_by(Case.region_code, CaseNeed.programme_id))
    for desa, pid, n in waiting:
        out[(desa, pid)].waiting = n
    return out


def _child(code: str, region: str) -> str:
    """The area one level below `region` that `code` lies in (a district for a province, ...)."""
    depth = {2: 5, 5: 8, 8: 13}.get(len(region), len(code))
    return code[:depth]


def build(district: str, region: str, year: int) -> Planning:
    """The planning figures of `year` for `region` (the district, a kecamatan or a desa of it, or the province
    the district lies in)."""
    plans = plans_of(district, year)
    by_programme = {p.programme_id: p for p in plans}
    scope = district if len(region) < len(district) else region  # a province sees its district(s) here
    per_desa = _per_desa(scope, list(by_programme), year)
    district_counts = per_desa if scope == district else _per_desa(district, list(by_programme), year)
    used: dict[int, int] = defaultdict(int)
    for (_desa, pid), c in district_counts.items():
        used[pid] += c.served + c.in_progress
    area: dict[int, Counts] = defaultdict(Counts)
    rows: dict[str, AreaRow] = {}
    for (desa, pid), c in per_desa.items():
        plan = by_programme[pid]
        area[plan.id].add(c)
        child = _child(desa, region)
        row = rows.setdefault(child, AreaRow(child, child))
        row.counts.setdefault(plan.id, Counts()).add(c)
        row.unmet_cost += c.waiting * plan.unit_cost
    from slrt.regions.operations import names_for
    names = names_for(list(rows))
    for row in rows.values():
        row.name = names.get(row.code, row.code)
    figures = [PlanFigures(p, area[p.id], used[p.programme_id]) for p in plans]
    return Planning(year, region, figures, sorted(rows.values(), key=lambda r: r.name))


@dataclass
class WhatIf:
    quota: int
    unit_cost: int
    used: int
    waiting: int

    @property
    def free(self) -> int:
        """Places of the quota not yet taken by referrals."""
        return max(0, self.quota - self.used)

    @property
    def covered(self) -> int:
        """Waiting households the free places cover."""
        return min(self.waiting, self.free)

    @property
    def still_waiting(self) -> int:
        return self.waiting - self.covered

    @property
    def cost_of_covered(self) -> int:
        return self.covered * self.unit_cost

    @property
    def budget(self) -> int:
        """What the whole quota costs at the unit cost."""
        return self.quota * self.unit_cost

    @property
    def quota_for_all(self) -> int:
        """The quota that would cover every waiting household too."""
        return self.used + self.waiting



@dataclass
class DistrictRow:
    code: str
    name: str
    by_status: dict[str, int] = field(default_factory=dict)
    late_referrals: int = 0
    needs: int = 0
    active: bool = True  # False: deactivated, no longer served here; its recorded cases still count

    @property
    def cases(self) -> int:
        return sum(self.by_status.values())


def districts_side_by_side(province: str, today: date) -> list[DistrictRow]:
    """Counts only, per district of this database under `province`: cases by status, late referrals and recorded
    needs, each case counted in the district of the office that registered it. A deactivated district is listed
    too (marked): its cases are still in the database and in the province's figures, so the rows add up."""
    from slrt.referrals.lateness import late_condition
    from slrt.regions.districts import DISTRICT_LENGTH, hosted_districts
    rows = {d.code: DistrictRow(d.code, d.name, active=bool(d.active))
            for d in hosted_districts(include_inactive=True) if d.code.startswith(province + ".")}
    if not rows:
        return []
    district = func.substr(Case.office_region_code, 1, DISTRICT_LENGTH)
    in_province = region_prefix_match(Case.office_region_code, province)
    for code, status, n in db.session.execute(
            select(district, Case.status, func.count()).where(in_province).group_by(district, Case.status)):
        if code in rows:
            rows[code].by_status[status] = n
    late = select(district, func.count(Referral.id)).join(Case, Case.id == Referral.case_id) \
        .where(in_province, late_condition(today)).group_by(district)
    needs = select(district, func.count(CaseNeed.id)).join(Case, Case.id == CaseNeed.case_id) \
        .where(in_province).group_by(district)
    for query, attribute in ((late, "late_referrals"), (needs, "needs")):
        for code, n in db.session.execute(query):
            if code in rows:
                setattr(rows[code], attribute, n)
    return list(rows.values())
