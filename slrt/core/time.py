"""Clock helpers. The database stores naive UTC; pages show the district's local time."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SLRT_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc).astimezone(local_zone())


def local_today() -> date:
    return datetime.now(local_zone()).date()


def local_day_bounds_utc(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=local_zone())
    end = datetime.combine(day, datetime.max.time(), tzinfo=local_zone())
    return (start.astimezone(timezone.utc).replace(tzinfo=None),
            end.astimezone(timezone.utc).replace(tzinfo=None))
