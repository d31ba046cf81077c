from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from slrt.admin import district_routes, routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.auth.permissions import can_manage_users, can_view_audit  # noqa: E402
from slrt.core import nav  # noqa: E402

nav.register(90, "admin.users", _l("Pengguna"), can_manage_users)
nav.register(95, "admin.audit", _l("Jejak audit"), can_view_audit)

from slrt.admin.permissions import can_manage_district  # noqa: E402

nav.register(82, "admin.settings_page", _l("Pengaturan"), can_manage_district)
nav.register(84, "admin.lists", _l("Daftar isian"), can_manage_district)


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.admin import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
