import hmac
import json
import logging
import re

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.audit.operations import record
from slrt.auth.permissions import permission_required, require
from slrt.core import throttle
from slrt.core.db import read_only
from slrt.core.errors import DomainError
from slrt.core.htmx import render_page_or_partial
from slrt.core.pagination import page_number, paginate
from slrt.extensions import db
from slrt.notifications.operations import fall_back_later
from slrt.notifications.senders import mask_phone
from slrt.regions.districts import district_for_whatsapp, working_in
from slrt.submissions import views as submissions
from slrt.whatsapp import operations, queries
from slrt.whatsapp.answers import Answer, answer
from slrt.whatsapp.forms import ReplyForm
from slrt.whatsapp.models import Command, Conversation, ConversationStatus
from slrt.whatsapp.permissions import can_open_case_from_conversation, can_read_inbox, can_reply_conversation
from slrt.whatsapp.webhook import inbound_messages, signature_ok, undeliverable

bp = Blueprint("whatsapp", __name__, cli_group="wa")
log = logging.getLogger("slrt.whatsapp")

PAGE_SIZE = 30
CHALLENGE = re.compile(r"^[0-9A-Za-z_.-]{1,200}$")


@bp.route("/wa/webhook", methods=["GET"])
@read_only
def verify():
    """WhatsApp's subscription handshake: echo hub.challenge when hub.verify_token is ours."""
    token = current_app.config.get("SLRT_WA_VERIFY_TOKEN") or ""
    typed = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge", "")
    if (not token or request.args.get("hub.mode") != "subscribe"
            or not hmac.compare_digest(typed.encode(), token.encode())):
        abort(403)
    if not CHALLENGE.match(challenge):
        abort(400)
    return Response(challenge, mimetype="text/plain")


def message_limit(district: str, number_key: str):
    """The throttle check of SLRT_WA_MESSAGE_LIMIT for one citizen number at one district: a citizen who writes
    to district A's number does not use up their allowance at district B's. Counted in the shared throttle
    storage, so the limit holds across workers. (The failed ticket lookups stay counted per number alone, in
    slrt.whatsapp.answers: a ticket is looked up from any district's number, so guessing is not multiplied.)"""
    return throttle.per_key("SLRT_WA_MESSAGE_LIMIT", "wa-number", f"{district}/{number_key}")


@bp.route("/wa/webhook", methods=["POST"])
@read_only
def receive():
    """Messages from citizens, posted by WhatsApp and signed with the app secret (X-Hub-Signature-256).

    Exempt from CSRF (slrt.whatsapp.init_app): the caller is WhatsApp's server, which has no session or
    CSRF token; the signature over the raw body is this route's proof of origin instead, and a post without
    a valid one is refused before anything is read.

    The business number the citizen wrote to picks the district that answers (its office in the menu, its
    lists) and the answer leaves from that number; a number no hosted district has is answered by the
    configured district, from the configured number.

    Delivery reports that say a message of ours can never be delivered send it again by SMS.

    Two steps: the answers are worked out while reading (the lookups and the throttle counts, which SQLite
    must write on their own connection), then the messages and the queued answers are written at once."""
    body = request.get_data(cache=True)
    if not signature_ok(current_app.config.get("SLRT_WA_APP_SECRET") or "", body,
                        request.headers.get("X-Hub-Signature-256")):
        log.warning("WhatsApp webhook: a post with a missing or wrong signature was refused")
        abort(403)
    try:
        payload = json.loads(body)
    except ValueError:
        abort(400)
    inbound = inbound_messages(payload)
    done = operations.seen(m.message_id for m in inbound)
    answers: list[tuple] = []
    districts: dict[str, str | None] = {}  # business number written to → the hosted district that has it
    for message in inbound:
        if message.message_id in done:
            continue
        done.add(message.message_id)
        key = operations.number_hash(message.wa_id)
        if message.to_number not in districts:
            districts[message.to_number] = district_for_whatsapp(message.to_number)
        district = districts[message.to_number] or current_app.config["SLRT_REGION_CODE"]
        if not throttle.count_failure([message_limit(district, key)]):
            answers.append((message, Answer(Command.THROTTLED, "", "", "")))
            log.info("WhatsApp: number %s is over its message limit at %s; not answered",
                     mask_phone(message.wa_id), district)
            continue
        with working_in(district):
            answers.append((message, answer(message.text, key)))
    db.session.commit()
    g.sqlite_read_only = False  # the next transaction writes
    for message, reply in answers:
        # A hosted district's number answers from itself; a number no district has, from the configured one.
        from_number_id = message.to_number_id if districts.get(message.to_number) else ""
        operations.receive(message.wa_id, message.message_id, reply, from_number_id=from_number_id,
                           district=districts.get(message.to_number))
    for provider_id, reason in undeliverable(payload):  # accepted earlier, then reported undeliverable
        fall_back_later(provider_id, reason)
    db.session.commit()
    return Response("OK", mimetype="text/plain")


@bp.route("/pesan-masuk/")
@read_only
@permission_required(can_read_inbox)
def inbox():
    """Pesan masuk: WhatsApp conversations, newest first; those waiting for a person first by default."""
    status = request.args.get("status", ConversationStatus.NEW)
    if status not in set(ConversationStatus):
        status = ""
    result = paginate(queries.conversations(status), page_number(), PAGE_SIZE, Conversation.last_message_at.desc(),
                      Conversation.id.desc())
    counts = queries.counts()
    return render_page_or_partial("whatsapp/inbox.html", "whatsapp/_rows.html", rows=result.rows, status=status,
                                  counts=counts, total=result.total, page=result.page, pages=result.pages,
                                  statuses=list(ConversationStatus))


def _render_conversation(conversation: Conversation, form: ReplyForm, status: int = 200):
    case = queries.visible_case(current_user, conversation.case_id)
    return render_template("whatsapp/conversation.html", conversation=conversation, form=form,
                           case=case), status


@bp.route("/pesan-masuk/<int:conversation_id>")
@permission_required(can_read_inbox)
def conversation(conversation_id: int):
    """One conversation: the messages both ways, a reply form, and "open a case" (the view is audited)."""
    item = queries.load_conversation(conversation_id)
    record("wa.view", item, note=f"number={mask_phone(item.phone)}")
    response = _render_conversation(item, ReplyForm())
    db.session.commit()
    return response


@bp.route("/pesan-masuk/<int:conversation_id>/balas", methods=["POST"])
@permission_required(can_read_inbox)
@submissions.once
def reply(conversation_id: int):
    """An officer's reply: queued in the outbox (by WhatsApp, SMS if WhatsApp refuses), audited."""
    item = queries.load_conversation(conversation_id, lock=True)
    require(can_reply_conversation, item)
    form = ReplyForm()
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.reply(item, form.text.data, current_user)
        except DomainError as error:
            db.session.rollback()
            form.text.errors = list(form.text.errors) + [str(error.message)]
        else:
            target = url_for("whatsapp.conversation", conversation_id=item.id)
            submissions.result_at(target)
            db.session.commit()
            flash(_("Balasan dijadwalkan untuk dikirim."), "success")
            return redirect(target, code=303)
    else:
        db.session.rollback()
    item = queries.load_conversation(conversation_id)
    return _render_conversation(item, form, 422)


@bp.route("/pesan-masuk/<int:conversation_id>/buat-kasus")
@read_only
@permission_required(can_read_inbox)
def open_case(conversation_id: int):
    """Open the intake form for this conversation's number (WhatsApp chosen for the updates)."""
    item = queries.load_conversation(conversation_id)
    require(can_open_case_from_conversation, item)
    return redirect(url_for("intake.new", percakapan=item.id), code=303)
