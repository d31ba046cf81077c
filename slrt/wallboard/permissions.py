"""Who may open the wallboard: whoever sees the dashboard (among them the read-only provincial account), or a
wall screen connected with the key of an API client allowed to read aggregates (slrt.wallboard.routes)."""
from __future__ import annotations

from slrt.reports.permissions import can_view_reports


def can_view_wallboard(user) -> bool:
    return can_view_reports(user)
