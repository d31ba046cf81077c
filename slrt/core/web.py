"""Cross-cutting web concerns: security headers, error pages, template globals."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from slrt.core import i18n
from slrt.core.htmx import wants_partial

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


class FormExpired(BadRequest):
    """A form post that lacks what every page of its form carries (the one-time form id): an old page or a
    script. Answered like an expired CSRF token: reload the page."""


class RowIdConverter(IntegerConverter):
    """`<int:...>` in routes: a row id, so at most 2^31 - 1 (MariaDB INT). A larger number is a 404,
    not an overflow in the database driver."""

    def __init__(self, map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def safe_local_url(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None: never `//evil`, a backslash, a scheme, or a URL
    with whitespace or control characters (browsers drop those and may read `/<tab>/evil` as `//evil`)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# Sixteen digits or more, however separated: a NIK or a KK number, which never belong in a URL.
_IDENTITY_NUMBER = re.compile(r"(?:\d[\s\-.%+]*){16}")


def return_path() -> str:
    """Where the language switch returns to: this page, when it is a local path answered by GET. A query
    string that looks like it carries a NIK or KK number is left off (the page itself never puts one there)."""
    path = request.full_path.rstrip("?")
    if request.method != "GET" or _IDENTITY_NUMBER.search(request.query_string.decode("latin-1")):
        path = request.path
    return safe_local_url(path) or "/"


def init_web(app: Flask) -> None:
    defaults = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
                ("Cross-Origin-Opener-Policy", "same-origin")]
    if app.config.get("PRODUCTION"):
        defaults.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def security_headers(response):
        # One look at the few headers a view set, rather than a search (and a KeyError) per header: this
        # runs on every response.
        headers = response.headers
        present = {key.lower() for key, _ in headers.items()}
        for key, value in defaults:
            if key.lower() not in present:
                headers.add(key, value)
        if "cache-control" not in present and request.endpoint != "static":
            # Pages carry personal data: never keep them in a shared or back-button cache.
            headers.add("Cache-Control", "no-store")
        return response

    def error_page(status: int, title: str, message: str):
        template = "errors/_error.html" if wants_partial() else "errors/error.html"
        response = make_response(render_template(template, status=status, title=title, message=message), status)
        response.headers.add("Vary", "HX-Request")
        return response

    @app.errorhandler(CSRFError)
    @app.errorhandler(FormExpired)
    def csrf_error(error):
        return error_page(400, _("Formulir kedaluwarsa"),
                          _("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi."))

    @app.errorhandler(400)
    def bad_request(error):
        return error_page(400, _("Permintaan tidak sah"), _("Permintaan tidak dapat diproses."))

    @app.errorhandler(403)
    def forbidden(error):
        return error_page(403, _("Akses ditolak"), _("Anda tidak berwenang membuka halaman ini."))

    @app.errorhandler(404)
    def not_found(error):
        return error_page(404, _("Tidak ditemukan"), _("Halaman atau data yang dicari tidak ada."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return error_page(405, _("Tidak diizinkan"), _("Cara membuka halaman ini tidak diizinkan."))

    @app.errorhandler(413)
    def too_large(error):
        return error_page(413, _("Berkas terlalu besar"), _("Berkas yang diunggah melebihi batas ukuran."))

    @app.errorhandler(429)
    def too_many(error):
        return error_page(429, _("Terlalu banyak percobaan"),
                          _("Terlalu banyak percobaan dalam waktu singkat. Tunggu beberapa menit lalu coba lagi."))

    @app.errorhandler(500)
    def server_error(error):
        from slrt.extensions import db
        db.session.rollback()
        return error_page(500, _("Terjadi kesalahan"),
                          _("Terjadi kesalahan pada server; data belum tersimpan. Kembali ke halaman sebelumnya "
                            "lalu coba lagi. Bila masih gagal, hubungi administrator."))

    register_template_globals(app)
    register_static_versions(app)


def register_static_versions(app: Flask) -> None:
    """Static URLs carry the file's modification time (?v=...), so browsers may keep them for a week
    and still fetch a new copy the moment an upgrade changes the file: fewer round trips on a slow line."""
    from pathlib import Path

    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 7 * 24 * 3600
    folder = Path(app.static_folder)

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            try:
                values["v"] = int((folder / values["filename"]).stat().st_mtime)
            except OSError:
                pass


def public_url(endpoint: str, _district: str | None = None, **values) -> str:
    """The address a citizen opens (the status page, a letter's verification): on the public host of
    `_district` (the case's or letter's district) when it has one, since its pages speak for it there; else
    under SLRT_PUBLIC_URL when it is set, since a printed QR code or an SMS must carry the public address
    whatever host the clerk used; else this request's own host. Outside a request and without SLRT_PUBLIC_URL
    there is none: ""."""
    base = (current_app.config.get("SLRT_PUBLIC_URL") or "").rstrip("/")
    host = _public_host(_district) if _district else ""
    if host:
        scheme = "http" if base.startswith("http://") else "https"  # plain http only where the install uses it
        return f"{scheme}://{host}" + current_app.url_map.bind("localhost").build(endpoint, values)
    if base:
        return base + current_app.url_map.bind("localhost").build(endpoint, values)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return ""


def _public_host(district: str) -> str:
    """The public host name of a hosted district ("" when it has none): asked of the lookup slrt.regions
    registers (`app.extensions["slrt_public_host"]`), since core imports no feature."""
    lookup = current_app.extensions.get("slrt_public_host")
    return lookup(district) if lookup is not None else ""


def name_in(code: str | None, names: dict) -> str:
    """A region's name from the name map the view passed (`{{ code|name_in(place_names) }}`); the code itself
    when the map has none. A filter over data: the template never asks the database."""
    return names.get(code) or code or "" if code else ""


def register_template_globals(app: Flask) -> None:
    from slrt.core.labels import LABELS
    from slrt.core.nik import mask_nik
    from slrt.core.permissions import can

    app.jinja_env.globals.update(can=can, label=LABELS.label, labels=LABELS)
    app.jinja_env.filters.update(
        long_date=i18n.long_date, long_datetime=i18n.long_datetime, short_date=i18n.short_date,
        mask_nik=mask_nik, name_in=name_in,
    )

    @app.context_processor
    def office():
        from flask_babel import get_locale
        return {"office_name": app.config["SLRT_OFFICE_NAME"], "district_name": app.config["SLRT_REGION_NAME"],
                "current_locale": str(get_locale() or "id"), "training_mode": bool(app.config.get("TRAINING")),
                "return_path": return_path() if has_request_context() else "/"}
