"""Working-day deadlines: Indonesian public holidays and joint leave days, plus district days off."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.shell import nav
    from slrt.deadlines import routes
    from slrt.deadlines.permissions import can_manage_days_off

    app.register_blueprint(routes.bp)
    nav.register(86, "deadlines.days_off", _l("Hari libur"), can_manage_days_off)
