"""Working-day arithmetic. A working day is Monday–Friday that is neither a national holiday or joint
leave day (cuti bersama: the `holidays` package, public and government categories) nor a district day off.

Caching: the national calendar of a year never changes while a process runs (it ships with the installed
`holidays` version), so it is cached per process. District days off are edited by the administrator in
another worker at any time, so they are read from the database and cached only for the current app context
(one request or one command), never across requests.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import g, has_app_context
from sqlalchemy import select

from slrt.extensions import db

CATEGORIES = ("public", "government")  # government = cuti bersama (joint leave days of civil servants)


@lru_cache(maxsize=64)
def _national(year: int) -> frozenset[date]:
    calendar = holidays.country_holidays("ID", years=year, categories=CATEGORIES)
    return frozenset(calendar.keys())


@lru_cache(maxsize=16)
def national_holidays(year: int, language: str = "id") -> tuple[tuple[date, str], ...]:
    """The year's national holidays and joint leave days with their names, in date order."""
    calendar = holidays.country_holidays("ID", years=year, categories=CATEGORIES,
                                         language="id" if language == "id" else "en_US")
    return tuple(sorted(calendar.items()))


def district_days_off(region_code: str) -> frozenset[date]:
    """The district's own days off (read once per request or command)."""
    from slrt.deadlines.models import DayOff
    cache = g.setdefault("_slrt_days_off", {}) if has_app_context() else {}
    if region_code not in cache:
        cache[region_code] = frozenset(db.session.scalars(select(DayOff.day).where(DayOff.region_code == region_code)))
    return cache[region_code]


def forget_district_days_off() -> None:
    """Drop the request's copy after the administrator changed the list."""
    if has_app_context():
        g.pop("_slrt_days_off", None)


def is_working_day(day: date, days_off: frozenset[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in _national(day.year) and day not in days_off


def add_working_days(start: date, count: int, days_off: frozenset[date] = frozenset()) -> date:
    """The date `count` working days after `start` (start itself does not count).

    A negative count goes back in time; zero gives `start` back unchanged.
    """
    step = 1 if count >= 0 else -1
    day, remaining = start, abs(count)
    while remaining > 0:
        day += timedelta(days=step)
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


def extend_for_pause(due: date, paused_from: date, resumed_on: date | None,
                     days_off: frozenset[date] = frozenset()) -> date:
    """The due date once a paused clock has run again (e.g. while waiting for the citizen's documents).

    The deadline moves by the working days lost during the pause: those after `paused_from` up to and
    including `resumed_on` (None: still paused, counted up to today). A deadline that had already passed
    when the clock paused stays where it was: pausing does not make a late item on time.
    """
    if resumed_on is None:
        from slrt.core.time import local_today
        resumed_on = local_today() if has_app_context() else date.today()
    if paused_from > due or resumed_on <= paused_from:
        return due
    lost = working_days_between(paused_from, resumed_on, days_off)
    return add_working_days(due, lost, days_off)
