"""Home visits: the back office assigns a visit to a facilitator; the facilitator records the findings."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.visits import labels, permissions, routes
    from slrt.visits.models import VisitStatus
    from slrt.visits.panel import case_panel
    from slrt.visits.permissions import can_list_my_visits
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(15, "visits.mine", _l("Kunjungan saya"), can_list_my_visits, nav.MenuGroup.CASES)
    panels.register(app, "case", "visits", 25, "visits/_case_panel.html", case_panel)
    app.jinja_env.globals.update(VisitStatus=VisitStatus)
