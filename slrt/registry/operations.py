"""Registry proposals (usulan and sanggah): every state change as one function."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.core.errors import DomainError, TransitionError
from slrt.core.uploads import save_upload, stored_path
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.core.db import lock_row
from slrt.regions.districts import district_of_code
from slrt.regions.models import region_prefix_match
from slrt.registry import regsosek as rs
from slrt.registry.queries import batch_candidates, in_a_batch, survey_of
from slrt.registry.models import (IMPORT_TRANSITIONS, MEETING_TRANSITIONS, PROPOSAL_TRANSITIONS, ImportStatus,
                                  PROGRAMMES, REGISTERED_KINDS, HouseholdSurvey, MeetingAttendee, MeetingDecision,
                                  MeetingItem, MeetingStatus, Proposal, ProposalKind, ProposalStatus,
                                  RegistryImport, SurveyMember, VillageMeeting)

S = ProposalStatus
# action -> the status it leads to; where it may start from is PROPOSAL_TRANSITIONS (models.py).
ACTIONS: dict[str, ProposalStatus] = {
    "verify": S.VERIFIED,
    "deliberate": S.DELIBERATED,
    "approve": S.APPROVED,
    "reject": S.REJECTED,
}
OPEN = (S.DRAFT, S.VERIFIED, S.DELIBERATED)


def _check(proposal: Proposal, action: str) -> ProposalStatus:
    target = ACTIONS[action]
    PROPOSAL_TRANSITIONS.check(proposal.status, target)
    return target


def _move(proposal: Proposal, action: str) -> None:
    proposal.status = _check(proposal, action)


@dataclass
class ProposalData:
    kind: str
    nik: str
    name: str
    region_code: str
    kk_number: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    reason: str = ""
    case_id: int | None = None
    programme: str = ""


def create_proposal(data: ProposalData, user) -> Proposal:
    from slrt.registry.lookup import person_by_nik, visible_imports
    # In any hosted district's registry: someone who moved here is no new household for DTSEN, a national list.
    registered = person_by_nik(data.nik, visible_imports()) is not None
    if data.kind == ProposalKind.USULAN and registered:
        raise DomainError(_l("Warga ini sudah terdaftar di DTSEN. Ajukan sanggah/perbaikan data, bukan usulan baru."))
    if data.kind in REGISTERED_KINDS and not registered:
        raise DomainError(_l("Warga ini belum terdaftar di DTSEN. Ajukan usulan baru."))
    if data.kind in REGISTERED_KINDS and not data.reason.strip():
        raise DomainError(_l("Tuliskan data apa yang salah atau disanggah."), field="reason")
    if data.programme and data.programme not in PROGRAMMES:
        raise DomainError(_l("Pilih program dari daftar."), field="programme")
    open_one = db.session.scalar(select(Proposal.id).where(Proposal.nik == data.nik, Proposal.status.in_(OPEN)))
    if open_one:
        raise DomainError(gettext("Sudah ada usulan yang masih berjalan untuk NIK ini (no. %(id)d).", id=open_one))
    proposal = Proposal(kind=data.kind, nik=data.nik, name=data.name.strip(), region_code=data.region_code,
                        kk_number=data.kk_number, address=data.address, rt=data.rt, rw=data.rw,
                        reason=data.reason.strip(), case_id=data.case_id, created_by_id=user.id,
                        status=ProposalStatus.DRAFT, programme=data.programme)
    # the household's socio-economic data, entered for an earlier proposal of the same family card, is reused
    earlier = survey_of(data.kk_number, data.region_code)
    proposal.survey_id = earlier.id if earlier else None
    db.session.add(proposal)
    db.session.flush()
    record("proposal.create", proposal, user=user, note=data.kind + (" (household data reused)"
                                                                     if proposal.survey_id else ""))
    return proposal


@dataclass
class MemberData:
    name: str
    birth_date: date
    sex: str
    relation: str
    nik: str = ""
    birth_place: str = ""
    schooling: str = "2"
    diploma: str = "0"
    working: bool = False
    industry: str = ""
    job_status: str = ""
    disability: str = "0"
    chronic_illness: str = "0"


@dataclass
class SurveyData:
    """A household's living conditions (codes of slrt/registry/regsosek.py) and its members."""
    ownership: str
    floor_area: int
    floor: str
    wall: str
    roof: str
    water: str
    lighting: str
    cooking_fuel: str
    toilet: str
    sewage: str = ""
    assets: list[str] | None = None
    land_area: int = 0
    other_house: bool = False
    members: list[MemberData] | None = None


def _check_survey(data: SurveyData) -> None:
    for name, (_question, codes) in rs.HOUSE_FIELDS.items():
        value = getattr(data, name)
        if not (value in codes or (name == "sewage" and value == "" and data.toilet == "6")):
            raise DomainError(gettext("Isian \"%(field)s\" tidak dikenal.", field=name))
    if any(a not in rs.ASSETS for a in data.assets or []):
        raise DomainError(_l("Aset tidak dikenal."))
    members = data.members or []
    if not members:
        raise DomainError(_l("Isi sedikitnya satu anggota keluarga."))
    heads = sum(1 for m in members if m.relation == "1")
    if heads != 1:
        raise DomainError(gettext("Satu keluarga punya tepat satu kepala keluarga (tercatat %(n)d).", n=heads))
    niks = [m.nik for m in members if m.nik]
    if len(niks) != len(set(niks)):
        raise DomainError(_l("Ada NIK yang tercatat dua kali dalam keluarga ini."))
    for m in members:
        for name, codes in rs.MEMBER_FIELDS.items():
            value = getattr(m, name)
            if value and value not in codes:
                raise DomainError(gettext("Isian \"%(field)s\" tidak dikenal.", field=name))
        if m.working and not (m.industry and m.job_status):
            raise DomainError(gettext("%(name)s bekerja: isi lapangan usaha dan status pekerjaannya.", name=m.name))


def save_survey(proposal: Proposal, kk_number: str, data: SurveyData, user) -> HouseholdSurvey:
    """Keep the household's socio-economic data with its family card (created, or updated when it changed) and
    point the proposal, and the household's other open proposals, at it."""
    if proposal.status not in (S.DRAFT, S.VERIFIED):
        raise TransitionError(_l("Usulan ini sudah dibahas musyawarah: data sosial ekonominya tidak dapat diubah "
                                 "lagi dari usulan ini."))
    if proposal.kk_number and kk_number != proposal.kk_number:
        raise DomainError(_l("No. KK tidak sama dengan No. KK usulan."))
    _check_survey(data)
    survey = survey_of(kk_number, proposal.region_code)
    if survey is None:
        survey = HouseholdSurvey(kk_number=kk_number, region_code=proposal.region_code,
                                 district_code=district_of_code(proposal.region_code), updated_by_id=user.id,
                                 floor_area=data.floor_area, **{name: getattr(data, name) for name in rs.HOUSE_FIELDS})
        try:
            with db.session.begin_nested():
                db.session.add(survey)
                db.session.flush()
        except IntegrityError:  # entered at the same moment from another proposal of the household
            raise DomainError(_l("Data keluarga ini baru saja disimpan orang lain. Muat ulang halaman.")) from None
        action = "survey.create"
    else:
        lock_row(HouseholdSurvey, survey.id)
        action = "survey.update"
    for name in rs.HOUSE_FIELDS:
        setattr(survey, name, getattr(data, name))
    survey.floor_area, survey.land_area, survey.other_house = data.floor_area, data.land_area, data.other_house
    survey.assets = ",".join(sorted(set(data.assets or [])))
    survey.region_code, survey.updated_by_id, survey.updated_at = proposal.region_code, user.id, utcnow()
    survey.members = [SurveyMember(position=n, **vars(m)) for n, m in enumerate(data.members or [], start=1)]
    proposal.kk_number = proposal.kk_number or kk_number
    db.session.flush()
    for other in db.session.scalars(select(Proposal).where(  # the household's open proposals in this district
            Proposal.kk_number == kk_number, Proposal.status.in_((S.DRAFT, S.VERIFIED)),
            region_prefix_match(Proposal.region_code, survey.district_code))):
        other.survey_id = survey.id
    proposal.survey_id = survey.id
    record(action, survey, user=user, person_id=person_id_of(proposal),
           note=f"household of proposal {proposal.id}: {len(survey.members)} members")
    db.session.flush()
    return survey


def record_visit(proposal: Proposal, visit_date: date, notes: str, user) -> None:
    """The home visit has verified the household's situation."""
    _move(proposal, "verify")
    proposal.visit_date, proposal.visit_notes, proposal.visit_by_id = visit_date, notes.strip(), user.id
    record("proposal.verify", proposal, user=user)
    db.session.flush()


def minutes_path(record_with_minutes) -> Path | None:
    """The signed minutes kept with a village meeting (or, before batches, with one proposal)."""
    return stored_path("document", record_with_minutes.minutes_file)


def person_id_of(proposal: Proposal) -> int | None:
    """The citizen a proposal is about, when the portal knows them (for the audit trail of their data)."""
    from slrt.intake.models import Person
    return db.session.scalar(select(Person.id).where(Person.nik == proposal.nik))


def decide(proposal: Proposal, approve: bool, note: str, user) -> None:
    """The district approves (ready for SIKS-NG) or rejects, with a reason."""
    if not approve and not note.strip():
        raise DomainError(_l("Tuliskan alasan penolakan."), field="note")
    if approve and in_a_batch(proposal):
        raise DomainError(_l("Usulan ini disetujui bersama berita acara musyawarahnya: setujui dari halaman "
                             "musyawarah desa."))
    _move(proposal, "approve" if approve else "reject")
    proposal.decided_by_id, proposal.decided_at, proposal.decision_note = user.id, utcnow(), note.strip()
    record("proposal.approve" if approve else "proposal.reject", proposal, user=user)
    db.session.flush()


# ---- village meetings (musdes/muskel) and their batches -------------------------------------------------

@dataclass
class MeetingData:
    region_code: str
    meeting_date: date
    place: str = ""
    chair: str = ""
    attendance_count: int = 0
    attendees: list[tuple[str, str]] | None = None  # (name, role) in the order of the attendance list


def _check_attendance(data: MeetingData) -> None:
    named = len(data.attendees or [])
    if data.attendance_count < max(1, named):
        raise DomainError(gettext("Jumlah hadir tidak boleh kurang dari jumlah nama dalam daftar hadir (%(n)d).",
                                  n=named))


def record_meeting(data: MeetingData, user) -> VillageMeeting:
    """A village meeting is held: one record per village and date, with its attendance."""
    _check_attendance(data)
    if db.session.scalar(select(VillageMeeting.id).where(VillageMeeting.region_code == data.region_code,
                                                         VillageMeeting.meeting_date == data.meeting_date)):
        raise DomainError(_l("Musyawarah desa/kelurahan ini pada tanggal itu sudah dicatat."))
    meeting = VillageMeeting(region_code=data.region_code, meeting_date=data.meeting_date, place=data.place.strip(),
                             chair=data.chair.strip(), attendance_count=data.attendance_count,
                             status=MeetingStatus.RECORDED, created_by_id=user.id)
    meeting.attendees = [MeetingAttendee(position=n, name=name, role=role)
                         for n, (name, role) in enumerate(data.attendees or [], start=1)]
    db.session.add(meeting)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same village and date, recorded at the same moment by someone else
        raise DomainError(_l("Musyawarah desa/kelurahan ini pada tanggal itu sudah dicatat.")) from None
    record("meeting.create", meeting, user=user, note=f"{meeting.region_code} {meeting.meeting_date.isoformat()} "
                                                       f"attendance {meeting.attendance_count}")
    return meeting


def update_attendance(meeting: VillageMeeting, data: MeetingData, user) -> None:
    """Correct the attendance while the minutes are not signed yet."""
    if meeting.status != MeetingStatus.RECORDED:
        raise TransitionError(_l("Berita acara sudah diunggah: daftar hadir tidak dapat diubah lagi."))
    _check_attendance(data)
    meeting.place, meeting.chair, meeting.attendance_count = data.place.strip(), data.chair.strip(), data.attendance_count
    meeting.attendees = [MeetingAttendee(position=n, name=name, role=role)
                         for n, (name, role) in enumerate(data.attendees or [], start=1)]
    record("meeting.attendance", meeting, user=user, note=f"attendance {data.attendance_count}, "
                                                           f"{len(meeting.attendees)} named")
    db.session.flush()


def decide_batch(meeting: VillageMeeting, decisions: dict[int, tuple[str, str]], user) -> None:
    """Write what the meeting decided on each proposal of its batch (id -> (decision, note)); a proposal left
    out was not discussed. Replaces the decisions written before, until the minutes are signed."""
    if meeting.status != MeetingStatus.RECORDED:
        raise TransitionError(_l("Berita acara sudah diunggah: keputusan musyawarah tidak dapat diubah lagi."))
    allowed = {p.id for p in batch_candidates(meeting)}
    for proposal_id, (decision, note) in decisions.items():
        if proposal_id not in allowed:
            proposal = db.session.get(Proposal, proposal_id)
            if proposal is not None and proposal.region_code == meeting.region_code:
                PROPOSAL_TRANSITIONS.check(proposal.status, ProposalStatus.DELIBERATED)  # not verified (yet)
            raise DomainError(gettext("Usulan no. %(id)d tidak dapat dibahas dalam musyawarah ini.", id=proposal_id))
        if decision != MeetingDecision.AGREED and not note.strip():
            raise DomainError(gettext("Usulan no. %(id)d: tuliskan catatan mengapa ditolak atau ditunda.",
                                      id=proposal_id))
    meeting.items = [MeetingItem(proposal_id=pid, decision=MeetingDecision(decision), note=note.strip())
                     for pid, (decision, note) in sorted(decisions.items())]
    record("meeting.decide", meeting, user=user, note=", ".join(f"{pid}:{d}" for pid, (d, _n) in
                                                               sorted(decisions.items())))
    db.session.flush()


def _flip_meeting(meeting: VillageMeeting, target: MeetingStatus, **values) -> None:
    """Move the meeting with a conditional UPDATE: of two people acting at once, exactly one moves it."""
    MEETING_TRANSITIONS.check(meeting.status, target)
    moved = db.session.execute(update(VillageMeeting).where(
        VillageMeeting.id == meeting.id, VillageMeeting.status.in_(MEETING_TRANSITIONS.sources(target)))
        .values(status=target, **values)).rowcount
    if moved != 1:
        raise TransitionError(_l("Musyawarah ini baru saja diproses oleh orang lain."))


def _move_proposals(ids: list[int], action: str, **values) -> int:
    """Move the proposals `ids` by `action` (the proposal transition table) in one conditional UPDATE; returns
    how many moved. Those that left the source statuses meanwhile stay where they are."""
    if not ids:
        return 0
    target = ACTIONS[action]
    return db.session.execute(update(Proposal).where(
        Proposal.id.in_(ids), Proposal.status.in_(PROPOSAL_TRANSITIONS.sources(target)))
        .values(status=target, **values)).rowcount


def sign_meeting(meeting: VillageMeeting, minutes, user) -> None:
    """The signed berita acara is uploaded (PDF, JPEG or PNG by content): the agreed proposals go to the district,
    the refused ones end, the postponed ones wait for a later meeting."""
    MEETING_TRANSITIONS.check(meeting.status, MeetingStatus.SIGNED)
    if not meeting.items:
        raise DomainError(_l("Catat dulu keputusan musyawarah atas usulan yang dibahas."))
    stored = save_upload(minutes, "document", field="minutes")
    _flip_meeting(meeting, MeetingStatus.SIGNED, minutes_file=stored.name, minutes_name=stored.original_name,
                  signed_at=utcnow())
    by_decision: dict[str, list[MeetingItem]] = {}
    for item in meeting.items:
        by_decision.setdefault(item.decision, []).append(item)
    agreed = [i.proposal_id for i in by_decision.get(MeetingDecision.AGREED, [])]
    moved = _move_proposals(agreed, "deliberate", musdes_date=meeting.meeting_date)
    for item in by_decision.get(MeetingDecision.REFUSED, []):
        moved += _move_proposals([item.proposal_id], "reject", decided_at=utcnow(), decided_by_id=user.id,
                                 decision_note=gettext("Ditolak musyawarah desa %(date)s: %(note)s",
                                                       date=meeting.meeting_date.strftime("%d-%m-%Y"),
                                                       note=item.note))
    expected = len(agreed) + len(by_decision.get(MeetingDecision.REFUSED, []))
    if moved != expected:  # a proposal of the batch was withdrawn or decided meanwhile: decide the batch again
        raise TransitionError(_l("Sebagian usulan dalam berita acara baru saja diproses oleh orang lain. Muat "
                                 "ulang halaman dan periksa keputusannya."))
    for item in meeting.items:
        record("proposal.deliberate", item.proposal, user=user, person_id=person_id_of(item.proposal),
               note=f"meeting {meeting.id}: {item.decision}")
    record("meeting.sign", meeting, user=user, note=f"minutes {stored.type} {stored.size} bytes")
    db.session.flush()
    db.session.refresh(meeting)


def approve_meeting(meeting: VillageMeeting, user) -> int:
    """The district approves the batch: every proposal the meeting agreed moves to approved (ready for
    SIKS-NG) in this one transaction. Returns how many moved (one rejected on its own meanwhile stays so)."""
    _flip_meeting(meeting, MeetingStatus.APPROVED, approved_by_id=user.id, approved_at=utcnow())
    agreed = [i.proposal_id for i in meeting.items if i.decision == MeetingDecision.AGREED]
    now = utcnow()
    moved_ids = list(db.session.scalars(select(Proposal.id).where(
        Proposal.id.in_(agreed), Proposal.status.in_(PROPOSAL_TRANSITIONS.sources(ProposalStatus.APPROVED)))))
    moved = _move_proposals(moved_ids, "approve", decided_by_id=user.id, decided_at=now)
    for proposal_id in moved_ids:
        proposal = db.session.get(Proposal, proposal_id)
        record("proposal.approve", proposal, user=user, person_id=person_id_of(proposal),
               note=f"batch of meeting {meeting.id}")
    record("meeting.approve", meeting, user=user, note=f"{moved} of {len(agreed)} agreed proposals approved")
    db.session.flush()
    db.session.refresh(meeting)
    return moved


def record_batch_export(meeting: VillageMeeting, what: str, user) -> None:
    """One audit row per proposal of the batch whose data leaves in a file (the berita acara, the SIKS-NG sheet)."""
    for item in meeting.items:
        record("proposal.export", item.proposal, user=user, person_id=person_id_of(item.proposal),
               note=f"{what} of meeting {meeting.id}")
    record("meeting.export", meeting, user=user, note=what)
    db.session.flush()


def cancel_import(row: RegistryImport, user, importer_dead: bool) -> None:
    """The administrator cancels a running import. A live importer sees it at its next chunk and purges its
    own rows; a dead one's rows are purged by the caller after the commit (`background.purge_in_background`)."""
    # An import moves by itself from RUNNING to DONE or FAILED (importer.py); a person may only cancel it,
    # which is the move to FAILED in IMPORT_TRANSITIONS.
    if not IMPORT_TRANSITIONS.allows(row.status, ImportStatus.FAILED):
        raise TransitionError(gettext("Impor no. %(id)d sudah tidak berjalan.", id=row.id))
    row.status, row.finished_at = ImportStatus.FAILED, utcnow()
    row.error = gettext("Dibatalkan oleh administrator; data DTSEN yang lama tetap dipakai.")
    record("registry.import_cancel", row, user=user,
           note="importer process gone" if importer_dead else "importer running; it stops at its next chunk")
    db.session.flush()
