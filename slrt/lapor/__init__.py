"""SP4N-LAPOR!: complaints dispositioned to the office become cases; their steps go back as follow-ups."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.lapor import commands, labels, permissions, routes  # noqa: F401  (commands on bp.cli)
    from slrt.lapor.client import sender_for
    from slrt.lapor.models import LaporStatus
    from slrt.lapor.operations import install_session_hooks
    from slrt.lapor.panels import case_panel
    from slrt.lapor.permissions import can_read_lapor
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(36, "lapor.index", _l("LAPOR!"), can_read_lapor, nav.MenuGroup.CASES)
    install_session_hooks()
    # The outbox sends the acknowledgements and follow-ups through this adapter (channel "lapor").
    app.extensions["slrt.lapor_sender"] = sender_for
    sender_for(app)  # a configured URL must be usable here (https outside development and test)
    panels.register(app, "case", "lapor", 5, "lapor/_case_panel.html", case_panel)
    app.jinja_env.globals.update(LaporStatus=LaporStatus)
