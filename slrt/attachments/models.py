"""Scans and photos kept with a case (KTP, KK, SKTM, house photos, letters), optionally tied to one of its
assessments or referrals, or to a registry proposal (which may have no case)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class AttachmentStatus(StrEnum):
    ACTIVE = "active"
    REMOVED = "removed"   # hidden with a reason; the file stays until the retention period ends


# Removal is the one move, and final (the file stays until retention ends; a new scan is a new attachment).
ATTACHMENT_TRANSITIONS = TransitionTable(AttachmentStatus, {
    AttachmentStatus.ACTIVE: {AttachmentStatus.REMOVED},
    AttachmentStatus.REMOVED: set(),
})


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Region scoping goes through the case; a proposal without a case through the proposal's village.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("registry_proposals.id"), index=True)
    document_type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"), index=True)
    caption: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default=AttachmentStatus.ACTIVE, index=True)
    # The kept file (slrt/core/uploads.py, kind "attachment") and its thumbnail (kind "thumbnail", images only).
    file_name: Mapped[str] = mapped_column(String(64))
    thumbnail_name: Mapped[str] = mapped_column(String(64), default="")
    file_type: Mapped[str] = mapped_column(String(4))    # jpg, png or pdf, as its content says
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    location_kept: Mapped[bool] = mapped_column(Boolean, default=False)  # GPS kept on purpose ("simpan lokasi")
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime)
    removal_reason: Mapped[str] = mapped_column(Text, default="")

    case = relationship("Case")
    assessment = relationship("Assessment")
    referral = relationship("Referral")
    proposal = relationship("Proposal")
    document_type = relationship("DocumentType", lazy="joined")
    uploaded_by = relationship("User", foreign_keys=[uploaded_by_id])
    removed_by = relationship("User", foreign_keys=[removed_by_id])

    @property
    def active(self) -> bool:
        return self.status == AttachmentStatus.ACTIVE
