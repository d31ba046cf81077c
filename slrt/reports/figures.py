"""The dashboard's figures. Each is a GROUP BY over the same base query that the list behind it filters
(`lists.py`), so a figure and its list always agree. Statuses are iterated from the enums, never listed."""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import format_date
from sqlalchemy import Float, and_, case, distinct, func, literal, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from slrt.admin.models import Agency, ComplaintCategory, Programme
from slrt.auth.models import User
from slrt.cases.models import Case, CaseStatus, Complaint, VisitType
from slrt.core.time import local_day_bounds_utc, local_zone
from slrt.extensions import db
from slrt.referrals.lateness import late_condition
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


def _new_start(f: ReportFilter, which: str) -> datetime:
    today = f.today
    first = today - timedelta(days=today.weekday()) if which == "week" else today.replace(day=1)
    return local_day_bounds_utc(first)[0]


def new_since(f: ReportFilter, which: str):
    """Cases registered since Monday of this week or the 1st of this month (whatever the period)."""
    return Case.created_at >= _new_start(f, which)


def referral_base(f: ReportFilter, user, *columns):
    query = select(*columns) if columns else select(Referral)
    return scoped(query.select_from(Referral).join(Case, Referral.case_id == Case.id), f, user)


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


class days_between(FunctionElement):
    """Days (fractional) from one timestamp to another, computed by the database."""
    type = Float()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


@compiles(days_between)
def _days_mysql(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"(TIMESTAMPDIFF(SECOND, {compiler.process(start, **kw)}, {compiler.process(end, **kw)}) / 86400.0)"


class local_days_since(FunctionElement):
    """Whole calendar days from a date to the local date of a naive-UTC timestamp: (date, timestamp, hours)."""
    type = Float()
    inherit_cache = True


@compiles(local_days_since, "sqlite")
def _local_days_sqlite(element, compiler, **kw):
    day, moment, hours = list(element.clauses)
    return (f"(julianday(date({compiler.process(moment, **kw)}, printf('%+d hours', {compiler.process(hours, **kw)})))"
            f" - julianday({compiler.process(day, **kw)}))")


@compiles(local_days_since)
def _local_days_mysql(element, compiler, **kw):
    day, moment, hours = list(element.clauses)
    return (f"DATEDIFF(DATE({compiler.process(moment, **kw)} + INTERVAL {compiler.process(hours, **kw)} HOUR), "
            f"{compiler.process(day, **kw)})")


def _utc_offset_hours() -> int:
    """The district's offset from UTC (Indonesian zones have no daylight saving time)."""
    return int(datetime.now(local_zone()).utcoffset().total_seconds() // 3600)


def signoff_days(f: ReportFilter, user) -> list[tuple[str, float]]:
    """Registration → sign-off decision, in days, for referrals decided in the period (by sub-region)."""
    rows = db.session.execute(referral_base(f, user, child_key(f), days_between(Case.created_at, Referral.decided_at))
                              .where(in_period(Referral.decided_at, f))).all()
    return [(code, float(days)) for code, days in rows]


def response_days(f: ReportFilter, user) -> list[tuple[str, float]]:
    """Letter date → the agency's answer (local calendar days), for answers received in the period."""
    days = local_days_since(Referral.letter_date, Referral.responded_at, literal(_utc_offset_hours()))
    rows = db.session.execute(referral_base(f, user, child_key(f), days)
                              .where(in_period(Referral.responded_at, f), Referral.letter_date.is_not(None))).all()
    return [(code, float(d)) for code, d in rows]


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

CHILD_LENGTH = {2: 5, 5: 8, 8: 13}   # a province's districts, a district's kecamatan, a kecamatan's desa


def child_key(f: ReportFilter):
    """The code of the region one level below the drill-down region that a case lies in (the first
    characters of its desa code), so grouping happens in the database at the level shown."""
    length = CHILD_LENGTH.get(len(f.scope_region))
    return func.substr(Case.region_code, 1, length) if length else literal("")


def case_facts(f, user) -> list[tuple[str, str, str, int]]:
    """(sub-region, status, visit type, cases) of the period: by status, by visit type and by region at once."""
    key = child_key(f)
    return [tuple(r) for r in db.session.execute(
        period_cases(f, user, key, Case.status, Case.visit_type, func.count())
        .group_by(key, Case.status, Case.visit_type)).all()]


def _sum_by(facts, index: int) -> dict:
    out: dict = {}
    for fact in facts:
        out[fact[index]] = out.get(fact[index], 0) + fact[-1]
    return out


def cases_by_status(facts) -> list[Row]:
    counts = _sum_by(facts, 1)
    statuses = [s.value for s in CaseStatus] + sorted(set(counts) - {s.value for s in CaseStatus})
    return [Row(s, s, counts.get(s, 0)) for s in statuses]


def new_counts(f, user) -> dict[str, int]:
    week, month = new_since(f, "week"), new_since(f, "month")
    since = min(_new_start(f, "week"), _new_start(f, "month"))  # this week may begin last month
    query = scoped(select(func.count(case((week, 1))), func.count(case((month, 1)))).select_from(Case), f, user
                   ).where(Case.created_at >= since)
    in_week, in_month = db.session.execute(query).one()
    return {"week": in_week, "month": in_month}


def by_visit_type(facts) -> list[Row]:
    counts = _sum_by(facts, 2)
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


def referral_facts(f, user, column=None) -> list[tuple]:
    """(sub-region, agency, status, referrals) of the referrals drafted in the period; with `column`,
    (column, status, referrals)."""
    keys = (column,) if column is not None else (child_key(f), Referral.agency_id)
    return [tuple(r) for r in db.session.execute(
        referral_base(f, user, *keys, Referral.status, func.count())
        .where(in_period(Referral.created_at, f)).group_by(*keys, Referral.status)).all()]


def _referral_matrix(facts, index: int, model) -> list[Row]:
    rows: dict = {}
    for fact in facts:
        key, status, count = fact[index] or 0, fact[-2], fact[-1]
        row = rows.setdefault(key, Row(key, ""))
        row.cells[status] = row.cells.get(status, 0) + count
        row.count += count
    labels = names(model, rows)
    for key, row in rows.items():
        row.label = labels.get(key, "")
    return sorted(rows.values(), key=lambda r: (-r.count, r.label))


def referrals_by_agency(facts) -> list[Row]:
    return _referral_matrix(facts, 1, Agency)


def referrals_by_programme(facts) -> list[Row]:
    """From referral_facts(f, user, Referral.programme_id)."""
    return _referral_matrix(facts, 0, Programme)


def referral_statuses(*matrices) -> list[str]:
    """The referral statuses to show as columns: those that occur, in the enum's order (then unknown ones)."""
    seen = {s for m in matrices for r in m for s in r.cells if r.cells[s]}
    known = [s.value for s in ReferralStatus]
    return [s for s in known if s in seen] + sorted(seen - set(known))


def late_facts(f, user, column=None) -> list[tuple]:
    """(sub-region, late at sign-off, late at the agency, referrals) of the referrals late today; with
    `column`, (column, referrals)."""
    if column is not None:
        keys = (column,)
    else:
        keys = (child_key(f), case((late_condition(f.today, "signoff"), 1), else_=0),
                case((late_condition(f.today, "response"), 1), else_=0))
    return [tuple(r) for r in db.session.execute(
        referral_base(f, user, *keys, func.count()).where(late_condition(f.today)).group_by(*keys)).all()]


def late_by(facts, model, attr="name") -> list[Row]:
    """From late_facts(f, user, column)."""
    counts = _sum_by(facts, 0)
    labels = names(model, counts, attr)
    return sorted((Row(k or 0, labels.get(k, ""), c) for k, c in counts.items()), key=lambda r: (-r.count, r.label))


def late_totals(facts) -> dict[str, int]:
    return {"signoff": sum(f[-1] for f in facts if f[1]), "response": sum(f[-1] for f in facts if f[2]),
            "any": sum(f[-1] for f in facts)}


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


def by_region(f, cases, referrals, late, signoff: list[tuple[str, float]]) -> list[Row]:
    """The drill-down: each region one level below the current one, with its figures side by side."""
    children = [(r.code, r.name) for r in regions.children(f.scope_region)]
    if not children:
        return []
    rows = {c: Row(c, name, 0, {"statuses": {}, "referrals": 0, "completed": 0, "late": 0, "signoff": []})
            for c, name in children}
    row_of = rows.get   # the facts are grouped by sub-region already (child_key)

    for code, status, _visit, count in cases:
        if row := row_of(code):
            row.cells["statuses"][status] = row.cells["statuses"].get(status, 0) + count
            row.count += count
    for code, _agency, status, count in referrals:
        if row := row_of(code):
            row.cells["referrals"] += count
            if status == COMPLETED:
                row.cells["completed"] += count
    for fact in late:
        if row := row_of(fact[0]):
            row.cells["late"] += fact[-1]
    for code, days in signoff:
        if row := row_of(code):
            row.cells["signoff"].append(days)
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
    cases = case_facts(f, user)
    referrals = referral_facts(f, user)
    late = late_facts(f, user)
    by_status = cases_by_status(cases)
    by_agency = referrals_by_agency(referrals)
    signoff = signoff_days(f, user)
    response = response_days(f, user)
    return Dashboard(
        filter=f, by_status=by_status, new=new_counts(f, user), total=sum(r.count for r in by_status),
        by_visit_type=by_visit_type(cases), by_category=by_category(f, user),
        by_agency=by_agency, by_programme=referrals_by_programme(referral_facts(f, user, Referral.programme_id)),
        statuses=referral_statuses(by_agency), referrals_total=sum(r.count for r in by_agency),
        late=late_totals(late),
        late_by_agency=late_by(late_facts(f, user, Referral.agency_id), Agency),
        late_by_officer=late_by(late_facts(f, user, Referral.drafted_by_id), User, "full_name"),
        signoff=summary([d for _, d in signoff]), response=summary([d for _, d in response]),
        regions=by_region(f, cases, referrals, late, signoff), per_month=cases_per_month(f, user),
        outcomes=outcomes_per_agency(by_agency),
    )
