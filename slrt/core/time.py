"""Clock helpers. The database stores naive UTC; pages show the district's local time."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app

# A moment set by `clock_at` (naive UTC): the demo seed runs the real operations at past moments, so the
# rows, events, audit trail, letters and deadlines of a district's last six months carry their own dates.
_CLOCK: ContextVar[datetime | None] = ContextVar("slrt_clock", default=None)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the enclosed code as if it were `moment` (naive UTC). Only the demo seed does; requests never."""
    token = _CLOCK.set(moment)
    try:
        yield
    finally:
        _CLOCK.reset(token)


def utcnow() -> datetime:
    fixed = _CLOCK.get()
    return fixed if fixed is not None else datetime.now(timezone.utc).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SLRT_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(local_zone())


def local_today() -> date:
    fixed = _CLOCK.get()
    return to_local(fixed).date() if fixed is not None else datetime.now(local_zone()).date()


def local_day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=local_zone())
    end = datetime.combine(day, datetime.max.time(), tzinfo=local_zone())
    return (start.astimezone(timezone.utc).replace(tzinfo=None),
            end.astimezone(timezone.utc).replace(tzinfo=None))
