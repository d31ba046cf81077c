"""Reading the registry at the counter: only rows of DONE imports, each person in their newest version."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context, request
from sqlalchemy import func, select

from slrt.extensions import db
from slrt.registry.models import ImportStatus, RegistryHousehold, RegistryImport, RegistryPerson
from slrt.regions.models import region_prefix_match

SEARCH_LIMIT = 30


@dataclass
class Household:
    kk_number: str
    address: str
    rt: str
    rw: str
    region_code: str
    decile: int | None
    members: list[RegistryPerson]
    extract_date: date | None
    imported_at: object = None
    programmes: list[str] = field(default_factory=list)

    @property
    def head(self) -> RegistryPerson | None:
        return next((m for m in self.members if m.relation == 1), self.members[0] if self.members else None)


def visible_imports() -> dict[int, RegistryImport]:
    """The DONE imports, read once per request: every lookup of the request sees the same registry."""
    # Kept on the request itself (not `g`, which lives as long as the app context).
    cached = getattr(request, "slrt_registry_imports", None) if has_request_context() else None
    if cached is None:
        rows = db.session.scalars(select(RegistryImport).where(RegistryImport.status == ImportStatus.DONE))
        cached = {row.id: row for row in rows}
        if has_request_context():
            request.slrt_registry_imports = cached
    return cached


def latest_import() -> RegistryImport | None:
    """The current district's newest DONE import (what the counter's registry is "as of")."""
    from slrt.regions.districts import current_district
    district = current_district()
    ours = [row_id for row_id, row in visible_imports().items() if row.district_code == district]
    return visible_imports()[max(ours)] if ours else None


def _newest(rows, key):
    newest = {}
    for row in rows:
        k = getattr(row, key)
        if k not in newest or row.import_id > newest[k].import_id:
            newest[k] = row
    return list(newest.values())


def person_by_nik(nik: str, imports=None) -> RegistryPerson | None:
    imports = imports if imports is not None else visible_imports()
    if not imports:
        return None
    return db.session.scalar(select(RegistryPerson).where(RegistryPerson.nik == nik,
                                                          RegistryPerson.import_id.in_(list(imports)))
                             .order_by(RegistryPerson.import_id.desc()).limit(1))


def household_by_kk(kk: str, imports=None) -> Household | None:
    imports = imports if imports is not None else visible_imports()
    if not imports or not kk:
        return None
    ids = list(imports)
    version = db.session.scalar(select(RegistryHousehold).where(RegistryHousehold.kk_number == kk,
                                                                RegistryHousehold.import_id.in_(ids))
                                .order_by(RegistryHousehold.import_id.desc()).limit(1))
    people = _newest(db.session.scalars(select(RegistryPerson).where(RegistryPerson.kk_number == kk,
                                                                     RegistryPerson.import_id.in_(ids))), "nik")
    if version is None and not people:
        return None
    # A member who moved to another family card in a newer extract is no longer here.
    if people:
        newer = db.session.execute(select(RegistryPerson.nik, func.max(RegistryPerson.import_id)).where(
            RegistryPerson.nik.in_([p.nik for p in people]), RegistryPerson.import_id.in_(ids))
            .group_by(RegistryPerson.nik)).all()
        newest = dict(newer)
        people = [p for p in people if newest.get(p.nik) == p.import_id]
    people.sort(key=lambda p: (p.relation, p.birth_date or date.min))
    source = imports.get(version.import_id if version else people[0].import_id)
    household = Household(
        kk_number=kk, address=version.address if version else "", rt=version.rt if version else "",
        rw=version.rw if version else "", region_code=version.region_code if version else people[0].region_code,
        decile=version.decile if version else people[0].decile, members=people,
        extract_date=source.extract_date if source else None, imported_at=source.finished_at if source else None)
    from slrt.registry.models import PROGRAMMES
    household.programmes = [p for p in PROGRAMMES if any(getattr(m, p) for m in people)]
    return household


def household_of(nik: str) -> Household | None:
    imports = visible_imports()
    person = person_by_nik(nik, imports)
    return household_by_kk(person.kk_number, imports) if person else None


def search_names(name: str, region_code: str | None = None, within: str | None = None) -> list[RegistryPerson]:
    """People whose name starts with `name` (case and spacing ignored), optionally in one desa."""
    key = " ".join(name.upper().split())
    imports = visible_imports()
    if len(key) < 3 or not imports:
        return []
    if db.engine.dialect.name == "sqlite":
        condition = (RegistryPerson.name_key >= key) & (RegistryPerson.name_key < key + "\U0010ffff")
    else:
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition = RegistryPerson.name_key.like(escaped + "%", escape="\\")
    query = select(RegistryPerson).where(condition, RegistryPerson.import_id.in_(list(imports)))
    if region_code:
        query = query.where(RegistryPerson.region_code == region_code)
    if within:
        query = query.where(region_prefix_match(RegistryPerson.region_code, within))
    rows = _newest(db.session.scalars(query.order_by(RegistryPerson.name_key).limit(SEARCH_LIMIT * 2)), "nik")
    return sorted(rows, key=lambda p: p.name_key)[:SEARCH_LIMIT]
