"""API clients for tests, made through the real operation, and the header that carries their token."""
from __future__ import annotations

from datetime import timedelta

from slrt.api import operations
from slrt.core.time import utcnow
from slrt.extensions import db


def make_client(admin, *, permissions=("read_status",), region_code: str, agency_id=None, rate_per_minute=600,
                name: str | None = None):
    """(client, token) created by `admin`; committed."""
    make_client.n = getattr(make_client, "n", 0) + 1
    client, token = operations.create_client(operations.ClientData(
        name=name or f"Sistem uji {make_client.n}", region_code=region_code, permissions=list(permissions),
        expires_at=utcnow() + timedelta(days=30), rate_per_minute=rate_per_minute, agency_id=agency_id), admin)
    db.session.commit()
    return client, token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
