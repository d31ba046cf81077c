"""Loaders of the "Pesan masuk" pages."""
from __future__ import annotations

from flask import abort, current_app
from sqlalchemy import Select, or_, select

from slrt.core.db import lock_row
from slrt.extensions import db
from slrt.regions.districts import current_district
from slrt.whatsapp.models import Conversation, ConversationStatus


def of_current_district():
    """The conversations of the current district (those from before districts had numbers: the configured
    district's)."""
    district = current_district()
    if district == current_app.config["SLRT_REGION_CODE"]:
        return or_(Conversation.district_code == district, Conversation.district_code.is_(None))
    return Conversation.district_code == district


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
    district = current_district()
    return conversation.district_code == district or (
        conversation.district_code is None and district == current_app.config["SLRT_REGION_CODE"])


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
