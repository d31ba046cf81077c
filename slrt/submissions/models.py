from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from slrt.core.time import utcnow
from slrt.extensions import db


class FormSubmission(db.Model):
    """A form id that was carried out, and the page that showed its result. The primary key is what makes a
    concurrent second post of the same form fail (and roll back) instead of changing anything twice."""

    __tablename__ = "form_submissions"

    form_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(80))
    result_url: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
