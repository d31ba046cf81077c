from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class CaseStatus(StrEnum):
    REGISTERED = "registered"        # Terdaftar: waiting for the back office
    IN_PROGRESS = "in_progress"      # Diproses: taken by a back-office officer
    REFERRED = "referred"            # Dirujuk: a signed-off referral waits for the agency
    WAITING_CITIZEN = "waiting_citizen"  # Menunggu warga: an agency asked for more documents
    RESOLVED = "resolved"            # Tuntas: every complaint and referral has an outcome; closure pending
    CLOSED = "closed"                # Selesai
    REOPENED = "reopened"            # Dibuka kembali: the citizen objected within the window


class ComplaintStatus(StrEnum):
    OPEN = "open"                    # not handled yet
    ANSWERED = "answered"            # answered directly (a question or suggestion)
    REFERRED = "referred"            # a referral for it is in progress
    COMPLETED = "completed"          # an agency completed a referral for it
    DECLINED = "declined"            # the referrals for it ended without the service


# The handling states between "taken" and "closed" follow the referrals: the case moves between them as
# referrals are approved, wait on the citizen, and come back with outcomes (handling.operations.follow_referrals).
C = CaseStatus
CASE_TRANSITIONS = TransitionTable(CaseStatus, {
    C.REGISTERED: {C.IN_PROGRESS},
    C.IN_PROGRESS: {C.REFERRED, C.WAITING_CITIZEN, C.RESOLVED},
    C.REFERRED: {C.IN_PROGRESS, C.WAITING_CITIZEN, C.RESOLVED},
    C.WAITING_CITIZEN: {C.IN_PROGRESS, C.REFERRED, C.RESOLVED},
    C.RESOLVED: {C.IN_PROGRESS, C.REFERRED, C.WAITING_CITIZEN, C.CLOSED},
    C.CLOSED: {C.REOPENED},
    C.REOPENED: {C.IN_PROGRESS, C.REFERRED, C.WAITING_CITIZEN, C.RESOLVED, C.CLOSED},
}, refused=lambda current, target: gettext("Kasus berstatus \"%(current)s\" tidak dapat diubah menjadi "
                                           "\"%(target)s\".", current=current, target=target))

# The states in which the back office works on the case (slrt.handling), and the complaint statuses that are
# an outcome (a case closes once every complaint has one).
HANDLING = frozenset({C.IN_PROGRESS, C.REFERRED, C.WAITING_CITIZEN, C.RESOLVED, C.REOPENED})
COMPLAINT_OUTCOMES = frozenset({ComplaintStatus.ANSWERED, ComplaintStatus.COMPLETED, ComplaintStatus.DECLINED})

# A complaint is answered directly, or referred; its referrals' outcomes decide where it ends.
K = ComplaintStatus
COMPLAINT_TRANSITIONS = TransitionTable(ComplaintStatus, {
    K.OPEN: {K.ANSWERED, K.REFERRED},
    K.REFERRED: {K.OPEN, K.COMPLETED, K.DECLINED},
    K.ANSWERED: {K.OPEN},
    K.COMPLETED: {K.OPEN, K.REFERRED},
    K.DECLINED: {K.OPEN, K.REFERRED},
}, refused=lambda current, target: gettext("Keluhan berstatus \"%(current)s\" tidak dapat diubah menjadi "
                                           "\"%(target)s\".", current=current, target=target))


class ReferralStage(StrEnum):
    """What a referral means to its case. The referrals feature maps its statuses onto these stages, so a
    case follows its referrals (`handling.operations.follow_referrals`) without knowing the referral enum."""
    PREPARING = "preparing"              # drafted, waiting for sign-off, or returned
    AT_AGENCY = "at_agency"              # signed off; the agency has it
    WAITING_CITIZEN = "waiting_citizen"  # the agency asks the citizen for documents
    ENDED = "ended"                      # an outcome (or none: rejected, cancelled)


class Channel(StrEnum):
    COUNTER = "counter"
    PUSKESOS = "puskesos"
    HOME_VISIT = "home_visit"
    ONLINE = "online"
    LAPOR = "lapor"  # pulled from SP4N-LAPOR! (slrt.lapor), never chosen at the counter


class ContactChannel(StrEnum):
    """How the citizen wants to hear from the office (chosen at intake)."""
    SMS = "sms"
    WHATSAPP = "whatsapp"


class VisitType(StrEnum):
    QUESTION = "question"            # Pertanyaan
    SUGGESTION = "suggestion"        # Saran
    GRIEVANCE = "grievance"          # Pengaduan
    SERVICE_REQUEST = "service_request"  # Permohonan layanan


class Case(db.Model):
    __tablename__ = "cases"
    # The API's changes feed pages by (updated_at, id): slrt.api.changes
    __table_args__ = (Index("ix_cases_updated_at_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(12), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The citizen's desa: region scoping of every case query goes through this code.
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    # The office (district secretariat or village Puskesos) where the visit was registered.
    office_region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    # Where the citizen's messages go: SMS, or WhatsApp (falling back to SMS when WhatsApp refuses).
    contact_channel: Mapped[str] = mapped_column(String(10), default=ContactChannel.SMS, server_default="sms")
    visit_type: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.REGISTERED, index=True)
    documents: Mapped[str] = mapped_column(Text, default="")  # comma-separated DocumentType codes checked
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)  # when the last outcome came in
    # Set by the retention job (slrt.privacy): the case's personal text is blanked, its counts remain.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # Why the clerk opened this case although the citizen already had an open one ("" when they had none).
    new_case_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    person = relationship("Person", lazy="joined")
    region = relationship("Region", foreign_keys=[region_code], lazy="joined")
    office_region = relationship("Region", foreign_keys=[office_region_code])
    created_by = relationship("User", foreign_keys=[created_by_id])
    assigned_to = relationship("User", foreign_keys=[assigned_to_id])
    complaints = relationship("Complaint", back_populates="case", cascade="all, delete-orphan",
                              order_by="Complaint.id")
    needs = relationship("CaseNeed", back_populates="case", cascade="all, delete-orphan", order_by="CaseNeed.id")
    events = relationship("CaseEvent", back_populates="case", cascade="all, delete-orphan",
                          order_by="CaseEvent.id")
    assessments = relationship("Assessment", back_populates="case", cascade="all, delete-orphan",
                               order_by="Assessment.id")
    changes = relationship("CaseChange", back_populates="case", cascade="all, delete-orphan",
                           order_by="CaseChange.id")

    @property
    def citizen(self):
        """Who the citizen said they were at this visit (slrt.intake VisitIdentity); the person's stored
        identity for a case older than visit identities. Lists, receipt and case page show this, so a
        visit registered with someone else's NIK never shows that someone's data."""
        return getattr(self, "identity", None) or self.person

    @property
    def shared_with_village(self) -> bool:
        """Registered at a village desk (Puskesos) for a citizen of another village: the citizen's own desk
        sees it too (scope_cases lets both the office and the citizen's region see a case)."""
        return self.office_region_code.count(".") == 3 and self.office_region_code != self.region_code

    @property
    def document_codes(self) -> list[str]:
        return [c for c in self.documents.split(",") if c]


class Complaint(db.Model):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("complaint_categories.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ComplaintStatus.OPEN, server_default="open", index=True)
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")  # the direct answer, shown to the citizen
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    case = relationship("Case", back_populates="complaints")
    category = relationship("ComplaintCategory", lazy="joined")
    answered_by = relationship("User")


class CaseNeed(db.Model):
    """A programme or service the citizen needs, from the district's list."""

    __tablename__ = "case_needs"
    __table_args__ = (UniqueConstraint("case_id", "programme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)

    case = relationship("Case", back_populates="needs")
    programme = relationship("Programme", lazy="joined")


class CaseEvent(db.Model):
    """A dated step on the case's timeline. Public steps also show on the citizen's status page."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    public: Mapped[bool] = mapped_column(default=True)
    # Shown to the citizen (only with ticket + birth date); never personal data of others.
    citizen_message: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # internal, staff only
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agency_name: Mapped[str] = mapped_column(String(160), default="")

    case = relationship("Case", back_populates="events")
    actor = relationship("User")


class Assessment(db.Model):
    """The back office's assessment of a case, with the home visit if one was made."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    findings: Mapped[str] = mapped_column(Text)
    visit_date: Mapped[date | None] = mapped_column(Date)  # the home visit, if any
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship("Case", back_populates="assessments")
    facilitator = relationship("User", foreign_keys=[facilitator_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])


class CaseChange(db.Model):
    """One field corrected on a registered case or its citizen's data (Riwayat perubahan): who, when, why,
    the value before and after. Corrections are no public step: the citizen's status page does not show them."""

    __tablename__ = "case_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(40))  # a key of the "CaseField" labels
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")

    case = relationship("Case", back_populates="changes")
    actor = relationship("User")
