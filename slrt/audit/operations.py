"""Writing audit rows. Called by every operation that changes state and every view of a person."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from slrt.audit.models import AuditLog
from slrt.extensions import db


def record(action: str, obj=None, *, person_id: int | None = None, note: str = "", user=None) -> AuditLog:
    """Add an audit row to the current transaction (it commits with the change it describes)."""
    if user is None and has_request_context() and current_user and current_user.is_authenticated:
        user = current_user
    row = AuditLog(
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        person_id=person_id,
        user_id=getattr(user, "id", None),
        note=note[:2000],
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(row)
    return row
