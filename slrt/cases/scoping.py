"""Region scoping: the one function every case query goes through."""
from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from slrt.cases.models import Case
from slrt.regions.models import region_prefix_match


def scope_cases(query: Select, user) -> Select:
    """Restrict a query over Case to what `user` may see: cases of citizens living under the user's
    region, or registered at an office under it. Roles without case access see nothing."""
    from slrt.cases.permissions import can_list_cases
    if not can_list_cases(user):
        return query.where(false())
    code = user.region_code
    return query.where(or_(region_prefix_match(Case.region_code, code),
                           region_prefix_match(Case.office_region_code, code)))


def visible_cases(user) -> Select:
    return scope_cases(select(Case), user)


def scope_people(query: Select, user) -> Select:
    """Restrict a query over Person to the people of the user's area: someone with a case the user may
    see (scope_cases) whose identity matched the stored one or was accepted by the back office, or
    whose household in the newest registry extract lies under the user's region. A case registered with
    a different identity that is still waiting for review does not open the stored person: typing a NIK
    at a village counter must not be a way to read someone's data."""
    from sqlalchemy import exists, func
    from sqlalchemy.orm import aliased

    from slrt.intake.models import IdentityReview, Person, VisitIdentity
    from slrt.registry.models import ImportStatus, RegistryImport, RegistryPerson
    from slrt.cases.permissions import can_list_cases
    if not can_list_cases(user):
        return query.where(false())
    code = user.region_code
    confirmed_case = exists(scope_cases(
        select(Case.id).join(VisitIdentity, VisitIdentity.case_id == Case.id)
        .where(VisitIdentity.person_id == Person.id,
               VisitIdentity.review.in_([IdentityReview.SAME, IdentityReview.ACCEPTED])), user))
    newer = aliased(RegistryPerson)
    newest_import = (select(func.max(newer.import_id))
                     .join(RegistryImport, RegistryImport.id == newer.import_id)
                     .where(newer.nik == Person.nik, RegistryImport.status == ImportStatus.DONE)
                     .scalar_subquery())
    registry_household = exists(select(RegistryPerson.id).where(
        RegistryPerson.nik == Person.nik, RegistryPerson.import_id == newest_import,
        region_prefix_match(RegistryPerson.region_code, code)))
    return query.where(or_(confirmed_case, registry_household))


def visible_person(user, person) -> bool:
    """`person` is one of the people of the user's area (see scope_people)."""
    from slrt.extensions import db
    from slrt.intake.models import Person
    if person is None:
        return False
    return db.session.scalar(scope_people(select(Person.id), user).where(Person.id == person.id)) is not None
