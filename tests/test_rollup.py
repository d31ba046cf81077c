"""Signed monthly aggregate files: the district exports its month in counts, signed; the province accepts a file
only with a good signature of a registered district, and keeps the newest per district and month."""
from __future__ import annotations

import io
import json
import os
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from slrt.audit.models import AuditLog
from slrt.core.errors import DomainError
from slrt.core.time import clock_at, local_today
from slrt.extensions import db
from slrt.rollup import operations, signing
from slrt.rollup.models import RollupFile
from tests.auth_helpers import client_for
from tests.conftest import VALID_NIK, count



def _month() -> str:
    return f"{local_today():%Y-%m}"


@pytest.fixture
def rollup_app(app, tmp_path):
    app.config["SLRT_ROLLUP_KEY_FILE"] = str(tmp_path / "keys" / "rollup.pem")
    return app


def _cli(application, *args):
    result = application.test_cli_runner().invoke(args=["rollup", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _keygen(application) -> str:
    """A fresh district key: the public key's text."""
    _cli(application, "keygen")
    return (open(application.config["SLRT_ROLLUP_KEY_FILE"][:-4] + ".pub").read()).strip()


def _export(application, tmp_path, name="f.json") -> bytes:
    _cli(application, "export", "--month", _month(), "--out", str(tmp_path / name))
    return (tmp_path / name).read_bytes()


def test_the_export_holds_counts_only_and_its_signature_checks_out(rollup_app, make_case, places, tmp_path):
    make_case(nik=VALID_NIK, name="Ani Suryani", phone="081299887766")
    public = _keygen(rollup_app)
    assert os.stat(rollup_app.config["SLRT_ROLLUP_KEY_FILE"]).st_mode & 0o777 == 0o600
    raw = _export(rollup_app, tmp_path)
    for personal in (VALID_NIK.encode(), b"Ani", b"Suryani", b"081299887766"):
        assert personal not in raw
    document = json.loads(raw)
    assert raw == signing.canonical(document)  # the file is its own canonical form
    assert document["district_code"] == rollup_app.config["SLRT_REGION_CODE"] and document["month"] == _month()
    assert document["kecamatan"][places.kecamatan]["cases_registered"] == {"counter": {"registered": 1}}
    assert document["kecamatan"][places.kecamatan]["complaints"] == {"KESEHATAN": 1}
    assert signing.verify(document, public)


def test_a_trusted_district_file_is_imported_and_a_tampered_one_refused(rollup_app, make_case, places, tmp_path):
    make_case()
    district = rollup_app.config["SLRT_REGION_CODE"]
    raw = _export(rollup_app, tmp_path) if _keygen(rollup_app) else None
    with pytest.raises(DomainError, match="belum terdaftar"):
        operations.import_file(raw)
    (tmp_path / "district.pub").write_text(open(rollup_app.config["SLRT_ROLLUP_KEY_FILE"][:-4] + ".pub").read())
    _cli(rollup_app, "trust", district, str(tmp_path / "district.pub"))

    tampered = json.loads(raw)
    tampered["kecamatan"][places.kecamatan]["cases_registered"]["counter"]["registered"] = 40
    with pytest.raises(DomainError, match="Tanda tangan"):
        operations.import_file(json.dumps(tampered).encode())
    db.session.rollback()
    assert count(RollupFile) == 0

    _cli(rollup_app, "import", str(tmp_path / "f.json"))
    assert count(RollupFile, RollupFile.district_code == district, RollupFile.month == _month()) == 1
    note = db.session.scalar(select(AuditLog.note).where(AuditLog.action == "rollup.import"))
    assert note == f"{district} {_month()}"


def test_a_month_already_imported_is_replaced_only_by_a_newer_file(rollup_app, make_case, tmp_path):
    make_case()
    public = _keygen(rollup_app)
    operations.trust_district(rollup_app.config["SLRT_REGION_CODE"], public)
    with clock_at(datetime(2026, 11, 1, 3, 0)):
        older = _export(rollup_app, tmp_path, "older.json")
    with clock_at(datetime(2026, 11, 2, 3, 0)):
        newer = _export(rollup_app, tmp_path, "newer.json")
    operations.import_file(older)
    db.session.commit()
    operations.import_file(newer)
    db.session.commit()
    for again in (newer, older):
        with pytest.raises(DomainError, match="sudah diimpor"):
            operations.import_file(again)
        db.session.rollback()
    assert db.session.scalar(select(RollupFile.generated_at)) == datetime(2026, 11, 2, 3, 0)


def test_the_provincial_officer_uploads_a_file_and_sees_the_district(rollup_app, make_user, make_case, tmp_path):
    make_case()
    operations.trust_district(rollup_app.config["SLRT_REGION_CODE"], _keygen(rollup_app))
    db.session.commit()
    raw = _export(rollup_app, tmp_path)
    client, _officer = client_for(rollup_app, make_user, "provincial_officer")

    tampered = raw.replace(b'"registered":1', b'"registered":9')
    refused = client.post("/provinsi/kiriman/impor", data={"file": (io.BytesIO(tampered), "f.json")})
    assert refused.status_code == 422 and "Tanda tangan berkas tidak cocok" in refused.get_data(as_text=True)
    sent = client.post("/provinsi/kiriman/impor", data={"file": (io.BytesIO(raw), "f.json")})
    assert sent.status_code == 303
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert rollup_app.config["SLRT_REGION_NAME"] in page and '<td class="num">1</td>' in page

    clerk, _user = client_for(rollup_app, make_user, "front_office")
    assert clerk.get("/provinsi/kiriman/").status_code == 403


def test_only_the_administrator_registers_a_district_key_and_a_bad_key_is_refused(rollup_app, make_user):
    officer, _user = client_for(rollup_app, make_user, "provincial_officer")
    public = signing.public_text(Ed25519PrivateKey.generate())
    key = {"district_code": "32.04", "public_key": public}
    assert officer.post("/provinsi/kiriman/kunci", data=key).status_code == 403
    admin, _admin = client_for(rollup_app, make_user, "admin")
    refused = admin.post("/provinsi/kiriman/kunci", data={"district_code": "32.04", "public_key": "bukan-kunci"})
    assert refused.status_code == 422 and "Kunci publik tidak sah" in refused.get_data(as_text=True)
    assert admin.post("/provinsi/kiriman/kunci", data=key).status_code == 303
    assert count(AuditLog, AuditLog.action == "rollup.trust", AuditLog.note == "32.04") == 1
