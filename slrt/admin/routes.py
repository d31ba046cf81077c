from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.forms import ConfirmForm, UserForm
from slrt.admin.models import Agency
from slrt.audit.models import AuditLog
from slrt.auth import operations as accounts
from slrt.auth.models import Role, User
from slrt.auth.permissions import can_manage_users, can_view_audit, permission_required
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial
from slrt.core.labels import LABELS
from slrt.extensions import db
from slrt.regions.models import region_prefix_match

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


def _user_form(obj=None) -> UserForm:
    form = UserForm(obj=obj)
    form.role.choices = LABELS.choices(Role)
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
    form.agency_id.choices = [("", _("— tidak ada —"))] + [(str(a.id), a.name) for a in agencies]
    if obj is not None and request.method == "GET":
        form.agency_id.data = str(obj.agency_id or "")
    return form


def _agency_id(form: UserForm):
    return int(form.agency_id.data) if (form.agency_id.data or "").isdigit() else None


def _people_only():
    """Accounts of people: an API client's service account is managed (and revoked) under Klien API, and
    is never enabled or given a password here."""
    from slrt.api.models import ApiClient
    return User.id.not_in(select(ApiClient.user_id))


def _load_user(user_id: int) -> User:
    user = db.session.scalar(select(User).where(User.id == user_id, _people_only()))
    # An administrator manages the accounts under their own region only.
    if user is None or not (user.region_code == current_user.region_code
                            or user.region_code.startswith(current_user.region_code + ".")):
        abort(404)
    return user


@bp.route("/pengguna")
@permission_required(can_manage_users)
def users():
    """The accounts of the administrator's region."""
    rows = db.session.scalars(select(User).where(region_prefix_match(User.region_code, current_user.region_code),
                                                 _people_only())
                              .order_by(User.active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", users=rows, confirm=ConfirmForm())


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@permission_required(can_manage_users)
def new_user():
    """Add an account; the one-time password is shown once."""
    form = _user_form()
    if request.method == "GET":
        form.region_code.data = current_user.region_code
    if form.validate_on_submit():
        code = form.region_code.data.strip()
        if not (code == current_user.region_code or code.startswith(current_user.region_code + ".")):
            form.region_code.errors.append(_("Wilayah harus berada di bawah wilayah Anda (%(code)s).",
                                             code=current_user.region_code))
        else:
            password = accounts.generate_password()
            try:
                user = accounts.create_user(username=form.username.data, full_name=form.full_name.data,
                                            role=form.role.data, region_code=code, password=password,
                                            agency_id=_agency_id(form), nip=form.nip.data or "",
                                            actor=current_user, must_change_password=True)
            except DomainError as error:
                db.session.rollback()
                getattr(form, error.field or "username").errors.append(str(error.message))
            else:
                db.session.commit()
                return render_template("admin/password_once.html", user=user, password=password)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@permission_required(can_manage_users)
def edit_user(user_id: int):
    """Change an account's name, role, region or agency."""
    user = _load_user(user_id)
    form = _user_form(obj=user)
    del form.username
    if form.validate_on_submit():
        code = form.region_code.data.strip()
        if not (code == current_user.region_code or code.startswith(current_user.region_code + ".")):
            form.region_code.errors.append(_("Wilayah harus berada di bawah wilayah Anda (%(code)s).",
                                             code=current_user.region_code))
        else:
            try:
                accounts.update_user(user, full_name=form.full_name.data, role=form.role.data, region_code=code,
                                     agency_id=_agency_id(form), nip=form.nip.data or "", actor=current_user)
            except DomainError as error:
                db.session.rollback()
                getattr(form, error.field or "full_name").errors.append(str(error.message))
            else:
                db.session.commit()
                flash(_("Akun %(u)s sudah diperbarui.", u=user.username), "success")
                return redirect(url_for("admin.users"), code=303)
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/pengguna/<int:user_id>/aktif", methods=["POST"])
@permission_required(can_manage_users)
def toggle_user(user_id: int):
    """Disable an account (its sessions end at once) or enable it again."""
    user = _load_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        accounts.set_active(user, not user.active, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Akun %(u)s diaktifkan.", u=user.username) if user.active
              else _("Akun %(u)s dinonaktifkan; semua sesinya berakhir.", u=user.username), "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/pengguna/<int:user_id>/reset", methods=["POST"])
@permission_required(can_manage_users)
def reset_user_password(user_id: int):
    """Give the account a new one-time password."""
    user = _load_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    password = accounts.reset_password(user, current_user)
    db.session.commit()
    return render_template("admin/password_once.html", user=user, password=password)


@bp.route("/pengguna/<int:user_id>/reset-2fa", methods=["POST"])
@permission_required(can_manage_users)
def reset_user_two_factor(user_id: int):
    """Turn off the account's second factor (lost phone and codes); its sessions end."""
    user = _load_user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    accounts.reset_two_factor(user, current_user)
    db.session.commit()
    flash(_("Verifikasi dua langkah akun %(u)s sudah diatur ulang; semua sesinya berakhir.", u=user.username),
          "success")
    return redirect(url_for("admin.users"), code=303)


@bp.route("/audit")
@permission_required(can_view_audit)
def audit():
    """The audit trail: who changed, viewed or exported what (newest first)."""
    query = select(AuditLog)
    action = (request.args.get("action") or "").strip()
    if action:
        query = query.where(AuditLog.action.startswith(action[:60]))
    result = paginate(query, page_number(), PAGE_SIZE, AuditLog.id.desc())
    return render_page_or_partial("admin/audit.html", "admin/_audit_rows.html", rows=result.rows, page=result.page,
                                  pages=result.pages, total=result.total, action=action)
