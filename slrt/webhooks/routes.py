"""The administrator's webhook pages, under an API client: its subscriber URLs (the signing secret shown
once) and the log of deliveries, where one can be sent again."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.api import queries
from slrt.api.permissions import can_manage_api_clients
from slrt.auth.permissions import permission_required
from slrt.core import refusals
from slrt.core.db import lock_row, read_only
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.extensions import db
from slrt.submissions import views as submissions
from slrt.webhooks import operations
from slrt.webhooks.delivery import max_attempts
from slrt.webhooks.forms import ActiveForm, ResendForm, SubscriptionForm
from slrt.webhooks.models import WebhookDelivery, WebhookSubscription

bp = Blueprint("webhooks", __name__, url_prefix="/admin/klien-api", cli_group="webhooks")

PAGE_SIZE = 50


def _subscriptions(client_id: int):
    return db.session.scalars(select(WebhookSubscription).where(WebhookSubscription.client_id == client_id)
                              .order_by(WebhookSubscription.id)).all()


def _form() -> SubscriptionForm:
    form = SubscriptionForm()
    form.fill_choices()
    return form


def _page(client, form):
    return render_template("webhooks/index.html", client=client, form=form,
                           subscriptions=_subscriptions(client.id), toggle=ActiveForm())


@bp.route("/<int:client_id>/webhook", methods=["GET"])
@read_only
@permission_required(can_manage_api_clients)
def index(client_id: int):
    """The client's webhooks: its subscriber URLs, a form for a new one, and how deliveries are signed."""
    return _page(queries.load_client(client_id), _form())


@bp.route("/<int:client_id>/webhook", methods=["POST"])
@permission_required(can_manage_api_clients)
@submissions.once
def create(client_id: int):
    """Subscribe a URL; its signing secret is shown once, on the page that answers this form."""
    client = queries.load_client(client_id)
    form = _form()
    if not form.validate_on_submit():
        return _page(client, form), 422
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    data = operations.SubscriptionData(url=form.url.data or "", events=form.events.data or [])
    try:
        subscription, secret = operations.subscribe(client, data, current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _page(queries.load_client(client_id), form), form, error)
    submissions.result_at(url_for("webhooks.index", client_id=client.id))
    db.session.commit()
    body = render_template("webhooks/secret_once.html", client=client, subscription=subscription, secret=secret)
    return body, 201, {"Cache-Control": "no-store"}


def _subscription(client, subscription_id: int, lock: bool = False) -> WebhookSubscription:
    if lock:
        lock_row(WebhookSubscription, subscription_id)
    subscription = db.session.get(WebhookSubscription, subscription_id, populate_existing=lock)
    if subscription is None or subscription.client_id != client.id:
        abort(404)
    return subscription


@bp.route("/<int:client_id>/webhook/<int:subscription_id>/aktif", methods=["POST"])
@permission_required(can_manage_api_clients)
def set_active(client_id: int, subscription_id: int):
    """Switch a subscriber URL on or off."""
    client = queries.load_client(client_id)
    subscription = _subscription(client, subscription_id, lock=True)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    operations.set_active(subscription, form.active.data == "1", current_user)
    db.session.commit()
    flash(_("Pengiriman ke %(url)s diaktifkan.", url=subscription.url) if subscription.active
          else _("Pengiriman ke %(url)s dihentikan.", url=subscription.url), "success")
    return redirect(url_for("webhooks.index", client_id=client.id), code=303)


@bp.route("/<int:client_id>/webhook/kiriman")
@read_only
@permission_required(can_manage_api_clients)
def deliveries(client_id: int):
    """The delivery log: when, what, where, how many attempts, the last answer, the next try."""
    client = queries.load_client(client_id)
    query = (select(WebhookDelivery).join(WebhookSubscription, WebhookDelivery.subscription_id == WebhookSubscription.id)
             .where(WebhookSubscription.client_id == client.id))
    result = paginate(query, page_number(), PAGE_SIZE, WebhookDelivery.id.desc())
    return render_template("webhooks/deliveries.html", client=client, rows=result.rows, page=result.page,
                           pages=result.pages, total=result.total, confirm=ResendForm(),
                           resendable={d.id for d in result.rows if operations.can_resend(d)},
                           max_attempts=max_attempts(current_app._get_current_object()))



@bp.route("/<int:client_id>/webhook/kiriman/<int:delivery_id>/kirim-ulang", methods=["POST"])
@permission_required(can_manage_api_clients)
@submissions.once
def resend(client_id: int, delivery_id: int):
    """Send a delivery again (a failed one, or one the subscriber says it lost)."""
    client = queries.load_client(client_id)
    lock_row(WebhookDelivery, delivery_id)
    delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None or delivery.subscription.client_id != client.id:
        abort(404)
    if not ResendForm().validate_on_submit():
        abort(400)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    back = url_for("webhooks.deliveries", client_id=client.id)
    try:
        operations.resend(delivery, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        submissions.result_at(back)
        db.session.commit()
        flash(_("Kiriman dijadwalkan untuk dikirim ulang."), "success")
    return redirect(back, code=303)
