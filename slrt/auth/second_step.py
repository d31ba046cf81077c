"""The login's second step: between a right password and a right code the session holds only who is
half-way in (used by the login view and by the second-factor views)."""
from __future__ import annotations

import time

from flask import redirect, session, url_for

from slrt.auth.models import User
from slrt.core.web import safe_local_url
from slrt.extensions import db

PENDING_KEY = "second_factor"     # the session between a good password and a good code
PENDING_SECONDS = 5 * 60


def fresh_session() -> None:
    language = session.get("lang")
    session.clear()  # nothing from before the login survives into the new session
    if language:
        session["lang"] = language


def begin_second_step(user: User, next_url: str | None):
    """After a right password for an account with a second factor: the session holds only who is
    half-way in; the user is not logged in until the code passes."""
    fresh_session()
    session[PENDING_KEY] = {"user_id": user.id, "version": user.session_version, "at": int(time.time()),
                            "next": safe_local_url(next_url) or None}
    return redirect(url_for("auth.second_factor"), code=303)


def pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.active or user.session_version != pending.get("version") \
            or not user.two_factor_enabled:
        return None
    return user
