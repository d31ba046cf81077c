"""Reading what the portal holds about a person (subject access) and whose data an account touched
(breach scope). Features contribute the sections of the subject-access report through `contributor`, so
a feature added later (attachments) adds its own section without this module knowing it."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from slrt.audit.models import AuditLog
from slrt.auth.models import Role, User
from slrt.cases.models import Case
from slrt.cases.scoping import scope_people
from slrt.core.labels import LABELS
from slrt.core.time import to_local
from slrt.extensions import db
from slrt.intake.models import Person, PersonVersion, VisitIdentity
from slrt.privacy.models import CorrectionRequest, CorrectionStatus
from slrt.regions.models import region_prefix_match


def when(moment) -> str:
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        return to_local(moment).strftime("%d-%m-%Y %H:%M")
    if isinstance(moment, date):
        return moment.strftime("%d-%m-%Y")
    return str(moment)


def text(value) -> str:
    return "-" if value in (None, "") else str(value)


@dataclass
class Section:
    """One table of the report: a title, column headers and rows of text (the same for page and PDF)."""
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    empty: str = ""


@dataclass
class Subject:
    """Whom the report is about: the NIK asked for, the person the portal registered (if any) and the
    registry rows that carry the NIK (every kept extract)."""
    nik: str
    person: Person | None
    registry_rows: list = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.person is not None or bool(self.registry_rows)

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.name
        return self.registry_rows[0][0].name if self.registry_rows else ""


# order, function(subject) -> list[Section]
_CONTRIBUTORS: list[tuple[int, Callable[[Subject], list[Section]]]] = []


def contributor(order: int):
    """Register a function that adds sections to the subject-access report (features call this)."""
    def decorator(fn):
        if all(existing is not fn for _, existing in _CONTRIBUTORS):
            _CONTRIBUTORS.append((order, fn))
            _CONTRIBUTORS.sort(key=lambda item: item[0])
        return fn
    return decorator


def _registry_rows(nik: str) -> list:
    from slrt.registry.models import ImportStatus, RegistryImport, RegistryPerson
    return list(db.session.execute(
        select(RegistryPerson, RegistryImport).join(RegistryImport, RegistryImport.id == RegistryPerson.import_id)
        .where(RegistryPerson.nik == nik, RegistryImport.status == ImportStatus.DONE)
        .order_by(RegistryPerson.import_id.desc())))


def subject_for(nik: str, user) -> Subject | None:
    """The subject of `nik` as `user` may see them (their district's people and registry), or None when
    the NIK belongs to someone outside the user's area."""
    person = db.session.scalar(select(Person).where(Person.nik == nik))
    rows = _registry_rows(nik)
    subject = Subject(nik=nik, person=person, registry_rows=rows)
    if person is not None:
        visible = db.session.scalar(scope_people(select(Person.id), user).where(Person.id == person.id))
        if visible is None:
            return None
    elif rows and not any(_in_region(user, r.region_code) for r, _ in rows):
        return None
    return subject


def _in_region(user, code: str) -> bool:
    from slrt.auth.permissions import in_region
    return in_region(user, code)


def build_report(subject: Subject) -> Subject:
    subject.sections = [section for _, fn in _CONTRIBUTORS for section in fn(subject)]
    return subject


# ---- the portal's own sections ------------------------------------------------------------------------------

def _identity_pairs(values) -> list[list[str]]:
    return [[_("Nama"), text(values.name)], [_("Tempat lahir"), text(values.birth_place)],
            [_("Tanggal lahir"), when(values.birth_date)], [_("Jenis kelamin"), LABELS.label("Sex", values.sex)],
            [_("Nomor HP"), text(values.phone)], [_("No. KK"), text(values.kk_number)],
            [_("Alamat"), " ".join(filter(None, [values.address, f"RT {values.rt}/RW {values.rw}"
                                                 if values.rt else ""])) or "-"],
            [_("Kode wilayah"), text(values.region_code)]]


@contributor(10)
def identity_sections(subject: Subject) -> list[Section]:
    person = subject.person
    if person is None:
        return [Section("identity", _("Identitas"), [_("Data"), _("Nilai")], [],
                        _("Portal tidak menyimpan data pendaftaran untuk NIK ini."))]
    rows = [[_("NIK"), person.nik]] + _identity_pairs(person) + [
        [_("Pertama dicatat"), when(person.created_at)], [_("Terakhir diubah"), when(person.updated_at)]]
    versions = db.session.scalars(select(PersonVersion).where(PersonVersion.person_id == person.id)
                                  .options(selectinload(PersonVersion.replaced_by)).order_by(PersonVersion.id))
    version_rows = [[when(v.replaced_at), v.replaced_by.full_name if v.replaced_by else "-", text(v.reason),
                     "; ".join(f"{a}: {b}" for a, b in _identity_pairs(v))] for v in versions]
    visits = db.session.scalars(select(VisitIdentity).where(VisitIdentity.person_id == person.id)
                                .options(selectinload(VisitIdentity.case)).order_by(VisitIdentity.id))
    visit_rows = [[v.case.ticket, when(v.created_at), LABELS.label("IdentityReview", v.review),
                   "; ".join(f"{a}: {b}" for a, b in _identity_pairs(v))] for v in visits]
    members = [[m.name, LABELS.label("Relationship", m.relation), text(m.nik), when(m.birth_date),
                LABELS.label("Sex", m.sex) if m.sex else "-"] for m in person.members]
    return [
        Section("identity", _("Identitas"), [_("Data"), _("Nilai")], rows),
        Section("versions", _("Versi identitas sebelumnya"),
                [_("Diganti pada"), _("Oleh"), _("Alasan"), _("Data sebelumnya")], version_rows,
                _("Identitas belum pernah diubah.")),
        Section("visit_identities", _("Identitas yang disampaikan pada tiap kunjungan"),
                [_("Tiket"), _("Tanggal"), _("Pemeriksaan"), _("Data")], visit_rows, _("Tidak ada.")),
        Section("household", _("Anggota rumah tangga"),
                [_("Nama"), _("Hubungan"), _("NIK"), _("Tanggal lahir"), _("Jenis kelamin")], members,
                _("Tidak ada anggota rumah tangga yang dicatat.")),
    ]


@contributor(20)
def case_sections(subject: Subject) -> list[Section]:
    from slrt.referrals.models import Referral
    if subject.person is None:
        return []
    cases = db.session.scalars(select(Case).where(Case.person_id == subject.person.id)
                               .options(selectinload(Case.complaints), selectinload(Case.assessments),
                                        selectinload(Case.created_by)).order_by(Case.id)).unique().all()
    case_rows = [[c.ticket, when(c.created_at), LABELS.label("CaseStatus", c.status), LABELS.label("Channel", c.channel),
                  LABELS.label("VisitType", c.visit_type), c.created_by.full_name if c.created_by else "-",
                  when(c.closed_at), text(c.note)] for c in cases]
    complaints = [[c.ticket, k.category.name, text(k.description), LABELS.label("ComplaintStatus", k.status),
                   text(k.answer)] for c in cases for k in c.complaints]
    assessments = [[c.ticket, when(a.created_at), when(a.visit_date), text(a.findings)]
                   for c in cases for a in c.assessments]
    referrals = db.session.scalars(select(Referral).where(Referral.case_id.in_([c.id for c in cases]))
                                   .order_by(Referral.id)).all() if cases else []
    referral_rows = [[r.case.ticket, r.agency.name if r.agency else "-", r.programme.name if r.programme else "-",
                      LABELS.label("ReferralStatus", r.status), text(r.letter_number), when(r.letter_date),
                      text(r.reason), text(r.outcome)] for r in referrals]
    return [
        Section("cases", _("Kasus"), [_("Tiket"), _("Didaftarkan"), _("Status"), _("Jalur"), _("Jenis layanan"),
                                      _("Petugas pendaftar"), _("Selesai"), _("Catatan petugas")],
                case_rows, _("Tidak ada kasus.")),
        Section("complaints", _("Keluhan dan permintaan"),
                [_("Tiket"), _("Kategori"), _("Uraian"), _("Status"), _("Jawaban")], complaints, _("Tidak ada.")),
        Section("assessments", _("Penilaian dan kunjungan rumah"),
                [_("Tiket"), _("Dicatat"), _("Kunjungan rumah"), _("Temuan")], assessments, _("Tidak ada.")),
        Section("referrals", _("Rujukan dan surat"),
                [_("Tiket"), _("Instansi"), _("Program"), _("Status"), _("Nomor surat"), _("Tanggal surat"),
                 _("Alasan"), _("Hasil")], referral_rows, _("Tidak ada rujukan.")),
    ]


@contributor(40)
def registry_sections(subject: Subject) -> list[Section]:
    from slrt.registry.models import PROGRAMMES, ImportStatus, Proposal, RegistryImport
    newest = db.session.scalar(select(func.max(RegistryImport.id)).where(RegistryImport.status == ImportStatus.DONE))
    rows = []
    # An import replaces the older versions of the people it brings (slrt.registry.importer): what stays
    # is each extract's version of someone a newer extract no longer carries.
    for person, extract in subject.registry_rows:
        rows.append([text(extract.file_name), when(extract.extract_date or extract.finished_at),
                     _("ekstrak terbaru") if extract.id == newest else _("tidak ada lagi di ekstrak terbaru"),
                     person.name, text(person.kk_number),
                     text(person.region_code), text(person.decile),
                     ", ".join(LABELS.label("Programme", p) for p in PROGRAMMES if getattr(person, p)) or "-"])
    proposals = db.session.scalars(select(Proposal).where(Proposal.nik == subject.nik).order_by(Proposal.id)).all()
    proposal_rows = [[when(p.created_at), LABELS.label("ProposalKind", p.kind), LABELS.label("ProposalStatus", p.status),
                      text(p.reason), text(p.decision_note)] for p in proposals]
    return [
        Section("registry", _("Data registri (DTSEN) dan riwayatnya per ekstrak"),
                [_("Ekstrak"), _("Tanggal ekstrak"), _("Keadaan"), _("Nama"), _("No. KK"), _("Kode wilayah"),
                 _("Desil"), _("Program")], rows, _("NIK ini tidak ada di ekstrak registri yang disimpan.")),
        Section("proposals", _("Usulan dan sanggah registri"),
                [_("Dibuat"), _("Jenis"), _("Status"), _("Alasan"), _("Catatan keputusan")], proposal_rows,
                _("Tidak ada.")),
    ]


@contributor(50)
def correction_sections(subject: Subject) -> list[Section]:
    if subject.person is None:
        return []
    requests = db.session.scalars(select(CorrectionRequest).where(CorrectionRequest.person_id == subject.person.id)
                                  .order_by(CorrectionRequest.id)).all()
    rows = [[when(r.requested_at), LABELS.label("IdentityField", r.field), text(r.current_value), text(r.new_value),
             LABELS.label(CorrectionStatus, r.status), when(r.decided_at), text(r.decision_reason)] for r in requests]
    return [Section("corrections", _("Permintaan koreksi data"),
                    [_("Diminta"), _("Data"), _("Semula"), _("Menjadi"), _("Status"), _("Diputuskan"), _("Alasan")],
                    rows, _("Tidak ada."))]


# ---- the processing trail ------------------------------------------------------------------------------------

VIEW_ACTIONS = ("person.view", "person.check", "registry.view", "proposal.view", "privacy.subject_access")


def action_kind(action: str) -> str:
    """view, export or change: how UU 27/2022 counts a processing step."""
    if action in VIEW_ACTIONS:
        return "view"
    if "export" in action or action.endswith(("_pdf", ".minutes")):
        return "export"
    return "change"


def _trail_condition(subject: Subject):
    conditions = []
    if subject.person is not None:
        conditions.append(AuditLog.person_id == subject.person.id)
    # A look at a registry household is recorded on its head's row: the households this NIK belongs to.
    heads = _household_heads(subject)
    if heads:
        conditions.append(and_(AuditLog.object_type == "RegistryPerson", AuditLog.object_id.in_(heads)))
    return or_(*conditions) if conditions else None


def _household_heads(subject: Subject) -> list[str]:
    from slrt.registry.models import RegistryPerson
    pairs = {(p.kk_number, p.import_id) for p, _ in subject.registry_rows if p.kk_number}
    if not pairs:
        return []
    return [str(i) for i in db.session.scalars(select(RegistryPerson.id).where(
        or_(*[and_(RegistryPerson.kk_number == kk, RegistryPerson.import_id == imp) for kk, imp in pairs]),
        RegistryPerson.relation == 1))]


@contributor(90)
def trail_sections(subject: Subject) -> list[Section]:
    condition = _trail_condition(subject)
    rows = []
    if condition is not None:
        for log, user in db.session.execute(select(AuditLog, User).outerjoin(User, User.id == AuditLog.user_id)
                                            .where(condition).order_by(AuditLog.at, AuditLog.id)):
            rows.append([when(log.at), f"{user.full_name} ({user.username})" if user else _("sistem"),
                         LABELS.label(Role, user.role) if user else "-",
                         LABELS.label("ProcessingKind", action_kind(log.action)), log.action, text(log.note)])
    return [Section("trail", _("Jejak pemrosesan: siapa melihat, mengekspor atau mengubah data, dan kapan"),
                    [_("Waktu"), _("Petugas"), _("Peran"), _("Jenis"), _("Tindakan"), _("Keterangan")], rows,
                    _("Tidak ada catatan pemrosesan."))]


# ---- breach scope ----------------------------------------------------------------------------------------------

@dataclass
class ScopeRow:
    person: Person
    views: int
    exports: int
    changes: int
    first: datetime
    last: datetime


@dataclass
class BreachScope:
    account: User
    start: datetime
    end: datetime
    people: list[ScopeRow]
    unlisted: list[AuditLog]  # exports and searches that name no person (their file's content is unknown)

    @property
    def totals(self) -> dict:
        return {"people": len(self.people), "views": sum(r.views for r in self.people),
                "exports": sum(r.exports for r in self.people), "changes": sum(r.changes for r in self.people)}


def accounts_for(user) -> list[User]:
    """The accounts whose trail `user` may examine: those of their area."""
    return list(db.session.scalars(select(User).where(region_prefix_match(User.region_code, user.region_code))
                                   .order_by(User.full_name, User.username)))


def _district_people(query, user):
    """People of the officer's area for a breach notice: anyone living there or with a case there. Wider
    than scope_people on purpose: a person whose visit identity still waits for review was processed too."""
    from sqlalchemy import exists

    from slrt.cases.scoping import scope_cases
    return query.where(or_(region_prefix_match(Person.region_code, user.region_code),
                           exists(scope_cases(select(Case.id).where(Case.person_id == Person.id), user))))


def breach_scope(account: User, start: datetime, end: datetime, user) -> BreachScope:
    """Which persons `account` viewed, exported or changed between `start` and `end` (UTC), with counts,
    limited to the people of `user`'s area."""
    window = and_(AuditLog.user_id == account.id, AuditLog.at >= start, AuditLog.at < end)
    per_person = (select(AuditLog.person_id, AuditLog.action, func.count(AuditLog.id), func.min(AuditLog.at),
                         func.max(AuditLog.at))
                  .where(window, AuditLog.person_id.is_not(None)).group_by(AuditLog.person_id, AuditLog.action))
    stats: dict[int, dict] = {}
    for person_id, action, count, first, last in db.session.execute(per_person):
        row = stats.setdefault(person_id, {"view": 0, "export": 0, "change": 0, "first": first, "last": last})
        row[action_kind(action)] += count
        row["first"], row["last"] = min(row["first"], first), max(row["last"], last)
    people = {p.id: p for p in db.session.scalars(
        _district_people(select(Person), user).where(Person.id.in_(list(stats))))} if stats else {}
    rows = [ScopeRow(people[pid], s["view"], s["export"], s["change"], s["first"], s["last"])
            for pid, s in stats.items() if pid in people]
    rows.sort(key=lambda r: (r.person.name, r.person.id))
    unlisted = list(db.session.scalars(select(AuditLog).where(
        window, AuditLog.person_id.is_(None),
        or_(AuditLog.action.like("%export%"), AuditLog.action == "registry.search",
            AuditLog.action == "registry.view")).order_by(AuditLog.at)))
    return BreachScope(account, start, end, rows, unlisted)


def export_rows(audit_id: int, user) -> tuple[AuditLog | None, list[Person]]:
    """The persons an export named: an export that writes one row per person (SIKS-NG) is found by its
    moment and account; a single-person export by its own row."""
    row = db.session.get(AuditLog, audit_id)
    if row is None or action_kind(row.action) != "export":
        return None, []
    same = select(AuditLog.person_id).where(AuditLog.user_id == row.user_id, AuditLog.action == row.action,
                                            AuditLog.at == row.at, AuditLog.person_id.is_not(None))
    ids = set(db.session.scalars(same))
    people = db.session.scalars(_district_people(select(Person), user).where(Person.id.in_(ids))
                                .order_by(Person.name)).all() if ids else []
    return row, list(people)


def pending_corrections(user) -> list[CorrectionRequest]:
    from slrt.cases.scoping import scope_cases
    case_ids = scope_cases(select(Case.id), user)
    return list(db.session.scalars(select(CorrectionRequest).where(
        CorrectionRequest.status == CorrectionStatus.PENDING, CorrectionRequest.case_id.in_(case_ids))
        .options(selectinload(CorrectionRequest.case), selectinload(CorrectionRequest.person))
        .order_by(CorrectionRequest.requested_at)))


def case_corrections(case) -> list[CorrectionRequest]:
    return list(db.session.scalars(select(CorrectionRequest).where(CorrectionRequest.case_id == case.id)
                                   .order_by(CorrectionRequest.id)))


def case_panel(case, current_user) -> dict:
    """The correction panel of a case page (slrt.core.panels): its requests, the form to ask one, the
    decision forms."""
    from slrt.privacy.forms import DecisionForm
    from slrt.privacy.permissions import can_decide_correction, can_request_correction
    requests = case_corrections(case)
    form = None
    if can_request_correction(current_user, case) and case.person.anonymised_at is None:
        form = correction_form()
    return {"requests": requests, "form": form,
            "decide": {r.id: DecisionForm(prefix=f"c{r.id}") for r in requests
                       if r.status == CorrectionStatus.PENDING and can_decide_correction(current_user, r)}}


def correction_form(formdata=None):
    from slrt.privacy.forms import CorrectionForm
    from slrt.privacy.models import CORRECTABLE_FIELDS
    form = CorrectionForm() if formdata is None else CorrectionForm(formdata=formdata)
    form.field.choices = [("", _("— pilih data —"))] + [(name, LABELS.label("IdentityField", name))
                                                          for name in CORRECTABLE_FIELDS]
    return form


def notice(_case, _user) -> dict:
    """What the privacy notice of the intake page and the receipt says (slrt.core.panels), with the
    district's own retention period and contact."""
    from slrt.admin import settings
    months = settings.get_int("retention_case_months")
    years, rest = divmod(months, 12)
    return {"months": months, "years": years if not rest else None, "contact": settings.get("privacy_contact")}
