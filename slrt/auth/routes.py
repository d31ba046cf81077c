from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from slrt.auth import operations
from slrt.auth.forms import LoginForm, PasswordChangeForm
from slrt.auth.models import User
from slrt.auth.passwords import verify_password
from slrt.core.errors import DomainError
from slrt.core.web import safe_local_url
from slrt.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _account_key() -> str:
    return "acct:" + (request.form.get("username") or "").strip().lower()[:60]


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SLRT_LOGIN_ADDRESS_LIMIT"], methods=["POST"],
               deduct_when=_login_failed, scope="login-address")
@limiter.limit(lambda: current_app.config["SLRT_LOGIN_LIMIT"], key_func=_account_key, methods=["POST"],
               deduct_when=_login_failed, scope="login-account")
def login():
    """Log in with username and password (failed attempts are throttled per account and address)."""
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None and user.active and verify_password(user.password_hash, form.password.data):
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
        if user is None:
            verify_password(None, form.password.data)  # same cost as a real check
        g.login_failed = True
        operations.record_failed_login(username, user)
        db.session.commit()
        form.password.errors.append(_("Nama pengguna atau kata sandi salah, atau akun tidak aktif."))
    return render_template("auth/login.html", form=form), (401 if g.get("login_failed") else 200)


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
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if not verify_password(user.password_hash, form.current_password.data):
            form.current_password.errors.append(_("Kata sandi lama salah."))
        else:
            try:
                operations.change_own_password(user, form.password.data)
            except DomainError as error:
                form.password.errors.append(str(error.message))
            else:
                db.session.commit()
                login_user(user)  # the session version moved on; keep this session
                flash(_("Kata sandi sudah diganti."), "success")
                return redirect(url_for("shell.home"), code=303)
    return render_template("auth/password.html", form=form)


@bp.before_app_request
def force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.change_password", "auth.logout", "static", "core.set_language")):
        return redirect(url_for("auth.change_password"))
