"""Who is calling: the bearer token names the client; the client's service account becomes the request's
user, so the shared loaders and operations scope and audit the call as they do a person's. Cookies play
no part in the API (no session is read, none is written), which is why its views need no CSRF token."""
from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from limits import RateLimitItemPerMinute

from slrt.api import operations
from slrt.api.problems import ApiProblem, problem_response
from slrt.api.spec import meta_of
from slrt.extensions import db, limiter, login_manager


class ClientAccount:
    """The client's service account as the request's user. The account itself is inactive, so it can never
    log in (nor hold a session); for the calls of its client's valid token it stands as an authenticated
    user, and everything else (id, role, region, agency, name) is the account's."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, account) -> None:
        self._account = account

    def __getattr__(self, name):
        return getattr(self._account, name)


def _bearer_token() -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate():
    """First before_request hook of the app for API calls (before anything reads `current_user`)."""
    if request.blueprint != "api":
        return None
    g._login_user = login_manager.anonymous_user()  # never the session's user
    g.pop("api_client", None)
    view = current_app.view_functions.get(request.endpoint)
    g.api_view = view
    meta = meta_of(view)
    if meta is None or meta.permission is None:
        return None
    try:
        client = operations.client_for_token(_bearer_token())
        if client is None:
            raise ApiProblem(401, _("Token tidak ada, tidak sah, sudah dicabut, atau sudah kedaluwarsa."),
                             headers={"WWW-Authenticate": 'Bearer realm="slrt"'})
        g.api_client = client
        if not client.allows(meta.permission):
            raise ApiProblem(403, _("Klien ini tidak memiliki izin untuk panggilan ini."))
        g._login_user = ClientAccount(client.user)
        client_id, per_minute = client.id, client.rate_per_minute
        # End the lookup's transaction before the throttle writes on its own connection (SQLite has one
        # writer; see slrt.core.throttle). The counts live in the shared throttle storage, so the limit
        # holds across every worker and node.
        db.session.commit()
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "slrt"
        if not limiter.limiter.hit(RateLimitItemPerMinute(per_minute), prefix, "api-client", str(client_id)):
            raise ApiProblem(429, _("Batas %(n)d panggilan per menit untuk klien ini terlampaui. Coba lagi "
                                    "sebentar lagi.", n=per_minute), headers={"Retry-After": "60"})
    except ApiProblem as problem:
        db.session.rollback()
        return problem_response(problem)
    return None


def audit_call(response):
    """after_request of the API: one audit row per call of a known client, with its name."""
    client = g.get("api_client")
    if client is not None:
        db.session.rollback()  # whatever the view left open; its own work is committed already
        operations.record_call(client, request.method, request.path, response.status_code)
        db.session.commit()
    response.headers.add("Vary", "Authorization")
    return response


def init_app(app: Flask) -> None:
    # First of the app's hooks: the auth feature's hooks (password change, second factor) ask who the
    # user is, and for an API call that must already be the client's account, not a session's.
    app.before_request_funcs.setdefault(None, []).insert(0, authenticate)
