"""Every status change of a case, checked against one transition table."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from slrt.audit.operations import record
from slrt.cases.models import Case, CaseEvent, CaseStatus
from slrt.core.errors import DomainError, TransitionError
from slrt.core.labels import LABELS
from slrt.core.time import utcnow

TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.REGISTERED: {CaseStatus.IN_PROGRESS, CaseStatus.CLOSED},
    CaseStatus.IN_PROGRESS: {CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.IN_PROGRESS},
}


def check_transition(case: Case, target: CaseStatus) -> None:
    current = CaseStatus(case.status)
    if target not in TRANSITIONS.get(current, set()):
        raise TransitionError(_l("Kasus berstatus \"%(current)s\" tidak dapat diubah menjadi \"%(target)s\".",
                                 current=LABELS.label(CaseStatus, current), target=LABELS.label(CaseStatus, target)))


def _move(case: Case, target: CaseStatus, actor, kind: str, note: str = "", public: bool = True,
          citizen_message: str = "") -> None:
    check_transition(case, target)
    previous = case.status
    case.status = target
    case.events.append(CaseEvent(kind=kind, public=public, note=note, actor_id=actor.id,
                                 citizen_message=citizen_message))
    record(f"case.{kind}", case, person_id=case.person_id, note=f"{previous}->{target} {note}".strip(), user=actor)


def take(case: Case, actor) -> None:
    """A back-office officer takes the case to handle it. Whoever comes second (the row is locked, so
    they see the first one's change) is told who has it."""
    if case.status == CaseStatus.IN_PROGRESS and case.assigned_to is not None:
        if case.assigned_to_id == actor.id:
            raise DomainError(_l("Kasus ini sudah Anda tangani."))
        raise DomainError(_l("Kasus ini sudah ditangani oleh %(name)s.", name=case.assigned_to.full_name))
    _move(case, CaseStatus.IN_PROGRESS, actor, "taken")
    case.assigned_to_id = actor.id


def assign(case: Case, officer, actor) -> None:
    """A supervisor hands the case to an officer."""
    if case.status == CaseStatus.REGISTERED:
        _move(case, CaseStatus.IN_PROGRESS, actor, "assigned", note=officer.full_name)
    else:
        case.events.append(CaseEvent(kind="assigned", public=False, note=officer.full_name, actor_id=actor.id))
        record("case.assigned", case, person_id=case.person_id, note=officer.username, user=actor)
    case.assigned_to_id = officer.id


def close(case: Case, actor, summary: str) -> None:
    _move(case, CaseStatus.CLOSED, actor, "closed", note=summary, citizen_message=summary)
    case.closed_at = utcnow()
