"""Short messages to the citizen (SMS-sized), queued in an outbox and sent after the commit."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.hooks import case_registered
    from slrt.notifications import commands, labels, permissions, routes  # noqa: F401  (commands on bp.cli)
    from slrt.notifications.dispatch import install_session_hooks
    from slrt.notifications.models import MessageChannel, OutboxStatus
    from slrt.notifications.operations import on_case_registered
    from slrt.notifications.permissions import can_manage_outbox
    from slrt.notifications.senders import check_gateway_config, mask_phone
    from slrt.notifications.whatsapp import whatsapp_sender_for
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(88, "notifications.outbox", _l("Pesan keluar"), can_manage_outbox, nav.MenuGroup.ADMIN)
    case_registered.connect(on_case_registered)
    install_session_hooks()
    app.jinja_env.globals.update(OutboxStatus=OutboxStatus, MessageChannel=MessageChannel, mask_phone=mask_phone)
    # A gateway the portal must not use (plain http in production) stops the start-up, not the first message.
    check_gateway_config(app)
    whatsapp_sender_for(app)  # the same for the WhatsApp API's address
