"""Case handling by the back office: take and assign, assessment and home visit, direct answers, the case
following its referrals, closure, the citizen's objection, and the nightly auto-close."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.core.hooks import referral_changed
    from slrt.handling import commands, operations, permissions, routes  # noqa: F401  (commands on bp.cli)

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    referral_changed.connect(operations.on_referral_changed)
    panels.register(app, "case", "objection", 15, "handling/_objection_panel.html", routes.objection_panel)
    panels.register(app, "case", "handling", 20, "handling/_case_section.html", routes.section)
    panels.register(app, "referral_overview", "handling", 10, None, operations.autoclose_days)
