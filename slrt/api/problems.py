"""Errors as RFC 9457 problem details (`application/problem+json`), with the detail in Bahasa Indonesia."""
from __future__ import annotations

import json

from flask import Response, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"


class ApiProblem(Exception):
    """Raised by an API view or hook: answered as a problem document."""

    def __init__(self, status: int, detail: str, *, errors: dict | None = None, warnings: list | None = None,
                 headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail = status, str(detail)
        self.errors, self.warnings, self.headers = errors, warnings, headers or {}


def _titles() -> dict[int, str]:
    return {400: _("Permintaan tidak sah"), 401: _("Token tidak sah"), 403: _("Tidak berwenang"),
            404: _("Tidak ditemukan"), 405: _("Cara pemanggilan tidak diizinkan"), 409: _("Bertabrakan"),
            413: _("Permintaan terlalu besar"), 415: _("Jenis isi tidak didukung"),
            422: _("Isian tidak dapat diproses"), 429: _("Terlalu banyak panggilan"), 500: _("Kesalahan server")}


def problem_response(problem: ApiProblem) -> Response:
    body = {"type": "about:blank", "title": _titles().get(problem.status, _("Kesalahan")),
            "status": problem.status, "detail": problem.detail, "instance": request.path}
    if problem.errors:
        body["errors"] = problem.errors
    if problem.warnings:
        body["warnings"] = problem.warnings
    response = Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=PROBLEM_JSON)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def from_http_exception(error: HTTPException) -> Response:
    """Aborts inside the API (a loader's 404 or 403, a malformed body's 400) as problem documents."""
    details = {400: _("Permintaan tidak dapat dibaca."), 403: _("Klien ini tidak berwenang atas data tersebut."),
               404: _("Data yang dicari tidak ada atau di luar wilayah klien."),
               405: _("Cara pemanggilan ini tidak diizinkan."), 413: _("Badan permintaan terlalu besar."),
               415: _("Kirim badan permintaan sebagai application/json.")}
    status = error.code or 500
    return problem_response(ApiProblem(status, details.get(status, _("Permintaan tidak dapat diproses."))))


def server_error() -> Response:
    return problem_response(ApiProblem(500, _("Terjadi kesalahan pada server; tidak ada yang tersimpan. Coba lagi.")))
