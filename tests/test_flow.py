"""The window's core flow through HTTP: register, receipt, public status."""
import re

from slrt.cases.models import Case
from slrt.extensions import db
from tests.conftest import VALID_NIK


def intake_data(places, **overrides):
    data = {"nik": VALID_NIK, "name": "Ani Suryani", "birth_date": "1990-12-05", "sex": "P",
            "kecamatan": places.kecamatan, "desa": places.desa, "channel": "counter",
            "visit_type": "service_request", "complaints-0-category": "", "complaints-0-description": "",
            "confirm_warnings": "y"}
    from slrt.admin.models import ComplaintCategory
    category = db.session.scalar(db.select(ComplaintCategory.id).where(ComplaintCategory.code == "KESEHATAN"))
    data["complaints-0-category"] = str(category)
    data["complaints-0-description"] = "Kartu KIS tidak aktif saat berobat"
    data.update(overrides)
    return data


def test_register_gives_receipt_with_ticket_and_public_status(client, login_as, places, app):
    login_as("front_office")
    response = client.post("/pendaftaran/baru", data=intake_data(places))
    assert response.status_code == 303
    case = db.session.scalar(db.select(Case))
    assert response.headers["Location"].endswith(f"/kasus/{case.id}/tanda-terima")
    receipt = client.get(response.headers["Location"])
    assert receipt.status_code == 200
    assert case.ticket.encode() in receipt.data
    assert b"<svg" in receipt.data  # the QR code
    assert VALID_NIK.encode() not in receipt.data

    public = app.test_client()
    status = public.get(f"/status?ticket={case.ticket}")
    assert "Terdaftar" in status.get_data(as_text=True)
    assert "Kartu KIS tidak aktif" not in status.get_data(as_text=True)
    assert "Ani Suryani" not in status.get_data(as_text=True)


def test_spreadsheet_mangled_nik_is_refused_and_typed_data_kept(client, login_as, places):
    login_as("front_office")
    response = client.post("/pendaftaran/baru", data=intake_data(places, nik="3.27301E+15"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "rusak oleh spreadsheet" in html
    assert 'value="Ani Suryani"' in html
    assert "Kartu KIS tidak aktif saat berobat" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_ticket_format_is_grouped_and_unambiguous(make_case):
    case = make_case()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}", case.ticket)
