"""Planning "tepat sasaran": the district's local programmes (budget year, funding source, quota, unit cost),
needs recorded versus served per district, kecamatan and village, and the what-if."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from slrt.planning import permissions, routes
    from slrt.planning.models import PLAN_TRANSITIONS, FundingSource, PlanStatus
    from slrt.planning.permissions import can_view_planning
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    LABELS.register(FundingSource, {FundingSource.APBD: _l("APBD"), FundingSource.BAZNAS: _l("BAZNAS"),
                                    FundingSource.CSR: _l("CSR perusahaan"), FundingSource.DANA_DESA: _l("Dana Desa")})
    LABELS.register(PlanStatus, {PlanStatus.PLANNED: _l("Direncanakan"), PlanStatus.ACTIVE: _l("Berjalan"),
                                 PlanStatus.CLOSED: _l("Ditutup")})
    nav.register(72, "planning.index", _l("Perencanaan"), can_view_planning, nav.MenuGroup.REPORTS)
    app.jinja_env.globals.update(PlanStatus=PlanStatus, FundingSource=FundingSource,
                                 plan_targets=lambda plan: PLAN_TRANSITIONS.targets(plan.status))
