from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from slrt.core.time import utcnow
from slrt.extensions import db


class RollupKey(db.Model):
    """A district server's public key, registered at the province: files signed with its private key are
    accepted as that district's."""

    __tablename__ = "rollup_keys"

    district_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))   # raw Ed25519 key, base64
    registered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RollupFile(db.Model):
    """One district's signed monthly aggregate file as imported (counts only), the newest per month."""

    __tablename__ = "rollup_files"
    __table_args__ = (UniqueConstraint("district_code", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_code: Mapped[str] = mapped_column(String(13))
    district_name: Mapped[str] = mapped_column(String(120))
    month: Mapped[str] = mapped_column(String(7), index=True)
    generated_at: Mapped[datetime] = mapped_column(DateTime)
    software_version: Mapped[str] = mapped_column(String(40))
    content: Mapped[str] = mapped_column(Text)   # the signed canonical JSON, as received
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
