"""A person as the portal knows them from visits (the registry extract lives in `registry`)."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
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
    # Set by the retention job when every case of the person was past its time: personal fields blanked.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime)

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


class IdentityReview(StrEnum):
    """What became of the identity a citizen gave at one visit, compared with the person's stored identity."""
    SAME = "same"            # nothing to review: it matched, or it created the person
    PENDING = "pending"      # differs from the stored identity; waits for the district back office
    ACCEPTED = "accepted"    # the back office made it the person's identity (old values in PersonVersion)
    DISMISSED = "dismissed"  # the back office kept the stored identity


# The one table of allowed moves of a visit's identity review.
IDENTITY_TRANSITIONS = TransitionTable(IdentityReview, {
    IdentityReview.SAME: set(),
    IdentityReview.PENDING: {IdentityReview.ACCEPTED, IdentityReview.DISMISSED},
    IdentityReview.ACCEPTED: set(),
    IdentityReview.DISMISSED: set(),
})

# The fields of a person's identity as a visit records it (household members travel as JSON).
IDENTITY_FIELDS = ("name", "birth_place", "birth_date", "sex", "phone", "kk_number", "address", "rt", "rw",
                   "region_code")


class _IdentityValues:
    """Columns shared by a visit's identity and a kept version of a person's identity."""
    name: Mapped[str] = mapped_column(String(120))
    birth_place: Mapped[str] = mapped_column(String(80), default="")
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(20), default="")
    kk_number: Mapped[str] = mapped_column(String(16), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    region_code: Mapped[str] = mapped_column(String(13))
    # Household members as a JSON list of {nik, name, relation, birth_date, sex}; "" = not given at this visit.
    members: Mapped[str] = mapped_column(Text, default="")


class VisitIdentity(_IdentityValues, db.Model):
    """Who the citizen said they were at one visit: kept with the case, whatever the stored person says.
    Notifications of the case go to this phone."""

    __tablename__ = "visit_identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    review: Mapped[str] = mapped_column(String(20), default=IdentityReview.SAME, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # slrt.search.phonetic.name_key of the name given at this visit: staff search and queues match on it.
    name_phonetic: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)

    case = relationship("Case", backref=backref("identity", uselist=False, lazy="selectin",
                                                          cascade="all, delete-orphan"))
    person = relationship("Person")
    reviewed_by = relationship("User")


class PersonVersion(_IdentityValues, db.Model):
    """A person's identity as it was before the back office accepted a change: nothing is overwritten unseen."""

    __tablename__ = "person_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The visit whose identity replaced this version (none when a correction request did), who accepted
    # it, when and why.
    visit_identity_id: Mapped[int | None] = mapped_column(ForeignKey("visit_identities.id"), index=True)
    replaced_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    replaced_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    person = relationship("Person", backref=backref("versions", order_by="PersonVersion.id",
                                                    cascade="all, delete-orphan"))
    replaced_by = relationship("User")
