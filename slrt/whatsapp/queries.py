"""Loaders of the "Pesan masuk" pages."""
from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.regions.districts import current_district
from slrt.whatsapp.models import Conversation, ConversationStatus


def of_current_district():
    """The conversations of the current district: those written to its number (a citizen who also wrote to
    another district's number has a conversation there too, which this district does not see)."""
    return Conversation.district_code == current_district()


def conversations(status: str = "") -> Select:
    query = select(Conversation).where(of_current_district())
    if status in set(ConversationStatus):
        query = query.where(Conversation.status == status)
    return query


def load_conversation(conversation_id: int, *, lock: bool = False) -> Conversation:
    """The conversation or 404; `lock` holds its row until the commit (two officers replying at once)."""
    if lock:
        lock_row(Conversation, conversation_id)
    conversation = db.session.get(Conversation, conversation_id, populate_existing=lock)
    if conversation is None or not in_current_district(conversation):
        abort(404)
    return conversation


def in_current_district(conversation: Conversation) -> bool:
    return conversation.district_code == current_district()


def counts() -> dict[str, int]:
    from sqlalchemy import func
    return dict(db.session.execute(select(Conversation.status, func.count()).where(of_current_district())
                                   .group_by(Conversation.status)).all())


def visible_case(user, case_id: int | None):
    """The conversation's case, if the user may see it (region scoping), else None."""
    if case_id is None:
        return None
    from slrt.cases.models import Case
    from slrt.cases.scoping import visible_cases
    return db.session.scalar(visible_cases(user).where(Case.id == case_id))
