"""The OpenAPI 3.1 document, generated from the code with apispec: every API view declares, with
`@endpoint`, its permission and the marshmallow schemas of what it takes and gives; the same declaration
checks the permission (slrt.api.auth) and reads the body (`body()`), so the document and the behaviour
cannot drift apart."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, g, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError

from slrt.api.models import ApiPermission
from slrt.api.problems import PROBLEM_JSON, ApiProblem
from slrt.api.schemas import Problem

API_TITLE = "SLRT Portal API"
API_VERSION = "1.0.0"


@dataclass
class Endpoint:
    summary: str
    permission: ApiPermission | None      # None: public (the document itself and its reference page)
    responses: dict[int, tuple[str, type[Schema] | None]]
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    description: str = ""
    tags: list[str] = field(default_factory=list)
    conditional: bool = False             # answers If-None-Match with 304
    idempotent_key: bool = False          # takes an Idempotency-Key header


def endpoint(**kwargs):
    """Declare an API view (see the module docstring)."""
    meta = Endpoint(**kwargs)

    def decorator(view):
        view._api = meta
        return view
    return decorator


def meta_of(view) -> Endpoint | None:
    return getattr(view, "_api", None)


def _load(schema: type[Schema], data, where: str):
    try:
        return schema().load(data)
    except ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {where: error.messages}
        raise ApiProblem(422, _("Periksa kembali isian yang ditandai."), errors=_flatten(messages)) from None


def _flatten(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"complaints.0.category": [...]}, in Indonesian."""
    out: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = [_indonesian(str(v)) for v in (value if isinstance(value, list) else [value])]
    return out


def _indonesian(message: str) -> str:
    known = {"Missing data for required field.": _("Wajib diisi."), "Not a valid string.": _("Harus berupa teks."),
             "Not a valid integer.": _("Harus berupa bilangan bulat."), "Not a valid date.": _("Tanggal tidak sah "
             "(format YYYY-MM-DD)."), "Not a valid boolean.": _("Harus true atau false."),
             "Not a valid list.": _("Harus berupa daftar."), "Field may not be null.": _("Tidak boleh kosong."),
             "Unknown field.": _("Isian tidak dikenal."), "Invalid input type.": _("Jenis isian tidak sah.")}
    if message in known:
        return known[message]
    if message.startswith("Must be one of"):
        return _("Pilihan tidak sah.")
    if message.startswith(("Length must be", "Shorter than", "Longer than")):
        return _("Panjang isian tidak sah.")
    if message.startswith("Must be greater than or equal") or message.startswith("Must be less than"):
        return _("Angka di luar batas.")
    if message.startswith("String does not match"):
        return _("Format tidak sah.")
    return message


def body() -> dict:
    """The request's JSON body, read with the view's body schema (a 422 problem when it does not fit)."""
    meta = meta_of(g.api_view)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiProblem(400, _("Badan permintaan harus berupa objek JSON."))
    return _load(meta.body, data, "body")


def query() -> dict:
    meta = meta_of(g.api_view)
    return _load(meta.query, request.args.to_dict(), "query")


_ARGUMENT = re.compile(r"<(?:(?P<converter>[a-z]+):)?(?P<name>[a-z_]+)>")


def _path_and_parameters(rule: str) -> tuple[str, list[dict]]:
    parameters = []
    for match in _ARGUMENT.finditer(rule):
        schema = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1} if match["converter"] == "int" \
            else {"type": "string", "minLength": 1, "maxLength": 40}
        parameters.append({"in": "path", "name": match["name"], "required": True, "schema": schema})
    return _ARGUMENT.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def build(app: Flask) -> dict:
    """The document for this app: its API rules, in URL order."""
    spec = APISpec(title=API_TITLE, version=API_VERSION, openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
                   info={"description": _("API portal SLRT/Puskesos. Setiap panggilan memakai token klien "
                                          "(Authorization: Bearer ...) dan dicatat di jejak audit atas nama "
                                          "klien. Kesalahan dijawab sebagai application/problem+json "
                                          "(RFC 9457).")},
                   servers=[{"url": "/"}])
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=Problem)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        meta = meta_of(app.view_functions.get(rule.endpoint))
        if meta is None or meta.permission is None:
            continue
        path, parameters = _path_and_parameters(rule.rule)
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0].lower()
        operation = {"operationId": rule.endpoint.removeprefix("api."), "summary": meta.summary,
                     "description": meta.description, "tags": meta.tags, "security": [{"token": []}],
                     "parameters": list(parameters), "responses": {}}
        if meta.query is not None:
            operation["parameters"].append({"in": "query", "schema": meta.query})
        if meta.idempotent_key:
            operation["parameters"].append({
                "in": "header", "name": "Idempotency-Key", "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": _("Kunci unik dari pemanggil: pengiriman ulang dengan kunci yang sama tidak "
                                 "mengubah apa pun lagi dan menjawab dengan hasil pertama.")})
        if meta.conditional:
            operation["parameters"].append({"in": "header", "name": "If-None-Match", "required": False,
                                            "schema": {"type": "string", "maxLength": 200}})
        if meta.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": meta.body}}}
        responses = dict(meta.responses)
        responses.setdefault(401, (_("Token tidak ada, tidak sah, dicabut atau kedaluwarsa."), None))
        responses.setdefault(403, (_("Klien tidak memiliki izin ini."), None))
        responses.setdefault(429, (_("Batas panggilan per menit terlampaui."), None))
        if meta.body is not None or meta.query is not None:
            responses.setdefault(400, (_("Badan permintaan bukan objek JSON."), None))
            responses.setdefault(422, (_("Isian tidak sah."), None))
        for status, (description, schema) in sorted(responses.items()):
            entry: dict = {"description": description}
            if status == 304:
                pass
            elif schema is not None:
                entry["content"] = {"application/json": {"schema": schema}}
                if meta.conditional and status == 200:
                    entry["headers"] = {"ETag": {"schema": {"type": "string"}}}
            else:
                entry["content"] = {PROBLEM_JSON: {"schema": "Problem"}}
            operation["responses"][str(status)] = entry
        spec.path(path=path, operations={method: operation})
    return spec.to_dict()
