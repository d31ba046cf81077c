"""Registering a visit at the window: the person, their household, and a new case with a ticket."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.cases.models import Case, CaseEvent, CaseNeed, CaseStatus, Channel, Complaint, VisitType
from slrt.cases.tickets import new_ticket
from slrt.core.errors import DomainError
from slrt.extensions import db
from slrt.intake.models import HouseholdMember, Person
from slrt.search.phonetic import name_key


@dataclass
class MemberData:
    name: str
    relation: int
    nik: str = ""
    birth_date: date | None = None
    sex: str = ""


@dataclass
class VisitData:
    nik: str
    name: str
    birth_date: date
    sex: str
    region_code: str
    channel: str
    visit_type: str
    complaints: list[tuple[int, str]]
    birth_place: str = ""
    phone: str = ""
    kk_number: str = ""
    address: str = ""
    rt: str = ""
    rw: str = ""
    members: list[MemberData] | None = None  # None keeps the household as it was recorded before
    needs: list[int] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    note: str = ""


def find_person(nik: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.nik == nik))


def _unique_ticket() -> str:
    for _ in range(10):
        ticket = new_ticket()
        if not db.session.scalar(select(exists().where(Case.ticket == ticket))):
            return ticket
    raise RuntimeError("could not draw a free ticket number")  # 31^10 space: practically unreachable


def _fill(person: Person, data: VisitData) -> None:
    person.name = data.name.strip()
    person.name_phonetic = name_key(person.name)
    person.birth_place = data.birth_place.strip()
    person.birth_date = data.birth_date
    person.sex = data.sex
    person.phone = data.phone
    person.kk_number = data.kk_number
    person.address = data.address.strip()
    person.rt, person.rw = data.rt.strip().zfill(3) if data.rt else "", data.rw.strip().zfill(3) if data.rw else ""
    person.region_code = data.region_code
    if data.members is not None:
        person.members.clear()
        for position, member in enumerate(data.members):
            person.members.append(HouseholdMember(
                position=position, name=member.name.strip(), relation=member.relation,
                nik=member.nik, birth_date=member.birth_date, sex=member.sex))


def upsert_person(data: VisitData, actor) -> Person:
    person = find_person(data.nik)
    created = person is None
    if created:
        person = Person(nik=data.nik)
        _fill(person, data)
        try:
            with db.session.begin_nested():
                db.session.add(person)
                db.session.flush()
        except IntegrityError:
            # Another window registered the same first-time visitor a moment ago (MariaDB lets both
            # look before either inserts): this visit updates the person they saved.
            person = find_person(data.nik)
            if person is None:
                raise
            created = False
    if not created:
        _fill(person, data)
    db.session.flush()
    record("person.create" if created else "person.update", person, person_id=person.id, user=actor)
    return person


def register_visit(data: VisitData, actor) -> Case:
    """Create the person (or update what we knew) and a new case with its ticket. Does not commit."""
    if data.channel not in set(Channel) or data.visit_type not in set(VisitType):
        raise DomainError(_l("Jalur atau jenis layanan tidak sah."))
    if not data.complaints:
        raise DomainError(_l("Isi sedikitnya satu keluhan atau permintaan."))
    person = upsert_person(data, actor)
    case = Case(
        ticket=_unique_ticket(), person=person, region_code=data.region_code,
        office_region_code=actor.region_code, channel=data.channel, visit_type=data.visit_type,
        status=CaseStatus.REGISTERED, documents=",".join(sorted(set(data.documents))),
        note=data.note.strip(), created_by_id=actor.id,
    )
    for category_id, description in data.complaints:
        case.complaints.append(Complaint(category_id=category_id, description=description.strip()))
    for programme_id in dict.fromkeys(data.needs):
        case.needs.append(CaseNeed(programme_id=programme_id))
    case.events.append(CaseEvent(kind="registered", public=True, actor_id=actor.id))
    db.session.add(case)
    db.session.flush()
    record("case.create", case, person_id=person.id, note=f"ticket={case.ticket}", user=actor)
    from slrt.core.hooks import case_registered
    case_registered.send(case)
    return case
