"""Conversations with citizens who write to the office's WhatsApp number ("Pesan masuk").

One conversation per citizen number and district: a number that writes to two hosted districts' numbers has
two conversations, each read and answered only by the district written to (migration 0034).

Kept minimally: the number (needed to answer) and a keyed hash of it (to find the conversation without
searching numbers); the text of free messages for the back office, until the retention job removes it
(SLRT_WA_RETENTION_DAYS); a command's birth date never, nor the details the portal answered with.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class ConversationStatus(StrEnum):
    NEW = "new"                  # the citizen wrote something a person should read
    ANSWERED = "answered"        # answered (by an officer, or automatically for a command)
    CASE_OPENED = "case_opened"  # a case was registered for this number


S = ConversationStatus
CONVERSATION_TRANSITIONS = TransitionTable(ConversationStatus, {
    S.NEW: {S.ANSWERED, S.CASE_OPENED},
    S.ANSWERED: {S.NEW, S.CASE_OPENED},
    S.CASE_OPENED: {S.NEW, S.ANSWERED},
})


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Command(StrEnum):
    STATUS = "status"
    DETAIL = "detail"
    MENU = "menu"            # a greeting or anything else: the menu and the office hours
    THROTTLED = "throttled"  # too many messages from this number: recorded, not answered
    REPLY = "reply"          # an officer's reply


class Conversation(db.Model):
    __tablename__ = "wa_conversations"
    # One conversation per citizen number in each district (migration 0034; before, one per number).
    __table_args__ = (UniqueConstraint("district_code", "phone_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))  # 0812…, as the counter types it: where replies go
    phone_hash: Mapped[str] = mapped_column(String(64))  # HMAC of the number (slrt.whatsapp.operations)
    status: Mapped[str] = mapped_column(String(20), default=ConversationStatus.NEW, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    # The Cloud API id of the district's business number the citizen last wrote to (migration 0031): answers
    # and replies leave from it. Empty: the configured SLRT_WA_PHONE_NUMBER_ID.
    business_number_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    # The district whose number the citizen wrote to (migration 0031; required since 0034, which gave the
    # conversations from before the configured district): only its officers read and answer the conversation.
    district_code: Mapped[str] = mapped_column(String(5), index=True)

    case = relationship("Case")
    messages = relationship("ConversationMessage", back_populates="conversation", cascade="all, delete-orphan",
                            order_by="ConversationMessage.id")


class ConversationMessage(db.Model):
    __tablename__ = "wa_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("wa_conversations.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    command: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    # WhatsApp's id of an inbound message: a webhook delivered twice is recorded (and answered) once.
    provider_id: Mapped[str | None] = mapped_column(String(128), unique=True)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    conversation = relationship("Conversation", back_populates="messages")
    outbox = relationship("OutboxMessage")
    user = relationship("User")
