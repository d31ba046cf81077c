"""What the staff search finds and what a person's page shows. Every case goes through the region scope
(slrt.cases.scoping.scope_cases); a person's page opens only for the people of the user's area
(scope_people: a confirmed case the user may see, or a household of their area in the registry)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from slrt.cases.models import Case, Complaint
from slrt.cases.scoping import scope_cases, visible_person
from slrt.cases.tickets import ALPHABET, LENGTH
from slrt.extensions import db
from slrt.intake.models import HouseholdMember, Person, VisitIdentity
from slrt.search.phonetic import name_key

RESULT_LIMIT = 50
_SEPARATORS = re.compile(r"[\s.\-_()/]")
_PHONE = re.compile(r"^(?:\+?62|0)(8\d{7,12})$")


class Kind:
    """What a search term was read as (also what the audit row says; never the term itself)."""
    TICKET = "ticket"
    NIK_OR_KK = "nik_kk"
    PHONE = "phone"
    NAME = "name"


@dataclass
class SearchResult:
    kinds: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    error: str = ""
    more: bool = False  # there were more than RESULT_LIMIT
    # Why a case found by a 16-digit number belongs to someone else's name: the number is their No. KK or
    # the NIK of a member of their household (case id -> words); a clerk would otherwise wonder.
    why: dict[int, str] = field(default_factory=dict)

    @property
    def people(self) -> list[Person]:
        return list({case.person_id: case.person for case in self.cases}.values())


def _ticket_fragment(term: str) -> str | None:
    cleaned = _SEPARATORS.sub("", term.upper())
    if 4 <= len(cleaned) <= LENGTH and all(ch in ALPHABET for ch in cleaned):
        return cleaned
    return None


def _person_condition(term: str) -> tuple[list[str], object | None, str]:
    """(kinds, a condition on Person or Case, error) for what was typed."""
    compact = _SEPARATORS.sub("", term)
    digits = compact.lstrip("+")
    if digits.isdigit() and digits.isascii():
        if len(digits) == 16:
            member_of = select(HouseholdMember.person_id).where(HouseholdMember.nik == digits)
            return [Kind.NIK_OR_KK], or_(Person.nik == digits, Person.kk_number == digits,
                                         Person.id.in_(member_of)), ""
        phone = _PHONE.match(digits if not compact.startswith("+") else compact.lstrip("+"))
        if phone:
            core = phone.group(1)
            return [Kind.PHONE], Person.phone.in_(["0" + core, "62" + core, "+62" + core]), ""
        return [], None, _("Nomor tidak dikenali. Ketik NIK atau No. KK lengkap (16 angka), nomor HP "
                           "(mis. 081234567890), atau nomor tiket.")
    kinds, condition = name_or_ticket_condition(term)
    if condition is None:
        return [], None, _("Ketik paling sedikit 3 huruf nama, 4 tanda tiket, NIK, No. KK atau nomor HP.")
    return kinds, condition, ""


def name_or_ticket_condition(term: str) -> tuple[list[str], object | None]:
    """A partial ticket or a name (by its key), for the search box and the case queue's filter."""
    kinds, conditions = [], []
    fragment = _ticket_fragment(term)
    if fragment:
        kinds.append(Kind.TICKET)
        conditions.append(func.replace(Case.ticket, "-", "").like(f"%{fragment}%"))
    key = name_key(term)
    # Names carry no digits: "K7MQ4-P2XRT" is a ticket, not the words K, MQ, P, XRT.
    if not any(ch.isdigit() for ch in term) and len(key.replace(" ", "")) >= 3:
        kinds.append(Kind.NAME)
        # Each word typed matches the start of a word of the name, in any order (keys are A-Z and spaces only,
        # so nothing in them is a LIKE wildcard).
        # The name given at each visit (what staff see on the case), not the stored person's: a case
        # registered with someone else's NIK must not answer questions about that someone's name.
        conditions.append(and_(*[or_(VisitIdentity.name_phonetic.like(f"{word}%"),
                                     VisitIdentity.name_phonetic.like(f"% {word}%"))
                                 for word in key.split()[:5]]))
    return kinds, (or_(*conditions) if conditions else None)


def search(term: str, user) -> SearchResult:
    """Cases of every status in the user's region whose ticket, person or household matches `term`."""
    kinds, condition, error = _person_condition(" ".join(term.split()))
    if condition is None:
        return SearchResult(error=error)
    query = (scope_cases(select(Case), user).join(Person, Case.person_id == Person.id)
             .join(VisitIdentity, VisitIdentity.case_id == Case.id).where(condition)
             .options(joinedload(Case.office_region), selectinload(Case.complaints))
             .order_by(Case.created_at.desc(), Case.id.desc()).limit(RESULT_LIMIT + 1))
    if kinds == [Kind.NIK_OR_KK]:
        query = query.options(selectinload(Case.person).selectinload(Person.members))
    cases = list(db.session.scalars(query).unique())
    result = SearchResult(kinds=kinds, cases=cases[:RESULT_LIMIT], more=len(cases) > RESULT_LIMIT)
    if kinds == [Kind.NIK_OR_KK]:
        digits = _SEPARATORS.sub("", term)
        for case in result.cases:
            result.why[case.id] = _why_found(case.person, digits)
    return result


def _why_found(person: Person, digits: str) -> str:
    if person.nik == digits:
        return ""
    if person.kk_number == digits:
        return _("cocok dengan No. KK-nya")
    member = next((m for m in person.members if m.nik == digits), None)
    return _("cocok dengan NIK anggota rumah tangganya: %(name)s", name=member.name) if member else ""


def visible_cases_of(person_id: int, user) -> list[Case]:
    """The person's cases the user may see, newest first, with what the person page shows of each."""
    from slrt.cases.models import CaseEvent
    query = (scope_cases(select(Case), user).where(Case.person_id == person_id)
             .options(joinedload(Case.office_region), joinedload(Case.created_by),
                      selectinload(Case.complaints).joinedload(Complaint.answered_by),
                      selectinload(Case.needs), selectinload(Case.events).joinedload(CaseEvent.actor),
                      selectinload(Case.person).selectinload(Person.members))
             .order_by(Case.created_at.desc(), Case.id.desc()))
    return list(db.session.scalars(query).unique())


def person_for(person_id: int, user) -> tuple[Person, list[Case]] | None:
    """A person and their visible cases, or None when the user may see none of them (the page is a 404,
    so an id outside the region does not even tell that the person exists)."""
    cases = visible_cases_of(person_id, user)
    # The stored person opens only for the people of the user's area (slrt.cases.scoping.scope_people): a
    # case registered with a different identity that still waits for review does not open them.
    if not cases or not visible_person(user, cases[0].person):
        return None
    return cases[0].person, cases


def referrals_of(cases: list[Case]) -> dict[int, list]:
    """The referrals of these cases, by case id, in one query."""
    from slrt.referrals.models import Referral
    if not cases:
        return {}
    rows = db.session.scalars(select(Referral).where(Referral.case_id.in_([c.id for c in cases]))
                              .order_by(Referral.created_at, Referral.id)).all()
    by_case: dict[int, list] = {}
    for row in rows:
        by_case.setdefault(row.case_id, []).append(row)
    return by_case
