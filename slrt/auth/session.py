"""Flask-Login wiring. A session carries the user's id and session version; bumping the version
(logout, disable, password reset) ends every session of that user, not only this cookie.

The session cookie slides: it expires PERMANENT_SESSION_LIFETIME (30 minutes) after the last request that
re-signed it, and Flask refuses an older signature server-side. Re-signing it on every response cost
CPU and sent the cookie again with every page, fragment and static file on a slow line: it is re-signed
when the session changed, or when the browser's copy was signed more than SLRT_SESSION_REFRESH_SECONDS
(a minute; at most a thirtieth of the timeout) ago, so the idle timeout is still 30 minutes give or take
that minute. A static file never
sets a cookie and does not count as activity."""
from __future__ import annotations

import time

from flask import request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature

from slrt.extensions import db


class SlidingSession(SecureCookieSession):
    """Always permanent (it has the idle timeout); knows when the browser's copy was signed."""

    signed_at: float | None = None  # seconds since the epoch; None for a session new in this request

    @property
    def permanent(self) -> bool:
        return True


class SlidingSessionInterface(SecureCookieSessionInterface):
    session_class = SlidingSession

    def open_session(self, app, request) -> SlidingSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:  # a visitor (the status page's QR code) has none: no serializer to build
            return self.session_class()
        serializer = self.get_signing_serializer(app)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:  # tampered, or older than the idle timeout
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()
        return session

    def save_session(self, app, session, response) -> None:
        if request.endpoint == "static":
            return  # no cookie, and no `Vary: Cookie` on a file every visitor shares
        if session and "_user_id" not in session and "_fresh" not in session:
            # A visitor's session (a CSRF token, the language): Flask-Login's session protection writes
            # `_fresh = False` into it on the next request, which re-signed and re-sent the cookie once
            # more; write it now, with the first cookie.
            session["_fresh"] = False
        super().save_session(app, session, response)

    def should_set_cookie(self, app, session) -> bool:
        if session.modified or session.signed_at is None:
            return True
        # at most a thirtieth of the timeout, so a short timeout (a kiosk, a test) still slides
        every = min(app.config.get("SLRT_SESSION_REFRESH_SECONDS", 60),
                    app.permanent_session_lifetime.total_seconds() / 30)
        return time.time() - session.signed_at >= every


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.session_interface = SlidingSessionInterface()

    @login_manager.user_loader
    def load_user(token: str):
        from slrt.auth.models import User
        try:
            user_id, version = (int(part) for part in token.split(":", 1))
        except ValueError:
            return None
        user = db.session.get(User, user_id)
        if user is None or not user.active or user.session_version != version:
            return None
        return user
