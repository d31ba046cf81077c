from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from slrt.core.time import utcnow
from slrt.extensions import db


class RegionLevel:
    PROVINCE = 1
    REGENCY = 2
    DISTRICT = 3  # kecamatan
    VILLAGE = 4  # desa/kelurahan


class Region(db.Model):
    """A Kemendagri region: province `NN`, kabupaten/kota `NN.NN`, kecamatan `NN.NN.NN`, desa `NN.NN.NN.NNNN`.

    Codes are the keys everything refers to. A code that disappears from a newer dataset is kept and
    marked inactive, so old cases and users that refer to it stay valid.
    """

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    dataset_version: Mapped[str] = mapped_column(String(40), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


def region_prefix_match(column, code: str):
    """A condition: `column` lies under the region `code` (the code itself or any code below it).

    Written as a range ('.' sorts just before '/') rather than LIKE, so every database uses the index."""
    return (column == code) | ((column > code + ".") & (column < code + "/"))


class District(db.Model):
    """A kabupaten/kota hosted in this database: it has its own lists, settings, letter counters and
    administrators. A single-district install has one row, the configured SLRT_REGION_CODE."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # What its citizens see (migration 0030): the office's own name (empty: "SLRT Dinas Sosial <name>"), the
    # host name its public pages are opened on, and the WhatsApp number they write to (digits, country code).
    office_name: Mapped[str | None] = mapped_column(String(160))
    public_host: Mapped[str | None] = mapped_column(String(253), unique=True)
    whatsapp_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The Cloud API phone-number id of that number (migration 0034): the notices the office starts for this
    # district's cases (registered, referred, closed, ...) leave from it. Empty: the configured
    # SLRT_WA_PHONE_NUMBER_ID.
    whatsapp_number_id: Mapped[str | None] = mapped_column(String(32), unique=True)
