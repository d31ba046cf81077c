"""Case handling by the back office: take and assign, assessment and home visit, direct answers, the case
following its referrals, closure, the citizen's objection, and the nightly auto-close."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.core.hooks import referral_changed
    from slrt.handling import commands, operations, permissions, routes  # noqa: F401  (commands on bp.cli)

    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    referral_changed.connect(operations.on_referral_changed)
    app.jinja_env.globals.update(case_handling=routes.section, case_autoclose_due=operations.autoclose_due)
