"""What every feature may do to a case it works on: check a move against the case's and the complaint's
transition tables, put a step on the timeline, move a complaint. The back office's handling of a case
(take, assess, answer, close, reopen) is `slrt.handling.operations`."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from slrt.audit.operations import record
from slrt.cases.models import (CASE_TRANSITIONS, COMPLAINT_TRANSITIONS, HANDLING, Case, CaseChange, CaseEvent,
                               CaseStatus, Complaint, ComplaintStatus, VisitType)
from slrt.core.db import lock_row
from slrt.core.errors import DomainError, TransitionError
from slrt.core.i18n import long_date
from slrt.core.labels import LABELS
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.intake.models import IdentityReview, Person, PersonVersion
from slrt.intake.operations import stored_identity
from slrt.search.phonetic import name_key


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
