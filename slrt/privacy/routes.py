"""Thin views of the personal-data duties. A NIK is typed into a POST form; it never appears in a URL."""
from __future__ import annotations

from datetime import timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.audit.operations import record
from slrt.auth.permissions import permission_required, require
from slrt.cases.permissions import can_list_cases, can_view_case
from slrt.cases.models import Case
from slrt.core import refusals
from slrt.core.downloads import send_download
from slrt.core.errors import DomainError
from slrt.core.nik import normalize
from slrt.core.spreadsheets import CSV_MIME, Literal, csv_text
from slrt.core.time import local_zone, utcnow
from slrt.extensions import db
from slrt.admin.letterhead import letterhead
from slrt.privacy import operations, queries
from slrt.privacy.forms import BreachScopeForm, DecisionForm, SubjectAccessForm
from slrt.privacy.models import CorrectionRequest
from slrt.privacy.pdf import subject_access_pdf
from slrt.submissions import views as submissions
from slrt.privacy.permissions import (can_decide_correction, can_list_corrections, can_request_correction,
                                      can_run_breach_scope, can_run_subject_access,
                                      can_take_corrections)

bp = Blueprint("privacy", __name__, url_prefix="/pelindungan-data")


@bp.route("/")
@permission_required(can_run_subject_access)
def index():
    """The data-protection officer's page: the subject-access form and the breach-scope link."""
    return render_template("privacy/index.html", form=SubjectAccessForm())


def _subject_from(form: SubjectAccessForm):
    """The subject of the typed NIK, or None with the reason on the form."""
    if not form.validate_on_submit():
        return None
    nik = normalize(form.nik.data)
    if not (len(nik) == 16 and nik.isdigit()):
        form.nik.errors.append(_("NIK terdiri dari 16 angka."))
        return None
    subject = queries.subject_for(nik, current_user)
    if subject is None or not subject.found:
        # The same words whether the NIK is unknown or outside the user's area: the form is no oracle.
        form.nik.errors.append(_("Tidak ada data tentang NIK ini di wilayah Anda."))
        return None
    return queries.build_report(subject)


@bp.route("/akses-subjek", methods=["POST"])
@permission_required(can_run_subject_access)
def subject_access():
    """Everything held about a NIK and who processed it, as a page (running it is audited)."""
    form = SubjectAccessForm()
    subject = _subject_from(form)
    if subject is None:  # the reason is on the form, next to the NIK
        return refusals.refuse(lambda: render_template("privacy/index.html", form=form))
    operations.record_subject_access(subject, current_user, pdf=False)
    page = render_template("privacy/subject_access.html", subject=subject, form=form, made_at=utcnow())
    db.session.commit()
    return page


@bp.route("/akses-subjek/pdf", methods=["POST"])
@permission_required(can_run_subject_access)
def subject_access_download():
    """The same report as a PDF to print and hand to the citizen (audited as an export)."""
    form = SubjectAccessForm()
    subject = _subject_from(form)
    if subject is None:  # the reason is on the form, next to the NIK
        return refusals.refuse(lambda: render_template("privacy/index.html", form=form))
    body = subject_access_pdf(subject, letterhead(), utcnow(), current_user.full_name)
    person = subject.person
    return send_download(body, filename="laporan-data-pribadi.pdf", mimetype="application/pdf",
                         audit="privacy.subject_access_pdf", obj=person,
                         person_id=person.id if person else None,
                         note="" if person else "hanya registri")


# ---- breach scope -------------------------------------------------------------------------------------------

def _breach_form():
    form = BreachScopeForm(request.args, meta={"csrf": False})
    accounts = queries.accounts_for(current_user)
    form.account.choices = [("", _("— pilih akun —"))] + [(str(u.id), f"{u.full_name} ({u.username})")
                                                          for u in accounts]
    return form, {u.id: u for u in accounts}


def _scope_from(form, accounts):
    if not request.args or not form.validate():
        return None
    account = accounts.get(int(form.account.data)) if (form.account.data or "").isdigit() else None
    if account is None:
        form.account.errors.append(_("Pilih akun yang diperiksa."))
        return None
    zone = local_zone()
    start = form.start.data.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    end = form.end.data.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)
    if end <= start:
        form.end.errors.append(_("Waktu selesai harus sesudah waktu mulai."))
        return None
    if end - start > timedelta(days=366):
        form.end.errors.append(_("Rentang waktu paling lama satu tahun."))
        return None
    return queries.breach_scope(account, start, end, current_user)


@bp.route("/cakupan-kebocoran")
@permission_required(can_run_breach_scope)
def breach_scope():
    """Which persons an account viewed, exported or changed in a time window (for the 3x24-hour notice)."""
    form, accounts = _breach_form()
    scope = _scope_from(form, accounts)
    if scope is not None:
        for row in scope.people:  # the list itself shows these persons' data
            record("privacy.breach_scope", row.person, person_id=row.person.id,
                   note=f"akun {scope.account.username}")
    page = render_template("privacy/breach_scope.html", form=form, scope=scope)
    db.session.commit()
    return page


@bp.route("/cakupan-kebocoran.csv")
@permission_required(can_run_breach_scope)
def breach_scope_csv():
    """The same list as CSV (formula-safe), each person's export audited."""
    form, accounts = _breach_form()
    scope = _scope_from(form, accounts)
    if scope is None:
        return redirect(url_for("privacy.breach_scope", **request.args), code=303)
    rows = [[_("Nama"), _("NIK"), _("Nomor HP"), _("Kode wilayah"), _("Dilihat"), _("Diekspor"), _("Diubah"),
             _("Pertama"), _("Terakhir")]]
    for r in scope.people:
        rows.append([r.person.name, r.person.nik, r.person.phone, r.person.region_code, r.views, r.exports,
                     r.changes, Literal(queries.when(r.first)), Literal(queries.when(r.last))])
        record("privacy.breach_scope_export", r.person, person_id=r.person.id,
               note=f"akun {scope.account.username}")
    return send_download(csv_text(rows).encode("utf-8"), filename="cakupan-kebocoran.csv", mimetype=CSV_MIME,
                         audit=None)


@bp.route("/cakupan-ekspor")
@permission_required(can_run_breach_scope)
def export_scope():
    """The persons one export named (its audit row's number, from the breach-scope page or the trail)."""
    raw = (request.args.get("baris") or "").strip()
    log, people = (None, [])
    error = None
    if raw:
        log, people = queries.export_rows(int(raw), current_user) if raw.isdigit() and len(raw) < 12 else (None, [])
        if log is None:
            error = _("Baris jejak audit itu tidak ada atau bukan ekspor.")
        else:
            for person in people:
                record("privacy.breach_scope", person, person_id=person.id, note=f"ekspor #{log.id}")
    page = render_template("privacy/export_scope.html", raw=raw, log=log, people=people, error=error)
    db.session.commit()
    return page


# ---- corrections --------------------------------------------------------------------------------------------

def _case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        abort(404)
    require(can_request_correction, case)
    return case


@bp.route("/kasus/<int:case_id>/koreksi", methods=["GET", "POST"])
@permission_required(can_take_corrections)
@submissions.once
def correction_new(case_id: int):
    """The counter writes down a citizen's request to correct their data, with the evidence seen."""
    case = _case(case_id)
    form = queries.correction_form()
    if request.method == "GET":
        return _correction_new_page(case, form)
    if not form.validate_on_submit():
        return refusals.refuse(lambda: _correction_new_page(_case(case_id), form), form)
    repeat = submissions.claim_once()  # a double click records one request, not two
    if repeat is not None:
        return repeat
    try:
        operations.request_correction(case, form.field.data, form.new_value.data, form.evidence.data, current_user)
    except DomainError as error:
        return refusals.refuse(lambda: _correction_new_page(_case(case_id), form), form,
                               error if error.field else DomainError(error.message, "new_value"))
    url = url_for("cases.detail", case_id=case.id)
    submissions.result_at(url)
    db.session.commit()
    flash(_("Permintaan koreksi dicatat. Back office dinas akan memutuskannya."), "success")
    return redirect(url, code=303)


def _correction_new_page(case: Case, form) -> str:
    return render_template("privacy/correction_new.html", case=case, form=form)


@bp.route("/koreksi")
@permission_required(can_list_corrections)
def corrections():
    """Correction requests waiting for a decision, oldest first."""
    return render_template("privacy/corrections.html", requests=queries.pending_corrections(current_user))


def _correction(correction_id: int, lock: bool = False) -> CorrectionRequest:
    item = db.session.get(CorrectionRequest, correction_id, with_for_update=lock or None, populate_existing=lock)
    if item is None:
        abort(404)
    require(can_view_case, item.case)
    return item


@bp.route("/koreksi/<int:correction_id>", methods=["GET", "POST"])
@permission_required(can_list_cases)  # whoever sees the case sees its requests; deciding is checked below
def correction(correction_id: int):
    """One correction request; the back office accepts (old identity kept) or rejects, with a reason."""
    item = _correction(correction_id, lock=request.method == "POST")
    form = DecisionForm()
    if request.method == "GET":
        record("person.view", item.case, person_id=item.person_id, note=f"koreksi {item.id}")
        page = _correction_page(item, form)
        db.session.commit()
        return page
    require(can_decide_correction, item)
    if not (form.validate_on_submit() and (form.accept.data or form.reject.data)):
        return refusals.refuse(lambda: _correction_page(_correction(correction_id), form), form)
    try:
        if form.accept.data:
            operations.accept_correction(item, form.reason.data, current_user)
            message = _("Koreksi diterima; data lama tetap tersimpan sebagai riwayat.")
        else:
            operations.reject_correction(item, form.reason.data, current_user)
            message = _("Permintaan koreksi ditolak.")
    except DomainError as error:
        return refusals.refuse(lambda: _correction_page(_correction(correction_id), form), form,
                               DomainError(error.message, "reason"))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("cases.detail", case_id=item.case_id), code=303)


def _correction_page(item: CorrectionRequest, form) -> str:
    return render_template("privacy/correction.html", item=item, form=form,
                           may_decide=can_decide_correction(current_user, item))
