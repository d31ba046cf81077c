"""Working-day deadlines: Indonesian public holidays and joint leave days, plus district days off."""
from flask import Blueprint

bp = Blueprint("deadlines", __name__, url_prefix="/admin/hari-libur")

from slrt.deadlines import routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.core import nav  # noqa: E402
from slrt.deadlines.permissions import can_manage_days_off  # noqa: E402

nav.register(86, "deadlines.days_off", _l("Hari libur"), can_manage_days_off)


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.deadlines import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
