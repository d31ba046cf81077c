"""Loading the Kemendagri region dataset, and the in-memory index of codes used by validation."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.regions.models import Region

DATA_DIR = Path(__file__).resolve().parent / "data"
DATASET_VERSION = "idn-area-data@4.0.1"
FILES = (("provinces.csv", 1, None), ("regencies.csv", 2, "province_code"),
         ("districts.csv", 3, "regency_code"), ("villages.csv", 4, "district_code"))


@dataclass
class LoadReport:
    added: int = 0
    renamed: int = 0
    retired: int = 0
    unchanged: int = 0
    reactivated: int = 0

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def read_dataset(data_dir: Path = DATA_DIR) -> list[tuple[str, str, int, str | None]]:
    rows = []
    for filename, level, parent_column in FILES:
        with open(data_dir / filename, newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                parent = record[parent_column] if parent_column else None
                rows.append((record["code"].strip(), record["name"].strip(), level, parent))
    return rows


def load_regions(data_dir: Path = DATA_DIR, version: str = DATASET_VERSION) -> LoadReport:
    """Upsert the dataset. Codes missing from it are retired (inactive), never deleted, so references hold."""
    report = LoadReport()
    existing = {code: (name, active) for code, name, active in
                db.session.execute(select(Region.code, Region.name, Region.active))}
    rows = read_dataset(data_dir)
    seen = set()
    now = utcnow()
    new_rows = []
    for code, name, level, parent in rows:
        seen.add(code)
        if code not in existing:
            new_rows.append({"code": code, "name": name, "level": level, "parent_code": parent,
                             "active": True, "dataset_version": version, "updated_at": now})
            report.added += 1
            continue
        old_name, active = existing[code]
        if old_name != name or not active:
            db.session.execute(update(Region).where(Region.code == code).values(
                name=name, parent_code=parent, active=True, dataset_version=version, updated_at=now))
            if old_name != name:
                report.renamed += 1
            if not active:
                report.reactivated += 1
        else:
            report.unchanged += 1
    # Parents come before children in the file order, so foreign keys hold while inserting in chunks.
    for start in range(0, len(new_rows), 5000):
        db.session.execute(insert(Region), new_rows[start:start + 5000])
    retired = [code for code, (_, active) in existing.items() if code not in seen and active]
    for start in range(0, len(retired), 500):
        db.session.execute(update(Region).where(Region.code.in_(retired[start:start + 500]))
                           .values(active=False, updated_at=now))
    report.retired = len(retired)
    region_index.clear()
    return report


class RegionIndex:
    """The sets of known kabupaten and kecamatan codes, read once per process for NIK validation."""

    def __init__(self) -> None:
        self._regencies: set[str] | None = None
        self._districts: set[str] | None = None

    def clear(self) -> None:
        self._regencies = self._districts = None

    def _load(self) -> None:
        rows = db.session.execute(select(Region.code, Region.level, Region.active)
                                  .where(Region.level.in_((2, 3)))).all()
        # A NIK keeps the kabupaten code it was issued under, so a retired one is still known; a retired
        # kecamatan (split or merged away) is not current and gives the NIK check's warning.
        self._regencies = {code for code, level, _active in rows if level == 2}
        self._districts = {code for code, level, active in rows if level == 3 and active}

    def has_regency(self, code: str) -> bool:
        if self._regencies is None:
            self._load()
        return code in self._regencies

    def regency_codes(self) -> list[str]:
        """Every known kabupaten code: a field device checks a NIK's region offline against these."""
        if self._regencies is None:
            self._load()
        return sorted(self._regencies)

    def has_district(self, code: str) -> bool:
        if self._districts is None:
            self._load()
        return code in self._districts


region_index = RegionIndex()


def children(code: str, active_only: bool = True) -> list[Region]:
    query = select(Region).where(Region.parent_code == code).order_by(Region.name)
    if active_only:
        query = query.where(Region.active.is_(True))
    return list(db.session.scalars(query))


def get(code: str | None) -> Region | None:
    return db.session.get(Region, code) if code else None


def names_for(codes) -> dict[str, str]:
    codes = [c for c in set(codes) if c]
    if not codes:
        return {}
    return dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all())


def path_names(code: str | None) -> list[tuple[str, str]]:
    """The region and its ancestors, from the province down: [(code, name), ...]."""
    if not code:
        return []
    parts = code.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts) + 1)]
    names = names_for(prefixes)
    return [(p, names.get(p, p)) for p in prefixes]


# Districts hosted in this database --------------------------------------------------------------------------

HOST = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
WHATSAPP = re.compile(r"^[1-9][0-9]{7,14}$")
WHATSAPP_NUMBER_ID = re.compile(r"^[0-9]{1,32}$")  # a Cloud API phone-number id (digits, as the webhook gives it)
PUBLIC_FIELDS = ("name", "office_name", "public_host", "whatsapp_number", "whatsapp_number_id", "active")


def clean_public_face(office_name: str | None, public_host: str | None, whatsapp_number: str | None,
                      district_code: str | None = None, whatsapp_number_id: str | None = None) -> dict:
    """The office name, host name, WhatsApp number and that number's Cloud API id as stored (empty: None),
    refused when malformed or used by another district. The id needs the number: citizens answer a notice on
    the number it came from, and that number must lead back to the district."""
    from flask_babel import gettext

    from slrt.core.errors import DomainError
    from slrt.regions.models import District
    host = (public_host or "").strip().lower().rstrip(".") or None
    if host is not None and not HOST.match(host):
        raise DomainError(gettext("Alamat situs harus berupa nama host saja, misalnya slrt.bandungkab.go.id "
                                  "(tanpa http:// dan tanpa garis miring)."), field="public_host")
    number = re.sub(r"[\s+\-().]", "", whatsapp_number or "") or None
    if number is not None and number.startswith("0"):
        raise DomainError(gettext("Tulis nomor WhatsApp dengan kode negara, tanpa 0 di depan: misalnya "
                                  "6281234567890."), field="whatsapp_number")
    if number is not None and not WHATSAPP.match(number):
        raise DomainError(gettext("Nomor WhatsApp hanya berisi angka dengan kode negara (8 sampai 15 angka), "
                                  "misalnya 6281234567890."), field="whatsapp_number")
    number_id = re.sub(r"\s", "", whatsapp_number_id or "") or None
    if number_id is not None and not WHATSAPP_NUMBER_ID.match(number_id):
        raise DomainError(gettext("ID nomor WhatsApp hanya berisi angka (paling banyak 32), seperti yang tertulis "
                                  "di WhatsApp Manager, misalnya 106540352242922."), field="whatsapp_number_id")
    if number_id is not None and number is None:
        raise DomainError(gettext("Isi juga nomor WhatsApp warga yang memiliki ID ini."), field="whatsapp_number")
    for column, value, field in ((District.public_host, host, "public_host"),
                                 (District.whatsapp_number, number, "whatsapp_number"),
                                 (District.whatsapp_number_id, number_id, "whatsapp_number_id")):
        if value is None:
            continue
        other = db.session.scalar(select(District.code).where(column == value, District.code != (district_code or "")))
        if other is not None:
            raise DomainError(gettext("%(value)s sudah dipakai oleh kabupaten/kota %(code)s.", value=value,
                                      code=other), field=field)
    return {"office_name": (office_name or "").strip() or None, "public_host": host, "whatsapp_number": number,
            "whatsapp_number_id": number_id}


def add_district(code: str, name: str, admin_username: str, admin_name: str, actor=None, *,
                 office_name: str | None = None, public_host: str | None = None,
                 whatsapp_number: str | None = None, whatsapp_number_id: str | None = None) -> tuple:
    """Host a new kabupaten/kota: its row, its public face (office name, host, WhatsApp number and its id), its
    starting lists and its first administrator (who must change the one-time password returned here). Nothing here
    commits."""
    from flask_babel import gettext

    from slrt.admin.reference import load_reference_data
    from slrt.audit.operations import record
    from slrt.auth.models import Role
    from slrt.auth.operations import create_user, generate_password
    from slrt.core.errors import DomainError
    from slrt.regions.districts import working_in
    from slrt.regions.models import District, RegionLevel
    code = (code or "").strip()
    region = db.session.get(Region, code) if code else None
    if region is None or region.level != RegionLevel.REGENCY:
        raise DomainError(gettext("Kode %(code)s bukan kode kabupaten/kota yang dikenal.", code=code), field="code")
    from flask import current_app
    # The configured district is hosted even where no row names it yet (an install created without migrations).
    if db.session.get(District, code) is not None or code == current_app.config["SLRT_REGION_CODE"]:
        raise DomainError(gettext("Kabupaten/kota %(code)s sudah ada.", code=code), field="code")
    face = clean_public_face(office_name, public_host, whatsapp_number, code, whatsapp_number_id)
    district = District(code=code, name=name.strip() or region.name, active=True, **face)
    db.session.add(district)
    with working_in(code):
        added = load_reference_data()
        password = generate_password(username=admin_username, full_name=admin_name)
        admin = create_user(username=admin_username, full_name=admin_name, role=Role.ADMIN, region_code=code,
                            password=password, actor=actor, must_change_password=True)
    record("district.add", district, note=f"{code} {district.name} admin={admin.username} lists={added}"
           + "".join(f" {key}={value}" for key, value in face.items() if value), user=actor)
    db.session.flush()
    return district, admin, password


def update_district(district, values: dict, actor=None) -> list[str]:
    """Change a hosted district's name, office name, public host, WhatsApp number (and its Cloud API id) or whether
    it is active;
    audited with each old → new value. The configured district stays active. Returns the changed fields
    (none: nothing is written). Nothing here commits."""
    from flask import current_app
    from flask_babel import gettext

    from slrt.audit.operations import record
    from slrt.core.errors import DomainError
    name = (values.get("name") or "").strip()
    if not name:
        raise DomainError(gettext("Nama kabupaten/kota wajib diisi."), field="name")
    active = bool(values.get("active"))
    if not active and district.code == current_app.config["SLRT_REGION_CODE"]:
        raise DomainError(gettext("Kabupaten/kota %(code)s adalah daerah utama server ini (SLRT_REGION_CODE) dan "
                                  "tidak dapat dinonaktifkan.", code=district.code), field="active")
    new = {"name": name, "active": active, **clean_public_face(values.get("office_name"), values.get("public_host"),
                                                               values.get("whatsapp_number"), district.code,
                                                               values.get("whatsapp_number_id"))}
    changed = [key for key in PUBLIC_FIELDS if getattr(district, key) != new[key]]
    if not changed:
        return []
    note = "; ".join(f"{key}: {getattr(district, key)!s} -> {new[key]!s}" for key in changed)
    for key in changed:
        setattr(district, key, new[key])
    db.session.add(district)
    record("district.update", district, note=f"{district.code} {note}", user=actor)
    db.session.flush()
    return changed


def choosable_districts(province: str) -> list:
    """The districts a provincial administrator of `province` may work in: hosted, active, in the province."""
    from slrt.regions.districts import hosted_districts
    return [d for d in hosted_districts() if d.active and d.code.startswith(province + ".")]


def choose_district(user, code: str) -> str:
    """The provincial administrator `user` works in district `code` from now on (kept in their session by the
    caller); audited. Refused unless the district is hosted, active and in their province."""
    from flask_babel import gettext

    from slrt.audit.operations import record
    from slrt.core.errors import DomainError
    from slrt.regions.models import District
    code = (code or "").strip()
    if code not in {d.code for d in choosable_districts(user.region_code)}:
        raise DomainError(gettext("Kabupaten/kota %(code)s tidak dapat dipilih: tidak ada, tidak aktif, atau di "
                                  "luar provinsi Anda.", code=code[:13]), field="code")
    record("district.choose", db.session.get(District, code), note=code, user=user)
    return code
