"""API clients: another system (a district's command centre, SP4N-LAPOR! middleware, an agency's own
application) that calls /api/v1 with a bearer token the administrator gave it."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import gettext
from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from slrt.core.time import utcnow
from slrt.core.transitions import TransitionTable
from slrt.extensions import db


class ApiPermission(StrEnum):
    READ_STATUS = "read_status"            # a case's public status by ticket; cases changed since a cursor
    READ_AGGREGATES = "read_aggregates"    # the dashboard's figures; the command-centre wallboard
    CREATE_CASES = "create_cases"          # register a case from another channel
    ANSWER_REFERRALS = "answer_referrals"  # the agency's answers to its referrals (a client of one agency)
    READ_REGISTRY = "read_registry"        # registry status of a NIK (registered, desil, programmes)


# An agency's client answers referrals and reads their status; it is no intake channel and reads no
# registry (the office's permissions and the agency's never mix in one client).
AGENCY_PERMISSIONS = frozenset({ApiPermission.ANSWER_REFERRALS, ApiPermission.READ_STATUS})


class ApiClientStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"  # for good: a new token means a new client


CLIENT_TRANSITIONS = TransitionTable(ApiClientStatus, {
    ApiClientStatus.ACTIVE: {ApiClientStatus.REVOKED},
    ApiClientStatus.REVOKED: set(),
}, refused=lambda current, target: gettext("Klien API berstatus \"%(current)s\" tidak dapat diubah menjadi "
                                           "\"%(target)s\".", current=current, target=target))


class ApiClient(db.Model):
    """One calling system. Only the SHA-256 of its token is kept; the token itself is shown once.

    Each client acts through a service account of its own (`user`, never able to log in): the cases it
    registers, the answers it records and every audit row name that account, whose name is the client's.
    The account's role and region give the client the same scoping as a person in that role there."""

    __tablename__ = "api_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    region_code: Mapped[str] = mapped_column(String(13), ForeignKey("regions.code"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    permissions: Mapped[str] = mapped_column(String(200), default="")  # comma-separated ApiPermission values
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    token_hint: Mapped[str] = mapped_column(String(12), default="")  # the token's first characters, to tell them apart
    rate_per_minute: Mapped[int] = mapped_column(Integer, default=120)
    status: Mapped[str] = mapped_column(String(20), default=ApiClientStatus.ACTIVE, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    region = relationship("Region", lazy="joined")
    agency = relationship("Agency", lazy="joined")
    created_by = relationship("User", foreign_keys=[created_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def permission_set(self) -> frozenset[ApiPermission]:
        known = {p.value for p in ApiPermission}
        return frozenset(ApiPermission(p) for p in self.permissions.split(",") if p in known)

    def allows(self, permission: ApiPermission) -> bool:
        return permission in self.permission_set

    def usable_at(self, moment: datetime) -> bool:
        return self.status == ApiClientStatus.ACTIVE and moment < self.expires_at
