"""Language and date formatting. Bahasa Indonesia by default; English as the second language."""
from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import current_app, request, session
from flask_babel import format_date, format_datetime, get_locale


def select_locale() -> str:
    chosen = session.get("lang") if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    return current_app.config["SLRT_TIMEZONE"]


def long_date(value: date | datetime | None) -> str:
    """22 November 2026 — the way Indonesians write dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):  # stored as naive UTC: the day it was in the district's zone
        value = value.replace(tzinfo=timezone.utc).astimezone(_zone(current_app.config["SLRT_TIMEZONE"])).date()
    return _long_day(value, str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


@lru_cache(maxsize=4096)
def _long_day(day: date, locale: str) -> str:
    # Kept per day and language: Babel's formatting cost 0.1 ms a date, and a status page or a case list
    # prints a dozen dates, most of them of the same few days.
    return babel_format_date(day, "d MMMM y", locale=locale)


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def long_datetime(value: datetime | None) -> str:
    """22 November 2026 14.05 WIB."""
    if value is None:
        return ""
    aware = value.replace(tzinfo=timezone.utc)
    return format_datetime(aware, "d MMMM y HH.mm") + " " + zone_abbreviation()


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value.replace(tzinfo=timezone.utc), "dd/MM/y")
    return format_date(value, "dd/MM/y")


def zone_abbreviation() -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
        current_app.config["SLRT_TIMEZONE"], "")
