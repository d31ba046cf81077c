"""The administrative regions (Kemendagri codes): province, district, kecamatan, village."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.regions import commands, district_commands, routes  # noqa: F401  (commands on bp.cli)
    from slrt.regions.districts import register_filter

    app.register_blueprint(routes.bp)
    district_commands.register(app)
    register_filter()
