"""Reports: the dashboard, the lists behind its figures, needs per village, exports, the monthly report."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/laporan")

from slrt.reports import commands, labels, routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.core import nav  # noqa: E402
from slrt.reports import permissions  # noqa: E402

nav.register(60, "reports.dashboard", _l("Dasbor"), permissions.can_view_reports)
nav.register(62, "reports.needs", _l("Kebutuhan per desa"), permissions.can_view_reports)
nav.register(64, "reports.monthly", _l("Laporan bulanan"), permissions.can_view_reports)



def _thousands(value) -> str:
    """12345 → 12.345 (the Indonesian thousands separator); None → –."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{value:,}".replace(",", ".")


def _list_url(args: dict) -> str:
    """The list behind a figure. A dashboard has hundreds of these links: one url_for per request, then
    only the query string (url_for for each was a tenth of the dashboard's time at 1M cases)."""
    from urllib.parse import urlencode

    from flask import g, url_for
    base = g.get("_reports_list_url")
    if base is None:
        base = g._reports_list_url = url_for("reports.list")
    return f"{base}?{urlencode(args)}" if args else base


def _setup(state) -> None:
    state.app.jinja_env.globals.update(list_url=_list_url)
    state.app.jinja_env.filters.update(thousands=_thousands)


bp.record_once(_setup)


def _register_permissions(state) -> None:
    from slrt.core import permissions as can_registry
    from slrt.reports import permissions
    can_registry.register(state.app, permissions)


bp.record_once(_register_permissions)
