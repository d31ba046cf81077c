"""Referrals to agencies: drafting, sign-off, numbered letters, agency responses, deadlines."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import permissions as can_registry
    from slrt.referrals import labels, lateness, operations, permissions, routes
    from slrt.referrals.models import ReferralStatus
    from slrt.shell import nav

    labels.register()
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    nav.register(40, "referrals.index", _l("Rujukan"), permissions.can_list_referrals, nav.MenuGroup.REFERRALS)
    nav.register(41, "referrals.signoff_queue", _l("Penetapan"), permissions.can_sign_off_any, nav.MenuGroup.REFERRALS)
    nav.register(42, "referrals.agency_queue", _l("Rujukan masuk"), permissions.can_use_agency_queue, nav.MenuGroup.REFERRALS)
    nav.register(45, "referrals.overview", _l("Keterlambatan"), permissions.can_view_overview, nav.MenuGroup.REFERRALS)
    app.jinja_env.globals.update(
        ReferralStatus=ReferralStatus, referral_due=lateness.due_date,
        referral_late=lateness.is_late, referral_step=lateness.current_step,
    )
