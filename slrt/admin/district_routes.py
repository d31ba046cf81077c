"""The district's settings (deadlines, sign-off, letters, letterhead, office hours) and its editable lists."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from slrt.admin import operations, settings
from slrt.admin.routes import bp
from slrt.admin.forms import AgencyForm, ConfirmForm, ListItemForm, ProgrammeForm, SettingsForm
from slrt.admin.letter_numbers import format_letter_number, next_sequence, pattern_errors
from slrt.admin.models import Agency, ComplaintCategory, DocumentType, Programme
from slrt.admin.permissions import can_manage_district, can_see_logo
from slrt.auth.models import Role
from slrt.auth.permissions import permission_required
from slrt.core import refusals
from slrt.core.db import read_only
from slrt.core.downloads import send_download
from slrt.core.errors import DomainError
from slrt.core.htmx import render_page_or_partial
from slrt.core.labels import LABELS
from slrt.core.time import local_today
from slrt.core.uploads import MIME_TYPES
from slrt.extensions import db
from slrt.regions.districts import current_district

SIGNING_ROLES = (Role.SUPERVISOR, Role.BACK_OFFICE, Role.ADMIN)
SETTING_FIELDS = ("signoff_days", "response_days", "autoclose_days", "objection_days", "signoff_role",
                  "letter_pattern", "letter_signer_name", "letter_signer_nip", "letter_signer_title",
                  "letter_place", "letterhead_lines", "letterhead_address", "letterhead_phone", "retention_case_months", "retention_attachment_months",
                  "retention_audit_months", "retention_registry_months", "field_expire_days", "privacy_contact",
                  "office_hours")


def _preview(pattern: str) -> dict:
    errors = pattern_errors(pattern)
    if errors:
        return {"number": None, "errors": errors}
    today = local_today()
    return {"number": format_letter_number(pattern, next_sequence(today.year, settings.district_code()), today),
            "errors": []}


def _value(form, name: str):
    value = getattr(form, name).data
    # A retention period (or the field devices' one) left empty (or not sent) stays as it was.
    kept = name.startswith("retention_") or name == "field_expire_days"
    return settings.get(name) if value is None and kept else value


@bp.route("/pengaturan", methods=["GET", "POST"])
@permission_required(can_manage_district)
def settings_page():
    """The district's settings: deadlines, who signs, letter numbers, signer and letterhead."""
    form = SettingsForm()
    form.signoff_role.choices = [(role.value, LABELS.label(Role, role)) for role in SIGNING_ROLES]
    if request.method == "GET":
        for name in SETTING_FIELDS:
            getattr(form, name).data = settings.get(name)
        form.letter_place.data = settings.place()  # the guess from the district's name until someone sets it
        form.two_factor_required.data = settings.get("two_factor_required") == "1"
    if request.method == "GET":
        return _settings_page(form)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _settings_page(form), form)
    old_logo = settings.get("letterhead_logo")
    try:
        operations.update_settings({**{name: _value(form, name) for name in SETTING_FIELDS},
                                    "two_factor_required": "1" if form.two_factor_required.data else "0"},
                                   current_user)
        upload = form.logo.data
        if upload is not None and getattr(upload, "filename", ""):
            operations.store_logo(upload, current_user)
        elif form.remove_logo.data:
            operations.remove_logo(current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _settings_page(form), form, DomainError(error.message,
                                                                                error.field or "letter_pattern"))
    db.session.commit()
    if old_logo and settings.get("letterhead_logo") != old_logo:
        operations.discard_logo_file(old_logo)
    flash(_("Pengaturan daerah sudah disimpan."), "success")
    return redirect(url_for("admin.settings_page"), code=303)


def _settings_page(form: SettingsForm) -> str:
    return render_template("admin/settings.html", form=form, logo=settings.get("letterhead_logo"),
                           preview=_preview(form.letter_pattern.data or ""),
                           server_office_hours=current_app.config.get("SLRT_OFFICE_HOURS") or "")


@bp.route("/pengaturan/pratinjau-nomor")
@read_only
@permission_required(can_manage_district)
def letter_preview():
    """The next letter number as the typed pattern would make it (live, while typing)."""
    pattern = (request.args.get("letter_pattern") or "")[:200]
    return render_page_or_partial("admin/letter_preview.html", "admin/_letter_preview.html",
                                  preview=_preview(pattern), pattern=pattern)


@bp.route("/logo")
@read_only
@permission_required(can_see_logo)
def logo():
    """The letterhead logo (for the settings page and printed letters)."""
    path = operations.logo_path(settings.get("letterhead_logo"))
    if path is None:
        abort(404)
    # The logo is nobody's personal data: no audit row
    response = send_download(path, filename=path.name, mimetype=MIME_TYPES[path.suffix[1:]], audit=None,
                             inline=True)
    # An SVG opened on its own must not run anything.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


# The editable lists -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ListKind:
    slug: str
    model: type
    form: type
    title: object
    add_label: object
    ordered: bool = True


KINDS = {k.slug: k for k in (
    ListKind("instansi", Agency, AgencyForm, _l("Instansi"), _l("Tambah instansi"), ordered=False),
    ListKind("program", Programme, ProgrammeForm, _l("Program dan layanan"), _l("Tambah program")),
    ListKind("kategori-pengaduan", ComplaintCategory, ListItemForm, _l("Kategori pengaduan"),
             _l("Tambah kategori")),
    ListKind("jenis-dokumen", DocumentType, ListItemForm, _l("Jenis dokumen"), _l("Tambah jenis dokumen")),
)}


def _kind(slug: str) -> ListKind:
    kind = KINDS.get(slug)
    if kind is None:
        abort(404)
    return kind


def _item(kind: ListKind, item_id: int):
    item = db.session.get(kind.model, item_id)
    # The query filter already hides other districts' entries; an entry already in the session is not reread.
    if item is None or item.district_code != current_district():
        abort(404)
    return item


def _form(kind: ListKind, item=None):
    form = kind.form(obj=item)
    if kind.model is Programme:
        agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()
        if item is not None and item.agency is not None and item.agency not in agencies:
            agencies.append(item.agency)
        form.agency_id.choices = [("", _("— tidak ada —"))] + [(str(a.id), a.name) for a in agencies]
        if request.method == "GET":
            form.agency_id.data = str(item.agency_id or "") if item is not None else ""
    if item is not None:
        form.code.render_kw = {**(form.code.render_kw or {}), "readonly": True}
    return form


def _values(kind: ListKind, form) -> dict:
    values = {"code": form.code.data, "name": form.name.data.strip()}
    if kind.ordered:
        values["sort_order"] = form.sort_order.data or 0
    if kind.model is Agency:
        values["address"] = (form.address.data or "").strip()
    if kind.model is Programme:
        values["agency_id"] = int(form.agency_id.data) if (form.agency_id.data or "").isdigit() else None
    return values


@bp.route("/daftar/", defaults={"slug": "instansi"})
@bp.route("/daftar/<slug>")
@read_only
@permission_required(can_manage_district)
def lists(slug: str):
    """One of the district's lists (agencies, programmes, complaint categories, document types)."""
    kind = _kind(slug)
    model = kind.model
    order = [model.active.desc()] + ([model.sort_order] if kind.ordered else []) + [model.name]
    rows = db.session.scalars(select(model).order_by(*order)).all()
    return render_template("admin/lists.html", kind=kind, kinds=KINDS.values(), rows=rows, confirm=ConfirmForm(),
                           Programme=Programme, Agency=Agency)


def _save(kind: ListKind, form, item=None):
    """Create or change the entry and commit; a refusal is raised as a DomainError naming its field."""
    try:
        if item is None:
            item = operations.create_item(kind.model, _values(kind, form), current_user)
        else:
            operations.update_item(item, _values(kind, form), current_user)
        db.session.commit()
    except DomainError as error:
        raise DomainError(error.message, error.field or "name") from error
    except IntegrityError as error:  # someone saved the same code a moment ago
        raise DomainError(_("Kode %(code)s sudah dipakai. Pilih kode lain.", code=form.code.data), "code") from error
    return item


def _list_form_page(kind: ListKind, form, item=None):
    return render_template("admin/list_form.html", kind=kind, form=form, item=item)


@bp.route("/daftar/<slug>/baru", methods=["GET", "POST"])
@permission_required(can_manage_district)
def list_new(slug: str):
    """Add an entry to a list."""
    kind = _kind(slug)
    form = _form(kind)
    if request.method == "GET" and kind.ordered:
        form.sort_order.data = (db.session.scalar(select(func.max(kind.model.sort_order))) or 0) + 1
    if request.method == "GET":
        return _list_form_page(kind, form)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _list_form_page(kind, form), form)
    try:
        item = _save(kind, form)
    except DomainError as error:
        return refusals.refuse(lambda: _list_form_page(kind, form), form, error)
    flash(_("%(name)s ditambahkan.", name=item.name), "success")
    return redirect(url_for("admin.lists", slug=kind.slug), code=303)


@bp.route("/daftar/<slug>/<int:item_id>", methods=["GET", "POST"])
@permission_required(can_manage_district)
def list_edit(slug: str, item_id: int):
    """Change an entry's name, address, default agency or order."""
    kind = _kind(slug)
    item = _item(kind, item_id)
    form = _form(kind, item)
    if request.method == "POST":
        form.code.data = item.code  # the code never changes: cases and referrals refer to it
    if request.method == "GET":
        return _list_form_page(kind, form, item)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _list_form_page(kind, form, _item(kind, item_id)), form)
    try:
        _save(kind, form, item)
    except DomainError as error:
        return refusals.refuse(lambda: _list_form_page(kind, form, _item(kind, item_id)), form, error)
    flash(_("%(name)s diperbarui.", name=item.name), "success")
    return redirect(url_for("admin.lists", slug=kind.slug), code=303)


@bp.route("/daftar/<slug>/<int:item_id>/aktif", methods=["POST"])
@permission_required(can_manage_district)
def list_toggle(slug: str, item_id: int):
    """Deactivate an entry (it stays on the records that use it) or activate it again."""
    kind = _kind(slug)
    item = _item(kind, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.set_item_active(item, not item.active, current_user)
    db.session.commit()
    flash(_("%(name)s diaktifkan kembali.", name=item.name) if item.active
          else _("%(name)s dinonaktifkan: tidak ditawarkan lagi di formulir, data lama tetap utuh.", name=item.name),
          "success")
    return redirect(url_for("admin.lists", slug=kind.slug), code=303)


_MISSING = {"letterhead_address": _l("alamat kantor"), "letterhead_phone": _l("telepon kantor"),
            "letterhead_logo": _l("logo"), "letter_signer_name": _l("nama penanda tangan surat")}


def letterhead_prompt() -> str:
    """For the administrator, on every page until it is done: what the letterhead and signature still lack
    (a new district prints letters with a bare letterhead and no signer otherwise). Empty for everyone else."""
    if not can_manage_district(current_user):
        return ""
    missing = settings.letterhead_missing()
    return ", ".join(str(_MISSING[key]) for key in missing)
