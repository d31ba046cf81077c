"""/pusat-komando: the wallboard. A person who may see the dashboard opens it logged in. A wall screen has
no keyboard for a login and cannot add a token header to a page it shows, so the administrator gives it a
link with the key of an API client (allowed to read aggregates) after `#`: the fragment never leaves the
browser in a request line, so no proxy or server log sees it. A small script posts the key once (with the
page's CSRF token), the portal remembers the client in the screen's signed session cookie, and the
fragment is wiped from the address bar. Each refresh checks the client again, so revoking it (or its expiry)
blanks the wall at the next minute."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.api.auth import ClientAccount
from slrt.api.models import ApiClient, ApiPermission
from slrt.api.operations import client_for_token
from slrt.audit.operations import record
from slrt.core import throttle
from slrt.core.db import read_only
from slrt.core.htmx import render_page_or_partial, wants_partial
from slrt.core.time import utcnow
from slrt.extensions import db
from slrt.regions.districts import current_district, district_of, working_in
from slrt.wallboard import queries
from slrt.wallboard.permissions import can_view_wallboard

bp = Blueprint("wallboard", __name__, url_prefix="/pusat-komando")

SESSION_KEY = "wallboard_client"


def _screen_client() -> ApiClient | None:
    """The API client this screen was connected with, while it is usable and may read aggregates."""
    client_id = session.get(SESSION_KEY)
    client = db.session.get(ApiClient, client_id) if isinstance(client_id, int) else None
    if client is None or not client.usable_at(utcnow()) or not client.allows(ApiPermission.READ_AGGREGATES):
        return None
    return client


def _viewer():
    """Who the figures are counted for: the logged-in person, or the connected client's account."""
    if current_user.is_authenticated:
        return current_user if can_view_wallboard(current_user) else None
    client = _screen_client()
    return ClientAccount(client.user) if client is not None else None


@bp.route("/")
@read_only
def board():
    """The wallboard (refreshing itself every minute), or how to connect this screen."""
    viewer = _viewer()
    if viewer is None:
        if current_user.is_authenticated:
            abort(403)  # a person whose role sees no dashboard
        session.pop(SESSION_KEY, None)
        if wants_partial():  # a refresh of a wall whose key was revoked or expired: show the whole page again
            return "", 204, {"HX-Refresh": "true"}
        return render_template("wallboard/connect.html")
    # A wall screen is nobody's session: its board speaks for its client's district (the title and the office),
    # not for the host's or the configured one.
    with working_in(district_of(viewer) or current_district()):
        return render_page_or_partial("wallboard/board.html", "wallboard/_board.html",
                                      board=queries.board(viewer))


def _key_checks():
    return [throttle.per_address("SLRT_STATUS_LIMIT", "wallboard-key")]


@bp.route("/sambung", methods=["POST"])
def connect():
    """Connect this screen with an API client's key (posted by static/js/wallboard.js from the fragment).
    Like a login, it changes only this browser's session, so it carries no one-time form id."""
    if throttle.blocked(_key_checks()):
        return render_template("wallboard/connect.html", refused=_("Terlalu banyak kunci yang salah. Tunggu "
                                                                   "sepuluh menit lalu coba lagi.")), 429
    client = client_for_token(request.form.get("key", "").strip())
    if client is None or not client.allows(ApiPermission.READ_AGGREGATES):
        db.session.rollback()  # the throttle writes on its own connection (SQLite: one writer)
        throttle.count_failure(_key_checks())
        return render_template("wallboard/connect.html", refused=_("Kunci layar tidak sah, sudah dicabut, atau "
                                                                   "sudah kedaluwarsa. Minta tautan baru kepada "
                                                                   "administrator.")), 403
    session[SESSION_KEY] = client.id
    record("wallboard.connect", client, user=client.user, note=f"{client.name}: layar pusat komando tersambung")
    db.session.commit()
    return redirect(url_for("wallboard.board"), code=303)
