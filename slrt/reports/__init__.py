"""Reports: the dashboard, the lists behind its figures, needs per village, exports, the monthly report."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.reports import commands, labels, permissions, routes  # noqa: F401  (commands on bp.cli)
    from slrt.reports.templating import list_url, thousands
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(60, "reports.dashboard", _l("Dasbor"), permissions.can_view_reports, nav.MenuGroup.REPORTS)
    nav.register(62, "reports.needs", _l("Kebutuhan per desa"), permissions.can_view_reports, nav.MenuGroup.REPORTS)
    nav.register(64, "reports.monthly", _l("Laporan bulanan"), permissions.can_view_reports, nav.MenuGroup.REPORTS)
    app.jinja_env.globals.update(list_url=list_url)
    app.jinja_env.filters.update(thousands=thousands)
