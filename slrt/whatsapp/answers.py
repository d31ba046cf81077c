"""What the portal answers a citizen who writes to the office's WhatsApp number.

`STATUS <tiket>` gets the status-only view of the public status page, `DETAIL <tiket> <tanggal lahir>` the
details, with the same birth-date check and the same throttles (a phone number's failures count like an
address's on the page; a ticket's wrong birth dates count together on both); anything else the menu and the
office's hours (the district's setting, else SLRT_OFFICE_HOURS). Answers are always in Bahasa Indonesia: they
follow the citizen, not a clerk's UI language.
The menu speaks for the current district (the one whose number was written to: slrt.whatsapp.routes); a case
found by its ticket is answered in the name of the office of the case's own district.
This module only reads (and counts failures in the throttle storage); nothing here writes the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale, gettext as _

from slrt.admin import settings
from slrt.cases.models import CaseStatus, VisitType
from slrt.core.i18n import long_date
from slrt.core.labels import LABELS
from slrt.public import operations as status_lookup
from slrt.regions.districts import current_district, district_of_code, office_name
from slrt.whatsapp.models import Command

DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d%m%Y")
WHATSAPP_LENGTH = 4096  # a WhatsApp text message's limit


@dataclass
class Answer:
    command: str
    text: str               # the reply (empty: no reply, e.g. throttled)
    kept_text: str          # what the conversation keeps of the citizen's message
    kept_reply: str         # what the conversation keeps of the reply
    case_id: int | None = None   # the case whose details were shown (audited)


def parse_birth_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def answer(text: str, number_key: str) -> Answer:
    """The reply to one message from the number whose hash is `number_key`."""
    with force_locale("id"):
        return _answer(text or "", number_key)


def _answer(text: str, number_key: str) -> Answer:
    words = text.split()
    keyword = words[0].upper().rstrip(":") if words else ""
    if keyword == "STATUS" and len(words) >= 2:
        return _status(" ".join(words[1:]), None, number_key, kept=text.strip()[:200])
    if keyword == "DETAIL" and len(words) >= 3:
        birth_date = parse_birth_date(words[-1])
        kept = " ".join(words[:-1])[:200] + " ••••"  # the birth date is never kept
        if birth_date is None:
            reply = _("Tanggal lahir tidak terbaca. Tulis seperti contoh: DETAIL %(example)s 05-12-1990",
                      example=" ".join(words[1:-1])[:20] or "ABC12345")
            return Answer(Command.DETAIL, reply, kept, reply)
        return _status(" ".join(words[1:-1]), birth_date, number_key, kept=kept)
    return Answer(Command.MENU, menu(), text.strip()[:2000], menu())


def menu() -> str:
    office = office_name(current_district()) or "SLRT"
    hours = settings.office_hours()
    return "\n".join([
        _("%(office)s. Untuk cek permohonan Anda, kirim:", office=office),
        _("STATUS <nomor tiket> untuk melihat status"),
        _("DETAIL <nomor tiket> <tanggal lahir, contoh 05-12-1990> untuk melihat rincian"),
        _("Pesan lain dibaca petugas pada jam layanan: %(hours)s.", hours=hours),
    ])


def _status(typed_ticket: str, birth_date: date | None, number_key: str, *, kept: str) -> Answer:
    command = Command.DETAIL if birth_date is not None else Command.STATUS
    source = status_lookup.number_checks(number_key)
    key = status_lookup.ticket_key(typed_ticket)
    if status_lookup.throttled(source):
        return _plain(command, kept, _("Terlalu banyak percobaan yang gagal. Tunggu sepuluh menit lalu coba lagi, "
                                       "atau tanyakan ke kantor SLRT."))
    notice = ""
    if birth_date is not None and status_lookup.birth_date_throttled(key):
        birth_date = None
        notice = _("Terlalu banyak tanggal lahir yang salah untuk tiket ini. Statusnya tetap ditampilkan; rincian "
                   "permintaan dan pesan bisa dilihat lagi setelah sepuluh menit.")
    result = status_lookup.look_up(typed_ticket, birth_date)
    if result is None:
        if not status_lookup.count_failure(key, wrong_birth_date=False, source=source):
            return _plain(command, kept, _("Terlalu banyak percobaan yang gagal. Tunggu sepuluh menit lalu coba "
                                           "lagi, atau tanyakan ke kantor SLRT."))
        return _plain(command, kept, _("Nomor tiket atau tanggal lahir tidak cocok. Periksa kembali tanda terima "
                                       "Anda."))
    if birth_date is not None and not result.detailed:
        if status_lookup.count_failure(key, wrong_birth_date=True, source=source):
            notice = _("Tanggal lahir tidak cocok dengan tiket ini. Statusnya tetap ditampilkan, tetapi rincian "
                       "permintaan dan pesan tidak.")
        else:
            notice = _("Terlalu banyak tanggal lahir yang salah untuk tiket ini. Statusnya tetap ditampilkan; "
                       "rincian permintaan dan pesan bisa dilihat lagi setelah sepuluh menit.")
    case = result.case
    lines = [notice] if notice else []
    lines.append(office_name(district_of_code(case.office_region_code) or current_district()))
    lines.append(_("Tiket %(ticket)s", ticket=case.ticket))
    lines.append(_("Status: %(status)s", status=LABELS.label(CaseStatus, case.status)))
    for event in result.events:
        line = f"- {long_date(event.at)} {LABELS.label('EventKind', event.kind)}"
        if result.detailed and event.agency_name:
            line += f" · {event.agency_name}"
        lines.append(line)
        if result.detailed and event.citizen_message:
            lines.append(f"  {event.citizen_message}")
    if result.detailed:
        lines.append(_("Permintaan Anda: %(type)s", type=LABELS.label(VisitType, case.visit_type)))
        lines += [f"- {k.category.name}: {k.description}" for k in case.complaints]
        lines += [f"- {n.programme.name}" for n in case.needs]
    else:
        lines.append(_("Kirim DETAIL %(ticket)s <tanggal lahir> untuk melihat rincian permintaan dan pesan untuk "
                       "Anda.", ticket=case.ticket))
    reply = "\n".join(lines)
    if len(reply) > WHATSAPP_LENGTH:
        reply = reply[:WHATSAPP_LENGTH - 3] + "..."
    if result.detailed:
        # The details are personal data: the conversation keeps that they were sent, not what they said.
        return Answer(command, reply, kept, _("[Rincian tiket %(ticket)s dikirim]", ticket=case.ticket), case.id)
    return Answer(command, reply, kept, reply)


def _plain(command: str, kept: str, reply: str) -> Answer:
    return Answer(command, reply, kept, reply)
