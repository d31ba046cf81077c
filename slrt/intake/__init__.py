"""Pendaftaran: registering a visit by NIK at the counter, in the Puskesos or on a home visit."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.auth.permissions import can_register
    from slrt.shell import nav
    from slrt.intake import routes

    app.register_blueprint(routes.bp)
    nav.register(10, "intake.new", _l("Pendaftaran Baru"), can_register)
