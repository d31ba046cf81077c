"""Reading the registry at the counter: only rows of DONE imports, each person in their newest version, and
only the extracts of the user's own district (a person who moved from A to B is A's row at A's counter and B's
at B's; A's clerk learns no more of B's row than that it exists, see `registered_elsewhere`)."""
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


def counter_district() -> str | None:
    """The district whose registry the counter reads: the signed-in user's own (or, outside a request, the one
    a command works in); None for an account over a whole province, which reads every hosted district's."""
    from slrt.regions.districts import current_district, district_of
    if has_request_context():
        from flask_login import current_user
        if getattr(current_user, "is_authenticated", False) and district_of(current_user) is None:
            return None
    return current_district()


def district_imports(district: str | None) -> dict[int, RegistryImport]:
    """The DONE imports of one district (all of them for None)."""
    imports = visible_imports()
    if district is None:
        return imports
    return {row_id: row for row_id, row in imports.items() if row.district_code == district}


def counter_imports() -> dict[int, RegistryImport]:
    """The DONE imports the counter reads: those of `counter_district()`."""
    return district_imports(counter_district())


def latest_import(district: str | None = None) -> RegistryImport | None:
    """The newest DONE import of `district` (by default the current district's): what the counter's registry is
    "as of"."""
    from slrt.regions.districts import current_district
    ours = district_imports(district or current_district())
    return ours[max(ours)] if ours else None


def _newest(rows, key):
    newest = {}
    for row in rows:
        k = getattr(row, key)
        if k not in newest or row.import_id > newest[k].import_id:
            newest[k] = row
    return list(newest.values())


def person_by_nik(nik: str, imports=None) -> RegistryPerson | None:
    """The person's newest row among `imports` (by default the counter's district's)."""
    imports = imports if imports is not None else counter_imports()
    if not imports:
        return None
    return db.session.scalar(select(RegistryPerson).where(RegistryPerson.nik == nik,
                                                          RegistryPerson.import_id.in_(list(imports)))
                             .order_by(RegistryPerson.import_id.desc()).limit(1))


def household_by_kk(kk: str, imports=None) -> Household | None:
    """The family card's household in its newest version among `imports` (by default the counter's district's)."""
    imports = imports if imports is not None else counter_imports()
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
    """The household of the person's newest row in the counter's district's registry."""
    imports = counter_imports()
    person = person_by_nik(nik, imports)
    return household_by_kk(person.kk_number, imports) if person else None


def registered_elsewhere(nik: str) -> bool:
    """The person is in no extract of the counter's district but in another hosted district's: all the counter
    is told of it (no name, no district, no row), so that it proposes no new registration for someone who moved."""
    ours = counter_imports()
    others = {row_id: row for row_id, row in visible_imports().items() if row_id not in ours}
    return bool(others) and person_by_nik(nik, ours) is None and person_by_nik(nik, others) is not None


def search_names(name: str, region_code: str | None = None, within: str | None = None) -> list[RegistryPerson]:
    """People whose name starts with `name` (case and spacing ignored), optionally in one desa."""
    key = " ".join(name.upper().split())
    imports = counter_imports()
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
