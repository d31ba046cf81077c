"""WhatsApp in: the webhook that answers citizens (STATUS, DETAIL, a menu) and the "Pesan masuk" pages where
the office reads and answers conversations or opens a case from one."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.hooks import case_registered, intake_prefill
    from slrt.extensions import csrf
    from slrt.shell import nav
    from slrt.whatsapp import commands, labels, permissions, routes  # noqa: F401  (commands on bp.cli)
    from slrt.whatsapp.models import ConversationStatus, Direction
    from slrt.whatsapp.operations import on_case_registered, prefill_from_conversation
    from slrt.whatsapp.permissions import can_read_inbox

    labels.register()
    app.register_blueprint(routes.bp)
    # WhatsApp's server posts without a session or CSRF token; the body's signature is checked instead.
    csrf.exempt(routes.receive)
    can_registry.register(app, permissions)
    nav.register(35, "whatsapp.inbox", _l("Pesan masuk"), can_read_inbox, nav.MenuGroup.CASES)
    case_registered.connect(on_case_registered)
    intake_prefill.connect(prefill_from_conversation)
    app.jinja_env.globals.update(ConversationStatus=ConversationStatus, Direction=Direction)
