"""Loading cases: one case with its permission check and, for a change, its row lock. HTML views and, next,
the API and the field app load through here, so a case is never read past its region or locked twice over."""
from __future__ import annotations

from flask import abort

from slrt.auth.permissions import require
from slrt.cases.models import Case
from slrt.cases.permissions import can_view_case
from slrt.core.db import lock_row
from slrt.extensions import db


def load_case(case_id: int, *, lock: bool = False, permission=can_view_case) -> Case:
    """The case, if the current user passes `permission` on it; 404 if there is none, 403 if not theirs.

    With `lock`, the case row alone is locked until the commit (a plain SELECT id ... FOR UPDATE) and the
    case is then read afresh with its person and region, unlocked: two racing actions on one case queue
    and the second sees what the first wrote.
    """
    if lock:
        lock_row(Case, case_id)
    case = db.session.get(Case, case_id, populate_existing=lock)
    if case is None:
        abort(404)
    require(permission, case)
    return case
