"""Every state change of field mode: a device enrolled (after an online login), its ticket block topped up
at each sync, the device revoked by the administrator (its unused numbers released, and the device told to
wipe its data at its next contact). Each writes the audit trail; none commits."""
from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.cases.models import Assessment, Case, CaseNeed
from slrt.cases.operations import add_event
from slrt.cases.tickets import new_ticket
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.field.models import (CLASH_TRANSITIONS, DEVICE_TRANSITIONS, TICKET_TRANSITIONS, ClashStatus, Device,
                               PHOTO_TRANSITIONS, DeviceStatus, DeviceTicket, FieldClash, FieldPhoto, PhotoStatus,
                               SyncRecord, TicketState)
from slrt.field.sync import CASE_FIELDS, case_fields
from slrt.field.tickets import held_by
from slrt.intake.operations import register_visit
from slrt.visits.models import HOUSING, HomeVisit, VisitStatus
from slrt.visits.operations import Findings, findings_faults, record_findings

# Draws before giving up on one number (31^10 numbers: needing a second draw is already rare).
_DRAWS = 20


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_uid(uid) -> str:
    try:
        return str(uuid.UUID(str(uid)))
    except ValueError:
        raise DomainError(_l("Kode perangkat tidak sah."), field="uid") from None


def enrol(user, uid, name, app_version, block_size: int) -> tuple[Device, str, list[str]]:
    """Enrol the device (or, for a device already enrolled by the same user, give it a new token: a new
    login on it). Returns the device, its token (shown once) and the ticket numbers it holds."""
    uid = _clean_uid(uid)
    name = " ".join(str(name or "").split())[:80]
    if not name:
        raise DomainError(_l("Beri nama perangkat ini, misalnya \"Tablet Desa Sukamaju\"."), field="name")
    app_version = str(app_version or "")[:20]
    token = secrets.token_urlsafe(32)
    device = db.session.scalar(select(Device).where(Device.uid == uid).with_for_update())
    if device is not None and device.user_id != user.id:
        raise DomainError(_l("Perangkat ini terdaftar atas nama petugas lain. Hubungi administrator."),
                          field="uid")
    if device is not None and device.status == DeviceStatus.REVOKED:
        raise DomainError(_l("Perangkat ini sudah dicabut. Hapus data aplikasi lalu daftarkan ulang."), field="uid")
    if device is None:
        device = Device(uid=uid, user_id=user.id, name=name, app_version=app_version, token_hash=token_hash(token),
                        status=DeviceStatus.ACTIVE, enrolled_at=utcnow())
        db.session.add(device)
        db.session.flush()
        record("device.enrolled", device, note=f"{name} v{app_version}", user=user)
    else:
        device.name, device.app_version, device.token_hash = name, app_version, token_hash(token)
        record("device.token_renewed", device, note=f"{name} v{app_version}", user=user)
    return device, token, top_up(device, block_size)


def top_up(device: Device, size: int) -> list[str]:
    """Reserve new numbers until the device holds `size`; returns the numbers it holds. The caller holds the
    device's row lock, so two syncs of one device do not both top it up."""
    if device.status != DeviceStatus.ACTIVE:
        return []
    held = db.session.scalar(select(func.count()).select_from(DeviceTicket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.state == TicketState.HELD))
    added = sum(_reserve_one(device) for _ in range(max(0, size - held)))
    if added:
        record("device.tickets_reserved", device, note=f"{added} reserved, {held + added} held", user=device.user)
    return held_by(device)


def _reserve_one(device: Device) -> int:
    for _ in range(_DRAWS):
        ticket = new_ticket()
        if db.session.scalar(select(exists().where(Case.ticket == ticket))):
            continue
        try:
            with db.session.begin_nested():  # a number another device took meanwhile: draw again
                db.session.add(DeviceTicket(ticket=ticket, device_id=device.id, state=TicketState.HELD,
                                            reserved_at=utcnow()))
        except IntegrityError:
            continue
        return 1
    raise RuntimeError("could not reserve a free ticket number")


def revoke(device: Device, actor, reason: str) -> int:
    """The administrator cuts a device off (lost, stolen, handed to someone else). Its unused numbers are
    released for good; returns how many."""
    DEVICE_TRANSITIONS.check(device.status, DeviceStatus.REVOKED)
    if not reason.strip():
        raise DomainError(_l("Tuliskan alasan pencabutan."), field="reason")
    device.status = DeviceStatus.REVOKED
    device.revoked_at = utcnow()
    device.revoked_by_id = actor.id
    device.revoke_reason = reason.strip()
    sources = TICKET_TRANSITIONS.sources(TicketState.RELEASED)
    released = db.session.execute(update(DeviceTicket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.state.in_(list(sources)))
        .values(state=TicketState.RELEASED, released_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    record("device.revoked", device, note=f"{device.name} ({device.user.username}): {released} tickets released",
           user=actor)
    return released


def tell_to_wipe(device: Device) -> None:
    """A revoked device made contact: it is answered "wipe" (every time), and the first time is noted."""
    if device.wiped_at is None:
        device.wiped_at = utcnow()
        record("device.wipe_sent", device, note=device.name, user=device.user)


# ---- what a device sends (the push) ------------------------------------------------------------------------

def received(uid: str) -> SyncRecord | None:
    """The record a device already sent under this id, if any (then nothing is done again)."""
    return db.session.scalar(select(SyncRecord).where(SyncRecord.uuid == uid))


def _sent(device: Device, uid: str, kind: str, outcome: str, case) -> SyncRecord:
    row = SyncRecord(uuid=uid, device_id=device.id, user_id=device.user_id, kind=kind, outcome=outcome,
                     case_id=case.id, received_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def _field_values(values) -> dict:
    """The device's {needs, documents} as comparable sorted lists (unknown keys dropped)."""
    values = values if isinstance(values, dict) else {}
    needs = sorted({int(v) for v in values.get("needs") or [] if str(v).isdigit() and len(str(v)) < 10})
    documents = sorted({str(v)[:40] for v in values.get("documents") or [] if v})
    return {"needs": needs, "documents": documents}


def merge_case_fields(base: dict, device_values: dict, office: dict) -> tuple[dict, dict]:
    """Field by field, three ways: what the device changed where the office did not is taken; where both
    changed a field differently, neither wins: (to apply, clashing)."""
    apply, clashing = {}, {}
    for name in CASE_FIELDS:
        mine, theirs, start = device_values[name], office[name], base[name]
        if mine == start or mine == theirs:
            continue
        if theirs == start:
            apply[name] = mine
        else:
            clashing[name] = mine
    return apply, clashing


def apply_case_fields(case: Case, values: dict, actor, how: str) -> None:
    """Set the case's needs and documents checklist to `values` (either or both)."""
    if not values:
        return
    before = case_fields(case)
    if "needs" in values:
        wanted = set(values["needs"])
        for need in list(case.needs):
            if need.programme_id not in wanted:
                case.needs.remove(need)
        have = {n.programme_id for n in case.needs}
        for programme_id in sorted(wanted - have):
            case.needs.append(CaseNeed(programme_id=programme_id))
    if "documents" in values:
        case.documents = ",".join(sorted(set(values["documents"])))
    record("case.field_update", case, person_id=case.person_id,
           note=f"{how}: " + "; ".join(f"{k} {before[k]} -> {values[k]}" for k in values), user=actor)


def push_visit(device: Device, uid: str, payload: dict, today) -> SyncRecord:
    """A visit recorded on the device: its findings become the visit's (as online), and its changes to the
    case's needs and documents are merged field by field; a field the office also changed meanwhile waits as
    a clash for the back office, with both versions kept."""
    user = device.user
    visit_id = payload.get("visit_id")
    visit = db.session.get(HomeVisit, int(visit_id)) if str(visit_id).isdigit() and len(str(visit_id)) < 10 else None
    if visit is None or visit.facilitator_id != user.id:
        raise DomainError(_l("Kunjungan ini tidak ditugaskan kepada Anda."))
    if visit.status == VisitStatus.CANCELLED:  # said plainly, not as the status table's refusal
        raise DomainError(_l("Kunjungan ini sudah dibatalkan oleh kantor."))
    try:
        visited_on, bad_date = _date(payload.get("visited_on")), None
    except DomainError as error:
        visited_on, bad_date = today, error
    findings = Findings(visited_on=visited_on, findings=str(payload.get("findings") or ""),
                        recommendation=str(payload.get("recommendation") or ""),
                        housing={a: str((payload.get("housing") or {}).get(a) or "") for a in HOUSING},
                        needs=_field_values(payload.get("case")).get("needs", []),
                        documents_seen=_field_values(payload.get("case")).get("documents", []))
    faults = findings_faults(findings, today) | ({"visited_on": bad_date.message} if bad_date else {})
    if faults:  # every field at fault in one answer: one correction, one more sync
        name, text = next(iter(faults.items()))
        raise DomainError(text, field=name, errors={k: [v] for k, v in faults.items()})
    record_findings(visit, findings, user, today)
    case = visit.case
    office = case_fields(case)
    device_values = _field_values(payload.get("case"))
    base = _field_values(payload.get("base")) if isinstance(payload.get("base"), dict) else office
    apply, clashing = merge_case_fields(base, device_values, office)
    apply_case_fields(case, apply, user, f"field sync {uid}")
    row = _sent(device, uid, "visit", "clash" if clashing else "saved", case)
    if clashing:
        db.session.add(FieldClash(record_id=row.id, case_id=case.id, status=ClashStatus.OPEN,
                                  base=json.dumps({k: base[k] for k in clashing}), device_values=json.dumps(clashing),
                                  office_values=json.dumps({k: office[k] for k in clashing}), created_at=utcnow()))
        add_event(case, "field_clash", user, public=False, note=", ".join(sorted(clashing)))
        record("field.clash", case, person_id=case.person_id, note=f"record {uid}: {sorted(clashing)}", user=user)
    return row


def _date(value):
    from datetime import date
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise DomainError(_l("Tanggal kunjungan tidak sah."), field="visited_on") from None


TICKET_NOT_HELD = _l("Nomor tiket ini bukan milik perangkat ini atau sudah dipakai.")


def ticket_usable(device: Device, ticket: str) -> bool:
    """Whether the device may still give this number (held by it, not used): asked before the registration's
    own checks, so a refusal names the ticket and the fields at fault together."""
    return db.session.scalar(select(DeviceTicket.id).where(
        DeviceTicket.device_id == device.id, DeviceTicket.ticket == ticket[:20],
        DeviceTicket.state.in_(list(TICKET_TRANSITIONS.sources(TicketState.USED))))) is not None


def push_citizen(device: Device, uid: str, data, ticket: str) -> SyncRecord:
    """A citizen registered on the device, with the ticket number the device gave them from its block: the
    case gets exactly that number (it was reserved for this device), and the confirmation SMS leaves now."""
    claimed = db.session.execute(update(DeviceTicket).where(
        DeviceTicket.device_id == device.id, DeviceTicket.ticket == ticket,
        DeviceTicket.state.in_(list(TICKET_TRANSITIONS.sources(TicketState.USED))))
        .values(state=TicketState.USED, used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DomainError(TICKET_NOT_HELD, field="ticket")
    case = register_visit(data, device.user, ticket=ticket)
    db.session.execute(update(DeviceTicket).where(DeviceTicket.ticket == ticket).values(case_id=case.id)
                       .execution_options(synchronize_session=False))
    return _sent(device, uid, "citizen", "saved", case)


def resolve_clash(clash: FieldClash, choices: dict, actor) -> None:
    """The back office chooses, field by field, the device's or the office's value; the chosen device values
    are applied; both versions stay in the clash row (and the case history)."""
    CLASH_TRANSITIONS.check(clash.status, ClashStatus.RESOLVED)
    device_values = json.loads(clash.device_values)
    if set(choices) != set(device_values) or any(v not in ("device", "office") for v in choices.values()):
        raise DomainError(_l("Pilih versi untuk setiap isian."))
    apply_case_fields(clash.case, {k: device_values[k] for k, v in choices.items() if v == "device"}, actor,
                      f"clash {clash.id} resolved")
    clash.status = ClashStatus.RESOLVED
    clash.chosen = json.dumps(choices)
    clash.resolved_by_id = actor.id
    clash.resolved_at = utcnow()
    add_event(clash.case, "field_clash_resolved", actor, public=False,
              note=", ".join(f"{k}: {v}" for k, v in sorted(choices.items())))
    record("field.clash_resolved", clash.case, person_id=clash.case.person_id, note=json.dumps(choices), user=actor)


# ---- photos, part by part ---------------------------------------------------------------------------------

def _number(value, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def photo_slot(device: Device, uid: str, meta: dict, max_size: int) -> FieldPhoto:
    """The photo's slot (made at its first announcement; the same slot when announced again, to resume)."""
    photo = db.session.scalar(select(FieldPhoto).where(FieldPhoto.uuid == uid))
    if photo is not None:
        if photo.device_id != device.id:
            raise DomainError(_l("Foto ini bukan dari perangkat ini."))
        return photo
    sent = received(str(meta.get("record_uuid") or ""))
    if sent is None or sent.device_id != device.id:
        raise DomainError(_l("Kirim dulu catatan kunjungan atau pendaftaran foto ini."), field="record_uuid")
    size = meta.get("size")
    if not isinstance(size, int) or not 0 < size <= max_size:
        raise DomainError(_l("Ukuran foto tidak sah."), field="size")
    taken_at = None
    try:
        taken_at = datetime.fromisoformat(str(meta.get("taken_at") or "")).astimezone(timezone.utc).replace(tzinfo=None)
    except ValueError:
        pass
    photo = FieldPhoto(uuid=uid, device_id=device.id, record_id=sent.id, size=size, received=0,
                       status=PhotoStatus.RECEIVING, taken_at=taken_at,
                       latitude=_number(meta.get("latitude"), -90, 90), longitude=_number(meta.get("longitude"), -180, 180),
                       accuracy_m=_number(meta.get("accuracy"), 0, 100_000), created_at=utcnow())
    db.session.add(photo)
    db.session.flush()
    return photo


# A photo still arriving is kept part by part under the upload folder, as `<its uuid>.part` (routes._partial_path).
PARTIAL_PHOTOS = "lapangan-sebagian"


def partial_photo_names() -> list[str]:
    """The part files of photos still arriving (slrt.core.orphans never removes them); a stored photo's part file
    is no longer needed (its photo is an attachment) and goes once left a day."""
    return [f"{uid}.part" for uid in db.session.scalars(select(FieldPhoto.uuid).where(
        FieldPhoto.status == PhotoStatus.RECEIVING))]


def photo_part(photo: FieldPhoto, offset: int, chunk: bytes, partial: Path) -> None:
    """Append a part at `offset` (the caller holds the photo's row lock). A part from elsewhere than where the
    photo stands is refused with the place to resume from."""
    if photo.status != PhotoStatus.RECEIVING or offset != photo.received:
        raise DomainError(_l("Lanjutkan pengiriman foto dari bagian yang belum diterima."), field="offset")
    if not chunk or photo.received + len(chunk) > photo.size:
        raise DomainError(_l("Ukuran foto tidak sah."), field="size")
    partial.parent.mkdir(parents=True, exist_ok=True)
    with open(partial, "r+b" if partial.exists() else "wb") as handle:
        handle.seek(offset)
        handle.write(chunk)
        handle.truncate()
    photo.received += len(chunk)


def store_photo(photo: FieldPhoto, partial: Path) -> None:
    """The whole photo becomes an attachment of the record's case (and of the visit's assessment): shrunk and
    stripped of metadata like any upload; when and where it was taken stay on this row."""
    PHOTO_TRANSITIONS.check(photo.status, PhotoStatus.STORED)
    from werkzeug.datastructures import FileStorage

    from slrt.admin.models import DocumentType
    from slrt.attachments.operations import add as add_attachment
    sent = photo.record
    case = db.session.get(Case, sent.case_id)
    assessment = None
    if sent.kind == "visit":
        visit = db.session.scalar(select(HomeVisit).where(HomeVisit.case_id == case.id,
                                                          HomeVisit.facilitator_id == sent.user_id,
                                                          HomeVisit.assessment_id.is_not(None))
                                  .order_by(HomeVisit.done_at.desc()))
        assessment = visit and db.session.get(Assessment, visit.assessment_id)
    kind = db.session.scalar(select(DocumentType).where(DocumentType.code == "FOTO-RUMAH"))
    taken = f" {photo.taken_at:%Y-%m-%d %H:%M} UTC" if photo.taken_at else ""
    where = (f" GPS {photo.latitude:.5f},{photo.longitude:.5f} ±{photo.accuracy_m or 0:.0f} m"
             if photo.latitude is not None and photo.longitude is not None else "")
    with open(partial, "rb") as handle:
        attachment = add_attachment(sent.user, FileStorage(handle, filename=f"foto-lapangan-{photo.uuid[:8]}.jpg"),
                                    document_type=kind, caption=(_l("Foto kunjungan") + taken + where)[:200],
                                    case=case, assessment=assessment)
    photo.attachment_id = attachment.id
    photo.status = PhotoStatus.STORED
    record("field.photo", case, person_id=case.person_id, note=f"photo {photo.uuid} {photo.size} bytes", user=sent.user)


DISCARD_KINDS = ("visit", "citizen")


def note_discarded(device: Device, entries) -> int:
    """Records the facilitator threw away on the device, unsent (a refusal nothing on the device can fix): one
    audit row each, naming the device, the record's uuid, its kind and the ticket number a citizen was given,
    so a citizen who comes to the office with that paper is found; nothing else of the person leaves. A list
    sent again after a lost answer adds nothing twice. The number of rows written."""
    from slrt.audit.models import AuditLog
    written = 0
    for entry in entries if isinstance(entries, list) else []:
        entry = entry if isinstance(entry, dict) else {}
        try:
            uid = str(uuid.UUID(str(entry.get("uuid"))))
        except ValueError:
            continue
        kind = entry.get("kind") if entry.get("kind") in DISCARD_KINDS else "?"
        ticket = str(entry.get("ticket") or "")
        ticket = ticket if kind == "citizen" and ticket.replace("-", "").isalnum() and len(ticket) <= 12 else ""
        if db.session.scalar(select(AuditLog.id).where(AuditLog.action == "field.discard",
                                                       AuditLog.object_id == str(device.id),
                                                       AuditLog.note.contains(uid))) is not None:
            continue
        record("field.discard", device, user=device.user,
               note=f"device {device.id}: record {uid} ({kind}{', ticket ' + ticket if ticket else ''}) "
                    "discarded on the device unsent")
        written += 1
    return written
