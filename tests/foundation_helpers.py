"""Shared helpers of the foundation's test modules (fixtures stay in conftest.py)."""
from __future__ import annotations

from slrt.extensions import db
from tests.conftest import PASSWORD, VALID_NIK

ROLES = ("front_office", "puskesos_operator", "back_office", "supervisor", "agency_liaison", "facilitator",
         "admin", "provincial_officer")
INTAKE_ROLES = {"front_office", "puskesos_operator", "facilitator", "back_office"}
CASE_ROLES = {"front_office", "puskesos_operator", "back_office", "supervisor", "facilitator", "admin"}
HANDLING_ROLES = {"back_office", "supervisor"}
HX = {"HX-Request": "true"}


def category_id(code: str = "KESEHATAN") -> int:
    from slrt.admin.models import ComplaintCategory
    return db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == code))


def intake_data(places, **overrides) -> dict:
    """A complete, valid intake form as the counter posts it."""
    data = {"nik": VALID_NIK, "name": "Ani Suryani", "birth_place": "Bandung", "birth_date": "1990-12-05",
            "sex": "P", "phone": "081234567890", "kk_number": "3204051234560007", "address": "Kp. Cibodas",
            "rt": "003", "rw": "007", "kecamatan": places.kecamatan, "desa": places.desa, "channel": "counter",
            "visit_type": "service_request", "complaints-0-category": str(category_id()),
            "complaints-0-description": "Kartu KIS tidak aktif saat berobat", "note": ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def log_in(client, username: str, password: str = PASSWORD, **kwargs):
    return client.post("/masuk", data={"username": username, "password": password}, **kwargs)


def client_for(app, make_user, role: str, **kwargs):
    """A separate logged-in test client for a new user of `role`."""
    user = make_user(role, **kwargs)
    client = app.test_client()
    response = log_in(client, user.username)
    assert response.status_code == 303, response.data[:300]
    return client, user


def count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def is_login_redirect(response) -> bool:
    return response.status_code in (302, 303) and "/masuk" in response.headers.get("Location", "")
