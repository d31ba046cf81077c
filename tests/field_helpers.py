"""Enrolling a field device in tests, as the app does after an online login."""
from __future__ import annotations

import uuid


def enrol(client, name: str = "Tablet Desa Sukamaju", uid: str | None = None, version: str = "1.0.0", **kwargs):
    """POST the enrolment as the logged-in user; the response."""
    return client.post("/lapangan/api/perangkat", json={"uid": uid or str(uuid.uuid4()), "name": name,
                                                         "app_version": version}, **kwargs)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
