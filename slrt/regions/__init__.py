"""The administrative regions (Kemendagri codes): province, district, kecamatan, village."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.regions import commands, routes  # noqa: F401  (commands on bp.cli)

    app.register_blueprint(routes.bp)
