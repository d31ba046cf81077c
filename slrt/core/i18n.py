"""Language and date formatting. Bahasa Indonesia by default; English as the second language."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, request, session
from flask_babel import format_date, format_datetime


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
    if isinstance(value, datetime):
        # stored as naive UTC; format_datetime converts to the district's zone
        from datetime import timezone
        return format_datetime(value.replace(tzinfo=timezone.utc), "d MMMM y")
    return format_date(value, "d MMMM y")


def long_datetime(value: datetime | None) -> str:
    """22 November 2026 14.05 WIB."""
    if value is None:
        return ""
    from datetime import timezone
    aware = value.replace(tzinfo=timezone.utc)
    return format_datetime(aware, "d MMMM y HH.mm") + " " + zone_abbreviation()


def short_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        from datetime import timezone
        return format_datetime(value.replace(tzinfo=timezone.utc), "dd/MM/y")
    return format_date(value, "dd/MM/y")


def zone_abbreviation() -> str:
    return {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}.get(
        current_app.config["SLRT_TIMEZONE"], "")
