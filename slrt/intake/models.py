"""A person as the portal knows them from visits (the registry extract lives in `registry`)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.extensions import db


class Person(db.Model):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    # slrt.search.phonetic.name_key(name), kept with the name: what the staff search matches names on.
    name_phonetic: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)
    birth_place: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # L / P
    phone: Mapped[str] = mapped_column(String(20), default="")
    kk_number: Mapped[str] = mapped_column(String(16), default="", index=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    region = relationship("Region")
    members = relationship("HouseholdMember", back_populates="person", cascade="all, delete-orphan",
                           order_by="HouseholdMember.position")


class Relationship:
    """Relationship to the head of household, as the registry codes it."""
    HEAD, SPOUSE, CHILD, CHILD_IN_LAW, GRANDCHILD, PARENT, HELPER, OTHER = range(1, 9)


class HouseholdMember(db.Model):
    """A member of the applicant's household as told at the counter."""

    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    nik: Mapped[str] = mapped_column(String(16), default="", index=True)  # the staff search finds the applicant
    name: Mapped[str] = mapped_column(String(120))
    relation: Mapped[int] = mapped_column(Integer, default=Relationship.OTHER)
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    person = relationship("Person", back_populates="members")
