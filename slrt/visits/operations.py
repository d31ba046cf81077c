"""Every state change of a home visit: assigned by the back office, done by the facilitator sent (the
findings become an assessment on the case), or cancelled with a reason. Each checks VISIT_TRANSITIONS,
writes the case's history and the audit trail, and flushes nothing itself."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from slrt.audit.operations import record
from slrt.auth.models import Role
from slrt.cases.models import Assessment, Case
from slrt.cases.operations import add_event
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.visits.models import HOUSING, VISIT_TRANSITIONS, HomeVisit, VisitStatus

# How far back a visit may be dated when its findings are written down (a report typed a week later is
# normal; a year later is a typo).
OLDEST_VISIT_DAYS = 90


def of_area(user, village: str) -> bool:
    """The user's region holds the citizen's village, or is a village of the same kecamatan."""
    kecamatan = village[:8]
    code = user.region_code
    return code in (village[:2], village[:5], kecamatan) or code.startswith(kecamatan + ".")


def assign(case: Case, facilitator, due_date: date, note: str, actor, today: date) -> HomeVisit:
    """The back office sends a facilitator of the case's area to the citizen's home by `due_date`."""
    if facilitator is None or facilitator.role != Role.FACILITATOR or not facilitator.active:
        raise DomainError(_l("Pilih fasilitator yang aktif."), field="facilitator")
    if not of_area(facilitator, case.region_code):
        raise DomainError(_("%(name)s tidak bertugas di wilayah warga ini.", name=facilitator.full_name),
                          field="facilitator")
    if due_date < today:
        raise DomainError(_l("Batas waktu kunjungan tidak boleh sebelum hari ini."), field="due_date")
    visit = HomeVisit(case_id=case.id, facilitator_id=facilitator.id, assigned_by_id=actor.id, due_date=due_date,
                      note=note.strip(), status=VisitStatus.ASSIGNED, created_at=utcnow())
    visit.case = case
    db.session.add(visit)
    db.session.flush()
    add_event(case, "visit_assigned", actor, public=False, note=facilitator.full_name)
    record("visit.assigned", visit, person_id=case.person_id,
           note=f"case {case.ticket} facilitator={facilitator.username} due={due_date.isoformat()}", user=actor)
    return visit


@dataclass
class Findings:
    visited_on: date
    findings: str
    recommendation: str
    housing: dict[str, str] = field(default_factory=dict)  # aspect -> code (see HOUSING); "" when not seen
    needs: list[int] = field(default_factory=list)          # programme ids
    documents_seen: list[str] = field(default_factory=list)  # DocumentType codes


def findings_faults(data: Findings, today: date) -> dict[str, str]:
    """Every field of the findings at fault, each with its message (all at once: a device that sent them from
    the field hears of them in one answer, not one sync each)."""
    faults = {}
    if data.visited_on > today:
        faults["visited_on"] = str(_l("Tanggal kunjungan tidak boleh sesudah hari ini."))
    elif (today - data.visited_on).days > OLDEST_VISIT_DAYS:
        faults["visited_on"] = _("Tanggal kunjungan terlalu lama: paling lama %(days)d hari yang lalu.",
                                 days=OLDEST_VISIT_DAYS)
    if not data.findings.strip():
        faults["findings"] = str(_l("Tuliskan keadaan rumah tangga yang Anda temui."))
    if not data.recommendation.strip():
        faults["recommendation"] = str(_l("Tuliskan rekomendasi Anda."))
    for aspect, code in data.housing.items():
        if code and code not in HOUSING.get(aspect, ()):
            faults[aspect] = str(_l("Pilihan tidak sah."))
    return faults


def _check_findings(visit: HomeVisit, data: Findings, today: date) -> None:
    faults = findings_faults(data, today)
    if faults:
        name, text = next(iter(faults.items()))
        raise DomainError(text, field=name, errors={k: [v] for k, v in faults.items()})


def record_findings(visit: HomeVisit, data: Findings, actor, today: date) -> Assessment:
    """The facilitator sent writes down the visit. The visit is done, and its findings become an assessment
    on the case (dated the day of the visit, naming the facilitator), which the case page and the back office
    read like any other."""
    if actor.id != visit.facilitator_id:
        raise DomainError(_l("Hanya fasilitator yang ditugaskan dapat mencatat kunjungan ini."))
    VISIT_TRANSITIONS.check(visit.status, VisitStatus.DONE)
    _check_findings(visit, data, today)
    for aspect in HOUSING:
        setattr(visit, aspect, data.housing.get(aspect, "") or "")
    visit.visited_on = data.visited_on
    visit.findings = data.findings.strip()
    visit.recommendation = data.recommendation.strip()
    visit.needs = ",".join(str(i) for i in sorted(set(data.needs)))
    visit.documents_seen = ",".join(sorted(set(data.documents_seen)))
    visit.status = VisitStatus.DONE
    visit.done_at = utcnow()
    case = visit.case
    summary = _("%(findings)s\n\nRekomendasi: %(recommendation)s", findings=visit.findings,
                recommendation=visit.recommendation)
    assessment = Assessment(findings=summary, visit_date=data.visited_on, facilitator_id=actor.id,
                            recorded_by_id=actor.id, created_at=utcnow())
    case.assessments.append(assessment)
    db.session.flush()
    visit.assessment_id = assessment.id
    add_event(case, "home_visit", actor, public=True, note=visit.findings[:500])
    record("visit.done", visit, person_id=case.person_id,
           note=f"case {case.ticket} visited={data.visited_on.isoformat()}", user=actor)
    return assessment


def cancel(visit: HomeVisit, reason: str, actor) -> None:
    """The back office calls a visit off (the citizen came to the office, moved, the case closed)."""
    VISIT_TRANSITIONS.check(visit.status, VisitStatus.CANCELLED)
    if not reason.strip():
        raise DomainError(_l("Tuliskan alasan pembatalan."), field="reason")
    visit.status = VisitStatus.CANCELLED
    visit.cancelled_by_id = actor.id
    visit.cancelled_at = utcnow()
    visit.cancel_reason = reason.strip()
    add_event(visit.case, "visit_cancelled", actor, public=False, note=visit.cancel_reason[:500])
    record("visit.cancelled", visit, person_id=visit.case.person_id, note=f"case {visit.case.ticket}", user=actor)
