from flask import Blueprint

bp = Blueprint("intake", __name__, url_prefix="/pendaftaran")

from slrt.intake import routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.intake.permissions import can_register  # noqa: E402
from slrt.core import nav  # noqa: E402

nav.register(10, "intake.new", _l("Pendaftaran Baru"), can_register)


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.intake import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
