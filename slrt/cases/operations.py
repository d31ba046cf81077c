"""What every feature may do to a case it works on: check a move against the case's and the complaint's
transition tables, put a step on the timeline, move a complaint. The back office's handling of a case
(take, assess, answer, close, reopen) is `slrt.handling.operations`."""
from __future__ import annotations

from flask_babel import gettext as _

from slrt.audit.operations import record
from slrt.cases.models import (CASE_TRANSITIONS, COMPLAINT_TRANSITIONS, HANDLING, Case, CaseEvent, CaseStatus,
                               Complaint, ComplaintStatus)
from slrt.core.errors import DomainError
from slrt.core.labels import LABELS
from slrt.core.time import utcnow


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


def move_complaint(complaint: Complaint, target: ComplaintStatus, actor, note: str = "") -> None:
    if complaint.status == target:
        return
    check_complaint_transition(complaint, target)
    previous = complaint.status
    complaint.status = target
    record("complaint.status", complaint, person_id=complaint.case.person_id,
           note=f"{previous}->{target} {note}".strip(), user=actor)


def require_handling(case: Case) -> None:
    """The case must be taken (and not closed) before the back office records anything on it."""
    if CaseStatus(case.status) not in HANDLING:
        raise DomainError(_("Kasus berstatus \"%(status)s\": ambil kasus ini dulu, atau buka kembali bila "
                            "sudah selesai.", status=LABELS.label(CaseStatus, case.status)))
