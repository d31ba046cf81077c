"""A citizen's request to correct their data (UU 27/2022 art. 6), asked at the counter and decided by the
back office. The request keeps the value it wanted changed, so its history reads without the person."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.extensions import db


class CorrectionStatus(StrEnum):
    PENDING = "pending"      # asked at the counter; waits for the back office
    ACCEPTED = "accepted"    # the person's identity now holds the corrected value (old one kept)
    REJECTED = "rejected"    # refused, with the reason given to the citizen


# The one table of allowed moves of a correction request.
CORRECTION_TRANSITIONS: dict[CorrectionStatus, set[CorrectionStatus]] = {
    CorrectionStatus.PENDING: {CorrectionStatus.ACCEPTED, CorrectionStatus.REJECTED},
}

# The fields of a person's identity a correction may change (the desa moves through a new visit).
CORRECTABLE_FIELDS = ("name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw")


class CorrectionRequest(db.Model):
    __tablename__ = "correction_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(20))
    current_value: Mapped[str] = mapped_column(String(255), default="")  # as stored when it was asked
    new_value: Mapped[str] = mapped_column(String(255), default="")
    evidence: Mapped[str] = mapped_column(Text, default="")  # the document the counter saw
    status: Mapped[str] = mapped_column(String(20), default=CorrectionStatus.PENDING, index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # The kept version of the identity that the accepted correction replaced.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("person_versions.id", ondelete="SET NULL"))

    person = relationship("Person")
    case = relationship("Case")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
