"""The administrator's changes to the district: settings, the letterhead logo and the editable lists.
Every change is audited; nothing here commits."""
from __future__ import annotations

from pathlib import Path

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from slrt.admin import settings
from slrt.admin.models import LIST_MODELS, Agency, ComplaintCategory, DocumentType, Programme
from slrt.audit.operations import record
from slrt.core.errors import DomainError
from slrt.core.uploads import discard, save_upload, stored_path
from slrt.extensions import db

def update_settings(values: dict[str, str], actor) -> list[str]:
    """Store the settings that changed (each change is one audited settings.put). Returns the changed keys."""
    changed = []
    for key, value in values.items():
        if key not in settings.DEFAULTS:
            raise KeyError(key)
        value = "" if value is None else str(value).strip()
        if settings.get(key) != value:
            settings.put(key, value, actor)
            changed.append(key)
    db.session.flush()
    return changed


def store_logo(upload, actor) -> str:
    """Keep the letterhead logo (checked by its content, under a random name); the setting points at it."""
    stored = save_upload(upload, "logo", field="logo")
    settings.put("letterhead_logo", stored.name, actor)
    db.session.flush()
    return stored.name


def remove_logo(actor) -> None:
    if settings.get("letterhead_logo"):
        settings.put("letterhead_logo", "", actor)
        db.session.flush()


def logo_file_names() -> list[str]:
    """Every district's letterhead logo (see slrt.core.orphans: a file a row names is never removed)."""
    from slrt.admin.models import Setting
    return list(db.session.scalars(select(Setting.value).where(Setting.key == "letterhead_logo",
                                                               Setting.value != "")))


def logo_path(name: str) -> Path | None:
    """The stored logo file, if `name` is one of ours and exists."""
    return stored_path("logo", name)


def discard_logo_file(name: str) -> None:
    """Delete a logo that no setting points at any more (after the commit that replaced it)."""
    if settings.get("letterhead_logo") != name:
        discard("logo", name)


# The editable lists -------------------------------------------------------------------------------------

AUDIT_NAMES = {Agency: "agency", Programme: "programme", ComplaintCategory: "complaint_category",
               DocumentType: "document_type"}


def _check_code(model, code: str, item=None) -> None:
    other = db.session.scalar(select(model).where(func.upper(model.code) == code.upper()))
    if other is not None and other is not item:
        raise DomainError(gettext("Kode %(code)s sudah dipakai oleh \u201c%(name)s\u201d. Pilih kode lain.",
                                  code=code, name=other.name), field="code")


def _describe(item) -> str:
    fields = ["code", "name", "address", "agency_id", "sort_order", "active"]
    return " ".join(f"{f}={getattr(item, f)}" for f in fields if hasattr(item, f))


def create_item(model, values: dict, actor):
    """Add an entry to one of the district's lists (agencies, programmes, categories, document types)."""
    if model not in LIST_MODELS:
        raise KeyError(model)
    code = values["code"].strip().upper()
    _check_code(model, code)
    item = model(**{**values, "code": code, "active": True})
    db.session.add(item)
    db.session.flush()
    record(f"{AUDIT_NAMES[model]}.create", item, note=_describe(item), user=actor)
    return item


def update_item(item, values: dict, actor) -> None:
    """Change an entry's name, address, default agency or order. The code stays: data refers to it."""
    values = {k: v for k, v in values.items() if k != "code"}
    before = _describe(item)
    for key, value in values.items():
        setattr(item, key, value)
    db.session.flush()
    after = _describe(item)
    if after != before:
        record(f"{AUDIT_NAMES[type(item)]}.update", item, note=f"{before} -> {after}", user=actor)


def set_item_active(item, active: bool, actor) -> None:
    """Deactivate (no longer offered in forms; what refers to it keeps it) or activate again. Never delete."""
    if item.active == active:
        return
    item.active = active
    db.session.flush()
    record(f"{AUDIT_NAMES[type(item)]}.{'activate' if active else 'deactivate'}", item,
           note=f"code={item.code}", user=actor)
