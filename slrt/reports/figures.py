"""The dashboard's figures. Each is a GROUP BY over the same base query that the list behind it filters
(`lists.py`), so a figure and its list always agree. Statuses are iterated from the enums, never listed."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import format_date
from sqlalchemy import and_, distinct, func, or_, select

from slrt.admin.models import Agency, ComplaintCategory, Programme
from slrt.auth.models import User
from slrt.cases.models import Case, CaseStatus, Complaint, VisitType
from slrt.core.time import local_day_bounds_utc, to_local
from slrt.extensions import db
from slrt.referrals.models import Referral, ReferralStatus
from slrt.regions import operations as regions
from slrt.regions.models import region_prefix_match
from slrt.reports.filters import ReportFilter, month_bounds
from slrt.reports.scoping import scope_report_cases

# Where a referral stands, for the "outcomes per agency" chart. Any status not named here (drafts, sign-off
# steps and whatever the referral workflow adds later) counts as "not yet at the agency".
AT_AGENCY = {"approved", "accepted", "needs_documents"}
COMPLETED, DECLINED = "completed", "declined"
ANSWERED = {COMPLETED, DECLINED}
BUCKETS = ("completed", "declined", "at_agency", "before_agency")


def bucket_of(status: str) -> str:
    if status == COMPLETED:
        return "completed"
    if status == DECLINED:
        return "declined"
    return "at_agency" if status in AT_AGENCY else "before_agency"


# ---- base queries (shared with lists.py) -------------------------------------------------------------

def scoped(query, f: ReportFilter, user):
    """Cases (or rows joined to Case) the user's report may count, under the drill-down region."""
    query = scope_report_cases(query, user)
    if f.region:
        query = query.where(region_prefix_match(Case.region_code, f.region))
    return query


def in_period(column, f: ReportFilter):
    start, end = f.utc_bounds
    return and_(column >= start, column <= end)


def period_cases(f: ReportFilter, user, *columns):
    query = select(*columns) if columns else select(Case)
    return scoped(query, f, user).where(in_period(Case.created_at, f))


def new_since(f: ReportFilter, which: str):
    """Cases registered since Monday of this week or the 1st of this month (whatever the period)."""
    today = f.today
    first = today - timedelta(days=today.weekday()) if which == "week" else today.replace(day=1)
    return Case.created_at >= local_day_bounds_utc(first)[0]


def referral_base(f: ReportFilter, user, *columns):
    query = select(*columns) if columns else select(Referral)
    return scoped(query.select_from(Referral).join(Case, Referral.case_id == Case.id), f, user)


def late_condition(today: date, which: str = "any"):
    signoff = and_(Referral.signoff_due < today, Referral.decided_at.is_(None))
    response = and_(Referral.response_due < today, Referral.responded_at.is_(None))
    return {"signoff": signoff, "response": response}.get(which, or_(signoff, response))


# ---- helpers -----------------------------------------------------------------------------------------

def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (the value below which pct% of the values lie; no interpolation)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict:
    return {"count": len(values),
            "median": round(statistics.median(values), 1) if values else None,
            "p90": round(percentile(values, 90), 1) if values else None}


def signoff_days(f: ReportFilter, user) -> list[tuple[str, float]]:
    """Registration → sign-off decision, in days, for referrals decided in the period."""
    rows = db.session.execute(referral_base(f, user, Case.region_code, Case.created_at, Referral.decided_at)
                              .where(in_period(Referral.decided_at, f))).all()
    return [(code, (decided - created).total_seconds() / 86400) for code, created, decided in rows]


def response_days(f: ReportFilter, user) -> list[tuple[str, float]]:
    """Letter date → the agency's answer (local calendar days), for answers received in the period."""
    rows = db.session.execute(referral_base(f, user, Case.region_code, Referral.letter_date, Referral.responded_at)
                              .where(in_period(Referral.responded_at, f), Referral.letter_date.is_not(None))).all()
    return [(code, float((to_local(answered).date() - letter).days)) for code, letter, answered in rows]


def names(model, ids, attr="name") -> dict[int, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, getattr(model, attr)).where(model.id.in_(ids))).all())


@dataclass
class Row:
    key: object
    label: str
    count: int = 0
    cells: dict = field(default_factory=dict)


# ---- the dashboard -----------------------------------------------------------------------------------

def cases_by_status(f, user) -> list[Row]:
    counts = dict(db.session.execute(period_cases(f, user, Case.status, func.count()).group_by(Case.status)).all())
    statuses = [s.value for s in CaseStatus] + sorted(set(counts) - {s.value for s in CaseStatus})
    return [Row(s, s, counts.get(s, 0)) for s in statuses]


def new_counts(f, user) -> dict[str, int]:
    base = scoped(select(func.count()).select_from(Case), f, user)
    return {which: db.session.scalar(base.where(new_since(f, which))) for which in ("week", "month")}


def by_visit_type(f, user) -> list[Row]:
    counts = dict(db.session.execute(period_cases(f, user, Case.visit_type, func.count())
                                     .group_by(Case.visit_type)).all())
    kinds = [v.value for v in VisitType] + sorted(set(counts) - {v.value for v in VisitType})
    return [Row(v, v, counts.get(v, 0)) for v in kinds]


def by_category(f, user) -> list[Row]:
    """Cases per complaint category (a case with two complaints of one category counts once)."""
    query = (period_cases(f, user, Complaint.category_id, func.count(distinct(Case.id)))
             .join(Complaint, Complaint.case_id == Case.id).group_by(Complaint.category_id))
    counts = dict(db.session.execute(query).all())
    categories = db.session.execute(select(ComplaintCategory.id, ComplaintCategory.name)
                                    .order_by(ComplaintCategory.sort_order, ComplaintCategory.id)).all()
    return [Row(cid, name, counts.get(cid, 0)) for cid, name in categories]


def _referral_matrix(f, user, column, model) -> list[Row]:
    query = (referral_base(f, user, column, Referral.status, func.count())
             .where(in_period(Referral.created_at, f)).group_by(column, Referral.status))
    rows: dict = {}
    for key, status, count in db.session.execute(query).all():
        row = rows.setdefault(key or 0, Row(key or 0, ""))
        row.cells[status] = row.cells.get(status, 0) + count
        row.count += count
    labels = names(model, rows)
    for key, row in rows.items():
        row.label = labels.get(key, "")
    return sorted(rows.values(), key=lambda r: (-r.count, r.label))


def referrals_by_agency(f, user) -> list[Row]:
    return _referral_matrix(f, user, Referral.agency_id, Agency)


def referrals_by_programme(f, user) -> list[Row]:
    return _referral_matrix(f, user, Referral.programme_id, Programme)


def referral_statuses(*matrices) -> list[str]:
    """The referral statuses to show as columns: those that occur, in the enum's order (then unknown ones)."""
    seen = {s for m in matrices for r in m for s in r.cells if r.cells[s]}
    known = [s.value for s in ReferralStatus]
    return [s for s in known if s in seen] + sorted(seen - set(known))


def late_by(f, user, column, model, attr="name") -> list[Row]:
    query = (referral_base(f, user, column, func.count()).where(late_condition(f.today))
             .group_by(column))
    counts = dict(db.session.execute(query).all())
    labels = names(model, counts, attr)
    return sorted((Row(k or 0, labels.get(k, ""), c) for k, c in counts.items()), key=lambda r: (-r.count, r.label))


def late_totals(f, user) -> dict[str, int]:
    base = referral_base(f, user, func.count())
    return {which: db.session.scalar(base.where(late_condition(f.today, which)))
            for which in ("signoff", "response", "any")}


def cases_per_month(f, user, months: int = 12) -> list[Row]:
    """Cases registered in each of the `months` months that end with the period's last month. Months that
    `flask reports summarise` has counted are read from the pre-counted table, the others counted live."""
    from slrt.reports.models import CaseMonthCount, SummarisedMonth
    from slrt.reports.scoping import scope_month_counts
    last = f.bounds[1]
    year, month = last.year, last.month
    wanted = []
    for _ in range(months):
        wanted.append((year, month, f"{year:04d}-{month:02d}"))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    keys = [k for _, _, k in wanted]
    summarised = set(db.session.scalars(select(SummarisedMonth.month).where(SummarisedMonth.month.in_(keys))))
    counted: dict[str, int] = {}
    if summarised:
        query = select(CaseMonthCount.month, func.sum(CaseMonthCount.cases)).where(
            CaseMonthCount.month.in_(summarised)).group_by(CaseMonthCount.month)
        query = scope_month_counts(query, user)
        if f.region:
            query = query.where(region_prefix_match(CaseMonthCount.region_code, f.region))
        counted = {k: int(v) for k, v in db.session.execute(query).all()}
    base = scoped(select(func.count()).select_from(Case), f, user)
    rows = []
    for year, month, key in reversed(wanted):
        first_day, last_day = month_bounds(year, month)
        if key in summarised:
            count = counted.get(key, 0)
        else:
            count = db.session.scalar(base.where(Case.created_at >= local_day_bounds_utc(first_day)[0],
                                                 Case.created_at <= local_day_bounds_utc(last_day)[1]))
        rows.append(Row(key, format_date(first_day, "MMM yyyy"), count))
    return rows


def outcomes_per_agency(agency_rows: list[Row]) -> list[Row]:
    out = []
    for row in agency_rows:
        cells = dict.fromkeys(BUCKETS, 0)
        for status, count in row.cells.items():
            cells[bucket_of(status)] += count
        out.append(Row(row.key, row.label, row.count, cells))
    return out


def _child_of(code: str, children: list[str]) -> str | None:
    for child in children:
        if code == child or code.startswith(child + "."):
            return child
    return None


def by_region(f, user, signoff: list[tuple[str, float]]) -> list[Row]:
    """The drill-down: each region one level below the current one, with its figures side by side."""
    children = [(r.code, r.name) for r in regions.children(f.scope_region)]
    if not children:
        return []
    codes = [c for c, _ in children]
    rows = {c: Row(c, name, 0, {"statuses": {}, "referrals": 0, "completed": 0, "late": 0, "signoff": []})
            for c, name in children}

    def add(code, key, value):
        child = _child_of(code, codes)
        if child is not None:
            cell = rows[child].cells
            if key == "statuses":
                cell["statuses"][value[0]] = cell["statuses"].get(value[0], 0) + value[1]
                rows[child].count += value[1]
            elif key == "signoff":
                cell["signoff"].append(value)
            else:
                cell[key] += value

    for code, status, count in db.session.execute(
            period_cases(f, user, Case.region_code, Case.status, func.count())
            .group_by(Case.region_code, Case.status)).all():
        add(code, "statuses", (status, count))
    for code, status, count in db.session.execute(
            referral_base(f, user, Case.region_code, Referral.status, func.count())
            .where(in_period(Referral.created_at, f)).group_by(Case.region_code, Referral.status)).all():
        add(code, "referrals", count)
        if status == COMPLETED:
            add(code, "completed", count)
    for code, count in db.session.execute(
            referral_base(f, user, Case.region_code, func.count()).where(late_condition(f.today))
            .group_by(Case.region_code)).all():
        add(code, "late", count)
    for code, days in signoff:
        add(code, "signoff", days)
    for row in rows.values():
        row.cells["signoff"] = summary(row.cells["signoff"])
    return list(rows.values())


@dataclass
class Dashboard:
    filter: ReportFilter
    by_status: list[Row]
    new: dict[str, int]
    total: int
    by_visit_type: list[Row]
    by_category: list[Row]
    by_agency: list[Row]
    by_programme: list[Row]
    statuses: list[str]
    referrals_total: int
    late: dict[str, int]
    late_by_agency: list[Row]
    late_by_officer: list[Row]
    signoff: dict
    response: dict
    regions: list[Row]
    per_month: list[Row]
    outcomes: list[Row]


def build(f: ReportFilter, user) -> Dashboard:
    by_status = cases_by_status(f, user)
    by_agency = referrals_by_agency(f, user)
    by_programme = referrals_by_programme(f, user)
    signoff = signoff_days(f, user)
    response = response_days(f, user)
    return Dashboard(
        filter=f, by_status=by_status, new=new_counts(f, user), total=sum(r.count for r in by_status),
        by_visit_type=by_visit_type(f, user), by_category=by_category(f, user),
        by_agency=by_agency, by_programme=by_programme, statuses=referral_statuses(by_agency),
        referrals_total=sum(r.count for r in by_agency),
        late=late_totals(f, user),
        late_by_agency=late_by(f, user, Referral.agency_id, Agency),
        late_by_officer=late_by(f, user, Referral.drafted_by_id, User, "full_name"),
        signoff=summary([d for _, d in signoff]), response=summary([d for _, d in response]),
        regions=by_region(f, user, signoff), per_month=cases_per_month(f, user),
        outcomes=outcomes_per_agency(by_agency),
    )
