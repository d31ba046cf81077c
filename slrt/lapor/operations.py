"""Every change the SP4N-LAPOR! adapter makes: a pulled complaint becomes a case (once per tracking ID) with
its acknowledgement queued, and each later step of the case is queued as a follow-up (tindak lanjut). The
acknowledgements and follow-ups leave through the outbox (channel "lapor": retried, one idempotency key each).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import force_locale, gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.cases.models import CaseEvent, Channel, VisitType
from slrt.core.errors import TransitionError
from slrt.core.labels import LABELS
from slrt.core.nik import check_nik
from slrt.core.time import local_today, to_local, utcnow
from slrt.extensions import db
from slrt.lapor.client import LaporClient
from slrt.lapor.models import LAPOR_TRANSITIONS, LaporReport, LaporStatus
from slrt.notifications.models import MessageChannel
from slrt.notifications.operations import queue_message
from slrt.regions.models import Region
from slrt.regions.operations import region_index
from slrt.regions.districts import current_district

log = logging.getLogger("slrt.lapor")

PHONE = re.compile(r"^(\+62|62|0)8[0-9]{7,12}$")
MAX_PAGES = 1000  # a cursor that never ends is LAPOR!'s bug, not a reason to loop forever


@dataclass
class SyncResult:
    created: list[str] = field(default_factory=list)      # tickets of the new cases
    duplicates: int = 0                                   # tracking IDs the portal already had
    needs_data: list[str] = field(default_factory=list)   # tracking IDs kept without a case
    invalid: int = 0                                      # entries without a tracking ID
    error: str = ""                                       # why the pull stopped early ("" when it finished)


def _move(report: LaporReport, target: LaporStatus) -> None:
    LAPOR_TRANSITIONS.check(report.status, target)
    report.status = target


def _day(value) -> date:
    """LAPOR!'s date or datetime of the disposition as the district's local day (today if unreadable)."""
    text = str(value or "")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return local_today()
    if moment.tzinfo is not None and (len(text) > 10):
        from datetime import timezone
        return to_local(moment.astimezone(timezone.utc).replace(tzinfo=None)).date()
    return moment.date()


def _identity(report: dict) -> tuple[dict | None, str]:
    """The visit data LAPOR! gave, or None and what is missing."""
    reporter = report.get("pelapor") if isinstance(report.get("pelapor"), dict) else {}
    place = report.get("lokasi") if isinstance(report.get("lokasi"), dict) else {}
    problems = []
    nik = check_nik(str(reporter.get("nik") or ""), region_index)
    if not nik.valid:
        problems.append("NIK pelapor tidak ada atau tidak sah")
    name = str(reporter.get("nama") or "").strip()[:120]
    if not name:
        problems.append("nama pelapor tidak ada")
    try:
        birth_date = date.fromisoformat(str(reporter.get("tanggal_lahir") or ""))
    except ValueError:
        birth_date = None
        problems.append("tanggal lahir pelapor tidak ada")
    sex = str(reporter.get("jenis_kelamin") or "").upper()[:1]
    if sex not in ("L", "P"):
        sex = nik.sex if nik.valid and nik.sex else ""
        if not sex:
            problems.append("jenis kelamin pelapor tidak ada")
    code = str(place.get("kode_wilayah") or "")
    region = db.session.get(Region, code) if code else None
    if region is None or region.level != 4 or not code.startswith(current_district() + "."):
        problems.append("desa/kelurahan lokasi tidak ada atau di luar kabupaten/kota ini")
    if problems:
        return None, "; ".join(problems)
    phone = re.sub(r"[\s\-()]", "", str(reporter.get("telepon") or ""))
    return {"nik": nik.nik, "name": name, "birth_date": birth_date, "sex": sex, "region_code": code,
            "phone": phone if PHONE.match(phone) else ""}, ""


def category_for(report: dict, fallback_id: int | None) -> int | None:
    """The district's complaint category for LAPOR!'s "kategori" (its code or name, in any case), else the
    configured fallback (SLRT_LAPOR_CATEGORY); None when neither: the back office picks one."""
    from slrt.admin.models import ComplaintCategory
    wanted = str(report.get("kategori") or "").strip().lower()
    if wanted:
        for category_id, code, name in db.session.execute(
                select(ComplaintCategory.id, ComplaintCategory.code, ComplaintCategory.name)
                .where(ComplaintCategory.active.is_(True))):
            if wanted in (code.lower(), name.lower()):
                return category_id
    return fallback_id


def take_report(report: dict, actor, category_id: int | None) -> str:
    """Make one pulled complaint a case and queue its acknowledgement. Returns "created", "duplicate",
    "needs_data" or "invalid". Does not commit; raises IntegrityError when another sync took the tracking ID
    at the same moment (the caller rolls back: a duplicate). `category_id` is the fallback for a "kategori"
    the district does not know (None: such a report waits for the back office)."""
    tracking_id = str(report.get("tracking_id") or "").strip()[:40]
    if not tracking_id:
        return "invalid"
    if db.session.scalar(select(LaporReport.id).where(LaporReport.tracking_id == tracking_id)) is not None:
        return "duplicate"
    title = str(report.get("judul") or "").strip()[:255]
    text = str(report.get("isi") or "").strip()
    identity, problem = _identity(report)
    category_id = category_for(report, category_id)
    if category_id is None:
        identity = None
        problem = "; ".join(p for p in (problem, "kategori tidak dikenal kabupaten ini") if p)
    entry = LaporReport(tracking_id=tracking_id, title=title, dispositioned_on=_day(report.get("tanggal_disposisi")),
                        status=LaporStatus.NEEDS_DATA, problem=problem)
    db.session.add(entry)
    db.session.flush()  # the tracking ID is taken here: a second sync running at once fails now (IntegrityError)
    if identity is None:
        entry.pulled = json.dumps(_kept_of(report, text))
        record("lapor.needs_data", entry, note=f"tracking_id={tracking_id}: {problem}", user=actor)
        return "needs_data"
    _make_case(entry, identity, text, category_id, actor, "lapor.received")
    return "created"


def _kept_of(report: dict, text: str) -> dict:
    """What the back office needs to complete an incomplete report: the reporter, the place, the text."""
    reporter = report.get("pelapor") if isinstance(report.get("pelapor"), dict) else {}
    place = report.get("lokasi") if isinstance(report.get("lokasi"), dict) else {}
    return {"text": text[:4000], "category": str(report.get("kategori") or "")[:80],
            "reporter": {key: str(reporter.get(key) or "")[:120]
                         for key in ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "telepon")},
            "region_code": str(place.get("kode_wilayah") or "")[:13]}


def pulled_of(entry: LaporReport) -> dict:
    """The incomplete report's data as LAPOR! sent it ({} once a case holds it)."""
    try:
        value = json.loads(entry.pulled or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _make_case(entry: LaporReport, identity: dict, text: str, category_id: int, actor, action: str):
    """Register the report's case (channel LAPOR!, its tracking ID in the note), move the report to
    "received" and queue the acknowledgement for LAPOR!."""
    from slrt.intake.operations import VisitData, register_visit
    _move(entry, LaporStatus.RECEIVED)
    description = "\n".join(part for part in (entry.title, text) if part) or entry.tracking_id
    case = register_visit(VisitData(
        channel=Channel.LAPOR, visit_type=VisitType.GRIEVANCE, complaints=[(category_id, description[:4000])],
        note=f"SP4N-LAPOR! {entry.tracking_id}", new_case_reason=None, **identity), actor)
    entry.case_id = case.id
    entry.pulled = None
    db.session.flush()
    record(action, entry, person_id=case.person_id,
           note=f"tracking_id={entry.tracking_id} ticket={case.ticket}", user=actor)
    queue_message("", json.dumps({"action": "ack", "tracking_id": entry.tracking_id, "ticket": case.ticket}),
                  "lapor_ack", MessageChannel.LAPOR, case_id=case.id)
    return case


def complete(entry: LaporReport, identity: dict, category_id: int, actor):
    """The back office completed an incomplete report (identity checked as at the counter, a village of the
    district, a category): its case is registered and LAPOR! acknowledged, once. The caller holds the
    report's row lock, so a second completion finds it received and is refused."""
    if entry.status != LaporStatus.NEEDS_DATA:
        raise TransitionError(gettext("Laporan ini sudah dilengkapi dan kasusnya sudah terdaftar."))
    return _make_case(entry, identity, pulled_of(entry).get("text", ""), category_id, actor, "lapor.completed")


def sync(client: LaporClient, actor, category_id: int | None) -> SyncResult:
    """Pull every complaint LAPOR! has dispositioned to the office, page by page, committing each one: an
    outage mid-way keeps what was taken, and the next run takes the rest (LAPOR! lists a complaint until it
    is acknowledged; one already taken is recognised by its tracking ID)."""
    from slrt.lapor.client import LaporError
    result = SyncResult()
    cursor = None
    for _page in range(MAX_PAGES):
        try:
            batch = client.pull(cursor)
        except LaporError as error:
            result.error = str(error)
            return result
        for report in batch.reports:
            try:
                outcome = take_report(report, actor, category_id)
                ticket = _ticket_of(report) if outcome == "created" else ""
                db.session.commit()
            except IntegrityError:  # another sync took this tracking ID first
                db.session.rollback()
                outcome = "duplicate"
            if outcome == "created":
                result.created.append(ticket)
            elif outcome == "duplicate":
                result.duplicates += 1
            elif outcome == "needs_data":
                result.needs_data.append(str(report["tracking_id"]).strip()[:40])
            else:
                result.invalid += 1
        if batch.next_cursor is None or batch.next_cursor == cursor:
            break
        cursor = batch.next_cursor
    return result


def _ticket_of(report: dict) -> str:
    tracking_id = str(report["tracking_id"]).strip()[:40]
    return db.session.scalar(select(LaporReport).where(LaporReport.tracking_id == tracking_id)).case.ticket


def _step_text(event: CaseEvent) -> str:
    """What LAPOR! shows the citizen for one step: always Bahasa Indonesia."""
    with force_locale("id"):
        parts = [LABELS.label("EventKind", event.kind)]
    if event.agency_name:
        parts.append(event.agency_name)
    if event.citizen_message:
        parts.append(event.citizen_message)
    return ". ".join(part.strip().rstrip(".") for part in parts if part and part.strip()) + "."


def follow_up(report: LaporReport, event: CaseEvent) -> None:
    """Queue one step of the case for LAPOR! (the first moves the report to "followed up")."""
    step = {"tanggal": (event.at or utcnow()).isoformat(timespec="seconds") + "Z", "tahap": event.kind,
            "isi": _step_text(event)}
    queue_message("", json.dumps({"action": "follow_up", "tracking_id": report.tracking_id, "step": step}),
                  "lapor_follow_up", MessageChannel.LAPOR, case_id=report.case_id)
    if report.status == LaporStatus.RECEIVED:
        _move(report, LaporStatus.FOLLOWED_UP)
        report.followed_up_on = local_today()
    record("lapor.follow_up", report, note=f"tracking_id={report.tracking_id} step={event.kind}")


def _before_flush(session, flush_context, instances) -> None:
    """Each new public step of a LAPOR! case is queued for LAPOR! in the same transaction (the registration
    itself is answered by the acknowledgement)."""
    events = [obj for obj in session.new if isinstance(obj, CaseEvent) and obj.public and obj.kind != "registered"]
    if not events:
        return
    with session.no_autoflush:
        for event in events:
            case_id = event.case_id if event.case_id is not None else getattr(event.case, "id", None)
            if case_id is None:
                continue
            report = session.scalar(select(LaporReport).where(LaporReport.case_id == case_id))
            if report is not None:
                follow_up(report, event)


def install_session_hooks() -> None:
    from sqlalchemy import event
    if not event.contains(db.session, "before_flush", _before_flush):
        event.listen(db.session, "before_flush", _before_flush)
