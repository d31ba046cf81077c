from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.core import refusals
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial
from slrt.core.labels import LABELS
from slrt.core.time import local_day_bounds_utc
from slrt.extensions import db
from slrt.notifications import operations
from slrt.notifications.dispatch import max_attempts
from slrt.notifications.forms import ResendForm
from slrt.notifications.models import OutboxMessage, OutboxStatus
from slrt.notifications.permissions import can_manage_outbox
from slrt.notifications.senders import gateway_url

bp = Blueprint("notifications", __name__, url_prefix="/admin/pesan-keluar", cli_group="outbox")

PAGE_SIZE = 50


@bp.route("/")
@read_only
@permission_required(can_manage_outbox)
def outbox():
    """The outbox: messages to citizens by status, with counts; messages that left or failed can be sent again."""
    status = request.args.get("status", "")
    if status not in set(OutboxStatus):
        status = ""
    kinds = LABELS.choices("OutboxKind")
    kind = request.args.get("kind", "")
    if kind not in dict(kinds):
        kind = ""
    date_from, date_to = _day(request.args.get("from")), _day(request.args.get("to"))
    query = select(OutboxMessage)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if date_from:
        query = query.where(OutboxMessage.created_at >= local_day_bounds_utc(date_from)[0])
    if date_to:
        query = query.where(OutboxMessage.created_at <= local_day_bounds_utc(date_to)[1])
    counts = dict(db.session.execute(query.with_only_columns(OutboxMessage.status, func.count())
                                     .group_by(OutboxMessage.status)).all())
    if status:
        query = query.where(OutboxMessage.status == status)
    result = paginate(query, page_number(), PAGE_SIZE, OutboxMessage.id.desc())
    gateway = bool(gateway_url(current_app) or current_app.config.get("SLRT_SMS_SENDER"))
    # Without a gateway nothing is "sent": the statuses of a gateway's answers are shown only if some
    # message once had one (sent while a gateway was set).
    statuses = [s for s in OutboxStatus if gateway or s in (OutboxStatus.PENDING, OutboxStatus.LOGGED,
                                                            OutboxStatus.FAILED, OutboxStatus.NO_PHONE)
                or counts.get(s)]
    return render_page_or_partial("notifications/outbox.html", "notifications/_outbox_rows.html",
                                  rows=result.rows, counts=counts, status=status, total=result.total,
                                  page=result.page, pages=result.pages, kinds=kinds, kind=kind,
                                  date_from=date_from, date_to=date_to,
                                  statuses=statuses, confirm=ResendForm(),
                                  max_attempts=max_attempts(current_app), gateway=gateway)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _message_or_404(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    return message


def _render_resend(message: OutboxMessage, form: ResendForm):
    return render_template("notifications/resend.html", message=message, form=form,
                           warning=operations.resend_warning(message), can_resend=operations.can_resend(message),
                           status=request.args.get("status", ""))


@bp.route("/<int:message_id>/kirim-ulang", methods=["GET"])
@read_only
@permission_required(can_manage_outbox)
def confirm_resend(message_id: int):
    """Ask before sending a message again, saying why when the citizen may get it twice."""
    return _render_resend(_message_or_404(message_id), ResendForm())


@bp.route("/<int:message_id>/kirim-ulang", methods=["POST"])
@permission_required(can_manage_outbox)
def resend(message_id: int):
    """Send a message again: at once for a failed one, after the confirmation for one that may have arrived."""
    message = _message_or_404(message_id)
    form = ResendForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        queued = operations.resend_message(message, current_user, confirmed=bool(form.confirmed.data))
    except DomainError as error:  # the confirmation missing, or the message may not be sent again
        return refusals.refuse(lambda: _render_resend(_message_or_404(message_id), form), form, error)
    else:
        db.session.commit()
        if queued.id != message.id:
            flash(_("Salinan pesan dijadwalkan untuk dikirim."), "success")
        else:
            flash(_("Pesan dijadwalkan untuk dikirim ulang."), "success")
    return redirect(url_for("notifications.outbox", status=request.args.get("status", "")), code=303)
