"""Who a case can be handed to, and who can have made its home visit: staff of the case's district."""
from __future__ import annotations

from sqlalchemy import select

from slrt.auth.models import Role, User
from slrt.cases.models import Case
from slrt.extensions import db


def _staff(case: Case, role: Role) -> list[User]:
    district = case.office_region_code[:5]
    return db.session.scalars(select(User).where(User.role == role, User.active.is_(True),
                                                 User.region_code.startswith(district))
                              .order_by(User.full_name)).all()


def officers(case: Case) -> list[User]:
    """The district's active back-office officers."""
    return _staff(case, Role.BACK_OFFICE)


def facilitators(case: Case) -> list[User]:
    """The district's active facilitators."""
    return _staff(case, Role.FACILITATOR)
