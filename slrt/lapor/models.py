"""Complaints that SP4N-LAPOR! dispositioned to the district's social office, one row per LAPOR! tracking ID."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db
from slrt.regions.districts import current_district, kept_per_district


class LaporStatus(StrEnum):
    NEEDS_DATA = "needs_data"      # LAPOR! sent no usable identity or place: no case yet, not acknowledged
    RECEIVED = "received"          # a case was registered; the acknowledgement is in the outbox
    FOLLOWED_UP = "followed_up"    # at least one follow-up step (tindak lanjut) was pushed back


L = LaporStatus
LAPOR_TRANSITIONS = TransitionTable(LaporStatus, {
    L.NEEDS_DATA: {L.RECEIVED},
    L.RECEIVED: {L.FOLLOWED_UP},
    L.FOLLOWED_UP: set(),
})

# SP4N-LAPOR!'s service levels, in working days (KemenPAN-RB 680/2020).
VERIFY_DAYS = 3      # from the disposition: verify (the acknowledgement)
FOLLOW_UP_DAYS = 5   # from the disposition: the first follow-up
CLOSE_DAYS = 10      # from the first follow-up: LAPOR! closes it if the citizen does not reply


class LaporReport(db.Model):
    __tablename__ = "lapor_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(40), unique=True)  # LAPOR!'s own ID: a second pull adds nothing
    # The district whose LAPOR! account pulled it: an incomplete report has no case (and no region) yet, and its
    # reporter's data must not show to another district's back office.
    district_code: Mapped[str] = mapped_column(String(5), default=current_district, index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=LaporStatus.RECEIVED, index=True)
    title: Mapped[str] = mapped_column(String(255), default="")
    problem: Mapped[str] = mapped_column(Text, default="")  # why no case could be made (NEEDS_DATA)
    # What LAPOR! sent of an incomplete report (reporter, place, text; JSON), for the back office completing it:
    # emptied once the case holds it, so the report's personal data is kept in one place only.
    pulled: Mapped[str | None] = mapped_column(Text)
    dispositioned_on: Mapped[date] = mapped_column(Date)   # the district's local day LAPOR! dispositioned it
    followed_up_on: Mapped[date | None] = mapped_column(Date)  # the first follow-up pushed back
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    case = relationship("Case")


kept_per_district(LaporReport)
