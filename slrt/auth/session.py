"""Flask-Login wiring. A session carries the user's id and session version; bumping the version
(logout, disable, password reset) ends every session of that user, not only this cookie."""
from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l

from slrt.extensions import db


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

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

    @app.before_request
    def keep_session_sliding():
        # Permanent sessions expire after PERMANENT_SESSION_LIFETIME without a request (idle timeout);
        # Flask checks the signed timestamp on every request, so an old cookie is refused server-side.
        session.permanent = True
