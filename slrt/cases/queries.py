"""Loading cases: one case with its permission check and, for a change, its row lock. HTML views and, next,
the API and the field app load through here, so a case is never read past its region or locked twice over."""
from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from slrt.auth.permissions import require
from slrt.cases.models import Assessment, Case, CaseChange, CaseEvent, Complaint
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


def load_case_page(case_id: int) -> Case:
    """The case for its page, with everything the page itself shows loaded now (complaints and who answered,
    needs, events and their actors, assessments and their staff, the household members), so the template
    reads and never queries. Panels load what they show in their own build."""
    from slrt.intake.models import Person
    case = db.session.scalar(
        select(Case).where(Case.id == case_id)
        .options(selectinload(Case.complaints).selectinload(Complaint.answered_by),
                 selectinload(Case.needs), selectinload(Case.events).selectinload(CaseEvent.actor),
                 selectinload(Case.assessments).selectinload(Assessment.recorded_by),
                 selectinload(Case.assessments).selectinload(Assessment.facilitator),
                 selectinload(Case.created_by), selectinload(Case.assigned_to),
                 selectinload(Case.person).selectinload(Person.members)))
    if case is None:
        abort(404)
    require(can_view_case, case)
    return case


def correction_history(case: Case, user) -> dict | None:
    """The case page's "Riwayat perubahan" panel (slrt.core.panels): each correction as one dated step, newest
    first (who, why, each field before and after); no panel for a case never corrected."""
    changes = db.session.scalars(select(CaseChange).where(CaseChange.case_id == case.id)
                                 .options(selectinload(CaseChange.actor))
                                 .order_by(CaseChange.at.desc(), CaseChange.id)).all()
    if not changes:
        return None
    steps: list[dict] = []
    for change in changes:
        if not steps or steps[-1]["at"] != change.at:
            steps.append({"at": change.at, "actor": change.actor.full_name, "reason": change.reason, "rows": []})
        steps[-1]["rows"].append((change.field, change.before, change.after))
    return {"steps": steps}
