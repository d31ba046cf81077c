"""Attachments: scans and photos on cases, assessments, referrals and registry proposals."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.attachments import permissions, routes
    from slrt.attachments.models import AttachmentStatus
    from slrt.attachments.panel import attachment_panel, letter_attachments
    from slrt.core import permissions as can_registry
    from slrt.core.labels import LABELS
    from flask_babel import lazy_gettext as _l
    LABELS.register(AttachmentStatus, {AttachmentStatus.ACTIVE: _l("Aktif"),
                                       AttachmentStatus.REMOVED: _l("Dihapus (disimpan sampai masa simpan habis)")})
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    app.jinja_env.globals.update(attachment_panel=attachment_panel, letter_attachments=letter_attachments,
                                 AttachmentStatus=AttachmentStatus)
