"""Extensions are created here and bound to the app in create_app."""
from flask import g, has_request_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as _Session
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


REPORTS_BIND = "reports"


def _wants_replica(clause) -> bool:
    """A SELECT of a report view marked with slrt.core.db.reports_replica."""
    return (clause is not None and getattr(clause, "is_select", False) and has_request_context()
            and bool(g.get("reports_replica")))


class Session(_Session):
    """The portal's session: a marked report view's SELECTs go to the reports replica when one is configured
    (slrt.core.db.reports_replica); everything else, and every write, to the primary."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        replica = self._db.engines.get(REPORTS_BIND) if bind is None and _wants_replica(clause) else None
        return replica if replica is not None else super().get_bind(mapper, clause, bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()
