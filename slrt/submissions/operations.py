"""Claiming a form id, and forgetting old ones. Nothing here commits: the caller's transaction does."""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.submissions.models import FormSubmission

FORM_ID = re.compile(r"^[0-9a-f]{32}$")
KEEP_DAYS = 30  # a browser retries within minutes; a month covers a form left open over a long holiday


def new_form_id() -> str:
    return uuid.uuid4().hex


def earlier_submission(form_id: str) -> FormSubmission | None:
    return db.session.scalar(select(FormSubmission).where(FormSubmission.form_id == form_id)
                             .execution_options(populate_existing=True))


def claim(form_id: str, user, endpoint: str) -> FormSubmission | None:
    """Record `form_id` as carried out in the current transaction. Returns the earlier submission when the id
    was sent before; the caller then changes nothing.

    On SQLite a second post waits for the first one's write transaction and then finds its row. On MariaDB both
    may look before either commits: the second INSERT then waits on the first one's key, fails once it commits,
    and the whole transaction is rolled back before the earlier row is read."""
    earlier = earlier_submission(form_id)
    if earlier is not None:
        return earlier
    try:
        with db.session.begin_nested():
            db.session.add(FormSubmission(form_id=form_id, user_id=user.id, endpoint=endpoint[:80]))
    except IntegrityError:
        db.session.rollback()
        earlier = earlier_submission(form_id)
        if earlier is None:
            raise
        return earlier
    return None


def record_result(form_id: str, url: str) -> None:
    """Where the result of this form is shown: a repeat of it is sent there."""
    submission = db.session.get(FormSubmission, form_id)
    if submission is not None:
        submission.result_url = url[:255]
        db.session.flush()


def purge(keep_days: int = KEEP_DAYS) -> int:
    """Forget form ids older than `keep_days` days. Returns how many were removed."""
    cutoff = utcnow() - timedelta(days=keep_days)
    result = db.session.execute(delete(FormSubmission).where(FormSubmission.created_at < cutoff))
    return result.rowcount or 0
