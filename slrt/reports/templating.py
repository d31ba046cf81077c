"""Helpers the report templates call: Indonesian thousands, the link to the list behind a figure."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import g, url_for


def thousands(value) -> str:
    """12345 → 12.345 (the Indonesian thousands separator); None → –."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


def list_url(args: dict) -> str:
    """The list behind a figure. A dashboard has hundreds of these links: one url_for per request, then
    only the query string (url_for for each was a tenth of the dashboard's time at 1M cases)."""
    base = g.get("_reports_list_url")
    if base is None:
        base = g._reports_list_url = url_for("reports.list")
    return f"{base}?{urlencode(args)}" if args else base
