"""Attachments: scans and photos on cases, assessments, referrals and registry proposals."""
from flask import Blueprint

bp = Blueprint("attachments", __name__, url_prefix="/lampiran")

from slrt.attachments import routes  # noqa: E402,F401


def _template_globals(state) -> None:
    from slrt.attachments.models import AttachmentStatus
    from slrt.attachments.panel import attachment_panel, letter_attachments
    state.app.jinja_env.globals.update(attachment_panel=attachment_panel, letter_attachments=letter_attachments,
                                       AttachmentStatus=AttachmentStatus)


bp.record_once(_template_globals)
