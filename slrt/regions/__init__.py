"""The administrative regions (Kemendagri codes): province, district, kecamatan, village."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.regions import commands, district_commands, routes  # noqa: F401  (commands on bp.cli)
    from slrt.regions.districts import public_host, register_filter

    app.register_blueprint(routes.bp)
    district_commands.register(app)
    register_filter()
    app.extensions["slrt_public_host"] = public_host  # for slrt.core.web.public_url (core imports no feature)

    @app.context_processor
    def district_office() -> dict:
        """The office and district of the signed-in user's district (registered after slrt.core's processor,
        whose configured names it replaces for a hosted district)."""
        from flask_login import current_user

        from slrt.regions.districts import current_district, district_name, is_province_admin, office_name
        district = current_district()
        # The provincial administrator's banner: the district whose settings and lists they are working in.
        working = (district, district_name(district)) if is_province_admin(current_user) else None
        return {"office_name": office_name(district), "district_name": district_name(district),
                "working_district": working}
