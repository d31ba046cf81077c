from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slrt.extensions import db


class DayOff(db.Model):
    """A day the district office is closed beyond the national calendar (added by the administrator)."""

    __tablename__ = "days_off"
    __table_args__ = (UniqueConstraint("region_code", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(13), index=True)
    day: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(String(120), default="")
