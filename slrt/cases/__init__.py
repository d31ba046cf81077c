"""Cases: the queue, today's visits, the case page, the receipt."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.cases import labels, permissions, queries, routes
    from slrt.cases.models import CaseStatus, Channel, ComplaintStatus, ContactChannel, VisitType
    from slrt.cases.permissions import can_list_cases
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(20, "cases.today", _l("Hari ini"), can_list_cases, nav.MenuGroup.CASES)
    nav.register(30, "cases.index", _l("Antrean kasus"), can_list_cases, nav.MenuGroup.CASES)
    app.jinja_env.globals.update(CaseStatus=CaseStatus, ComplaintStatus=ComplaintStatus, Channel=Channel,
                                 ContactChannel=ContactChannel, VisitType=VisitType,
                                 change_field_label=labels.change_field_label)
    panels.register(app, "case", "corrections", 60, "cases/_changes_panel.html", queries.correction_history)
