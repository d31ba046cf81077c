from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from slrt.auth import operations
from slrt.auth.forms import LoginForm, PasswordChangeForm
from slrt.auth.models import User
from slrt.auth.passwords import verify_password
from slrt.core import refusals, throttle
from slrt.core.errors import DomainError
from slrt.core.web import safe_local_url
from slrt.extensions import db

bp = Blueprint("auth", __name__)


def _login_checks(username: str):
    """The account *and* address pair first, so a stranger's guesses do not lock a clerk out at their own
    desk; then a higher ceiling per account from all addresses, and a limit per address over all accounts."""
    address = request.remote_addr or "unknown"
    return [throttle.per_key("SLRT_LOGIN_LIMIT", "login-pair", f"{username[:60]}|{address}"),
            throttle.per_key("SLRT_LOGIN_ACCOUNT_LIMIT", "login-account", username[:60]),
            throttle.per_address("SLRT_LOGIN_ADDRESS_LIMIT", "login-address")]


def _too_many_failures() -> str:
    return _("Terlalu banyak percobaan masuk yang gagal. Tunggu beberapa menit lalu coba lagi.")


@bp.route("/masuk", methods=["GET", "POST"])
def login():
    """Log in with username and password (failed attempts are throttled per account and address)."""
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        checks = _login_checks(username)
        if throttle.blocked(checks):
            form.password.errors.append(_too_many_failures())
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(select(User).where(User.username == username))
        # Argon2 on every path (unknown account, disabled account, wrong password), so the time of the
        # answer does not tell which accounts exist or are disabled.
        password_ok = verify_password(user.password_hash if user is not None else None, form.password.data)
        if user is not None and user.active and password_ok:
            if user.two_factor_enabled:  # not logged in yet: the code comes first
                from slrt.auth.second_step import begin_second_step
                return begin_second_step(user, request.args.get("next"))
            language = session.get("lang")
            session.clear()  # nothing from before the login survives into the new session
            if language:
                session["lang"] = language
            login_user(user)
            operations.record_login(user)
            db.session.commit()
            return redirect(safe_local_url(request.args.get("next")) or url_for("shell.home"), code=303)
        operations.record_failed_login(username, user)
        db.session.commit()
        if not throttle.count_failure(checks):  # after the commit (see slrt.core.throttle)
            form.password.errors.append(_too_many_failures())
            return render_template("auth/login.html", form=form), 429
        form.password.errors.append(_("Nama pengguna atau kata sandi salah, atau akun tidak aktif."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
@login_required
def logout():
    """Log out: ends this and every other session of the account."""
    user = db.session.get(User, current_user.id)
    operations.end_sessions(user)
    db.session.commit()
    logout_user()
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login"), code=303)


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (required after a reset by the administrator)."""
    form = PasswordChangeForm()
    page = partial(render_template, "auth/password.html", form=form)
    if request.method == "GET":
        return page()
    if not form.validate_on_submit():
        return refusals.refuse(page, form)
    user = db.session.get(User, current_user.id)
    if not verify_password(user.password_hash, form.current_password.data):
        return refusals.refuse(page, form, DomainError(_("Kata sandi lama salah."), "current_password"))
    try:
        operations.change_own_password(user, form.password.data)
    except DomainError as error:
        return refusals.refuse(page, form, DomainError(error.message, "password"))
    db.session.commit()
    login_user(user)  # the session version moved on; keep this session
    flash(_("Kata sandi sudah diganti."), "success")
    return redirect(url_for("shell.home"), code=303)


@bp.before_app_request
def force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static", "core.set_language")):
        return redirect(url_for("auth.change_password"))
