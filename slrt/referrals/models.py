from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import gettext
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from slrt.cases.models import ReferralStage
from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class ReferralStatus(StrEnum):
    DRAFT = "draft"                      # drafted by the back office
    PENDING_SIGNOFF = "pending_signoff"  # waiting for the supervisor (penetapan layanan)
    RETURNED = "returned"                # returned to the back office with a note
    REJECTED = "rejected"                # refused by the supervisor, with a reason
    APPROVED = "approved"                # signed off; letter numbered; waiting for the agency
    ACCEPTED = "accepted"                # the agency accepted and is processing
    NEEDS_DOCUMENTS = "needs_documents"  # the agency asks for more documents (the clock pauses)
    COMPLETED = "completed"              # the agency completed it with an outcome
    DECLINED = "declined"                # the agency declined, with a reason
    CANCELLED = "cancelled"              # withdrawn by the back office before sign-off


REFERRAL_TRANSITIONS = TransitionTable(ReferralStatus, {
    ReferralStatus.DRAFT: {ReferralStatus.PENDING_SIGNOFF, ReferralStatus.CANCELLED},
    ReferralStatus.PENDING_SIGNOFF: {ReferralStatus.APPROVED, ReferralStatus.RETURNED, ReferralStatus.REJECTED},
    ReferralStatus.RETURNED: {ReferralStatus.PENDING_SIGNOFF, ReferralStatus.CANCELLED},
    ReferralStatus.APPROVED: {ReferralStatus.ACCEPTED, ReferralStatus.NEEDS_DOCUMENTS, ReferralStatus.COMPLETED,
                              ReferralStatus.DECLINED},
    ReferralStatus.ACCEPTED: {ReferralStatus.NEEDS_DOCUMENTS, ReferralStatus.COMPLETED, ReferralStatus.DECLINED},
    ReferralStatus.NEEDS_DOCUMENTS: {ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED, ReferralStatus.DECLINED},
    ReferralStatus.REJECTED: set(),
    ReferralStatus.COMPLETED: set(),
    ReferralStatus.DECLINED: set(),
    ReferralStatus.CANCELLED: set(),
}, refused=lambda current, target: gettext("Rujukan berstatus \"%(current)s\" tidak dapat diubah menjadi "
                                           "\"%(target)s\".", current=current, target=target))

# Where a referral stands, as groups of statuses; the deadline rule (lateness.py), the queues and the case
# read these, so a status added to the enum is placed in its groups here, once.
S = ReferralStatus
BEFORE_SIGNOFF = frozenset({S.DRAFT, S.PENDING_SIGNOFF, S.RETURNED})   # the sign-off clock runs
EDITABLE = frozenset({S.DRAFT, S.RETURNED})
AWAITING_AGENCY = frozenset({S.APPROVED, S.ACCEPTED, S.NEEDS_DOCUMENTS})
AGENCY_CLOCK_RUNNING = frozenset({S.APPROVED, S.ACCEPTED})  # awaiting the agency, not paused for documents
ENDED = frozenset({S.REJECTED, S.COMPLETED, S.DECLINED, S.CANCELLED})
AGENCY_RESPONSES = (S.ACCEPTED, S.NEEDS_DOCUMENTS, S.COMPLETED, S.DECLINED)
SIGNOFF_DECISIONS = (S.APPROVED, S.RETURNED, S.REJECTED)

# What each status means to the referral's case (the case follows its referrals through these stages,
# without knowing this enum).
CASE_STAGE: dict[ReferralStatus, ReferralStage] = {
    S.DRAFT: ReferralStage.PREPARING, S.PENDING_SIGNOFF: ReferralStage.PREPARING,
    S.RETURNED: ReferralStage.PREPARING, S.APPROVED: ReferralStage.AT_AGENCY, S.ACCEPTED: ReferralStage.AT_AGENCY,
    S.NEEDS_DOCUMENTS: ReferralStage.WAITING_CITIZEN, S.REJECTED: ReferralStage.ENDED,
    S.COMPLETED: ReferralStage.ENDED, S.DECLINED: ReferralStage.ENDED, S.CANCELLED: ReferralStage.ENDED,
}


class Referral(db.Model):
    __tablename__ = "referrals"
    # The API's changes feed pages by (updated_at, id): slrt.api.changes
    __table_args__ = (Index("ix_referrals_updated_at_id", "updated_at", "id"),
                      # every district numbers its own letters (migration 0032)
                      UniqueConstraint("district_code", "letter_number", name="uq_referrals_district_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ReferralStatus.DRAFT, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    documents: Mapped[str] = mapped_column(Text, default="")  # comma-separated DocumentType codes
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    # The letter: number unique per district and year, in the district's pattern.
    district_code: Mapped[str] = mapped_column(String(13), default="", index=True)
    letter_year: Mapped[int | None] = mapped_column(Integer)
    letter_seq: Mapped[int | None] = mapped_column(Integer)
    letter_number: Mapped[str | None] = mapped_column(String(80))
    letter_date: Mapped[date | None] = mapped_column(Date, index=True)
    verification_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    # The agency's answer.
    responded_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    response_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    response_on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str] = mapped_column(Text, default="")  # the outcome, the reason declined, or the documents asked
    # The signer as printed on the letter, fixed at approval (a later change of settings keeps old letters true).
    signer_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    signer_nip: Mapped[str] = mapped_column(String(30), default="", server_default="")
    signer_title: Mapped[str] = mapped_column(String(160), default="", server_default="")
    # Deadlines in working days (computed by the deadlines module), and the paused time.
    signoff_due: Mapped[date | None] = mapped_column(Date, index=True)
    response_due: Mapped[date | None] = mapped_column(Date, index=True)
    paused_since: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    case = relationship("Case", backref="referrals")

    @property
    def case_stage(self) -> ReferralStage:
        return CASE_STAGE[ReferralStatus(self.status)]
    complaint = relationship("Complaint")
    agency = relationship("Agency", lazy="joined")
    programme = relationship("Programme", lazy="joined")
    drafted_by = relationship("User", foreign_keys=[drafted_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    response_by = relationship("User", foreign_keys=[response_by_id])


class ReferralChange(db.Model):
    """One field of a draft (or a returned draft) changed by an edit, before and after: the referral's history
    and, for a resubmitted draft, what the signer sees changed since the return."""

    __tablename__ = "referral_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(String(40))  # a key of the "ReferralField" labels
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")

    referral = relationship("Referral", backref=backref("changes", order_by="ReferralChange.id",
                                                        cascade="all, delete-orphan"))
    actor = relationship("User")


class LetterCounter(db.Model):
    """The last letter number used per district and year: gap-free, incremented under the row lock."""

    __tablename__ = "letter_counters"

    district_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
