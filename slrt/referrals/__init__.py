"""Referrals to agencies: case handling, sign-off, numbered letters, agency responses, deadlines."""
from flask import Blueprint

bp = Blueprint("referrals", __name__)

from slrt.referrals import commands, labels, routes  # noqa: E402,F401

from flask_babel import lazy_gettext as _l  # noqa: E402

from slrt.core import nav  # noqa: E402
from slrt.referrals import lateness, operations, permissions  # noqa: E402
from slrt.referrals.models import ReferralStatus  # noqa: E402

nav.register(40, "referrals.index", _l("Rujukan"), permissions.can_list_referrals)
nav.register(41, "referrals.signoff_queue", _l("Penetapan"), permissions.can_sign_off_any)
nav.register(42, "referrals.agency_queue", _l("Rujukan masuk"), permissions.can_use_agency_queue)
nav.register(45, "referrals.overview", _l("Keterlambatan"), permissions.can_view_overview)


def _template_globals(state) -> None:
    from slrt.cases import operations as cases
    from slrt.cases.models import ComplaintStatus
    from slrt.core import permissions as can_registry
    can_registry.register(state.app, permissions)
    state.app.jinja_env.globals.update(
        ReferralStatus=ReferralStatus, ComplaintStatus=ComplaintStatus,
        case_handling=routes.case_handling, referral_documents=routes.document_names, referral_due=lateness.due_date,
        referral_late=lateness.is_late, referral_step=lateness.current_step,
        referral_days_late=operations.working_days_late, case_autoclose_due=cases.autoclose_due,
    )


bp.record_once(_template_globals)
