"""Attachments: scans and photos on cases, assessments, referrals and registry proposals."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.attachments import permissions, routes
    from slrt.attachments.models import AttachmentStatus
    from slrt.attachments.panel import case_panel, letter_panel, proposal_panel, referral_panel
    from slrt.core import panels
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from flask_babel import lazy_gettext as _l
    LABELS.register(AttachmentStatus, {AttachmentStatus.ACTIVE: _l("Aktif"),
                                       AttachmentStatus.REMOVED: _l("Dihapus (disimpan sampai masa simpan habis)")})
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    panels.register(app, "case", "attachments", 40, "attachments/_panel.html", case_panel)
    panels.register(app, "referral", "attachments", 10, "attachments/_panel.html", referral_panel)
    panels.register(app, "proposal", "attachments", 10, "attachments/_panel.html", proposal_panel)
    panels.register(app, "letter", "attachments", 10, None, letter_panel)
    app.jinja_env.globals.update(AttachmentStatus=AttachmentStatus)
    from slrt.attachments.operations import retention_tasks
    from slrt.core.uploads import install_session_hooks
    from slrt.privacy.operations import register_retention_task
    for task in retention_tasks():  # files of closed cases and ended proposals go after the district's period
        register_retention_task(task)
    install_session_hooks()  # their files are deleted only once the run has committed
    from slrt.attachments.operations import file_names, thumbnail_names
    from slrt.core import orphans
    from slrt.core.uploads import KINDS
    orphans.register("attachments.files", KINDS["attachment"].folder, file_names)
    orphans.register("attachments.thumbnails", KINDS["thumbnail"].folder, thumbnail_names)
