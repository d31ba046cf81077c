"""Export a signed month (district side), trust a district's key and import its files (province side).
Each change writes its audit row; nothing here commits."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from slrt.audit.operations import record
from slrt.core.errors import DomainError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.regions.districts import district_name
from slrt.regions.models import Region
from slrt.rollup import aggregate, signing
from slrt.rollup.models import RollupFile, RollupKey

FORMAT = "slrt-rollup/1"
SOFTWARE_VERSION = "slrt-portal 2026.11"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def export_month(month: str, private_key, district: str | None = None) -> dict:
    """The district's signed aggregate file of `month` (counts only); the configured district by default."""
    if not aggregate.MONTH.match(month or ""):
        raise DomainError(_l("Bulan harus berbentuk TTTT-BB, misalnya 2026-10."), field="month")
    district = district or current_app.config["SLRT_REGION_CODE"]
    document = {"format": FORMAT, "district_code": district, "district_name": district_name(district),
                "month": month, "generated_at": utcnow().strftime(TIME_FORMAT), "software_version": SOFTWARE_VERSION,
                "kecamatan": aggregate.month_counts(month, district)}
    return signing.sign(document, private_key)


def trust_district(district_code: str, public_key: str, actor=None) -> RollupKey:
    """Register (or replace) the public key whose signatures are accepted as this district's files."""
    public_key = public_key.strip()
    if db.session.get(Region, district_code) is None or district_code.count(".") != 1:
        raise DomainError(_l("Kode kabupaten/kota tidak dikenal."), field="district_code")
    if not signing.is_public_key(public_key):
        raise DomainError(_l("Kunci publik tidak sah: tempel isi berkas .pub dari `flask rollup keygen`."),
                          field="public_key")
    key = db.session.get(RollupKey, district_code) or RollupKey(district_code=district_code)
    key.public_key, key.registered_at, key.registered_by_id = public_key, utcnow(), getattr(actor, "id", None)
    db.session.add(key)
    record("rollup.trust", note=district_code, user=actor)
    return key


def _parsed(raw: bytes) -> dict:
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        document = None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DomainError(_l("Berkas ini bukan berkas rekap bulanan SLRT."), field="file")
    if not aggregate.MONTH.match(str(document.get("month", ""))):
        raise DomainError(_l("Bulan dalam berkas tidak berbentuk TTTT-BB."), field="file")
    return document


def _generated_at(document: dict) -> datetime:
    try:
        moment = datetime.strptime(str(document.get("generated_at", "")), TIME_FORMAT)
    except ValueError:
        raise DomainError(_l("Waktu pembuatan berkas tidak sah."), field="file")
    return moment.replace(tzinfo=timezone.utc).replace(tzinfo=None)


def import_file(raw: bytes, actor=None) -> RollupFile:
    """Check the file's signature against its district's registered key and keep it; a file of a month already
    imported replaces it only when generated later."""
    document = _parsed(raw)
    code = str(document.get("district_code", ""))
    key = db.session.get(RollupKey, code)
    if key is None:
        raise DomainError(_("Kabupaten/kota %(code)s belum terdaftar: daftarkan kunci publiknya dulu.", code=code),
                          field="file")
    if not signing.verify(document, key.public_key):
        raise DomainError(_l("Tanda tangan berkas tidak cocok dengan kunci kabupaten/kota ini: berkas diubah "
                             "atau ditandatangani kunci lain."), field="file")
    generated_at = _generated_at(document)
    stored = db.session.scalar(select(RollupFile).where(RollupFile.district_code == code,
                                                        RollupFile.month == document["month"]))
    if stored is not None and generated_at <= stored.generated_at:
        raise DomainError(_("Rekap %(month)s kabupaten/kota ini sudah diimpor dari berkas yang sama atau lebih "
                            "baru.", month=document["month"]), field="file")
    stored = stored or RollupFile(district_code=code, month=document["month"])
    stored.district_name = str(document.get("district_name", ""))[:120]
    stored.generated_at, stored.software_version = generated_at, str(document.get("software_version", ""))[:40]
    stored.content = signing.canonical(document).decode()
    stored.imported_at, stored.imported_by_id = utcnow(), getattr(actor, "id", None)
    db.session.add(stored)
    db.session.flush()
    record("rollup.import", stored, note=f"{code} {document['month']}", user=actor)
    return stored


def counts_of(stored: RollupFile) -> dict:
    return json.loads(stored.content).get("kecamatan", {})
