"""Loading registry proposals with their permission check and, for a change, their row lock; shared by
the HTML views and, next, the API and the field app."""
from __future__ import annotations

from flask import abort

from slrt.auth.permissions import require
from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.registry.models import Proposal
from slrt.registry.permissions import can_view_proposal


def load_proposal(proposal_id: int, *, lock: bool = False, permission=can_view_proposal) -> Proposal:
    """The proposal, if the current user passes `permission` on it; 404 or 403 otherwise. With `lock`, its
    row alone is locked until the commit, then the proposal is read afresh."""
    if lock:
        lock_row(Proposal, proposal_id)
    proposal = db.session.get(Proposal, proposal_id, populate_existing=lock)
    if proposal is None:
        abort(404)
    require(permission, proposal)
    return proposal
