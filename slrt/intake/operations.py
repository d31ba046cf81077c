"""Registering a visit at the window: the person, their household, and a new case with a ticket."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from slrt.audit.operations import record
from slrt.cases.models import Case, CaseEvent, CaseNeed, CaseStatus, Channel, Complaint, ContactChannel, VisitType
from slrt.cases.tickets import new_ticket
from slrt.core.errors import DomainError, TransitionError
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.field.tickets import reserved
from slrt.intake.models import (IDENTITY_FIELDS, IDENTITY_TRANSITIONS, HouseholdMember, IdentityReview, Person,
                                PersonVersion, VisitIdentity)
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
    # Why a new case although the citizen has an open one the clerk can see (refused without it). None: a
    # channel with no clerk to ask (the API, SP4N-LAPOR!, a field device's offline registration, the demo).
    new_case_reason: str | None = ""
    contact_channel: str = ContactChannel.SMS


def find_person(nik: str) -> Person | None:
    return db.session.scalar(select(Person).where(Person.nik == nik))


def _unique_ticket() -> str:
    for _ in range(10):
        ticket = new_ticket()
        # Not a number a field device holds either: a ticket it gave a citizen offline is final.
        if not db.session.scalar(select(exists().where(Case.ticket == ticket))) and not reserved(ticket):
            return ticket
    raise RuntimeError("could not draw a free ticket number")  # 31^10 space: practically unreachable


def _typed(data: VisitData) -> dict:
    """The identity as the clerk typed it at this visit, in the form it is stored."""
    return {
        "name": data.name.strip(), "birth_place": data.birth_place.strip(), "birth_date": data.birth_date,
        "sex": data.sex, "phone": data.phone, "kk_number": data.kk_number, "address": data.address.strip(),
        "rt": data.rt.strip().zfill(3) if data.rt else "", "rw": data.rw.strip().zfill(3) if data.rw else "",
        "region_code": data.region_code,
        "members": _members_json(data.members) if data.members is not None else "",
    }


def _members_json(members: list[MemberData]) -> str:
    return json.dumps([{"nik": m.nik, "name": m.name.strip(), "relation": m.relation,
                        "birth_date": m.birth_date.isoformat() if m.birth_date else None, "sex": m.sex}
                       for m in members], ensure_ascii=False, sort_keys=True)


def _person_members_json(person: Person) -> str:
    return _members_json([MemberData(name=m.name, relation=m.relation, nik=m.nik, birth_date=m.birth_date,
                                     sex=m.sex) for m in person.members])


def members_from_json(text: str) -> list[MemberData]:
    return [MemberData(name=m["name"], relation=m["relation"], nik=m["nik"], sex=m["sex"],
                       birth_date=date.fromisoformat(m["birth_date"]) if m["birth_date"] else None)
            for m in json.loads(text)] if text else []


def stored_identity(person: Person) -> dict:
    values = {name: getattr(person, name) for name in IDENTITY_FIELDS}
    values["members"] = _person_members_json(person)
    return values


def identity_differences(person: Person, identity: VisitIdentity) -> list[str]:
    """The fields where what was given at the visit differs from the person's stored identity
    (members only when the visit listed them)."""
    stored = stored_identity(person)
    changed = [name for name in IDENTITY_FIELDS if getattr(identity, name) != stored[name]]
    if identity.members and identity.members != stored["members"]:
        changed.append("members")
    return changed


def _apply(person: Person, values: dict) -> None:
    for name in IDENTITY_FIELDS:
        setattr(person, name, values[name])
    person.name_phonetic = name_key(person.name)
    if values["members"]:
        person.members.clear()
        for position, member in enumerate(members_from_json(values["members"])):
            person.members.append(HouseholdMember(
                position=position, name=member.name, relation=member.relation,
                nik=member.nik, birth_date=member.birth_date, sex=member.sex))


def upsert_person(data: VisitData, actor) -> tuple[Person, dict]:
    """The person of this NIK, created from this visit if new. A person already known keeps the identity
    stored for them: a counter user never changes who someone is. Returns the person and the identity
    typed at this visit."""
    typed = _typed(data)
    person = find_person(data.nik)
    created = person is None
    if created:
        person = Person(nik=data.nik)
        _apply(person, typed)
        try:
            with db.session.begin_nested():
                db.session.add(person)
                db.session.flush()
        except IntegrityError:
            # Another window registered the same first-time visitor a moment ago (MariaDB lets both
            # look before either inserts): this visit is compared with what they saved.
            person = find_person(data.nik)
            if person is None:
                raise
            created = False
    if created:
        record("person.create", person, person_id=person.id, user=actor)
    return person, typed


def _keep_visit_identity(case: Case, person: Person, typed: dict, actor) -> VisitIdentity:
    identity = VisitIdentity(**typed, name_phonetic=name_key(typed["name"]))
    with db.session.no_autoflush:
        differences = identity_differences(person, identity)
    identity.review = IdentityReview.PENDING if differences else IdentityReview.SAME
    identity.person, identity.case = person, case
    db.session.add(identity)
    db.session.flush()
    if differences:
        record("person.identity_pending", identity, person_id=person.id, user=actor,
               note=f"case {case.ticket}; berbeda: {', '.join(differences)}")
    return identity


def _review(identity: VisitIdentity, to: IdentityReview, reason: str, actor) -> None:
    if not IDENTITY_TRANSITIONS.allows(identity.review, to):
        raise TransitionError(_("Perubahan data ini sudah diputuskan sebelumnya."))
    reason = reason.strip()
    if not reason:
        raise DomainError(_("Tuliskan alasannya."), field="reason")
    identity.review = to
    identity.reviewed_by_id = actor.id
    identity.reviewed_at = utcnow()
    identity.review_reason = reason


def accept_identity(identity: VisitIdentity, reason: str, actor) -> list[str]:
    """The back office makes the identity given at a visit the person's identity. The replaced values are
    kept as a PersonVersion. Returns the fields that changed. Does not commit."""
    person = identity.person
    differences = identity_differences(person, identity)
    _review(identity, IdentityReview.ACCEPTED, reason, actor)
    old = stored_identity(person)
    db.session.add(PersonVersion(person=person, visit_identity_id=identity.id, replaced_by_id=actor.id,
                                 reason=identity.review_reason, **old))
    _apply(person, {name: getattr(identity, name) for name in (*IDENTITY_FIELDS, "members")})
    db.session.flush()
    record("person.identity_accept", person, person_id=person.id, user=actor,
           note=f"case {identity.case.ticket}; diubah: {', '.join(differences) or '-'}; "
                f"alasan: {identity.review_reason}")
    return differences


def dismiss_identity(identity: VisitIdentity, reason: str, actor) -> None:
    """The back office keeps the stored identity; the visit keeps what was typed. Does not commit."""
    _review(identity, IdentityReview.DISMISSED, reason, actor)
    db.session.flush()
    record("person.identity_dismiss", identity.person, person_id=identity.person_id, user=actor,
           note=f"case {identity.case.ticket}; alasan: {identity.review_reason}")


def _reason_for_another_case(person: Person, reason: str, actor) -> str:
    """A citizen with an open case (one the clerk can see) gets another only with a reason: their new
    complaint usually belongs on the open case. The person's row is locked first, so two windows registering
    the same citizen at once queue and the second sees the first one's case. Returns the reason to keep."""
    from slrt.core.db import lock_row
    from slrt.intake.queries import open_cases_of
    lock_row(Person, person.id)
    open_cases = open_cases_of(person, actor)
    if not open_cases:
        return ""
    if not reason.strip():
        raise DomainError(_("Warga ini masih punya kasus terbuka (%(tickets)s). Tambahkan keluhan ke kasus itu, "
                            "atau tuliskan alasan membuka kasus baru.",
                            tickets=", ".join(c.ticket for c in open_cases)), field="new_case_reason")
    return reason.strip()


def register_visit(data: VisitData, actor, ticket: str | None = None) -> Case:
    """Create the person if new, a new case with its ticket, and keep the identity given at this visit with
    the case (a difference from the stored identity waits for the back office). A citizen with an open case
    gets a second one only with `data.new_case_reason`. Does not commit. `ticket`: the number a field device
    already gave the citizen offline (reserved for it, so final)."""
    if (data.channel not in set(Channel) or data.visit_type not in set(VisitType)
            or data.contact_channel not in set(ContactChannel)):
        raise DomainError(_l("Jalur atau jenis layanan tidak sah."))
    if not data.complaints:
        raise DomainError(_l("Isi sedikitnya satu keluhan atau permintaan."))
    person, typed = upsert_person(data, actor)
    reason = (_reason_for_another_case(person, data.new_case_reason, actor)
              if data.new_case_reason is not None else "")
    case = Case(
        ticket=ticket or _unique_ticket(), person=person, region_code=data.region_code,
        office_region_code=actor.region_code, channel=data.channel, visit_type=data.visit_type,
        contact_channel=data.contact_channel, status=CaseStatus.REGISTERED, documents=",".join(sorted(set(data.documents))),
        note=data.note.strip(), created_by_id=actor.id, new_case_reason=reason,
    )
    for category_id, description in data.complaints:
        case.complaints.append(Complaint(category_id=category_id, description=description.strip()))
    for programme_id in dict.fromkeys(data.needs):
        case.needs.append(CaseNeed(programme_id=programme_id))
    case.events.append(CaseEvent(kind="registered", public=True, actor_id=actor.id))
    db.session.add(case)
    db.session.flush()
    _keep_visit_identity(case, person, typed, actor)
    record("case.create", case, person_id=person.id, note=f"ticket={case.ticket}", user=actor)
    from slrt.core.hooks import case_registered
    case_registered.send(case)
    return case
