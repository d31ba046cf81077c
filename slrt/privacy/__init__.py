"""The citizen's rights under UU 27/2022: subject-access report, correction requests, retention,
breach scope and the privacy notice."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from slrt.privacy import commands, permissions, routes
    from slrt.privacy.models import CorrectionStatus
    from slrt.privacy.permissions import can_decide_corrections, can_run_subject_access
    from slrt.privacy.queries import case_panel, notice
    from slrt.shell import nav

    app.register_blueprint(routes.bp)
    app.cli.add_command(commands.privacy_cli)
    can_registry.register(app, permissions)
    nav.register(92, "privacy.index", _l("Pelindungan Data"), can_run_subject_access, nav.MenuGroup.ADMIN)
    nav.register(93, "privacy.corrections", _l("Koreksi Data"), can_decide_corrections, nav.MenuGroup.ADMIN)
    LABELS.register(CorrectionStatus, {CorrectionStatus.PENDING: _l("Menunggu keputusan"),
                                       CorrectionStatus.ACCEPTED: _l("Diterima"),
                                       CorrectionStatus.REJECTED: _l("Ditolak")})
    LABELS.register("ProcessingKind", {"view": _l("Melihat"), "export": _l("Mengekspor/mencetak"),
                                       "change": _l("Mencatat/mengubah")})
    panels.register(app, "case", "privacy", 50, "privacy/_case_panel.html", case_panel)
    panels.register(app, "notice", "privacy", 10, "privacy/_notice.html", notice)
    app.jinja_env.globals.update(CorrectionStatus=CorrectionStatus)
