"""Pre-counting cases per month for the trend chart (the only state this feature keeps)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import delete, func, insert, select

from slrt.audit.operations import record
from slrt.cases.models import Case
from slrt.core.time import local_day_bounds_utc, local_today
from slrt.extensions import db
from slrt.reports.filters import month_bounds
from slrt.reports.models import CaseMonthCount, SummarisedMonth


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def summarise_month(year: int, month: int) -> int:
    """(Re)count one month's cases by desa and office. Returns the number of cases counted."""
    key = f"{year:04d}-{month:02d}"
    first, last = month_bounds(year, month)
    start, end = local_day_bounds_utc(first)[0], local_day_bounds_utc(last)[1]
    db.session.execute(delete(CaseMonthCount).where(CaseMonthCount.month == key))
    db.session.execute(delete(SummarisedMonth).where(SummarisedMonth.month == key))
    counts = (select(func.count()).where(Case.created_at >= start, Case.created_at <= end))
    grouped = (select(Case.region_code, Case.office_region_code, func.count())
               .where(Case.created_at >= start, Case.created_at <= end)
               .group_by(Case.region_code, Case.office_region_code))
    rows = db.session.execute(grouped).all()
    if rows:
        db.session.execute(insert(CaseMonthCount), [
            {"month": key, "region_code": r, "office_region_code": o, "cases": n} for r, o, n in rows])
    db.session.add(SummarisedMonth(month=key))
    db.session.flush()
    return db.session.scalar(counts.select_from(Case))


def summarise(all_months: bool = False) -> dict[str, int]:
    """Count every month that is over and not yet counted (or, with all_months, recount them all).
    The current month is never stored: it is always counted live."""
    current = month_key(local_today())
    first = db.session.scalar(select(func.min(Case.created_at)))
    if first is None:
        return {}
    done = set() if all_months else set(db.session.scalars(select(SummarisedMonth.month)))
    year, month = first.year, first.month
    counted: dict[str, int] = {}
    while f"{year:04d}-{month:02d}" < current:
        key = f"{year:04d}-{month:02d}"
        if key not in done:
            counted[key] = summarise_month(year, month)
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    record("report.summarise", None, note=f"months={len(counted)} cases={sum(counted.values())}")
    return counted


def forget_month(day: date) -> None:
    """A case of a past month was added, moved to another desa or removed: count that month live again
    until the next summary (called by features that change a case's region or registration time)."""
    db.session.execute(delete(SummarisedMonth).where(SummarisedMonth.month == month_key(day)))
