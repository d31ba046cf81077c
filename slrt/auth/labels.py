"""Labels of the roles. Registered by the feature's init_app."""
from flask_babel import lazy_gettext as _l

from slrt.auth.models import Role
from slrt.core.labels import LABELS


def register() -> None:
    LABELS.register(Role, {
        Role.FRONT_OFFICE: _l("Front office (loket)"),
        Role.PUSKESOS_OPERATOR: _l("Operator Puskesos"),
        Role.BACK_OFFICE: _l("Back office"),
        Role.SUPERVISOR: _l("Supervisor / Manajer"),
        Role.AGENCY_LIAISON: _l("Petugas penghubung instansi"),
        Role.FACILITATOR: _l("Fasilitator"),
        Role.ADMIN: _l("Administrator"),
        Role.PROVINCIAL_OFFICER: _l("Petugas provinsi"),
    })
