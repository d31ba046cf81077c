"""The second factor: the login's second step, enrolment with a QR code, recovery codes, turning it off."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from slrt.auth import operations, two_factor
from slrt.auth.routes import bp
from slrt.auth.second_step import PENDING_KEY, fresh_session, pending_user
from slrt.auth.forms import SecondFactorForm, TwoFactorCodeForm, TwoFactorDisableForm, TwoFactorEnrolForm
from slrt.auth.models import User
from slrt.core.errors import DomainError
from slrt.core.web import safe_local_url
from slrt.extensions import db, limiter

ENROL_KEY = "second_factor_enrol"  # the secret being set up, encrypted, until the first code confirms it
# While the district requires a second factor of a user without one, only these pages open.
_ENROLMENT_ENDPOINTS = {"auth.security", "auth.two_factor_enrol", "auth.logout", "auth.change_password",
                        "core.set_language", "static"}


def _code_failed(response) -> bool:
    if not g.get("second_factor_failed"):
        return False
    # The throttle counts on a connection of its own and SQLite has one writer: end whatever the page's
    # rendering began first (the failed attempt's audit row is already committed; see slrt.core.throttle).
    db.session.commit()
    return True


def _code_key() -> str:
    """Throttle the codes per account: a new login does not buy new tries."""
    if current_user.is_authenticated:
        return f"2fa:{current_user.id}"
    pending = session.get(PENDING_KEY)
    return f"2fa:{pending.get('user_id') if isinstance(pending, dict) else '-'}"


def _throttled(view):
    view = limiter.limit(lambda: current_app.config["SLRT_LOGIN_ADDRESS_LIMIT"], methods=["POST"],
                         deduct_when=_code_failed, scope="second-factor-address")(view)
    return limiter.limit(lambda: current_app.config["SLRT_LOGIN_LIMIT"], key_func=_code_key, methods=["POST"],
                         deduct_when=_code_failed, scope="second-factor-account")(view)


@bp.route("/masuk/kode", methods=["GET", "POST"])
@_throttled
def second_factor():
    """The login's second step: a code from the authenticator app or one recovery code."""
    if current_user.is_authenticated:
        return redirect(url_for("shell.home"))
    user = pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Silakan masuk kembali."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            kind = operations.check_second_factor(user, form.code.data)
        except DomainError as error:
            g.second_factor_failed = True
            db.session.commit()  # the failed attempt's audit row
            form.code.errors.append(str(error.message))
        else:
            next_url = session[PENDING_KEY].get("next")
            fresh_session()
            login_user(user)
            operations.record_login(user)
            db.session.commit()
            if kind == "recovery":
                flash(_("Anda masuk dengan kode pemulihan. Sisa kode pemulihan: %(n)d.",
                        n=two_factor.remaining_recovery_codes(user)), "info")
            return redirect(safe_local_url(next_url) or url_for("shell.home"), code=303)
    return render_template("auth/second_factor.html", form=form), (401 if g.get("second_factor_failed") else 200)


def _status_page(codes_form=None, off_form=None, status=200):
    user = db.session.get(User, current_user.id)
    return render_template("auth/two_factor.html", user=user, required=two_factor.two_factor_required(user),
                           remaining=two_factor.remaining_recovery_codes(user) if user.two_factor_enabled else 0,
                           codes_form=codes_form or TwoFactorCodeForm(prefix="codes"),
                           off_form=off_form or TwoFactorDisableForm(prefix="off")), status


@bp.route("/akun/verifikasi-dua-langkah")
@login_required
def security():
    """One's own second factor: on or off, recovery codes left, and the ways to change it."""
    return _status_page()


def _recovery_codes_page(codes: list[str]):
    response = current_app.make_response(render_template("auth/recovery_codes.html", codes=codes))
    response.headers["Cache-Control"] = "no-store"  # shown once; not kept by the browser either
    return response


@bp.route("/akun/verifikasi-dua-langkah/aktifkan", methods=["GET", "POST"])
@login_required
@_throttled
def two_factor_enrol():
    """Set up the second factor: scan the QR (or type the secret), confirm with the first code."""
    user = db.session.get(User, current_user.id)
    if user.two_factor_enabled:
        return redirect(url_for("auth.security"))
    # The same secret across reloads and wrong codes, so the QR already scanned stays good.
    secret = two_factor.decrypt_secret(session.get(ENROL_KEY), max_age=two_factor.PENDING_SECONDS)
    if secret is None:
        secret = two_factor.new_secret()
        session[ENROL_KEY] = two_factor.encrypt_secret(secret)
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        try:
            codes = operations.enable_two_factor(user, secret, form.code.data)
        except DomainError as error:
            g.second_factor_failed = True
            form.code.errors.append(str(error.message))
        else:
            db.session.commit()
            session.pop(ENROL_KEY, None)
            return _recovery_codes_page(codes)
    uri = two_factor.provisioning_uri(secret, user.username)
    response = current_app.make_response(render_template(
        "auth/two_factor_enrol.html", form=form, qr=two_factor.qr_data_uri(uri), secret=two_factor.grouped(secret),
        required=two_factor.two_factor_required(user)))
    response.headers["Cache-Control"] = "no-store"
    return response, (422 if form.code.errors else 200)


@bp.route("/akun/verifikasi-dua-langkah/kode-pemulihan", methods=["POST"])
@login_required
@_throttled
def two_factor_recovery_codes():
    """Replace the recovery codes (the old ones stop working); needs a current code."""
    form = TwoFactorCodeForm(prefix="codes")
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            codes = operations.regenerate_recovery_codes(user, form.code.data)
        except DomainError as error:
            g.second_factor_failed = True
            db.session.rollback()
            form.code.errors.append(str(error.message))
        else:
            db.session.commit()
            return _recovery_codes_page(codes)
    return _status_page(codes_form=form, status=422)


@bp.route("/akun/verifikasi-dua-langkah/matikan", methods=["POST"])
@login_required
@_throttled
def two_factor_disable():
    """Turn one's own second factor off (password and a code), unless the district requires it."""
    form = TwoFactorDisableForm(prefix="off")
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            operations.disable_two_factor(user, form.password.data, form.code.data)
        except DomainError as error:
            g.second_factor_failed = True
            db.session.rollback()
            getattr(form, error.field or "code").errors.append(str(error.message))
        else:
            db.session.commit()
            flash(_("Verifikasi dua langkah sudah dimatikan."), "success")
            return redirect(url_for("auth.security"), code=303)
    return _status_page(off_form=form, status=422)


@bp.before_app_request
def force_two_factor_enrolment():
    """Where the district requires it, an administrator or supervisor without a second factor can only
    set one up (after a password change, when one is due)."""
    if (current_user.is_authenticated and not current_user.must_change_password
            and not current_user.two_factor_enabled and request.endpoint not in _ENROLMENT_ENDPOINTS
            and two_factor.two_factor_required(current_user)):
        return redirect(url_for("auth.two_factor_enrol"))
