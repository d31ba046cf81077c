"""/api/v1: JSON for other systems. Each view declares itself with @endpoint (permission and schemas, from
which the OpenAPI document is made), and loads and changes data through the loaders and operations the
HTML views use, as the client's service account (slrt.api.auth)."""
from __future__ import annotations

import hashlib
import json
import re

from flask import Blueprint, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_etags

from slrt.api import changes, spec
from slrt.api.models import ApiPermission
from slrt.api.problems import ApiProblem, from_http_exception, problem_response, server_error
from slrt.api.schemas import (AggregatesQuery, Aggregates, AnswerIn, CaseCreated, CaseIn, CasePage, CaseStatusOut,
                              ChangesQuery, ReferralOut, ReferralPage, RegistryIn, RegistryOut)
from slrt.cases.models import Case
from slrt.cases.permissions import can_view_case
from slrt.cases.scoping import visible_cases
from slrt.core.errors import DomainError
from slrt.core.labels import LABELS
from slrt.core.time import local_today
from slrt.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

P = ApiPermission


@bp.after_request
def _audit(response):
    from slrt.api.auth import audit_call
    return audit_call(response)


@bp.errorhandler(ApiProblem)
def _problem(problem: ApiProblem):
    db.session.rollback()
    return problem_response(problem)


def _http_error(error: HTTPException):
    db.session.rollback()
    return from_http_exception(error)


# By code, so they come before the app's own pages for these codes (Flask looks for a handler of the code
# first, in the blueprint and then the app, and only then for one of the class).
for _code in (400, 403, 404, 405, 413, 415, 429):
    bp.register_error_handler(_code, _http_error)
bp.register_error_handler(HTTPException, _http_error)


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    db.session.rollback()
    current_app.logger.exception("API call failed: %s %s", request.method, request.path)
    return server_error()


def _json(schema, data, *, status: int = 200, conditional: bool = False, headers: dict | None = None):
    """The body through its schema; with `conditional`, an ETag and a 304 for a matching If-None-Match."""
    text = json.dumps(schema().dump(data), ensure_ascii=False, sort_keys=True, default=str)
    response = current_app.response_class(text, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if conditional:
        etag = hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, no-cache"  # keep it, but ask again each time
        sent = _etags_sent()
        if etag in sent or "*" in sent:
            not_modified = current_app.response_class(status=304)
            not_modified.headers.update({"ETag": response.headers["ETag"], "Cache-Control": "private, no-cache"})
            return not_modified
    return response


_ENCODED = re.compile(r":(gzip|br|deflate|zstd)$")


def _etags_sent() -> set[str]:
    """If-None-Match, with the suffix the compression adds to a compressed answer's ETag ("…:gzip") taken
    off: the representation differs in its bytes only, so the client's copy is still current."""
    tags = parse_etags(request.headers.get("If-None-Match"))
    return {"*"} if tags.star_tag else {_ENCODED.sub("", tag) for tag in tags.as_set(include_weak=True)}


# ---- the document and its reference page ------------------------------------------------------------

@bp.route("/openapi.json")
@spec.endpoint(summary="OpenAPI", permission=None, responses={})
def openapi():
    """The OpenAPI 3.1 document, generated from the views and their schemas (public: no data in it)."""
    response = current_app.response_class(json.dumps(spec.build(current_app), ensure_ascii=False),
                                          mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/")
@spec.endpoint(summary="Reference", permission=None, responses={})
def reference():
    """The readable reference (Swagger UI, vendored), reading /api/v1/openapi.json (public, like it)."""
    return render_template("api/reference.html")


# ---- cases -------------------------------------------------------------------------------------------

@bp.route("/status/<ticket>")
@spec.endpoint(summary=_("Status kasus per tiket"), permission=P.READ_STATUS, conditional=True, tags=["Kasus"],
               description=_("Sama dengan halaman Cek Status tanpa tanggal lahir: status dan langkah-langkahnya, "
                             "tanpa data pribadi, untuk kasus di wilayah klien. Tiket yang tidak ada (atau di luar "
                             "wilayah klien) dihitung seperti di halaman itu; "
                             "terlalu banyak kegagalan membuat klien ditahan sementara (429)."),
               responses={200: (_("Status kasus."), CaseStatusOut), 304: (_("Tidak berubah sejak ETag itu."), None),
                          404: (_("Tiket tidak ditemukan."), None)})
def case_status(ticket: str):
    """A case's public status by ticket (the /status page's status-only view, throttled like it)."""
    from slrt.public import operations as public
    who = str(g.api_client.id)
    db.session.commit()  # the throttle reads and writes on its own connection (SQLite: one writer)
    if public.throttled(public.client_checks(who)):
        raise ApiProblem(429, _("Terlalu banyak tiket yang tidak ditemukan. Tunggu sepuluh menit lalu coba lagi."),
                         headers={"Retry-After": "600"})
    result = public.look_up(ticket[:40], None)
    if result is not None and not can_view_case(current_user, result.case):
        result = None  # another region's case: for this client, no such ticket
    if result is None:
        db.session.commit()
        if not public.count_failure(public.ticket_key(ticket[:40]), wrong_birth_date=False,
                                   source=public.client_checks(who)):
            raise ApiProblem(429, _("Terlalu banyak tiket yang tidak ditemukan. Tunggu sepuluh menit lalu coba "
                                    "lagi."), headers={"Retry-After": "600"})
        raise ApiProblem(404, _("Tiket tidak ditemukan."))
    case = result.case
    data = {"ticket": case.ticket, "status": case.status, "status_label": LABELS.label("CaseStatus", case.status),
            "registered_at": case.created_at, "closed_at": case.closed_at,
            "steps": [{"at": e.at, "kind": e.kind, "label": LABELS.label("EventKind", e.kind)}
                      for e in result.events]}
    return _json(CaseStatusOut, data, conditional=True)


@bp.route("/cases", methods=["POST"])
@spec.endpoint(summary=_("Daftarkan kasus dari kanal lain"), permission=P.CREATE_CASES, body=CaseIn,
               idempotent_key=True, tags=["Kasus"],
               description=_("Pemeriksaan sama dengan formulir loket (NIK, wilayah, daftar isian). Kasus "
                             "tercatat atas nama klien, kantor = wilayah klien."),
               responses={201: (_("Kasus terdaftar; tiketnya."), CaseCreated),
                          200: (_("Pengiriman ulang dengan Idempotency-Key yang sama: hasil pertama."), CaseCreated)})
def create_case():
    """Register a case from another channel, through the counter's form validation and intake operation."""
    from slrt.api import intake_bridge
    data = spec.body()
    form_id = _idempotency_form_id()
    if form_id is not None:
        earlier = _earlier(form_id)
        if earlier is not None:
            return earlier
    validation = intake_bridge.validate(data)
    if form_id is not None and _claim(form_id) is not None:
        return _earlier(form_id)
    from slrt.intake.operations import register_visit
    case = register_visit(validation.visit_data(), current_user)
    status_url = url_for("api.case_status", ticket=case.ticket)
    if form_id is not None:
        from slrt.submissions.operations import record_result
        record_result(form_id, status_url)
    db.session.commit()
    return _json(CaseCreated, {"ticket": case.ticket, "status": case.status, "status_url": status_url}, status=201,
                 headers={"Location": status_url})


def _idempotency_form_id() -> str | None:
    """The one-time form id for this client's Idempotency-Key (slrt.submissions keeps it with the forms')."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return None
    if len(key) > 200:
        raise ApiProblem(400, _("Idempotency-Key terlalu panjang (paling banyak 200 karakter)."))
    return hashlib.sha256(f"api:{g.api_client.id}:{key}".encode()).hexdigest()[:32]


def _claim(form_id: str):
    from slrt.submissions.operations import claim
    return claim(form_id, current_user, request.endpoint or "")


def _earlier(form_id: str):
    """The first answer to a repeated Idempotency-Key, or None when it is new."""
    from slrt.submissions.operations import earlier_submission
    earlier = earlier_submission(form_id)
    if earlier is None:
        return None
    if earlier.user_id != current_user.id or earlier.endpoint != request.endpoint:
        raise ApiProblem(422, _("Idempotency-Key ini sudah dipakai untuk panggilan lain."))
    db.session.rollback()
    if request.endpoint == "api.create_case":
        ticket = earlier.result_url.rsplit("/", 1)[-1]
        case = db.session.scalar(visible_cases(current_user).where(Case.ticket == ticket))
        if case is None:
            raise ApiProblem(404, _("Kasus dari panggilan pertama tidak ditemukan."))
        return _json(CaseCreated, {"ticket": case.ticket, "status": case.status, "status_url": earlier.result_url},
                     headers={"Idempotent-Replayed": "true"})
    referral_id = int(earlier.result_url.rsplit("/", 2)[-2])
    from slrt.referrals.queries import load_referral
    return _json(ReferralOut, _referral_out(load_referral(referral_id)), headers={"Idempotent-Replayed": "true"})


@bp.route("/cases/changes")
@spec.endpoint(summary=_("Kasus yang berubah sejak kursor"), permission=P.READ_STATUS, query=ChangesQuery,
               tags=["Kasus"], description=_("Urut dari perubahan terlama; tiap kasus muncul lagi setiap kali "
                                             "berubah. Simpan next_cursor dan panggil lagi dengannya. Perubahan "
                                             "beberapa detik terakhir menunggu halaman berikutnya (transaksi yang "
                                             "belum selesai)."),
               responses={200: (_("Satu halaman."), CasePage)})
def case_changes():
    """Cases of the client's region changed since the cursor (no personal data)."""
    args = spec.query()
    result = changes.page("case", visible_cases(current_user), Case, args.get("cursor", ""), args["limit"])
    return _json(CasePage, {"items": result.rows, "next_cursor": result.next_cursor, "has_more": result.has_more})


# ---- referrals ---------------------------------------------------------------------------------------

def _referral_out(referral) -> dict:
    return {"id": referral.id, "ticket": referral.case.ticket, "status": referral.status,
            "agency": referral.agency.code if referral.agency else "",
            "programme": referral.programme.code if referral.programme else None,
            "letter_number": referral.letter_number, "letter_date": referral.letter_date,
            "response_due": referral.response_due, "outcome": referral.outcome or "",
            "updated_at": referral.updated_at}


@bp.route("/referrals/changes")
@spec.endpoint(summary=_("Rujukan yang berubah sejak kursor"), permission=P.READ_STATUS, query=ChangesQuery,
               tags=["Rujukan"], description=_("Klien kantor: rujukan kasus di wilayahnya. Klien instansi: rujukan "
                                               "yang sudah ditetapkan untuk instansinya."),
               responses={200: (_("Satu halaman."), ReferralPage)})
def referral_changes():
    """Referrals changed since the cursor: the agency's own for an agency client, else the region's."""
    from slrt.referrals import queries
    from slrt.referrals.models import Referral
    from slrt.referrals.permissions import can_use_agency_queue
    args = spec.query()
    base = queries.agency_referrals(current_user) if can_use_agency_queue(current_user) \
        else queries.visible_referrals(current_user)
    from sqlalchemy.orm import joinedload, lazyload, selectinload
    loaded = [selectinload(Referral.case).lazyload("*"), joinedload(Referral.agency), joinedload(Referral.programme),
              lazyload("*")]
    result = changes.page("referral", base, Referral, args.get("cursor", ""), args["limit"], options=loaded)
    return _json(ReferralPage, {"items": [_referral_out(r) for r in result.rows], "next_cursor": result.next_cursor,
                                "has_more": result.has_more})


@bp.route("/referrals/<int:referral_id>/answer", methods=["POST"])
@spec.endpoint(summary=_("Jawaban instansi atas rujukan"), permission=P.ANSWER_REFERRALS, body=AnswerIn,
               idempotent_key=True, tags=["Rujukan"],
               description=_("Diterima, perlu dokumen, selesai dengan hasil, atau ditolak dengan alasan; sama "
                             "dengan isian petugas penghubung instansi."),
               responses={200: (_("Rujukan sesudah jawaban."), ReferralOut),
                          404: (_("Rujukan tidak ada atau bukan untuk instansi klien."), None),
                          409: (_("Status rujukan tidak mengizinkan jawaban ini (mis. sudah dijawab)."), None)})
def answer_referral(referral_id: int):
    """The agency's answer to one of its referrals, through the referral operations (row lock, one transition)."""
    from slrt.referrals import operations
    from slrt.referrals.permissions import can_respond, is_liaison_of
    from slrt.referrals.queries import load_referral
    from slrt.core.errors import TransitionError
    data = spec.body()
    form_id = _idempotency_form_id()
    if form_id is not None:
        earlier = _earlier(form_id)
        if earlier is not None:
            return earlier
    referral = load_referral(referral_id, lock=True, permission=is_liaison_of)
    if not can_respond(current_user, referral):
        raise ApiProblem(403, _("Klien ini tidak berwenang atas rujukan ini."))
    if form_id is not None and _claim(form_id) is not None:
        return _earlier(form_id)
    try:
        operations.respond(referral, current_user, data["response"], data["note"], on_behalf=False,
                           today=local_today())
    except TransitionError as error:
        raise ApiProblem(409, error.message) from None
    except DomainError as error:
        raise ApiProblem(422, error.message, errors={error.field: [error.message]} if error.field else None) from None
    if form_id is not None:
        from slrt.submissions.operations import record_result
        record_result(form_id, url_for("api.answer_referral", referral_id=referral.id))
    db.session.commit()
    return _json(ReferralOut, _referral_out(referral))


# ---- aggregates --------------------------------------------------------------------------------------

@bp.route("/aggregates")
@spec.endpoint(summary=_("Angka rekap dasbor"), permission=P.READ_AGGREGATES, query=AggregatesQuery,
               conditional=True, tags=["Rekap"], description=_("Angka yang sama dengan dasbor laporan, untuk "
                                                               "wilayah klien (atau wilayah di bawahnya)."),
               responses={200: (_("Angka rekap."), Aggregates), 304: (_("Tidak berubah sejak ETag itu."), None)})
def aggregates():
    """The dashboard's figures (slrt.reports.figures) for the client's region."""
    from slrt.api.figures import aggregates_of
    args = spec.query()
    return _json(Aggregates, aggregates_of(args, current_user), conditional=True)


# ---- registry ----------------------------------------------------------------------------------------

@bp.route("/registry/status", methods=["POST"])
@spec.endpoint(summary=_("Status registri (DTSEN) sebuah NIK"), permission=P.READ_REGISTRY, body=RegistryIn,
               tags=["Registri"], description=_("NIK dikirim di badan permintaan, tidak pernah di alamat. Orang di "
                                                "luar wilayah klien dijawab seperti NIK yang tidak terdaftar. "
                                                "Setiap pembacaan dicatat sebagai akses data pribadi."),
               responses={200: (_("Status registri."), RegistryOut)})
def registry_status():
    """Registered or not, the decile and the programmes of a NIK in the newest extract (scoped and audited)."""
    from slrt.audit.operations import record
    from slrt.core.nik import check_nik, mask_nik
    from slrt.registry import lookup
    from slrt.registry.permissions import can_see_household
    from slrt.regions import operations as regions
    data = spec.body()
    check = check_nik(data["nik"], regions.region_index)
    if not check.valid:
        raise ApiProblem(422, _("NIK tidak sah."), errors={"nik": [str(e) for e in check.errors]})
    person = lookup.person_by_nik(check.nik)
    if person is None or not can_see_household(current_user, person.region_code):
        record("registry.check", None, note=f"API: NIK {mask_nik(check.nik)} tidak terdaftar di wilayah klien")
        db.session.commit()
        return _json(RegistryOut, {"registered": False, "decile": None, "programmes": [], "extract_date": None})
    source = lookup.visible_imports().get(person.import_id)
    record("registry.view", person, note=f"API status registri NIK {mask_nik(check.nik)}")
    out = {"registered": True, "decile": person.decile, "programmes": person.programmes(),
           "extract_date": source.extract_date if source else None}
    db.session.commit()
    return _json(RegistryOut, out)
