"""The administrator's changes to the district: settings, the letterhead logo and the editable lists.
Every change is audited; nothing here commits."""
from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from slrt.admin import settings
from slrt.admin.models import Agency, ComplaintCategory, DocumentType, Programme
from slrt.audit.operations import record
from slrt.core.errors import DomainError
from slrt.extensions import db

LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}
# Anything that could make an SVG act rather than show (it is only ever shown as an image, but a logo has no
# business carrying any of this).
SVG_FORBIDDEN = re.compile(rb"<\s*script|<\s*foreignObject|<!ENTITY|<!DOCTYPE|javascript:|\son[a-z]+\s*=|"
                           rb"(?:xlink:)?href\s*=\s*[\"']\s*(?:https?:|//|data:text)", re.IGNORECASE)


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


def logo_kind(data: bytes) -> str | None:
    """png, jpg or svg judged by the bytes themselves (never by the file name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if re.search(rb"<svg[\s>]", head) and data.rstrip().endswith(b"</svg>"):
            return "svg"
    return None


def upload_dir() -> Path:
    return Path(current_app.config["SLRT_UPLOAD_DIR"])


def store_logo(data: bytes, actor) -> str:
    """Check and keep the letterhead logo under a random name; the setting points at it."""
    max_bytes = int(current_app.config.get("SLRT_LOGO_MAX_BYTES") or LOGO_MAX_BYTES)
    if not data:
        raise DomainError(_l("Berkas logo kosong."), field="logo")
    if len(data) > max_bytes:
        raise DomainError(gettext("Logo terlalu besar: paling besar %(kb)d KB.", kb=max_bytes // 1024), field="logo")
    kind = logo_kind(data)
    if kind is None:
        raise DomainError(_l("Logo harus berupa gambar PNG, JPEG atau SVG."), field="logo")
    if kind == "svg" and SVG_FORBIDDEN.search(data):
        raise DomainError(_l("Logo SVG ini memuat skrip atau tautan keluar; simpan ulang sebagai SVG biasa "
                             "atau PNG."), field="logo")
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"logo-{secrets.token_hex(16)}.{kind}"
    (directory / name).write_bytes(data)
    settings.put("letterhead_logo", name, actor)
    db.session.flush()
    return name


def remove_logo(actor) -> None:
    if settings.get("letterhead_logo"):
        settings.put("letterhead_logo", "", actor)
        db.session.flush()


def logo_path(name: str) -> Path | None:
    """The stored logo file, if `name` is one of ours and exists."""
    if not re.fullmatch(r"logo-[0-9a-f]{32}\.(png|jpg|svg)", name or ""):
        return None
    path = upload_dir() / name
    return path if path.is_file() else None


def discard_logo_file(name: str) -> None:
    """Delete a logo that no setting points at any more (after the commit that replaced it)."""
    path = logo_path(name)
    if path is not None and settings.get("letterhead_logo") != name:
        path.unlink(missing_ok=True)


# The editable lists -------------------------------------------------------------------------------------

LIST_MODELS = (Agency, Programme, ComplaintCategory, DocumentType)
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
