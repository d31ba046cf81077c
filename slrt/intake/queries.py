"""Loaders of intake: a person by NIK for the counter (region-scoped and throttled), a visit's identity,
and what the intake form offers (the district's active lists)."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from slrt.audit.operations import record
from slrt.cases.scoping import visible_person
from slrt.core import throttle
from slrt.admin.models import ComplaintCategory, DocumentType, Programme
from slrt.extensions import db
from slrt.intake.models import Person, VisitIdentity


def village_parent(code: str) -> str | None:
    """The kecamatan of a desa/kelurahan code; None for a code that is not a village."""
    from slrt.regions.models import Region
    region = db.session.get(Region, code)
    return region.parent_code if region is not None and region.level == 4 else None


@dataclass
class NikLookup:
    person: Person | None     # the stored person, only when they are one of the user's area
    elsewhere: bool = False   # known to the portal, outside the user's area: no personal data shown
    throttled: bool = False   # too many checks by this user: nothing was looked up


def _nik_checks(user):
    return [throttle.per_key("SLRT_NIK_CHECK_LIMIT", "nik-check-user", str(user.id))]


def person_for_nik_check(nik: str, user) -> NikLookup:
    """The counter's NIK check of a valid NIK. Every check counts towards the user's limit (a guesser
    gets few answers); a person shown is audited as a view, one outside the area as a check."""
    checks = _nik_checks(user)
    if throttle.blocked(checks):
        record("person.check_throttled", None, note="intake NIK check refused: too many checks", user=user)
        return NikLookup(None, throttled=True)
    # Every check counts, not only failures. The throttle writes on its own connection and SQLite has one
    # writer: end the request's transaction first (nothing is pending yet; see slrt.core.throttle).
    db.session.commit()
    if not throttle.count_failure(checks):  # a check that raced past `blocked` into a full limit
        record("person.check_throttled", None, note="intake NIK check refused: too many checks", user=user)
        return NikLookup(None, throttled=True)
    person = db.session.scalar(select(Person).where(Person.nik == nik))
    if person is None:
        return NikLookup(None)
    if not visible_person(user, person):
        record("person.check", person, person_id=person.id, note="intake NIK check, outside the user's area",
               user=user)
        return NikLookup(None, elsewhere=True)
    record("person.view", person, person_id=person.id, note="intake NIK check", user=user)
    return NikLookup(person)


def load_visit_identity(case_id: int, lock: bool = False) -> VisitIdentity:
    """A visit's identity by its case, or 404; `lock` holds the row until commit (two reviewers race)."""
    query = select(VisitIdentity).where(VisitIdentity.case_id == case_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    identity = db.session.scalar(query)
    if identity is None:
        abort(404)
    return identity


def choice_lists():
    """(categories, programmes, documents): the active complaint categories, programmes and documents."""
    categories = db.session.scalars(select(ComplaintCategory).where(ComplaintCategory.active.is_(True))
                                    .order_by(ComplaintCategory.sort_order)).all()
    programmes = db.session.scalars(select(Programme).where(Programme.active.is_(True))
                                    .order_by(Programme.sort_order)).all()
    documents = db.session.scalars(select(DocumentType).where(DocumentType.active.is_(True))
                                   .order_by(DocumentType.sort_order)).all()
    return categories, programmes, documents


def open_cases_of(person: Person | None, user) -> list:
    """The person's cases that are not closed, among those the user may see; none at all unless the person is
    one of the user's area (the rule of `visible_person`): the counter must not learn of cases elsewhere."""
    from slrt.cases.models import Case, CaseStatus
    from slrt.cases.scoping import scope_cases
    if person is None or person.id is None or not visible_person(user, person):
        return []
    return db.session.scalars(scope_cases(select(Case), user)
                              .where(Case.person_id == person.id, Case.status != CaseStatus.CLOSED)
                              .order_by(Case.created_at.desc(), Case.id.desc()).limit(20)).all()


def recently_closed_cases_of(person: Person | None, user) -> list:
    """The person's ten latest closed cases, of the user's area as `open_cases_of` (for an objection)."""
    from slrt.cases.models import Case, CaseStatus
    from slrt.cases.scoping import scope_cases
    if person is None or person.id is None or not visible_person(user, person):
        return []
    return db.session.scalars(scope_cases(select(Case), user)
                              .where(Case.person_id == person.id, Case.status == CaseStatus.CLOSED)
                              .order_by(Case.closed_at.desc()).limit(10)).all()


def is_village_desk(user) -> bool:
    """A Puskesos operator bound to one desa/kelurahan (the village desk)."""
    from slrt.auth.models import Role
    return Role(user.role) is Role.PUSKESOS_OPERATOR and user.region_code.count(".") == 3


def outside_village(user, village_code: str | None):
    """The citizen's desa/kelurahan when a village desk registers someone who lives in another one, else None.
    Such a visit is kept at this desk and shared with the citizen's own desk (the case's region is the
    citizen's village, its office this desk, and scope_cases lets both see it); the operator is told so."""
    from slrt.regions.models import Region
    if not is_village_desk(user) or not village_code or village_code == user.region_code:
        return None
    region = db.session.get(Region, village_code)
    return region if region is not None and region.level == 4 else None


def outside_village_warning(user, village_code: str | None) -> str | None:
    """The warning a village desk sees before it registers a citizen of another village (None if not)."""
    from flask_babel import gettext
    village = outside_village(user, village_code)
    if village is None:
        return None
    return gettext("Warga ini beralamat di %(village)s, di luar desa/kelurahan Anda. Kunjungan tetap dicatat di "
                   "sini dan juga dibagikan kepada Puskesos %(village)s.", village=village.name)


def nik_kecamatan_elsewhere(user, check):
    """For a village desk: the kecamatan where a valid NIK was first registered, when it is not the desk's own
    (a NIK never changes after a move, so this is a hint to check the address on the KK, never a block)."""
    from slrt.regions.models import Region
    if not is_village_desk(user) or check is None or not check.valid or not check.district_code:
        return None
    if user.region_code.startswith(check.district_code + "."):
        return None
    return db.session.get(Region, check.district_code)
