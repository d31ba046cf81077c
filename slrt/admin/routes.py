from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_, select

from slrt.admin.forms import AuditFilterForm, ConfirmForm, UserForm
from slrt.admin.models import Agency
from slrt.audit import labels as audit_labels
from slrt.audit.models import AuditLog
from slrt.audit.operations import record
from slrt.auth import operations as accounts
from slrt.auth.models import Role, User
from slrt.auth.permissions import can_manage_users, can_view_audit, permission_required
from slrt.core import refusals
from slrt.core.errors import DomainError
from slrt.core.pagination import page_number, paginate
from slrt.core.htmx import render_page_or_partial, wants_partial
from slrt.cases.scoping import scope_people
from slrt.core.labels import LABELS
from slrt.core.nik import mask_nik
from slrt.core.time import local_day_bounds_utc
from slrt.extensions import db
from slrt.intake.models import Person
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
    return _users_page(ConfirmForm())


def _users_page(confirm: ConfirmForm) -> str:
    rows = db.session.scalars(select(User).where(region_prefix_match(User.region_code, current_user.region_code),
                                                 _people_only())
                              .order_by(User.active.desc(), User.role, User.username)).all()
    return render_template("admin/users.html", users=rows, confirm=confirm)


@bp.route("/pengguna/baru", methods=["GET", "POST"])
@permission_required(can_manage_users)
def new_user():
    """Add an account; the one-time password is shown once."""
    form = _user_form()
    if request.method == "GET":
        form.region_code.data = current_user.region_code
        return _user_form_page(form)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _user_form_page(form), form)
    password = accounts.generate_password()
    try:
        user = accounts.create_user(username=form.username.data, full_name=form.full_name.data,
                                    role=form.role.data, region_code=_region_under_mine(form), password=password,
                                    agency_id=_agency_id(form), nip=form.nip.data or "",
                                    actor=current_user, must_change_password=True)
    except DomainError as error:
        return refusals.refuse(lambda: _user_form_page(form), form, _on_field(error, "username"))
    db.session.commit()
    return render_template("admin/password_once.html", user=user, password=password)


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@permission_required(can_manage_users)
def edit_user(user_id: int):
    """Change an account's name, role, region or agency."""
    user = _load_user(user_id)
    form = _user_form(obj=user)
    del form.username
    if request.method == "GET":
        return _user_form_page(form, user)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _user_form_page(form, _load_user(user_id)), form)
    try:
        accounts.update_user(user, full_name=form.full_name.data, role=form.role.data,
                             region_code=_region_under_mine(form), agency_id=_agency_id(form),
                             nip=form.nip.data or "", actor=current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _user_form_page(form, _load_user(user_id)), form,
                               _on_field(error, "full_name"))
    db.session.commit()
    flash(_("Akun %(u)s sudah diperbarui.", u=user.username), "success")
    return redirect(url_for("admin.users"), code=303)


def _user_form_page(form: UserForm, user: User | None = None) -> str:
    return render_template("admin/user_form.html", form=form, user=user)


def _region_under_mine(form: UserForm) -> str:
    """The typed region, refused unless it lies within the administrator's own."""
    code = form.region_code.data.strip()
    if not (code == current_user.region_code or code.startswith(current_user.region_code + ".")):
        raise DomainError(_("Wilayah harus berada di bawah wilayah Anda (%(code)s).", code=current_user.region_code),
                          "region_code")
    return code


def _on_field(error: DomainError, default: str) -> DomainError:
    return error if error.field else DomainError(error.message, default)


@bp.route("/pengguna/<int:user_id>/aktif", methods=["POST"])
@permission_required(can_manage_users)
def toggle_user(user_id: int):
    """Disable an account (its sessions end at once) or enable it again."""
    user = _load_user(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.set_active(user, not user.active, current_user)
    except DomainError as error:  # e.g. the last administrator: the list again, the reason above it
        return refusals.refuse(lambda: _users_page(form), form, error)
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


def _audit_form() -> AuditFilterForm:
    form = AuditFilterForm()
    users = db.session.scalars(select(User).where(region_prefix_match(User.region_code, current_user.region_code))
                               .order_by(User.username)).all()
    form.user.choices = [("", _("Semua pengguna"))] + [(str(u.id), f"{u.username} — {u.full_name}") for u in users]
    form.action.choices = [("", _("Semua tindakan"))] + audit_labels.action_choices()
    return form


def _audit_filters(args) -> dict:
    """The filters in the page's address, each kept only when it is well-formed (junk is ignored)."""
    def number(name):
        value = (args.get(name) or "").strip()
        return int(value) if value.isdigit() and len(value) < 10 else None

    def day(name):
        try:
            return date.fromisoformat((args.get(name) or "").strip())
        except ValueError:
            return None
    action = (args.get("action") or "").strip()[:60]
    return {"user": number("user"), "person": number("person"), "date_from": day("from"), "date_to": day("to"),
            "action": action if action in audit_labels.ACTIONS or action.endswith(".") else ""}


def _audit_query(f: dict):
    query = select(AuditLog).where(_audit_in_my_region())
    if f["user"]:
        query = query.where(AuditLog.user_id == f["user"])
    if f["person"]:
        query = query.where(AuditLog.person_id == f["person"])
    if f["action"]:
        query = query.where(AuditLog.action.startswith(f["action"]) if f["action"].endswith(".")
                            else AuditLog.action == f["action"])
    if f["date_from"]:
        query = query.where(AuditLog.at >= local_day_bounds_utc(f["date_from"])[0])
    if f["date_to"]:
        query = query.where(AuditLog.at <= local_day_bounds_utc(f["date_to"])[1])
    return query


def _audit_in_my_region():
    """The rows an administrator may read: done by an account of their region or about a person of their
    region; the rows of no account and no person (scheduled jobs, the public pages) when their region covers
    the district this portal serves. A provincial administrator's region covers every district below it."""
    mine = current_user.region_code
    accounts = select(User.id).where(region_prefix_match(User.region_code, mine))
    people = scope_people(select(Person.id), current_user)
    visible = or_(AuditLog.user_id.in_(accounts), AuditLog.person_id.in_(people))
    # The install's own district (not the admin's: with several districts in one database every admin has one):
    # the jobs run for the whole database, so their rows are the first district's or the province's to read.
    district = current_app.config["SLRT_REGION_CODE"]
    if district == mine or district.startswith(mine + "."):
        visible = or_(visible, and_(AuditLog.user_id.is_(None), AuditLog.person_id.is_(None)))
    return visible


@bp.route("/audit", methods=["GET", "POST"])
@permission_required(can_view_audit)
def audit():
    """The audit trail, newest first, filtered by user, person (NIK typed in the form), action and dates."""
    form = _audit_form()
    person = None
    if request.method == "POST":
        if form.validate_on_submit():
            nik = (form.nik.data or "").strip()
            if nik:
                person = db.session.scalar(scope_people(select(Person), current_user).where(Person.nik == nik))
                if person is None:
                    form.nik.errors.append(_("NIK ini tidak ditemukan pada warga di wilayah Anda."))
            if not form.nik.errors:
                address = {"user": form.user.data or None, "action": form.action.data or None,
                           "from": form.date_from.data.isoformat() if form.date_from.data else None,
                           "to": form.date_to.data.isoformat() if form.date_to.data else None,
                           "person": person.id if person else None}
                return redirect(url_for("admin.audit", **{k: v for k, v in address.items() if v}), code=303)
        f = _audit_filters(request.args)
        status = 200 if wants_partial() else 422
    else:
        f = _audit_filters(request.args)
        form.user.data = str(f["user"] or "")
        form.action.data = f["action"]
        form.date_from.data, form.date_to.data = f["date_from"], f["date_to"]
        status = 200
    if f["person"]:
        person = db.session.scalar(scope_people(select(Person), current_user).where(Person.id == f["person"]))
        if person is None:
            abort(404)
        record("audit.person_trail", person, person_id=person.id, note="filter jejak audit")
    result = paginate(_audit_query(f), page_number(), PAGE_SIZE, AuditLog.id.desc())
    response = render_page_or_partial("admin/audit.html", "admin/_audit_rows.html", rows=result.rows,
                                      page=result.page, pages=result.pages, total=result.total, form=form,
                                      person=person, labels=audit_labels,
                                      person_nik=mask_nik(person.nik) if person else "",
                                      every_person_url=url_for("admin.audit", **{
                                          k: v for k, v in request.args.items() if k not in ("person", "page")}))
    db.session.commit()
    return response, status
