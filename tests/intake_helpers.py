"""Helpers of the intake tests: a complete intake form as the counter posts it."""
from __future__ import annotations

from slrt.extensions import db
from tests.conftest import VALID_NIK


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
