"""Working-day deadlines: Indonesian public holidays and joint leave days, plus district days off."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.deadlines import permissions, routes
    from slrt.deadlines.permissions import can_manage_days_off
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(86, "deadlines.days_off", _l("Hari libur"), can_manage_days_off, nav.MenuGroup.ADMIN)
