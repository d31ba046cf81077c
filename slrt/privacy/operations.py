"""Every state change of the personal-data duties: correction requests and their decision, the retention
job, and the audit rows of running a subject-access or breach-scope report. Nothing here commits."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from slrt.audit.models import AuditLog
from slrt.audit.operations import record
from slrt.cases.models import Assessment, Case, CaseEvent, CaseStatus, Complaint
from slrt.core.errors import DomainError, TransitionError
from slrt.core.nik import mask_nik
from slrt.core.time import local_today, utcnow
from slrt.extensions import db
from slrt.intake.models import Person, PersonVersion, VisitIdentity
from slrt.privacy.models import CORRECTABLE_FIELDS, CORRECTION_TRANSITIONS, CorrectionRequest, CorrectionStatus

# ---- correction requests -------------------------------------------------------------------------------


def stored_value(person: Person, name: str) -> str:
    value = getattr(person, name)
    return value.isoformat() if isinstance(value, date) else (value or "")


def _parse_date(text: str) -> date | None:
    for pattern in (r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})"):
        match = re.fullmatch(pattern, text)
        if match:
            parts = [int(p) for p in match.groups()]
            year, month, day = parts if pattern.startswith(r"(\d{4})") else parts[::-1]
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def clean_value(name: str, raw: str) -> str:
    """The corrected value as the person's column holds it, or a DomainError in Indonesian."""
    text = " ".join((raw or "").split())
    if name not in CORRECTABLE_FIELDS:
        raise DomainError(_("Pilih data yang ingin dikoreksi."), field="field")
    if name == "birth_date":
        day = _parse_date(text)
        if day is None or not date(1900, 1, 1) <= day <= local_today():
            raise DomainError(_("Tulis tanggal lahir seperti 31-12-1980."), field="new_value")
        return day.isoformat()
    if name == "sex":
        value = {"L": "L", "LAKI-LAKI": "L", "P": "P", "PEREMPUAN": "P"}.get(text.upper())
        if value is None:
            raise DomainError(_("Tulis L (laki-laki) atau P (perempuan)."), field="new_value")
        return value
    if name == "kk_number":
        if not re.fullmatch(r"\d{16}", text):
            raise DomainError(_("No. KK terdiri dari 16 angka."), field="new_value")
        return text
    if name == "phone":
        value = re.sub(r"[\s-]", "", text)
        if not re.fullmatch(r"\+?\d{8,15}", value):
            raise DomainError(_("Nomor HP hanya angka, 8 sampai 15 digit."), field="new_value")
        return value
    if name in ("rt", "rw"):
        if not re.fullmatch(r"\d{1,3}", text):
            raise DomainError(_("RT dan RW hanya angka, paling banyak 3 digit."), field="new_value")
        return text.zfill(3)
    limits = {"name": 120, "birth_place": 80, "address": 255}
    if name == "name" and not text:
        raise DomainError(_("Nama tidak boleh kosong."), field="new_value")
    if len(text) > limits[name]:
        raise DomainError(_("Terlalu panjang: paling banyak %(n)s karakter.", n=limits[name]), field="new_value")
    return text


def request_correction(case: Case, name: str, raw_value: str, evidence: str, actor) -> CorrectionRequest:
    """The counter writes down what the citizen asks to be corrected and the document seen."""
    person = case.person
    if person.anonymised_at is not None:
        raise DomainError(_("Data warga ini sudah dianonimkan."))
    value = clean_value(name, raw_value)
    evidence = (evidence or "").strip()
    if not evidence:
        raise DomainError(_("Tuliskan dokumen yang Anda lihat sebagai bukti (misalnya KTP atau KK)."),
                          field="evidence")
    current = stored_value(person, name)
    if value == current:
        raise DomainError(_("Nilai ini sama dengan data yang tersimpan."), field="new_value")
    request = CorrectionRequest(person=person, case=case, field=name, current_value=current, new_value=value,
                                evidence=evidence[:2000], requested_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    record("person.correction_request", request, person_id=person.id, user=actor,
           note=f"case {case.ticket}; data: {name}")
    return request


def _decide(request: CorrectionRequest, to: CorrectionStatus, reason: str, actor) -> None:
    if to not in CORRECTION_TRANSITIONS.get(CorrectionStatus(request.status), set()):
        raise TransitionError(_("Permintaan koreksi ini sudah diputuskan sebelumnya."))
    if request.person.anonymised_at is not None:
        raise DomainError(_("Data warga ini sudah dianonimkan."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Tuliskan alasannya."), field="reason")
    request.status = to
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    request.decision_reason = reason[:2000]


def accept_correction(request: CorrectionRequest, reason: str, actor) -> None:
    """The person's identity takes the corrected value; the identity it replaced is kept as a version."""
    from slrt.intake.operations import stored_identity
    _decide(request, CorrectionStatus.ACCEPTED, reason, actor)
    person = request.person
    version = PersonVersion(person=person, visit_identity_id=None, replaced_by_id=actor.id,
                            reason=_("Koreksi data: %(reason)s", reason=request.decision_reason),
                            **stored_identity(person))
    db.session.add(version)
    value = request.new_value
    setattr(person, request.field, date.fromisoformat(value) if request.field == "birth_date" else value)
    db.session.flush()
    request.version_id = version.id
    record("person.correction_accept", request, person_id=person.id, user=actor,
           note=f"diubah: {request.field}; alasan: {request.decision_reason}")


def reject_correction(request: CorrectionRequest, reason: str, actor) -> None:
    _decide(request, CorrectionStatus.REJECTED, reason, actor)
    db.session.flush()
    record("person.correction_reject", request, person_id=request.person_id, user=actor,
           note=f"data: {request.field}; alasan: {request.decision_reason}")


# ---- reports that are themselves processing ---------------------------------------------------------------

def record_subject_access(subject, actor, *, pdf: bool) -> None:
    """Running the report reads everything about a person: one audit row on them."""
    what = "privacy.subject_access_pdf" if pdf else "privacy.subject_access"
    note = "" if subject.person else f"hanya registri, NIK {mask_nik(subject.nik)}"
    record(what, subject.person, person_id=subject.person.id if subject.person else None, user=actor, note=note)


# ---- retention ----------------------------------------------------------------------------------------------

@dataclass
class RetentionStep:
    key: str             # what it acted on, e.g. "cases_anonymised"
    label: str           # the same, in words
    count: int
    cutoff: datetime | None = None
    district: str = ""   # the district whose records it acted on; "" for a pass over every district's
    detail: str = ""     # what exactly went (record ids, never names), for the run's audit row


@dataclass
class RetentionReport:
    at: datetime
    dry_run: bool
    steps: list[RetentionStep] = field(default_factory=list)
    districts: dict[str, str] = field(default_factory=dict)  # code -> name of the districts it went through
    inactive: set[str] = field(default_factory=set)  # those of them no longer hosted (their data still is)
    files_not_deleted: int = 0  # records whose files the commit's after-step could not delete (logged)

    def lines(self) -> list[str]:
        head = _("Uji coba (tidak ada yang diubah)") if self.dry_run else _("Dijalankan")
        rows = [f"{head}: {self.at:%Y-%m-%d %H:%M} UTC"]
        many = len(self.districts) > 1
        heading = None
        for step in self.steps:
            if many and step.district != heading:
                heading = step.district
                if not heading:
                    rows.append(_("Semua kabupaten/kota (masa simpan terpanjang):"))
                elif heading in self.inactive:
                    rows.append(_("%(name)s (%(code)s, tidak aktif lagi):", name=self.districts[heading],
                                  code=heading))
                else:
                    rows.append(f"{self.districts[heading]} ({heading}):")
            cutoff = f" ({_('sebelum')} {step.cutoff:%Y-%m-%d})" if step.cutoff else ""
            rows.append(f"{'  ' if many else ''}- {step.label}: {step.count}{cutoff}")
        if self.files_not_deleted:
            rows.append("- " + _("Berkas yang gagal dihapus sesudah datanya dihapus (lihat log server): "
                                 "%(count)s", count=self.files_not_deleted))
        return rows

    def note(self) -> str:
        """The run's audit row: every count (a district's prefixed by its code when there are several), then
        what exactly was removed, as far as the row holds (record ids only, never a name)."""
        many = len(self.districts) > 1
        counts = "; ".join(f"{s.district + ' ' if many and s.district else ''}{s.key}={s.count}"
                           for s in self.steps)
        details = "; ".join(f"{s.district + ' ' if many and s.district else ''}{s.key}: {s.detail}"
                            for s in self.steps if s.detail)
        note = f"{counts} | {details}" if details else counts
        return note if len(note) <= NOTE_LIMIT else note[:NOTE_LIMIT - 1] + "…"


NOTE_LIMIT = 2000  # what an audit row's note holds (slrt.audit.operations.record)


def id_ranges(ids: list[int]) -> str:
    """`[1, 2, 3, 5, 7, 8]` → `1-3,5,7-8`: many removed records' ids in few characters."""
    parts: list[str] = []
    ordered = sorted(set(ids))
    start = 0
    for position in range(1, len(ordered) + 1):
        if position == len(ordered) or ordered[position] != ordered[position - 1] + 1:
            first, last = ordered[start], ordered[position - 1]
            parts.append(str(first) if first == last else f"{first}-{last}")
            start = position
    return ",".join(parts)


# Other features add what they keep (attachments: their files) through `register_retention_task`:
# fn(cutoff, apply) -> count of what is (or would be) removed, or (count, detail) where detail names what went by
# record ids (never names) for the run's audit row. `setting` is the months setting it follows. A task kept per
# district (`per_district`) runs once for each district of the database (hosted or deactivated: its records are
# still here), inside `working_in(code)` with that district's period, and acts on that district's records only
# (`current_district()`); any other task runs once, over every district's records, with the longest period of
# the districts. A task that deletes files marks them with slrt.core.uploads.discard_after_commit: they go only
# once the run has committed.
@dataclass(frozen=True)
class RetentionTask:
    key: str
    label: Callable[[], str]
    setting: str
    run: Callable[[datetime, bool], int | tuple[int, str]]
    per_district: bool = False


_TASKS: list[RetentionTask] = []


def register_retention_task(task: RetentionTask) -> None:
    if all(t.key != task.key for t in _TASKS):
        _TASKS.append(task)


def cutoff_for(setting: str, now: datetime) -> datetime | None:
    """The moment before which a kind of record is past its time for the current district (a run works in
    each district in turn); None when the district keeps it forever (0 months)."""
    from slrt.admin import settings
    months = settings.get_int(setting)
    return None if months <= 0 else now - relativedelta(months=months)


def longest_cutoff(setting: str, now: datetime, districts: list[str]) -> datetime | None:
    """For records that belong to no one district (audit rows, webhook deliveries): the earliest cutoff of the
    districts, so no row goes that a district still keeps; None when any of them keeps it forever."""
    from slrt.regions.districts import working_in
    cutoffs = []
    for code in districts:
        with working_in(code):
            cutoff = cutoff_for(setting, now)
        if cutoff is None:
            return None
        cutoffs.append(cutoff)
    return min(cutoffs) if cutoffs else None


CHUNK = 2000


def _expired_cases(cutoff: datetime, district: str) -> list[int]:
    from slrt.regions.models import region_prefix_match
    return list(db.session.scalars(select(Case.id).where(
        region_prefix_match(Case.office_region_code, district),
        Case.status == CaseStatus.CLOSED, Case.closed_at.is_not(None), Case.closed_at < cutoff,
        Case.anonymised_at.is_(None)).order_by(Case.id)))


def anonymise_case(case: Case, now: datetime) -> None:
    """Blank what a closed case says about a person; keep what reports count (region, dates, status,
    categories, programmes, agencies, letter numbers)."""
    from slrt.notifications.models import OutboxMessage
    from slrt.referrals.models import Referral
    from slrt.registry.models import Proposal
    case.note = ""
    case.anonymised_at = now
    db.session.execute(update(Complaint).where(Complaint.case_id == case.id).values(description="", answer=""))
    db.session.execute(update(Assessment).where(Assessment.case_id == case.id).values(findings=""))
    db.session.execute(update(CaseEvent).where(CaseEvent.case_id == case.id).values(note="", citizen_message=""))
    db.session.execute(update(Referral).where(Referral.case_id == case.id)
                       .values(reason="", outcome="", decision_note=""))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.case_id == case.id).values(phone="", body=""))
    db.session.execute(update(Proposal).where(Proposal.case_id == case.id)
                       .values(nik="", kk_number="", name="", address="", rt="", rw="", reason="",
                               visit_notes="", decision_note="", survey_id=None))
    db.session.execute(update(CorrectionRequest).where(CorrectionRequest.case_id == case.id)
                       .values(current_value="", new_value="", evidence="", decision_reason=""))
    identity = db.session.scalar(select(VisitIdentity).where(VisitIdentity.case_id == case.id))
    if identity is not None:
        _blank_identity(identity)
        identity.review_reason = ""


def _blank_identity(row) -> None:
    for name in ("name", "birth_place", "phone", "kk_number", "address", "rt", "rw"):
        setattr(row, name, "")
    if not isinstance(row, Person):  # a person's household is rows of its own (cleared by the caller)
        row.members = ""
    # The year stays: age groups in reports.
    row.birth_date = date(row.birth_date.year, 1, 1)


def anonymise_person(person: Person, now: datetime) -> None:
    """Once every case of a person is anonymised: blank who they are, keep sex, birth year and desa."""
    _blank_identity(person)
    person.nik = f"X{person.id:015d}"[:16]  # unique, and never a valid NIK
    person.anonymised_at = now
    person.members.clear()
    for version in list(person.versions):
        db.session.execute(update(CorrectionRequest).where(CorrectionRequest.version_id == version.id)
                           .values(version_id=None))
        db.session.delete(version)
    person.versions.clear()


def _people_done(case_ids: list[int]) -> list[int]:
    """People of these cases who have no case left that is not anonymised."""
    if not case_ids:
        return []
    people = set(db.session.scalars(select(Case.person_id).where(Case.id.in_(case_ids))))
    still = set(db.session.scalars(select(Case.person_id).where(Case.person_id.in_(people),
                                                                Case.anonymised_at.is_(None))))
    return sorted(people - still)


def _retain_cases(cutoff: datetime, now: datetime, apply: bool, district: str,
                  counted: set[int]) -> tuple[int, int]:
    """`counted`: the cases a dry run already counted as anonymised in the districts before this one (a person
    with a case in two districts is anonymised in the second district's pass, and counted there)."""
    ids = _expired_cases(cutoff, district)
    if not apply:
        people = set(db.session.scalars(select(Case.person_id).where(Case.id.in_(ids)))) if ids else set()
        gone = sorted(counted.union(ids))
        busy = set(db.session.scalars(select(Case.person_id).where(
            Case.person_id.in_(people), Case.anonymised_at.is_(None), Case.id.not_in(gone)))) if people else set()
        counted.update(ids)
        return len(ids), len(people - busy)
    for start in range(0, len(ids), CHUNK):
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids[start:start + CHUNK]))):
            anonymise_case(case, now)
        db.session.flush()
    people = 0
    for person_id in _people_done(ids):
        person = db.session.get(Person, person_id)
        if person.anonymised_at is None:
            anonymise_person(person, now)
            people += 1
    db.session.flush()
    return len(ids), people


def _retain_audit(cutoff: datetime, apply: bool) -> int:
    where = AuditLog.at < cutoff
    if not apply:
        return db.session.scalar(select(func.count(AuditLog.id)).where(where)) or 0
    return db.session.execute(delete(AuditLog).where(where)).rowcount or 0


def _retain_registry(cutoff: datetime, apply: bool, district: str) -> tuple[int, int]:
    """The district's own extracts (each district imports its own): rows of an extract older than the cutoff
    whose desa a newer extract covers: households that the newer extract no longer carries (the versions it does
    carry were replaced at import). An older extract's desa that no newer extract covers (extracts sent per
    kecamatan) is still the current data: kept."""
    from slrt.registry.models import (ImportStatus, RegistryHousehold, RegistryImport, RegistryPerson,
                                      RejectedRow)
    done = list(db.session.execute(select(RegistryImport.id, func.coalesce(
        RegistryImport.finished_at, RegistryImport.started_at)).where(RegistryImport.status == ImportStatus.DONE,
                                            RegistryImport.district_code == district)
        .order_by(RegistryImport.id)))
    people = households = 0
    for position, (import_id, finished) in enumerate(done):
        newer = [i for i, _ in done[position + 1:]]
        if not newer or finished >= cutoff:
            continue
        covered = list(db.session.scalars(select(RegistryHousehold.region_code).distinct()
                                          .where(RegistryHousehold.import_id.in_(newer))))
        if not covered:
            continue
        for model in (RegistryPerson, RegistryHousehold):
            where = (model.import_id == import_id, model.region_code.in_(covered))
            found = db.session.scalar(select(func.count(model.id)).where(*where)) or 0
            if model is RegistryPerson:
                people += found
            else:
                households += found
            while apply:  # in chunks: an extract of 2 million rows must not be one transaction's undo log
                ids = list(db.session.scalars(select(model.id).where(*where).limit(10000)))
                if not ids:
                    break
                db.session.execute(delete(model).where(model.id.in_(ids)))
        if apply and not db.session.scalar(select(func.count(RegistryPerson.id))
                                           .where(RegistryPerson.import_id == import_id)):
            db.session.execute(delete(RejectedRow).where(RejectedRow.import_id == import_id))
    return people, households


def _district_steps(district: str, now: datetime, apply: bool, counted: set[int]) -> list[RetentionStep]:
    """What one district's periods remove of its own records (run inside `working_in(district)`)."""
    steps = []
    cutoff = cutoff_for("retention_case_months", now)
    if cutoff is not None:
        cases, people = _retain_cases(cutoff, now, apply, district, counted)
        steps += [RetentionStep("cases_anonymised", _("Kasus selesai dianonimkan"), cases, cutoff, district),
                  RetentionStep("people_anonymised", _("Warga dianonimkan (semua kasusnya lewat masa simpan)"),
                                people, cutoff, district)]
    cutoff = cutoff_for("retention_registry_months", now)
    if cutoff is not None:
        people, households = _retain_registry(cutoff, apply, district)
        steps += [RetentionStep("registry_people_removed", _("Orang dari ekstrak registri lama dihapus"),
                                people, cutoff, district),
                  RetentionStep("registry_households_removed", _("Keluarga dari ekstrak registri lama dihapus"),
                                households, cutoff, district)]
    for task in _TASKS:
        if task.per_district:
            cutoff = cutoff_for(task.setting, now)
            if cutoff is not None:
                steps.append(_task_step(task, cutoff, apply, district))
    return steps


def _task_step(task: RetentionTask, cutoff: datetime, apply: bool, district: str = "") -> RetentionStep:
    done = task.run(cutoff, apply)
    count, detail = done if isinstance(done, tuple) else (done, "")
    return RetentionStep(task.key, task.label(), count, cutoff, district, detail)


def run_retention(now: datetime | None = None, *, dry_run: bool = False, actor=None) -> RetentionReport:
    """Anonymise or remove what is past the retention periods; report what was (or, in a dry run, would be)
    done. Each district's periods apply to its own cases, attachments and registry extracts: every district of
    the database, a deactivated one too (no longer served, its records are still kept, and only its own periods
    end that). One audit row records a real run. Nothing is committed here: the caller commits, and only then
    are the removed attachments' files deleted."""
    from slrt.regions.districts import hosted_districts, working_in
    now = now or utcnow()
    report = RetentionReport(at=now, dry_run=dry_run)
    apply = not dry_run
    every = hosted_districts(include_inactive=True)
    report.districts = {row.code: row.name for row in every}
    report.inactive = {row.code for row in every if not row.active}
    counted: set[int] = set()
    for code in report.districts:
        with working_in(code):
            report.steps += _district_steps(code, now, apply, counted)
    # Audit rows and webhook deliveries belong to no one district (a row may name any district's records, or
    # none): one pass for all, with the LONGEST period of the districts, so that no row goes that a
    # district still keeps (and none at all while a district keeps them for good).
    districts = list(report.districts)
    for task in _TASKS:
        if not task.per_district:
            cutoff = longest_cutoff(task.setting, now, districts)
            if cutoff is not None:
                report.steps.append(_task_step(task, cutoff, apply))
    # Files that no row names any more (slrt.core.orphans), after every other step: a file that a step above
    # removes with its row is counted there, not here.
    from slrt.core import orphans
    count, detail = orphans.sweep(now, apply)
    report.steps.append(RetentionStep("orphan_files_removed", _("Berkas yang tidak disebut data mana pun dihapus"),
                                      count, None, "", detail))
    # Audit rows last, so this run's own row (written below) is never among them.
    cutoff = longest_cutoff("retention_audit_months", now, districts)
    if cutoff is not None:
        report.steps.append(RetentionStep("audit_removed", _("Baris jejak audit dihapus"),
                                          _retain_audit(cutoff, apply), cutoff))
    if apply:
        record("privacy.retention", None, user=actor, note=report.note())
        db.session.flush()
    return report
