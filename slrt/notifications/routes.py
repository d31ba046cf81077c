from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from slrt.admin.forms import ConfirmForm
from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial
from slrt.extensions import db
from slrt.notifications import bp, operations
from slrt.notifications.models import OutboxMessage, OutboxStatus
from slrt.notifications.permissions import can_manage_outbox

PAGE_SIZE = 50


@bp.route("/")
@read_only
@permission_required(can_manage_outbox)
def outbox():
    """The outbox: messages to citizens by status, with counts; failed ones can be sent again."""
    status = request.args.get("status", "")
    if status not in set(OutboxStatus):
        status = ""
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    query = select(OutboxMessage)
    if status:
        query = query.where(OutboxMessage.status == status)
    result = paginate(query, page_number(), PAGE_SIZE, OutboxMessage.id.desc())
    return render_page_or_partial("notifications/outbox.html", "notifications/_outbox_rows.html",
                                  rows=result.rows, counts=counts, status=status, total=result.total,
                                  page=result.page, pages=result.pages,
                                  statuses=list(OutboxStatus), confirm=ConfirmForm())


@bp.route("/<int:message_id>/kirim-ulang", methods=["POST"])
@permission_required(can_manage_outbox)
def retry(message_id: int):
    """Send a failed message again."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.retry_message(message, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Pesan dijadwalkan untuk dikirim ulang."), "success")
    return redirect(url_for("notifications.outbox", status=request.args.get("status", "")), code=303)
