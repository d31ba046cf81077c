"""Home visits: the back office sends a facilitator to a citizen's home with a due date; the facilitator
records what they found (living conditions, needs, documents seen, a recommendation)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class VisitStatus(StrEnum):
    ASSIGNED = "assigned"     # Ditugaskan: the facilitator still has to go
    DONE = "done"             # Selesai: findings recorded
    CANCELLED = "cancelled"   # Dibatalkan by the back office, with a reason


V = VisitStatus
VISIT_TRANSITIONS = TransitionTable(VisitStatus, {
    V.ASSIGNED: {V.DONE, V.CANCELLED},
    V.DONE: set(),
    V.CANCELLED: set(),
})

# What a facilitator notes of the house, the way registry proposals (SIKS-NG) ask for it. Codes are stored;
# labels are registered in init_app ("Housing.<aspect>").
HOUSING = {
    "ownership": ("own", "rent", "free", "other"),
    "floor": ("earth", "bamboo", "wood", "cement", "tiles"),
    "walls": ("bamboo", "wood", "brick_bare", "brick"),
    "toilet": ("own", "shared", "public", "none"),
    "water": ("piped", "protected_well", "unprotected_well", "spring", "river", "bought"),
    "lighting": ("pln_meter", "pln_shared", "non_pln", "none"),
    "cooking_fuel": ("lpg", "electric", "kerosene", "wood", "other"),
}


class HomeVisit(db.Model):
    __tablename__ = "home_visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_date: Mapped[date] = mapped_column(Date, index=True)
    note: Mapped[str] = mapped_column(Text, default="")  # what the back office asks the facilitator to look at
    status: Mapped[str] = mapped_column(String(20), default=VisitStatus.ASSIGNED, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The findings, set when the visit is done.
    visited_on: Mapped[date | None] = mapped_column(Date)
    ownership: Mapped[str] = mapped_column(String(20), default="")
    floor: Mapped[str] = mapped_column(String(20), default="")
    walls: Mapped[str] = mapped_column(String(20), default="")
    toilet: Mapped[str] = mapped_column(String(20), default="")
    water: Mapped[str] = mapped_column(String(20), default="")
    lighting: Mapped[str] = mapped_column(String(20), default="")
    cooking_fuel: Mapped[str] = mapped_column(String(20), default="")
    findings: Mapped[str] = mapped_column(Text, default="")        # the household's situation, as seen
    needs: Mapped[str] = mapped_column(Text, default="")           # comma-separated programme ids
    documents_seen: Mapped[str] = mapped_column(Text, default="")  # comma-separated DocumentType codes
    recommendation: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The assessment the findings became on the case (the case page and the letters read assessments).
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"))
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    case = relationship("Case")
    facilitator = relationship("User", foreign_keys=[facilitator_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
    cancelled_by = relationship("User", foreign_keys=[cancelled_by_id])

    @property
    def need_ids(self) -> list[int]:
        return [int(p) for p in self.needs.split(",") if p.isdigit()]

    @property
    def document_codes(self) -> list[str]:
        return [c for c in self.documents_seen.split(",") if c]

    def is_late(self, today: date) -> bool:
        return self.status == VisitStatus.ASSIGNED and self.due_date < today
