"""Local programmes the district budgets ("tepat sasaran" planning): a budget line per programme and year."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext
from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class FundingSource(StrEnum):
    APBD = "apbd"            # the district budget
    BAZNAS = "baznas"        # zakat through the district BAZNAS
    CSR = "csr"              # companies' social responsibility funds
    DANA_DESA = "dana_desa"  # village funds


class PlanStatus(StrEnum):
    PLANNED = "planned"  # proposed for the budget round (musrenbang)
    ACTIVE = "active"    # budget adopted: referrals count against its quota
    CLOSED = "closed"    # the budget year is over or the money spent


PLAN_TRANSITIONS = TransitionTable(PlanStatus, {
    PlanStatus.PLANNED: {PlanStatus.ACTIVE, PlanStatus.CLOSED},
    PlanStatus.ACTIVE: {PlanStatus.CLOSED},
    PlanStatus.CLOSED: set(),
}, refused=lambda current, _target: gettext("Program berstatus \"%(status)s\" tidak dapat diubah dengan cara ini.",
                                            status=current))


class LocalProgramme(db.Model):
    """A budget line of the district for one programme of its list (admin.Programme) in one budget year: the
    funding source, the quota of households, the unit cost and who is eligible. Referrals to that programme
    signed off in the year count against the quota as they happen (slrt/planning/figures.py)."""

    __tablename__ = "planning_programmes"
    __table_args__ = (UniqueConstraint("region_code", "programme_id", "budget_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)  # the district
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    budget_year: Mapped[int] = mapped_column(Integer, index=True)
    funding_source: Mapped[str] = mapped_column(String(20))
    quota: Mapped[int] = mapped_column(Integer)          # households
    unit_cost: Mapped[int] = mapped_column(Integer)      # Rupiah per household
    eligibility: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=PlanStatus.PLANNED, index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    programme = relationship("Programme", lazy="joined")
