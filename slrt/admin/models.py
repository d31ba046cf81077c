"""The district's editable lists: agencies, programmes, complaint categories, documents; and settings."""
from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.extensions import db
from slrt.regions.districts import current_district, kept_per_district


class Agency(db.Model):
    """An agency that receives referrals (OPD, BPJS Kesehatan, BAZNAS, an NGO)."""

    __tablename__ = "agencies"
    # A code is unique within its district; the constraint's index also serves the district filter.
    __table_args__ = (UniqueConstraint("district_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(5), default=current_district)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Programme(db.Model):
    """A programme or service a citizen may need (PKH, PBI-JKN, PIP, KTP, RTLH, ...)."""

    __tablename__ = "programmes"
    # A code is unique within its district; the constraint's index also serves the district filter.
    __table_args__ = (UniqueConstraint("district_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(5), default=current_district)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    agency = relationship("Agency")


class ComplaintCategory(db.Model):
    __tablename__ = "complaint_categories"
    # A code is unique within its district; the constraint's index also serves the district filter.
    __table_args__ = (UniqueConstraint("district_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(5), default=current_district)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class DocumentType(db.Model):
    """An item of the documents checklist (KTP, KK, SKTM, house photos, puskesmas referral)."""

    __tablename__ = "document_types"
    # A code is unique within its district; the constraint's index also serves the district filter.
    __table_args__ = (UniqueConstraint("district_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(5), default=current_district)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


# The lists each district keeps for itself (slrt.regions.districts filters every query of them).
LIST_MODELS = (Agency, Programme, ComplaintCategory, DocumentType)
kept_per_district(*LIST_MODELS)


class Setting(db.Model):
    """A district setting (key → text value). Keyed by the district's code too, so that the districts of a
    province can share one database."""

    __tablename__ = "settings"

    region_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
