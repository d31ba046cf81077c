"""When a referral is late: the one rule that the queues, the overview, the dashboard and the exports share.

A running referral has one step whose clock runs, and each step has its due date: before sign-off (a draft, a
referral waiting for the signer, one returned to the back office) the sign-off is due on `signoff_due`; once
the letter is out and the agency works on it (approved, accepted) its answer is due on `response_due`. While
the agency waits for the citizen's documents the clock is paused, and an ended referral (rejected, completed,
declined, cancelled) is never late. A referral is late when today is past the due date of its current step.

The rule is written once as data (`STEPS`) and read twice: as a SQL condition for counting and listing, and as
a Python predicate for one loaded referral, so a figure and the rows behind it cannot disagree.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case as sql_case, false, or_

from slrt.referrals.models import AGENCY_CLOCK_RUNNING, BEFORE_SIGNOFF, Referral, ReferralStatus

# step: (the statuses in which its clock runs, the column that holds its due date)
STEPS: dict[str, tuple[frozenset[ReferralStatus], str]] = {
    "signoff": (BEFORE_SIGNOFF, "signoff_due"),
    "response": (AGENCY_CLOCK_RUNNING, "response_due"),
}
ANY = "any"


def _steps(step: str) -> list[str]:
    if step == ANY:
        return list(STEPS)
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}")
    return [step]


def current_step(referral: Referral) -> str | None:
    """The step whose clock runs for the referral now; None while paused or after it ended."""
    status = ReferralStatus(referral.status)
    return next((name for name, (statuses, _) in STEPS.items() if status in statuses), None)


def due_date(referral: Referral) -> date | None:
    """The date the referral's current step is due; None while the clock is paused or the referral ended."""
    step = current_step(referral)
    return getattr(referral, STEPS[step][1]) if step else None


def is_late(referral: Referral, today: date, step: str = ANY) -> bool:
    """Whether the referral is late today (at the given step, or at whichever step it is in)."""
    current = current_step(referral)
    if current is None or current not in _steps(step):
        return False
    due = due_date(referral)
    return due is not None and today > due


def late_condition(today: date, step: str = ANY) -> ColumnElement[bool]:
    """`is_late` as a WHERE condition on Referral."""
    conditions = [and_(Referral.status.in_(sorted(STEPS[name][0])), getattr(Referral, STEPS[name][1]) < today)
                  for name in _steps(step)]
    return or_(false(), *conditions)


def due_expression() -> ColumnElement:
    """`due_date` as a SQL expression: NULL while paused or ended."""
    return sql_case(*[(Referral.status.in_(sorted(statuses)), getattr(Referral, column))
                      for statuses, column in STEPS.values()], else_=None)
