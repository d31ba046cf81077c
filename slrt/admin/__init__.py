from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from slrt.admin import routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.auth.permissions import can_manage_users, can_view_audit  # noqa: E402
from slrt.core import nav  # noqa: E402

nav.register(90, "admin.users", _l("Pengguna"), can_manage_users)
nav.register(95, "admin.audit", _l("Jejak audit"), can_view_audit)
