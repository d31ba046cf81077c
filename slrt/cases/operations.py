"""Every status change of a case and of its complaints, each checked against one transition table."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from slrt.audit.operations import record
from slrt.cases.models import (CASE_TRANSITIONS, COMPLAINT_TRANSITIONS, Assessment, Case, CaseChange, CaseEvent,
                               CaseNeed, CaseStatus, Complaint, ComplaintStatus, ReferralStage, VisitType)
from slrt.core.db import lock_row
from slrt.core.errors import DomainError, TransitionError
from slrt.core.i18n import long_date
from slrt.core.labels import LABELS
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.intake.models import IdentityReview, Person, PersonVersion
from slrt.intake.operations import stored_identity
from slrt.search.phonetic import name_key

# The handling states between "taken" and "closed" follow the referrals (see `follow_referrals`).
_ACTIVE = {CaseStatus.IN_PROGRESS, CaseStatus.REFERRED, CaseStatus.WAITING_CITIZEN, CaseStatus.RESOLVED}

COMPLAINT_OUTCOMES = {ComplaintStatus.ANSWERED, ComplaintStatus.COMPLETED, ComplaintStatus.DECLINED}
HANDLING = _ACTIVE | {CaseStatus.REOPENED}  # states in which the back office works on the case


def check_transition(case: Case, target: CaseStatus) -> None:
    CASE_TRANSITIONS.check(case.status, target)


def check_complaint_transition(complaint: Complaint, target: ComplaintStatus) -> None:
    COMPLAINT_TRANSITIONS.check(complaint.status, target)


def add_event(case: Case, kind: str, actor, *, public: bool = True, note: str = "", citizen_message: str = "",
              agency_name: str = "", sms: bool = False, sms_text: str = "") -> CaseEvent:
    """A step on the case's timeline; with `sms`, its message (or a shorter `sms_text`) also goes to the
    citizen's outbox, the ticket first so that a cut at 160 characters never loses it."""
    event = CaseEvent(kind=kind, public=public, note=note, actor_id=getattr(actor, "id", None),
                      citizen_message=citizen_message, agency_name=agency_name, at=utcnow())
    case.events.append(event)
    text = sms_text or citizen_message
    if sms and text:
        from slrt.notifications.operations import queue_citizen_message
        queue_citizen_message(case, kind, _("Tiket %(ticket)s: %(text)s", ticket=case.ticket, text=text))
    return event


def _move(case: Case, target: CaseStatus, actor, kind: str | None, note: str = "", public: bool = True,
          citizen_message: str = "") -> None:
    check_transition(case, target)
    previous = case.status
    case.status = target
    if kind:
        add_event(case, kind, actor, public=public, note=note, citizen_message=citizen_message,
                  sms=bool(citizen_message))
    record(f"case.{kind or 'status'}", case, person_id=case.person_id,
           note=f"{previous}->{target} {note}".strip(), user=actor)


def move_complaint(complaint: Complaint, target: ComplaintStatus, actor, note: str = "") -> None:
    if complaint.status == target:
        return
    check_complaint_transition(complaint, target)
    previous = complaint.status
    complaint.status = target
    record("complaint.status", complaint, person_id=complaint.case.person_id,
           note=f"{previous}->{target} {note}".strip(), user=actor)


def add_complaints(case: Case, actor, complaints: list[tuple[int, str]], *, needs: list[int] | None = None,
                   documents: list[str] | None = None, note: str = "") -> list[Complaint]:
    """A returning citizen's new complaints go on their open case (the same ticket; the receipt is printed
    again): new Complaint rows, the needs and documents added to the case's, a public step, an audit row. A
    resolved case goes back to handling, since a complaint without an outcome waits. The caller holds the
    case's row lock."""
    if case.status == CaseStatus.CLOSED:
        raise TransitionError(_l("Kasus ini sudah selesai. Catat keberatan warga, atau buka kasus baru."))
    if not complaints:
        raise DomainError(_l("Isi sedikitnya satu keluhan atau permintaan."))
    added = [Complaint(category_id=category_id, description=description.strip())
             for category_id, description in complaints]
    case.complaints.extend(added)
    have = {n.programme_id for n in case.needs}
    for programme_id in dict.fromkeys(needs or []):
        if programme_id not in have:
            case.needs.append(CaseNeed(programme_id=programme_id))
    case.documents = ",".join(sorted(set(case.document_codes) | set(documents or [])))
    if note.strip():
        case.note = "\n\n".join(part for part in (case.note, note.strip()) if part)
    db.session.flush()
    add_event(case, "complaint_added", actor, public=True, note=", ".join(k.category.name for k in added))
    record("case.complaint_add", case, person_id=case.person_id, user=actor,
           note=f"ticket={case.ticket}; keluhan baru: {len(added)}")
    follow_referrals(case, actor)
    return added


def require_handling(case: Case) -> None:
    """The case must be taken (and not closed) before the back office records anything on it."""
    if CaseStatus(case.status) not in HANDLING:
        raise DomainError(_("Kasus berstatus \"%(status)s\": ambil kasus ini dulu, atau buka kembali bila "
                            "sudah selesai.", status=LABELS.label(CaseStatus, case.status)))


def take(case: Case, actor) -> None:
    """A back-office officer takes the case to handle it. Whoever comes second (the row is locked, so
    they see the first one's change) is told who has it."""
    if case.status == CaseStatus.IN_PROGRESS and case.assigned_to is not None:
        if case.assigned_to_id == actor.id:
            raise DomainError(_l("Kasus ini sudah Anda tangani."))
        raise DomainError(_("Kasus ini sudah ditangani oleh %(name)s.", name=case.assigned_to.full_name))
    _move(case, CaseStatus.IN_PROGRESS, actor, "taken")
    case.assigned_to_id = actor.id


def assign(case: Case, officer, actor) -> None:
    """A supervisor hands the case to an officer."""
    if case.status == CaseStatus.REGISTERED:
        _move(case, CaseStatus.IN_PROGRESS, actor, "assigned", note=officer.full_name)
    elif case.status == CaseStatus.CLOSED:
        raise DomainError(_l("Kasus yang sudah selesai tidak dapat diserahkan ke petugas lain."))
    else:
        add_event(case, "assigned", actor, public=False, note=officer.full_name)
        record("case.assigned", case, person_id=case.person_id, note=officer.username, user=actor)
    case.assigned_to_id = officer.id


def record_assessment(case: Case, actor, findings: str, visit_date: date | None = None,
                      facilitator=None) -> Assessment:
    """The back office's assessment, with the home visit (date, facilitator) when one was made."""
    require_handling(case)
    if not findings.strip():
        raise DomainError(_l("Tuliskan hasil asesmen."), field="findings")
    assessment = Assessment(findings=findings.strip(), visit_date=visit_date, recorded_by_id=actor.id,
                            facilitator_id=getattr(facilitator, "id", None))
    case.assessments.append(assessment)
    kind = "home_visit" if visit_date else "assessed"
    add_event(case, kind, actor, public=True, note=findings.strip()[:500])
    record("case.assessment", case, person_id=case.person_id,
           note=f"visit={visit_date or '-'} facilitator={getattr(facilitator, 'username', '-')}", user=actor)
    return assessment


def answer_complaint(complaint: Complaint, actor, answer: str) -> CaseEvent:
    """A direct answer (a question or a suggestion): recorded and shown to the citizen."""
    case = complaint.case
    require_handling(case)
    if not answer.strip():
        raise DomainError(_l("Tuliskan jawaban untuk warga."), field="answer")
    move_complaint(complaint, ComplaintStatus.ANSWERED, actor)
    complaint.answer = answer.strip()
    complaint.answered_by_id = actor.id
    complaint.answered_at = utcnow()
    record("complaint.answer", complaint, person_id=case.person_id, note=answer.strip()[:500], user=actor)
    message = _("Jawaban atas %(topic)s: %(answer)s", topic=complaint.category.name, answer=answer.strip())
    event = add_event(case, "answered", actor, public=True, note=complaint.category.name, citizen_message=message,
                      sms=True)
    follow_referrals(case, actor)
    return event


def has_every_outcome(case: Case) -> bool:
    """Every complaint answered or with an outcome, and every referral ended."""
    referrals = list(case.referrals)
    complaints_done = all(ComplaintStatus(k.status) in COMPLAINT_OUTCOMES for k in case.complaints)
    referrals_done = all(r.case_stage is ReferralStage.ENDED for r in referrals)
    return complaints_done and referrals_done and (bool(case.complaints) or bool(referrals))


def follow_referrals(case: Case, actor) -> None:
    """Move an active case to the state its complaints and referrals put it in."""
    current = CaseStatus(case.status)
    if current not in HANDLING:
        return
    stages = {r.case_stage for r in case.referrals}
    if has_every_outcome(case):
        target = CaseStatus.RESOLVED
    elif ReferralStage.WAITING_CITIZEN in stages:
        target = CaseStatus.WAITING_CITIZEN
    elif ReferralStage.AT_AGENCY in stages:
        target = CaseStatus.REFERRED
    else:
        target = CaseStatus.IN_PROGRESS
    if target == current or (current == CaseStatus.REOPENED and target == CaseStatus.RESOLVED):
        return  # a reopened case stays so until the back office acts on the objection
    _move(case, target, actor, None)
    case.resolved_at = utcnow() if target == CaseStatus.RESOLVED else None


def close(case: Case, actor, summary: str) -> None:
    """The back office confirms closure with a summary, once every complaint and referral has an outcome."""
    if not summary.strip():
        raise DomainError(_l("Tuliskan ringkasan penyelesaian."), field="summary")
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.REOPENED) or not has_every_outcome(case):
        raise TransitionError(_l("Kasus belum dapat ditutup: masih ada keluhan atau rujukan yang belum "
                                 "mendapat hasil."))
    message = _("Layanan Anda selesai: %(summary)s", summary=summary.strip())
    _move(case, CaseStatus.CLOSED, actor, "closed", note=summary.strip(), citizen_message=message)
    case.closed_at = utcnow()


def autoclose_due(case: Case) -> date | None:
    """A resolved case closes by itself `autoclose_days` working days after its last outcome."""
    from slrt.admin import settings
    from slrt.core.time import to_local
    from slrt.deadlines.calendar import add_working_days, district_days_off
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return None
    return add_working_days(to_local(case.resolved_at).date(), settings.get_int("autoclose_days"),
                            district_days_off(case.office_region_code[:5]))


def auto_close(case: Case, today: date) -> bool:
    """Close a resolved case whose auto-close day has passed (the citizen did not object in time)."""
    due = autoclose_due(case)
    if due is None or today <= due or not has_every_outcome(case):
        return False
    summary = _("Ditutup otomatis: semua keluhan dan rujukan sudah mendapat hasil.")
    _move(case, CaseStatus.CLOSED, None, "closed", note=summary,
          citizen_message=_("Layanan Anda selesai. Bila belum puas, sampaikan keberatan ke kantor SLRT."))
    case.closed_at = utcnow()
    return True


def objection_deadline(case: Case) -> date | None:
    """The last working day on which the citizen's objection reopens the closed case."""
    from slrt.admin import settings
    from slrt.core.time import to_local
    from slrt.deadlines.calendar import add_working_days, district_days_off
    if case.closed_at is None:
        return None
    district = case.office_region_code[:5]
    return add_working_days(to_local(case.closed_at).date(), settings.get_int("objection_days"),
                            district_days_off(district))


def reopen_on_objection(case: Case, actor, reason: str, today: date) -> None:
    """The citizen objects within the window: the case reopens, the objection on its timeline."""
    if not reason.strip():
        raise DomainError(_l("Tuliskan keberatan warga."), field="reason")
    if case.status != CaseStatus.CLOSED:
        raise TransitionError(_l("Hanya kasus yang sudah selesai yang dapat dibuka kembali."))
    deadline = objection_deadline(case)
    if deadline is not None and today > deadline:
        raise DomainError(_("Masa keberatan sudah lewat (batas %(date)s). Daftarkan sebagai kunjungan baru.",
                            date=long_date(deadline)))
    message = _("Keberatan Anda diterima; kasus dibuka kembali dan ditangani lagi.")
    _move(case, CaseStatus.REOPENED, actor, "reopened", note=reason.strip(), citizen_message=message)
    case.closed_at = None
    case.resolved_at = None


# ---- corrections (Ubah data kasus) ----------------------------------------------------------------------

# The citizen's fields a correction may change (a NIK change is not a correction: it is the identity review).
IDENTITY_EDIT_FIELDS = ("name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw",
                        "region_code")


class EditConflict(DomainError):
    """Someone changed the case since the form was opened: the differences, as (field, opened, now) rows."""

    def __init__(self, message, differences: list[tuple[str, str, str]]):
        super().__init__(message)
        self.differences = differences


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def edit_values(case: Case) -> dict[str, str]:
    """The values a correction can change, as text keyed by field: the citizen as given at this visit (or
    the stored person for a case older than visit identities), the visit type, and each complaint's
    category and description (`complaint.<id>.category` / `.description`)."""
    citizen = case.citizen
    values = {name: _text(getattr(citizen, name)) for name in IDENTITY_EDIT_FIELDS}
    values["visit_type"] = case.visit_type
    for complaint in case.complaints:
        values[f"complaint.{complaint.id}.category"] = str(complaint.category_id)
        values[f"complaint.{complaint.id}.description"] = complaint.description
    return values


def _shown(field: str, value: str) -> str:
    """A value as the history shows it: names of regions, categories and labels instead of codes."""
    if not value:
        return ""
    if field == "region_code":
        from slrt.regions.models import Region
        region = db.session.get(Region, value)
        return region.name if region is not None else value
    if field == "birth_date":
        return long_date(date.fromisoformat(value))
    if field == "sex":
        return str(LABELS.label("Sex", value))
    if field == "visit_type":
        return str(LABELS.label(VisitType, value))
    if field.endswith(".category"):
        from slrt.admin.models import ComplaintCategory
        category = db.session.get(ComplaintCategory, int(value))
        return category.name if category is not None else value
    return value


def _history_field(case: Case, field: str) -> str:
    """The history's key of a field: a complaint's by its position on the case (`complaint_description.2`)."""
    if not field.startswith("complaint."):
        return field
    _prefix, complaint_id, part = field.split(".")
    position = next(n for n, k in enumerate(case.complaints, start=1) if str(k.id) == complaint_id)
    return f"complaint_{part}.{position}"


def edit_case(case: Case, actor, wanted: dict[str, str], *, reason: str, opened_with: dict[str, str]) -> list[str]:
    """Correct a case and its citizen's data with a reason. `wanted` holds the new values as text (keys of
    `edit_values`); `opened_with` the values the form showed when it was opened: if anyone changed one of
    them since, nothing is saved and EditConflict lists the differences. Every changed field is kept in the
    case's history (CaseChange: who, when, why, before and after); the citizen's stored identity follows
    where it held the corrected value, its old values kept as a PersonVersion. No public step: the citizen's
    status page does not change. The caller holds the case's row lock. Returns the changed fields."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_l("Tuliskan alasan perubahan."), field="reason")
    if case.status == CaseStatus.CLOSED or case.anonymised_at is not None:
        raise TransitionError(_l("Kasus yang sudah selesai tidak dapat diubah. Catat keberatan warga bila "
                                 "kasus perlu dibuka kembali."))
    lock_row(Person, case.person_id)  # the person may be corrected through another of their cases at once
    db.session.refresh(case.person)
    current = edit_values(case)
    differences = [(name, opened_with.get(name, ""), current.get(name, ""))
                   for name in sorted(set(current) | set(opened_with))
                   if opened_with.get(name, "") != current.get(name, "")]
    if differences:
        raise EditConflict(_l("Data kasus ini sudah diubah orang lain sejak formulir Anda dibuka. Periksa "
                              "perbedaannya di bawah, lalu simpan lagi bila isian Anda tetap benar."),
                           [(_history_field(case, name), _shown(name, before), _shown(name, now))
                            for name, before, now in differences if name in current])
    changed = [name for name in current if name in wanted and wanted[name] != current[name]]
    if not changed:
        raise DomainError(_l("Tidak ada data yang diubah."))
    if case.status != CaseStatus.REGISTERED and any(not n.startswith(IDENTITY_EDIT_FIELDS) for n in changed):
        raise DomainError(_l("Jenis layanan dan keluhan hanya dapat diubah selama kasus masih berstatus "
                             "Terdaftar."))
    now = utcnow()  # one time for the whole correction: the history shows it as one step
    for name in changed:
        db.session.add(CaseChange(case=case, actor_id=actor.id, field=_history_field(case, name),
                                  before=_shown(name, current[name]), after=_shown(name, wanted[name]),
                                  reason=reason, at=now))
    identity_changes = [n for n in changed if n in IDENTITY_EDIT_FIELDS]
    _correct_identity(case, actor, {n: wanted[n] for n in identity_changes}, reason)
    if "region_code" in identity_changes:
        case.region_code = wanted["region_code"]
    if "visit_type" in changed:
        case.visit_type = wanted["visit_type"]
    for complaint in case.complaints:
        category = wanted.get(f"complaint.{complaint.id}.category")
        if f"complaint.{complaint.id}.category" in changed:
            complaint.category_id = int(category)
        if f"complaint.{complaint.id}.description" in changed:
            complaint.description = wanted[f"complaint.{complaint.id}.description"].strip()
    db.session.flush()
    record("case.edit", case, person_id=case.person_id, user=actor,
           note=f"diubah: {', '.join(_history_field(case, n) for n in changed)}; alasan: {reason}")
    return changed


def _typed_value(name: str, text: str):
    return date.fromisoformat(text) if name == "birth_date" else text


def _correct_identity(case: Case, actor, values: dict[str, str], reason: str) -> None:
    """The visit's identity takes the corrected values; so does the stored person, on each field where it
    held the same value as the visit (the same typo). A visit whose identity waits for the back office's
    review keeps the person as it is: that review decides."""
    if not values:
        return
    identity = getattr(case, "identity", None)
    person = case.person
    old_visit = {name: _text(getattr(case.citizen, name)) for name in values}
    if identity is not None:
        for name, text in values.items():
            setattr(identity, name, _typed_value(name, text))
        identity.name_phonetic = name_key(identity.name)
    if identity is not None and identity.review == IdentityReview.PENDING:
        return
    follow = {name: text for name, text in values.items() if _text(getattr(person, name)) == old_visit[name]}
    if not follow:
        return
    old = stored_identity(person)
    db.session.add(PersonVersion(person=person, replaced_by_id=actor.id, reason=reason, **old))
    for name, text in follow.items():
        setattr(person, name, _typed_value(name, text))
    person.name_phonetic = name_key(person.name)
    record("person.edit", person, person_id=person.id, user=actor,
           note=f"case {case.ticket}; diubah: {', '.join(sorted(follow))}; alasan: {reason}")
