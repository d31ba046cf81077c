"""The administrative regions (Kemendagri codes): province, district, kecamatan, village."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.regions import commands, district_commands, routes  # noqa: F401  (commands on bp.cli)
    from slrt.regions.districts import register_filter

    app.register_blueprint(routes.bp)
    district_commands.register(app)
    register_filter()

    @app.context_processor
    def district_office() -> dict:
        """The office and district of the signed-in user's district (registered after slrt.core's processor,
        whose configured names it replaces for a hosted district)."""
        from slrt.regions.districts import current_district, district_name, office_name
        district = current_district()
        return {"office_name": office_name(district), "district_name": district_name(district)}
