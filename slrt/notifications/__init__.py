"""Short messages to the citizen (SMS-sized), queued in an outbox and sent after the commit."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/admin/pesan-keluar", cli_group="outbox")

from slrt.notifications import commands, labels, routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.core import nav  # noqa: E402
from slrt.core.hooks import case_registered  # noqa: E402
from slrt.notifications.dispatch import install_session_hooks  # noqa: E402
from slrt.notifications.operations import on_case_registered  # noqa: E402
from slrt.notifications.permissions import can_manage_outbox  # noqa: E402

nav.register(88, "notifications.outbox", _l("Pesan keluar"), can_manage_outbox)
case_registered.connect(on_case_registered)
install_session_hooks()
from slrt.notifications.models import OutboxStatus  # noqa: E402
from slrt.notifications.senders import check_gateway_config, mask_phone  # noqa: E402

bp.record_once(lambda state: state.app.jinja_env.globals.update(
    OutboxStatus=OutboxStatus, mask_phone=mask_phone))
# A gateway the portal must not use (plain http in production) stops the start-up, not the first message.
bp.record_once(lambda state: check_gateway_config(state.app))


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.notifications import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
