"""The welfare registry extract (DTKS/DTSEN) as the district received it, its imports and proposals.

Rows are versioned by the import that brought them: a person or household is visible at the counter in
its newest version whose import is DONE. An import writes its rows in committed chunks that nobody sees,
then becomes visible in one tiny write (its status flips to DONE); a failed or killed import leaves only
invisible rows, removed later. Older versions of the people it brought are then deleted in chunks.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext
from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, SmallInteger, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db

# Programme flags an extract carries, in the order they show at the counter: column -> label.
PROGRAMMES = ("pkh", "bpnt", "pbi", "pip", "bst", "atensi")


class ImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# An import ends once, either way; its conditional UPDATEs (importer.py) name the sources of their target.
IMPORT_TRANSITIONS = TransitionTable(ImportStatus, {
    ImportStatus.RUNNING: {ImportStatus.DONE, ImportStatus.FAILED},
    ImportStatus.DONE: set(),
    ImportStatus.FAILED: set(),
})


def _current_district() -> str:
    from slrt.regions.districts import current_district
    return current_district()


class RegistryImport(db.Model):
    """One import of an extract: who, when, the file, its counts and progress."""

    __tablename__ = "registry_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.RUNNING, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    extract_date: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    total_rows: Mapped[int] = mapped_column(Integer, default=0)  # rows in the file, when known
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    accepted_rows: Mapped[int] = mapped_column(Integer, default=0)
    rejected_rows: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int] = mapped_column(Integer, default=0)
    rows_per_second: Mapped[float] = mapped_column(Float, default=0.0)
    mapping: Mapped[str] = mapped_column(Text, default="")  # JSON: file column -> field
    error: Mapped[str] = mapped_column(Text, default="")
    # "host pid token" of the process running it: its lock file tells at once whether it is still alive.
    owner: Mapped[str] = mapped_column(String(120), default="", server_default="")
    notice: Mapped[str | None] = mapped_column(Text)  # said once about the whole file, before the rows
    # What changed since the previous DONE import (slrt/registry/changes.py): with which import, and when.
    compared_with_id: Mapped[int | None] = mapped_column(Integer)
    compared_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The kabupaten/kota (NN.NN) whose extract it is: it compares with, replaces and compacts only that
    # district's registry (see slrt/regions/districts.py).
    district_code: Mapped[str] = mapped_column(String(5), index=True, default=_current_district)

    user = relationship("User")

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(100 * self.processed_rows / self.total_rows))


class RegistryHousehold(db.Model):
    """A household (one family card) in one import's version."""

    __tablename__ = "registry_households"
    __table_args__ = (UniqueConstraint("kk_number", "import_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kk_number: Mapped[str] = mapped_column(String(16))
    import_id: Mapped[int] = mapped_column(Integer)  # no index of its own: writes stay fast
    address: Mapped[str] = mapped_column(String(255), default="")
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    region_code: Mapped[str] = mapped_column(String(13))
    decile: Mapped[int | None] = mapped_column(SmallInteger)


class RegistryPerson(db.Model):
    """A person of the extract, in one import's version (the import they came from)."""

    __tablename__ = "registry_people"
    __table_args__ = (UniqueConstraint("nik", "import_id"), Index("ix_registry_people_name_key", "name_key"),
                      Index("ix_registry_people_name_phonetic", "name_phonetic"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16))
    import_id: Mapped[int] = mapped_column(Integer)  # no index of its own: writes stay fast
    line: Mapped[int] = mapped_column(Integer, default=0)  # its line in the imported file
    kk_number: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))  # upper-case, single spaces: what name search matches
    # slrt.search.phonetic.name_key(name): spelling variants fold together (Djoko = Joko), for the staff search.
    name_phonetic: Mapped[str] = mapped_column(String(120), default="", server_default="")
    birth_place: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="")
    relation: Mapped[int] = mapped_column(SmallInteger, default=8)
    region_code: Mapped[str] = mapped_column(String(13))
    decile: Mapped[int | None] = mapped_column(SmallInteger)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    dukcapil_matched: Mapped[bool] = mapped_column(Boolean, default=True)  # "padan Dukcapil"
    pkh: Mapped[bool] = mapped_column(Boolean, default=False)
    bpnt: Mapped[bool] = mapped_column(Boolean, default=False)
    pbi: Mapped[bool] = mapped_column(Boolean, default=False)
    pip: Mapped[bool] = mapped_column(Boolean, default=False)
    bst: Mapped[bool] = mapped_column(Boolean, default=False)
    atensi: Mapped[bool] = mapped_column(Boolean, default=False)

    def programmes(self) -> list[str]:
        return [p for p in PROGRAMMES if getattr(self, p)]


class ChangeKind(StrEnum):
    """What happened to a person between two imports (the programme kinds are `gained_<p>`/`lost_<p>`)."""
    JOINED = "joined"
    LEFT = "left"
    DECILE_UP = "decile_up"      # a higher desil: counted as better off, may lose aid
    DECILE_DOWN = "decile_down"
    MOVED = "moved"              # another desa/kelurahan


CHANGE_KINDS = (ChangeKind.JOINED, ChangeKind.LEFT, ChangeKind.DECILE_UP, ChangeKind.DECILE_DOWN,
                *(f"lost_{p}" for p in PROGRAMMES), *(f"gained_{p}" for p in PROGRAMMES), ChangeKind.MOVED)


class RegistryChange(db.Model):
    """One person's change brought by an import, with the values before and after.

    A person who left the extract keeps a row here (kind LEFT) with their last values, and their last
    registry row is kept too: "keluar dari DTSEN pada <tanggal>", never deleted."""

    __tablename__ = "registry_changes"
    __table_args__ = (UniqueConstraint("import_id", "kind", "nik"),
                      Index("ix_registry_changes_nik", "nik", "import_id"),
                      Index("ix_registry_changes_region", "import_id", "region_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    nik: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120), default="")
    kk_number: Mapped[str] = mapped_column(String(16), default="")
    region_code: Mapped[str] = mapped_column(String(13))  # the desa now (the last one for a leaver)
    before_value: Mapped[str | None] = mapped_column(String(20))  # desil, 1/0, or the desa code before
    after_value: Mapped[str | None] = mapped_column(String(20))


class RejectedRow(db.Model):
    """A row an import refused: its line in the file and why (the downloadable report)."""

    __tablename__ = "registry_rejected_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("registry_imports.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(255))


class ProposalKind(StrEnum):
    USULAN = "usulan"          # add a household that is not in the registry
    PERBAIKAN = "perbaikan"    # correct the data of a registered household (members, address, living conditions)
    SANGGAH = "sanggah"        # dispute a registry entry (dropped, a desil or a programme lost)


# Kinds that are about a household already in the registry.
REGISTERED_KINDS = (ProposalKind.PERBAIKAN, ProposalKind.SANGGAH)


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    VERIFIED = "verified"        # home visit done
    DELIBERATED = "deliberated"  # village meeting (musdes) held, minutes uploaded
    APPROVED = "approved"        # district approved: ready for SIKS-NG
    REJECTED = "rejected"


PROPOSAL_TRANSITIONS = TransitionTable(ProposalStatus, {
    ProposalStatus.DRAFT: {ProposalStatus.VERIFIED, ProposalStatus.REJECTED},
    ProposalStatus.VERIFIED: {ProposalStatus.DELIBERATED, ProposalStatus.REJECTED},
    ProposalStatus.DELIBERATED: {ProposalStatus.APPROVED, ProposalStatus.REJECTED},
    ProposalStatus.APPROVED: set(),
    ProposalStatus.REJECTED: set(),
}, refused=lambda current, _target: gettext("Usulan berstatus \"%(status)s\" tidak dapat diproses dengan cara "
                                            "ini.", status=current))


class Proposal(db.Model):
    """A registry proposal (usulan) or correction (sanggah) on its way to SIKS-NG."""

    __tablename__ = "registry_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.DRAFT, index=True)
    nik: Mapped[str] = mapped_column(String(16))
    kk_number: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(255), default="")
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    visit_date: Mapped[date | None] = mapped_column(Date)
    visit_notes: Mapped[str] = mapped_column(Text, default="")
    visit_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    musdes_date: Mapped[date | None] = mapped_column(Date)
    minutes_file: Mapped[str] = mapped_column(String(255), default="")  # stored name under the upload dir
    minutes_name: Mapped[str] = mapped_column(String(255), default="")  # the name it was uploaded with
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The programme the household is proposed for (a PROGRAMMES code), and its socio-economic data.
    programme: Mapped[str] = mapped_column(String(20), default="", server_default="")
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("registry_household_surveys.id"), index=True)

    region = relationship("Region")
    created_by = relationship("User", foreign_keys=[created_by_id])
    survey = relationship("HouseholdSurvey")


class MeetingStatus(StrEnum):
    RECORDED = "recorded"  # held: attendance and the decisions on its batch written down, minutes not yet signed
    SIGNED = "signed"      # the signed berita acara is uploaded: waiting for the district
    APPROVED = "approved"  # the district approved the batch: its agreed proposals are ready for SIKS-NG


MEETING_TRANSITIONS = TransitionTable(MeetingStatus, {
    MeetingStatus.RECORDED: {MeetingStatus.SIGNED},
    MeetingStatus.SIGNED: {MeetingStatus.APPROVED},
    MeetingStatus.APPROVED: set(),
}, refused=lambda current, _target: gettext("Musyawarah berstatus \"%(status)s\" tidak dapat diproses dengan cara "
                                            "ini.", status=current))


class MeetingDecision(StrEnum):
    """What the village meeting decided on one proposal of its batch (Permensos 3/2025)."""
    AGREED = "agreed"          # disetujui: goes to the district
    REFUSED = "refused"        # ditolak: the proposal ends here
    POSTPONED = "postponed"    # ditunda: stays verified, for a later meeting


class VillageMeeting(db.Model):
    """A musyawarah desa/kelurahan (musdes/muskel): one per village and date, with its attendance, the batch
    of proposals it discussed and the signed minutes (berita acara)."""

    __tablename__ = "registry_meetings"
    __table_args__ = (UniqueConstraint("region_code", "meeting_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    meeting_date: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(160), default="")
    chair: Mapped[str] = mapped_column(String(120), default="")  # who led it (usually the village head)
    attendance_count: Mapped[int] = mapped_column(Integer, default=0)  # everyone present, named or not
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.RECORDED, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    minutes_file: Mapped[str] = mapped_column(String(255), default="")  # stored name under the upload dir
    minutes_name: Mapped[str] = mapped_column(String(255), default="")  # the name it was uploaded with
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)

    region = relationship("Region")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    attendees = relationship("MeetingAttendee", order_by="MeetingAttendee.position", cascade="all, delete-orphan")
    items = relationship("MeetingItem", order_by="MeetingItem.id", cascade="all, delete-orphan",
                         back_populates="meeting")

    @property
    def is_kelurahan(self) -> bool:
        """A kelurahan's code starts its last part with 1 (Kemendagri): its meeting is a muskel."""
        return self.region_code.rsplit(".", 1)[-1].startswith("1")


class MeetingAttendee(db.Model):
    """One person named in the attendance list of a village meeting."""

    __tablename__ = "registry_meeting_attendees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("registry_meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(120), default="")


class MeetingItem(db.Model):
    """A proposal of a meeting's batch, with the meeting's decision on it and a note."""

    __tablename__ = "registry_meeting_items"
    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("registry_meetings.id", ondelete="CASCADE"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("registry_proposals.id"), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    meeting = relationship("VillageMeeting", back_populates="items")
    proposal = relationship("Proposal")


class HouseholdSurvey(db.Model):
    """A household's living conditions as DTSEN/Regsosek collects them (slrt/registry/regsosek.py), entered once
    per family card and reused by every later proposal of the same household (updated when it changes)."""

    __tablename__ = "registry_household_surveys"
    # each district keeps its own survey of a family card (migration 0033): a family that moved in from another
    # hosted district is surveyed afresh, and neither district sees the other's
    __table_args__ = (UniqueConstraint("district_code", "kk_number",
                                       name="uq_registry_household_surveys_district_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kk_number: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    district_code: Mapped[str] = mapped_column(String(5), server_default="")  # the region's kabupaten/kota
    ownership: Mapped[str] = mapped_column(String(2))
    floor_area: Mapped[int] = mapped_column(Integer)  # m2
    floor: Mapped[str] = mapped_column(String(2))
    wall: Mapped[str] = mapped_column(String(2))
    roof: Mapped[str] = mapped_column(String(2))
    water: Mapped[str] = mapped_column(String(2))
    lighting: Mapped[str] = mapped_column(String(2))
    cooking_fuel: Mapped[str] = mapped_column(String(2))
    toilet: Mapped[str] = mapped_column(String(2))
    sewage: Mapped[str] = mapped_column(String(2), default="")  # not asked when there is no toilet
    assets: Mapped[str] = mapped_column(String(200), default="")  # ASSETS codes, sorted, comma-separated
    land_area: Mapped[int] = mapped_column(Integer, default=0)  # m2 of land owned besides the house
    other_house: Mapped[bool] = mapped_column(Boolean, default=False)  # a house elsewhere
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    members = relationship("SurveyMember", order_by="SurveyMember.position", cascade="all, delete-orphan")
    updated_by = relationship("User")

    def asset_codes(self) -> list[str]:
        return [c for c in self.assets.split(",") if c]


class SurveyMember(db.Model):
    """One member of a surveyed household: identity and Blok IV (schooling, work, disability, illness)."""

    __tablename__ = "registry_survey_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("registry_household_surveys.id", ondelete="CASCADE"),
                                           index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    nik: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(120))
    birth_place: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    relation: Mapped[str] = mapped_column(String(2))
    schooling: Mapped[str] = mapped_column(String(2))
    diploma: Mapped[str] = mapped_column(String(2))
    working: Mapped[bool] = mapped_column(Boolean, default=False)
    industry: Mapped[str] = mapped_column(String(2), default="")
    job_status: Mapped[str] = mapped_column(String(2), default="")
    disability: Mapped[str] = mapped_column(String(2), default="0")
    chronic_illness: Mapped[str] = mapped_column(String(2), default="0")
