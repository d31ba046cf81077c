from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/kasus")

from slrt.cases import labels, routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.cases.permissions import can_list_cases  # noqa: E402
from slrt.core import nav  # noqa: E402

nav.register(20, "cases.today", _l("Hari ini"), can_list_cases)
nav.register(30, "cases.index", _l("Antrean kasus"), can_list_cases)


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.cases import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
