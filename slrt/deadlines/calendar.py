"""Working-day arithmetic. A working day is Monday–Friday that is neither a national holiday or joint
leave day (the `holidays` package, public and government categories) nor a district day off."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from sqlalchemy import select

from slrt.extensions import db


@lru_cache(maxsize=64)
def _national(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("ID", years=year, categories=("public", "government"))
    return frozenset(calendar.keys())


def district_days_off(region_code: str) -> frozenset[date]:
    from slrt.deadlines.models import DayOff
    return frozenset(db.session.scalars(select(DayOff.day).where(DayOff.region_code == region_code)))


def is_working_day(day: date, days_off: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _national(day.year) and day not in days_off


def add_working_days(start: date, count: int, days_off: frozenset[date] = frozenset()) -> date:
    """The date `count` working days after `start` (start itself does not count)."""
    day = start
    remaining = count
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            remaining -= 1
    return day


def working_days_between(start: date, end: date, days_off: frozenset[date] = frozenset()) -> int:
    """Working days after `start` up to and including `end` (negative if end is before start)."""
    if end < start:
        return -working_days_between(end, start, days_off)
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, days_off):
            count += 1
    return count
