"""Queueing messages to the citizen. They are rows written in the same transaction as the step they
announce, and leave only after it commits (slrt.notifications.dispatch)."""
from __future__ import annotations

from flask_babel import gettext as _

from slrt.audit.operations import record
from slrt.core.errors import DomainError, TransitionError
from slrt.core.web import public_url
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.notifications.gsm import to_gsm7
from slrt.notifications.models import CONFIRM_RESEND, OUTBOX_TRANSITIONS, MessageChannel, OutboxMessage, OutboxStatus

SMS_LENGTH = 160


def fit_sms(text: str, ticket: str) -> str:
    """One GSM-7 SMS (≤160 characters) that carries the ticket, whatever the caller wrote."""
    text = " ".join(to_gsm7(text).split())
    if ticket in text and len(text) <= SMS_LENGTH:
        return text
    suffix = f" Tiket {ticket}."
    room = SMS_LENGTH - len(suffix)
    if len(text) > room:
        text = text[:room - 3].rstrip(" ,.;:") + "..."
    return text + suffix


def citizen_phone(case) -> str:
    """The phone given at the case's visit: a later visit (or someone else typing the same NIK) never
    redirects this case's messages. Cases older than visit identities fall back to the person's phone."""
    identity = getattr(case, "identity", None)
    if identity is not None:
        return identity.phone or ""
    return (case.person.phone or "") if case.person is not None else ""


def queue_citizen_message(case, kind: str, text: str) -> OutboxMessage:
    """Put a short message (one SMS, carrying the ticket) for the case's citizen in the outbox, for the
    channel the citizen chose (WhatsApp falls back to SMS when it fails). A WhatsApp notice leaves from the
    number of the case's district (its `whatsapp_number_id`), else from the configured one."""
    from slrt.regions.districts import district_of_code, whatsapp_number_id
    body = fit_sms(text, case.ticket)
    phone = citizen_phone(case)
    channel = MessageChannel.WHATSAPP if case.contact_channel == MessageChannel.WHATSAPP else MessageChannel.SMS
    from_number_id = (whatsapp_number_id(district_of_code(case.office_region_code))
                      if channel == MessageChannel.WHATSAPP else "")
    message = OutboxMessage(case_id=case.id, kind=kind[:40], phone=phone[:20], body=body, channel=channel,
                            from_number_id=from_number_id,
                            status=OutboxStatus.PENDING if phone else OutboxStatus.NO_PHONE,
                            attempts=0, last_error="", next_attempt_at=utcnow())
    db.session.add(message)
    return message


def queue_message(phone: str, body: str, kind: str, channel: str, case_id: int | None = None,
                  from_number_id: str = "") -> OutboxMessage:
    """Put a message that is not a case notice (a reply in a WhatsApp conversation, a step for SP4N-LAPOR!)
    in the outbox; a WhatsApp one leaves from the business number `from_number_id` when given."""
    addressed = bool(phone) or channel == MessageChannel.LAPOR  # a LAPOR! step names its report in the body
    message = OutboxMessage(case_id=case_id, kind=kind[:40], phone=phone[:20], body=body, channel=channel,
                            from_number_id=from_number_id[:32],
                            status=OutboxStatus.PENDING if addressed else OutboxStatus.NO_PHONE,
                            attempts=0, last_error="", next_attempt_at=utcnow())
    db.session.add(message)
    return message


def fall_back_later(provider_id: str, reason: str) -> OutboxMessage | None:
    """WhatsApp reported after accepting a message that it could not deliver it (a delivery report with an
    error, e.g. 131026 number not on WhatsApp): queue an SMS copy, once, with the reason. None when no sent
    WhatsApp message has that id, or its copy is already queued."""
    from sqlalchemy import select
    original = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.provider_id == provider_id, OutboxMessage.channel == MessageChannel.WHATSAPP,
        OutboxMessage.status == OutboxStatus.SENT))
    if original is None or not provider_id:
        return None
    original.provider_id = ""  # a repeated report finds nothing: one copy
    copy = OutboxMessage(case_id=original.case_id, kind=original.kind, phone=original.phone, body=original.body,
                         channel=MessageChannel.SMS, fallback_reason=reason[:300], status=OutboxStatus.PENDING,
                         attempts=0, last_error="", next_attempt_at=utcnow())
    db.session.add(copy)
    db.session.flush()
    record("outbox.fallback", original, note=f"kind={original.kind} case={original.case_id} whatsapp->sms "
                                             f"copy={copy.id}: {reason[:300]}")
    return copy


def registered_text(case) -> str:
    """The "registered" SMS. Always Bahasa Indonesia: it follows the citizen, not the clerk's UI language."""
    from slrt.regions.districts import office_name
    office = office_name(case.office_region_code[:5]) or "SLRT"
    url = public_url("public.status", _district=case.office_region_code[:5])
    candidates = []
    if url:
        candidates.append(f"{office}: permohonan Anda sudah terdaftar. Tiket {case.ticket}. "
                          f"Cek status di {url}")
    candidates.append(f"{office}: permohonan Anda sudah terdaftar. Tiket {case.ticket}. "
                      "Simpan tiket ini untuk cek status.")
    candidates.append(f"SLRT: permohonan Anda sudah terdaftar. Tiket {case.ticket}.")
    for text in candidates:
        if len(to_gsm7(text)) <= SMS_LENGTH:
            return text
    return candidates[-1]


def on_case_registered(case, **_extra) -> None:
    """Listener of slrt.core.hooks.case_registered: queue the "registered" message."""
    queue_citizen_message(case, "registered", registered_text(case))


def resend_warning(message: OutboxMessage) -> str:
    """Why resending this message needs the administrator's confirmation ("" when it does not)."""
    if message.status == OutboxStatus.UNKNOWN:
        return _("Hasil pengiriman pesan ini belum pasti: gateway SMS tidak menjawab tepat waktu, jadi pesan "
                 "mungkin sudah sampai ke warga. Pesan dikirim ulang dengan kode pesan yang sama, sehingga "
                 "gateway yang mengenali kode itu tidak mengirimnya dua kali; gateway lain dapat membuat warga "
                 "menerima pesan ini dua kali.")
    if message.status == OutboxStatus.SENT:
        return _("Pesan ini sudah diterima gateway SMS dan kemungkinan besar sudah sampai ke warga. Jika dikirim "
                 "ulang, warga menerima pesan yang sama sekali lagi. Kirim ulang hanya jika warga menyatakan "
                 "belum menerimanya.")
    return ""


def can_resend(message: OutboxMessage) -> bool:
    return message.status == OutboxStatus.SENT or OUTBOX_TRANSITIONS.allows(message.status, OutboxStatus.PENDING)


def resend_message(message: OutboxMessage, actor, confirmed: bool = False) -> OutboxMessage:
    """The administrator sends a message again; returns the row that will leave.

    Failed, logged (no gateway) and unknown messages get a fresh round of attempts under their own key (an
    unknown one stays "maybe sent", so it can never end as failed). A delivered message is copied into a new
    message with a new key, since the gateway would rightly drop a repeat of the old one. Unknown and
    delivered messages may reach the phone twice: they need `confirmed`.
    """
    if not can_resend(message):
        raise TransitionError(_("Pesan ini tidak dapat dikirim ulang: pesan belum dicoba atau sedang dikirim."))
    if message.status in CONFIRM_RESEND and not confirmed:
        raise DomainError(_("Centang pernyataan di bawah untuk mengirim ulang pesan ini."), field="confirmed")
    about = f"kind={message.kind} case={message.case_id} was={message.status}"
    if message.status == OutboxStatus.SENT:
        copy = OutboxMessage(case_id=message.case_id, kind=message.kind, phone=message.phone, body=message.body,
                             channel=message.channel, from_number_id=message.from_number_id,
                             status=OutboxStatus.PENDING, attempts=0, last_error="", next_attempt_at=utcnow())
        db.session.add(copy)
        db.session.flush()
        record("outbox.resend", message, note=f"{about} copy={copy.id}", user=actor)
        record("outbox.queued_copy", copy, note=f"copy of {message.id}", user=actor)
        db.session.flush()
        return copy
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = ""
    record("outbox.retry", message, note=about, user=actor)
    db.session.flush()
    return message
