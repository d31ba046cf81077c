"""Attachments: scans and photos on cases, assessments, referrals and registry proposals."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.attachments import permissions, routes
    from slrt.attachments.models import AttachmentStatus
    from slrt.attachments.panel import attachment_panel, letter_attachments
    from slrt.core import permissions as can_registry
    app.register_blueprint(routes.bp)
    can_registry.register(app, permissions)
    app.jinja_env.globals.update(attachment_panel=attachment_panel, letter_attachments=letter_attachments,
                                 AttachmentStatus=AttachmentStatus)
