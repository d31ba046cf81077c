"""Every change to WhatsApp conversations: a message received (and its automatic answer queued), an officer's
reply, a case opened for the number, and the retention job. Nothing here commits."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, exists, select
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications.models import MessageChannel
from slrt.notifications.operations import queue_message
from slrt.notifications.senders import mask_phone
from slrt.notifications.whatsapp import local_number, wa_number
from slrt.whatsapp.answers import Answer
from slrt.whatsapp.queries import in_current_district
from slrt.whatsapp.models import (CONVERSATION_TRANSITIONS, Command, Conversation, ConversationMessage,
                                  ConversationStatus, Direction)

REPLY_LENGTH = 1000


def number_hash(phone: str) -> str:
    """A keyed hash of the number: finds a conversation (and counts a number's throttle) without the number."""
    key = (current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, b"wa:" + wa_number(phone).encode(), hashlib.sha256).hexdigest()


def _move(conversation: Conversation, target: ConversationStatus) -> None:
    if conversation.status != target:
        CONVERSATION_TRANSITIONS.check(conversation.status, target)
        conversation.status = target


def _find(digest: str, district: str) -> Conversation | None:
    return db.session.scalar(select(Conversation).where(Conversation.district_code == district,
                                                        Conversation.phone_hash == digest))


def _conversation_for(phone: str, command: str, district: str) -> Conversation:
    """The number's conversation with `district` (made on its first message there): what the citizen writes to
    one district's number is never shown to another's officers."""
    digest = number_hash(phone)
    conversation = _find(digest, district)
    if conversation is not None:
        return conversation
    status = ConversationStatus.NEW if command == Command.MENU else ConversationStatus.ANSWERED
    conversation = Conversation(phone=local_number(phone)[:20], phone_hash=digest, status=status,
                                district_code=district)
    try:
        with db.session.begin_nested():
            db.session.add(conversation)
            db.session.flush()
    except IntegrityError:  # the same number's other message, delivered at the same moment, made it first
        conversation = _find(digest, district)
    record("wa.conversation", conversation, note=f"number={mask_phone(conversation.phone)} district={district}")
    return conversation


def seen(provider_ids) -> set[str]:
    """The inbound message ids already recorded (WhatsApp delivers a webhook again when unsure)."""
    ids = [i for i in provider_ids if i]
    if not ids:
        return set()
    return set(db.session.scalars(select(ConversationMessage.provider_id)
                                  .where(ConversationMessage.provider_id.in_(ids))))


def receive(wa_id: str, provider_id: str, answer: Answer, from_number_id: str = "",
            district: str | None = None) -> ConversationMessage | None:
    """Record a citizen's message and queue the automatic answer (none when the number is throttled), to leave
    from the business number the citizen wrote to (`from_number_id`, its Cloud API id; "" for the configured
    one), as the officers' later replies will. The message goes to the citizen's conversation with `district`
    (the number's; None: the configured one), whose officers alone read it. None when this message was
    recorded before."""
    district = district or current_app.config["SLRT_REGION_CODE"]
    conversation = _conversation_for(wa_id, answer.command, district)
    incoming = ConversationMessage(conversation_id=conversation.id, direction=Direction.IN, command=answer.command,
                                   text=answer.kept_text, provider_id=provider_id or None)
    try:
        with db.session.begin_nested():
            db.session.add(incoming)
            db.session.flush()
    except IntegrityError:
        return None
    conversation.last_message_at = utcnow()
    conversation.business_number_id = from_number_id[:32]
    if answer.command == Command.MENU:
        _move(conversation, ConversationStatus.NEW)  # a person should read it
    record("wa.receive", conversation, note=f"command={answer.command} number={mask_phone(conversation.phone)}")
    if answer.case_id is not None:
        from slrt.cases.models import Case
        case = db.session.get(Case, answer.case_id)
        record("wa.detail", case, person_id=case.person_id if case else None,
               note=f"ticket={case.ticket if case else ''} number={mask_phone(conversation.phone)}")
    if answer.text:
        outbox = queue_message(conversation.phone, answer.text, "wa_auto", MessageChannel.WHATSAPP,
                               case_id=answer.case_id, from_number_id=conversation.business_number_id)
        db.session.add(ConversationMessage(conversation_id=conversation.id, direction=Direction.OUT,
                                           command=answer.command, text=answer.kept_reply, outbox=outbox))
    db.session.flush()
    return incoming


def reply(conversation: Conversation, text: str, actor) -> ConversationMessage:
    """An officer answers the citizen (through the outbox: retried, and by SMS if WhatsApp refuses), from the
    business number the citizen last wrote to."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Tulis balasannya."), field="text")
    if len(text) > REPLY_LENGTH:
        raise DomainError(_("Balasan terlalu panjang (paling banyak %(n)d karakter).", n=REPLY_LENGTH), field="text")
    outbox = queue_message(conversation.phone, text, "wa_reply", MessageChannel.WHATSAPP,
                           case_id=conversation.case_id, from_number_id=conversation.business_number_id)
    message = ConversationMessage(conversation_id=conversation.id, direction=Direction.OUT, command=Command.REPLY,
                                  text=text, outbox=outbox, user_id=actor.id)
    db.session.add(message)
    conversation.last_message_at = utcnow()
    _move(conversation, ConversationStatus.ANSWERED)
    db.session.flush()
    record("wa.reply", conversation, note=f"outbox={outbox.id} number={mask_phone(conversation.phone)}", user=actor)
    return message


def on_case_registered(case, **_extra) -> None:
    """Listener of case_registered: a case registered for a number that wrote in belongs to its conversation with
    the case's district."""
    from slrt.notifications.operations import citizen_phone
    from slrt.regions.districts import district_of_code
    phone = citizen_phone(case)
    district = district_of_code(case.office_region_code)
    if not phone or not district:
        return
    conversation = _find(number_hash(phone), district)
    if conversation is None:
        return
    conversation.case_id = case.id
    _move(conversation, ConversationStatus.CASE_OPENED)
    record("wa.case_opened", conversation, note=f"ticket={case.ticket}")


def purge(days: int) -> int:
    """Remove messages older than `days`, and conversations left without messages; returns messages removed."""
    cutoff = utcnow() - timedelta(days=days)
    removed = db.session.execute(delete(ConversationMessage).where(ConversationMessage.created_at < cutoff)
                                 .execution_options(synchronize_session=False)).rowcount
    empty = db.session.execute(delete(Conversation).where(
        ~exists().where(ConversationMessage.conversation_id == Conversation.id),
        Conversation.last_message_at < cutoff).execution_options(synchronize_session=False)).rowcount
    record("wa.purge", note=f"messages={removed} conversations={empty} older_than_days={days}")
    return removed


def prefill_from_conversation(user, args=None, **_extra):
    """Listener of intake_prefill: `?percakapan=<id>` starts the form with that conversation's number."""
    from slrt.whatsapp.permissions import can_open_case_from_conversation
    value = (args or {}).get("percakapan", "")
    if not value.isdigit() or len(value) > 12 or not can_open_case_from_conversation(user):
        return None
    conversation = db.session.get(Conversation, int(value))
    if conversation is None or not in_current_district(conversation):
        return None
    return {"phone": conversation.phone, "contact_channel": "whatsapp"}
