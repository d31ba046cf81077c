"""Every step of the back office's handling of a case, each checked against the case's transition table
(`slrt.cases.models.CASE_TRANSITIONS`): take and assign, assessment and home visit, direct answers, the case
following its referrals, closure, auto-close, and the citizen's objection that reopens it."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from slrt.admin import settings
from slrt.audit.operations import record
from slrt.cases.models import (COMPLAINT_OUTCOMES, HANDLING, Assessment, Case, CaseEvent, CaseNeed, CaseStatus,
                               Complaint, ComplaintStatus, ReferralStage)
from slrt.cases.operations import add_event, check_transition, move_complaint, require_handling
from slrt.core.errors import DomainError, TransitionError
from slrt.core.hooks import case_closed
from slrt.core.i18n import long_date
from slrt.core.time import to_local, utcnow
from slrt.deadlines.calendar import add_working_days, district_days_off
from slrt.extensions import db


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
    if target == CaseStatus.CLOSED:
        case_closed.send(case)


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
        raise DomainError(_l("Kasus yang sudah selesai tidak dapat diserahkan ke petugas lain."), field="officer")
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


def on_referral_changed(referral, *, actor) -> None:
    """The referrals feature's signal (`slrt.referrals.signals.referral_changed`): the case follows. The
    referral's operation has locked and re-read the case row before it sends."""
    follow_referrals(referral.case, actor)


def close(case: Case, actor, summary: str) -> None:
    """The back office confirms closure with a summary, once every complaint and referral has an outcome."""
    if not summary.strip():
        raise DomainError(_l("Tuliskan ringkasan penyelesaian."), field="summary")
    if case.status not in (CaseStatus.RESOLVED, CaseStatus.REOPENED) or not has_every_outcome(case):
        raise TransitionError(_l("Kasus belum dapat ditutup: masih ada keluhan atau rujukan yang belum "
                                 "mendapat hasil."), field="summary")
    message = _("Layanan Anda selesai: %(summary)s", summary=summary.strip())
    _move(case, CaseStatus.CLOSED, actor, "closed", note=summary.strip(), citizen_message=message)
    case.closed_at = utcnow()


def autoclose_due(case: Case) -> date | None:
    """A resolved case closes by itself `autoclose_days` working days after its last outcome."""
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return None
    district = case.office_region_code[:5]
    return add_working_days(to_local(case.resolved_at).date(), settings.get_int("autoclose_days", district),
                            district_days_off(district))


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
    if case.closed_at is None:
        return None
    district = case.office_region_code[:5]
    return add_working_days(to_local(case.closed_at).date(), settings.get_int("objection_days", district),
                            district_days_off(district))


def reopen_on_objection(case: Case, actor, reason: str, today: date) -> None:
    """The citizen objects within the window: the case reopens, the objection on its timeline."""
    if not reason.strip():
        raise DomainError(_l("Tuliskan keberatan warga."), field="reason")
    if case.status != CaseStatus.CLOSED:
        raise TransitionError(_l("Hanya kasus yang sudah selesai yang dapat dibuka kembali."), field="reason")
    deadline = objection_deadline(case)
    if deadline is not None and today > deadline:
        raise DomainError(_("Masa keberatan sudah lewat (batas %(date)s). Daftarkan sebagai kunjungan baru.",
                            date=long_date(deadline)), field="reason")
    message = _("Keberatan Anda diterima; kasus dibuka kembali dan ditangani lagi.")
    _move(case, CaseStatus.REOPENED, actor, "reopened", note=reason.strip(), citizen_message=message)
    case.closed_at = None
    case.resolved_at = None


def autoclose_days(cases, user) -> dict:
    """For the referral overview (a data panel): the day each resolved case closes by itself, by case id."""
    return {"autoclose_due": {case.id: autoclose_due(case) for case in cases}}
