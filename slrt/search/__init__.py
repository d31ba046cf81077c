"""Find anything: the staff search box (ticket, NIK, No. KK, phone, name) and a person's page."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.search import routes
    app.register_blueprint(routes.bp)
