"""The administrator's pages: accounts, the audit trail, the district's settings and lists."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.admin import commands, district_routes, hosted_routes, permissions, routes  # noqa: F401  (views on bp)
    from slrt.admin.permissions import can_host_districts, can_manage_district
    from slrt.auth.permissions import can_manage_users, can_view_audit
    from slrt.core import permissions as can_registry
    from slrt.shell import nav

    from slrt.admin import settings

    app.register_blueprint(routes.bp)
    app.context_processor(settings.preload)
    app.jinja_env.globals["letterhead_prompt"] = district_routes.letterhead_prompt
    commands.register(app)
    can_registry.register(app, permissions)
    nav.register(90, "admin.users", _l("Pengguna"), can_manage_users, nav.MenuGroup.ADMIN)
    nav.register(95, "admin.audit", _l("Jejak audit"), can_view_audit, nav.MenuGroup.ADMIN)
    nav.register(82, "admin.settings_page", _l("Pengaturan"), can_manage_district, nav.MenuGroup.ADMIN)
    nav.register(84, "admin.lists", _l("Daftar isian"), can_manage_district, nav.MenuGroup.ADMIN)
    nav.register(80, "admin.districts", _l("Kabupaten/Kota"), can_host_districts, nav.MenuGroup.ADMIN)
    from slrt.admin.operations import logo_file_names
    from slrt.core import orphans
    from slrt.core.uploads import KINDS
    orphans.register("admin.logo", KINDS["logo"].folder, logo_file_names)
