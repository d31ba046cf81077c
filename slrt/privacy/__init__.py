"""The citizen's rights under UU 27/2022: subject-access report, correction requests, retention,
breach scope and the privacy notice."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("privacy", __name__, url_prefix="/pelindungan-data")

from slrt.privacy import routes  # noqa: E402,F401
from slrt.core import nav  # noqa: E402
from slrt.core.labels import LABELS  # noqa: E402
from slrt.privacy.models import CorrectionStatus  # noqa: E402
from slrt.privacy.permissions import can_decide_corrections, can_run_subject_access  # noqa: E402

nav.register(92, "privacy.index", _l("Pelindungan Data"), can_run_subject_access)
nav.register(93, "privacy.corrections", _l("Koreksi Data"), can_decide_corrections)

LABELS.register(CorrectionStatus, {CorrectionStatus.PENDING: _l("Menunggu keputusan"),
                                   CorrectionStatus.ACCEPTED: _l("Diterima"),
                                   CorrectionStatus.REJECTED: _l("Ditolak")})
LABELS.register("ProcessingKind", {"view": _l("Melihat"), "export": _l("Mengekspor/mencetak"),
                                   "change": _l("Mencatat/mengubah")})


def _template_globals(state):
    from slrt.privacy import permissions
    from slrt.privacy.queries import case_panel, notice
    state.app.jinja_env.globals.update(privacy_can=permissions, privacy_case_panel=case_panel,
                                       privacy_notice=notice, CorrectionStatus=CorrectionStatus)


bp.record_once(_template_globals)
