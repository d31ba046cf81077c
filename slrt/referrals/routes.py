"""Referral views: queues, one referral, drafting, sign-off, the letter, verification."""
from collections import defaultdict

import segno
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from slrt.admin import settings
from slrt.admin.letterhead import letterhead
from slrt.admin.models import Agency, DocumentType, Programme
from slrt.audit.operations import record
from slrt.auth.permissions import permission_required, require
from slrt.cases.permissions import can_handle_case, can_list_cases
from slrt.cases.models import Case, Complaint
from slrt.cases.queries import load_case
from slrt.core import panels, refusals
from slrt.core.db import read_only
from slrt.core.errors import DomainError
from slrt.core.htmx import render_fragment_or_redirect, render_page_or_partial
from slrt.core.labels import LABELS
from slrt.core.web import public_url
from slrt.core.time import local_today
from slrt.core import throttle
from slrt.extensions import db
from slrt.referrals import lateness, operations, queries
from slrt.referrals.forms import ActionForm, DecisionForm, QueueFilterForm, ReferralForm, ResponseForm
from slrt.referrals.models import AWAITING_AGENCY, Referral, ReferralStatus
from slrt.referrals.permissions import (can_edit_referral, can_list_referrals, can_print_letter, can_respond,
                                        can_sign_off, can_sign_off_any, can_use_agency_queue, can_use_referrals,
                                        can_view_overview, responds_on_behalf)
from slrt.referrals.verification import holder_of
from slrt.regions.districts import current_district, district_of_code, office_name
from slrt.submissions import views as submissions

bp = Blueprint("referrals", __name__)

PAGE_SIZE = 30
S = ReferralStatus


# ---- helpers -------------------------------------------------------------------------------------------

def _referral_page(referral: Referral):
    return redirect(_referral_url(referral), code=303)


def _carry_out(referral: Referral, form, form_name: str, action, success: str):
    """Claim the form's one-time id and run the operation: commit and show the referral with `success`; or,
    refused (the form's own checks or the domain's), the referral's page again with this form as typed
    (`form_name` in the page) and the message next to its field. A repeated form: the first result."""
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            action()
        except DomainError as error:
            return _refused(referral.id, form, form_name, error)
        url = _referral_url(referral)
        submissions.result_at(url)
        db.session.commit()
        flash(success, "success")
        return redirect(url, code=303)
    return _refused(referral.id, form, form_name, None)


def _refused(referral_id: int, form, form_name: str, error: DomainError | None):
    return refusals.refuse(lambda: referral_page(queries.load_referral(referral_id), **{form_name: form}), form, error)


def _referral_url(referral: Referral) -> str:
    return url_for("referrals.detail", referral_id=referral.id)


def _case_url(case: Case, anchor: str = "penanganan") -> str:
    return url_for("cases.detail", case_id=case.id, _anchor=anchor)


def _active_agencies():
    return db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.name)).all()


def _referral_form(case: Case, referral: Referral | None = None) -> ReferralForm:
    form = ReferralForm(obj=None)
    form.complaint.choices = [("", _("— tidak untuk keluhan tertentu —"))] + [
        (k.id, f"{k.category.name}: {k.description[:60]}") for k in case.complaints]
    form.agency.choices = [("", _("— pilih instansi —"))] + [(a.id, a.name) for a in _active_agencies()]
    documents = db.session.scalars(select(DocumentType).where(DocumentType.active.is_(True))
                                   .order_by(DocumentType.sort_order)).all()
    form.documents.choices = [(d.code, d.name) for d in documents]
    if request.method == "GET":
        if referral is not None:
            form.complaint.data, form.agency.data = referral.complaint_id, referral.agency_id
            form.programme.data, form.reason.data = referral.programme_id, referral.reason
            form.documents.data = [c for c in referral.documents.split(",") if c]
        else:
            form.documents.data = list(case.document_codes)
            wanted = request.args.get("complaint", type=int)
            if wanted and any(k.id == wanted for k in case.complaints):
                form.complaint.data = wanted
    form.programme.choices = programme_choices(form.agency.data)
    return form


def programme_choices(agency_id: int | None) -> list:
    """The programme select's options: the chosen agency's programmes (and general ones that name no agency);
    every active programme, with its agency's name, while no agency is chosen (a form without JavaScript)."""
    query = select(Programme).where(Programme.active.is_(True)).order_by(Programme.sort_order, Programme.name)
    if agency_id:
        query = query.where((Programme.agency_id == agency_id) | Programme.agency_id.is_(None))
    programmes = db.session.scalars(query).all()
    return [("", _("— pilih program / layanan —"))] + [
        (p.id, p.name + (f" ({p.agency.name})" if p.agency and not agency_id else "")) for p in programmes]


def _referral_choices(case: Case, form: ReferralForm) -> dict:
    agency = db.session.get(Agency, form.agency.data) if form.agency.data else None
    programme = db.session.get(Programme, form.programme.data) if form.programme.data else None
    complaint = db.session.get(Complaint, form.complaint.data) if form.complaint.data else None
    if programme is not None and agency is None:
        agency = programme.agency
    return {"agency": agency, "programme": programme, "complaint": complaint, "reason": form.reason.data or "",
            "documents": [c for c in (form.documents.data or []) if c]}


def _page(query, page: int):
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    rows = db.session.scalars(queries.with_rows_loaded(query).order_by(*queries.due_order()).limit(PAGE_SIZE)
                              .offset((page - 1) * PAGE_SIZE)).unique().all()
    return rows, total, page, pages


def _queue_filters(default: str, options: list[str]) -> QueueFilterForm:
    form = QueueFilterForm(request.args)
    names = {"open": _("Semua yang berjalan"), "action": _("Draf dan dikembalikan"),
             "signoff": _("Menunggu penetapan"), "agency": _("Menunggu instansi"), "late": _("Terlambat"),
             "ended": _("Sudah berakhir"), "all": _("Semua")}
    form.show.choices = [(o, names[o]) for o in options]
    if form.show.data not in options:
        form.show.data = default
    form.agency.choices = [("", _("Semua instansi"))] + [(a.id, a.name) for a in _active_agencies()]
    return form


def _queue(page_template: str, query, form: QueueFilterForm, endpoint: str, **extra):
    today = local_today()
    query = queries.apply_show(query, form.show.data, today)
    if form.agency.data:
        query = query.where(Referral.agency_id == form.agency.data)
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        number = 1
    rows, total, page, pages = _page(query, number)
    return render_page_or_partial(page_template, "referrals/_rows.html", form=form, referrals=rows, total=total,
                                  page=page, pages=pages, today=today, endpoint=endpoint,
                                  resubmitted=queries.changes_since_return(rows), **extra)


# ---- queues --------------------------------------------------------------------------------------------

@bp.route("/rujukan/")
@permission_required(can_list_referrals)
@read_only
def index():
    """The back office's referral queue: what is due and what is late, earliest due first."""
    form = _queue_filters("open", ["open", "action", "signoff", "agency", "late", "ended", "all"])
    return _queue("referrals/index.html", queries.visible_referrals(current_user), form, "referrals.index")


@bp.route("/rujukan/penetapan")
@permission_required(can_sign_off_any)
@read_only
def signoff_queue():
    """The signer's queue (penetapan layanan): referrals waiting for a decision."""
    form = _queue_filters("signoff", ["signoff", "late", "all"])
    query = queries.visible_referrals(current_user)
    if form.show.data == "late":
        query = query.where(Referral.status == S.PENDING_SIGNOFF)
    return _queue("referrals/signoff.html", query, form, "referrals.signoff_queue")


@bp.route("/rujukan/instansi")
@permission_required(can_use_agency_queue)
@read_only
def agency_queue():
    """The agency liaison's queue: referrals addressed to their agency."""
    form = _queue_filters("agency", ["agency", "late", "ended", "all"])
    return _queue("referrals/agency.html", queries.agency_referrals(current_user), form, "referrals.agency_queue",
                  agency=current_user.agency)


@bp.route("/rujukan/ikhtisar")
@permission_required(can_view_overview)
@read_only
def overview():
    """The supervisor's overview: late referrals by agency and by officer."""
    today = local_today()
    late = db.session.scalars(queries.with_rows_loaded(queries.visible_referrals(current_user))
                              .where(lateness.late_condition(today)).order_by(*queries.due_order())
                              .limit(2000)).unique().all()
    waiting = db.session.execute(
        queries.visible_referrals(current_user).with_only_columns(Referral.agency_id, func.count())
        .where(Referral.status.in_(sorted(AWAITING_AGENCY))).group_by(Referral.agency_id)).all()
    by_agency: dict = defaultdict(lambda: {"late": 0, "waiting": 0, "oldest": None, "name": ""})
    names = {a.id: a.name for a in db.session.scalars(select(Agency))}
    for agency_id, count in waiting:
        by_agency[agency_id]["waiting"] = count
        by_agency[agency_id]["name"] = names.get(agency_id, "")
    by_officer: dict = defaultdict(lambda: {"late": 0, "signoff": 0, "agency": 0, "name": ""})
    for referral in late:
        step = lateness.current_step(referral)
        if step == "response":
            row = by_agency[referral.agency_id]
            row["late"] += 1
            row["name"] = referral.agency.name
            due = lateness.due_date(referral)
            row["oldest"] = due if row["oldest"] is None or due < row["oldest"] else row["oldest"]
        officer = referral.case.assigned_to or referral.drafted_by
        slot = by_officer[officer.id]
        slot["name"] = officer.full_name
        slot["late"] += 1
        slot["signoff" if step == "signoff" else "agency"] += 1
    agencies = sorted(by_agency.values(), key=lambda r: (-r["late"], -r["waiting"], r["name"]))
    officers = sorted(by_officer.values(), key=lambda r: (-r["late"], r["name"]))
    resolved = db.session.scalars(queries.scope_cases(select(Case), current_user)
                                  .where(Case.status == "resolved").order_by(Case.resolved_at).limit(200)).all()
    autoclose = panels.by_name(panels.build("referral_overview", resolved, current_user)).get("handling", {})
    return render_template("referrals/overview.html", late=late, agencies=agencies, officers=officers,
                           resolved=resolved, today=today, deadlines=_district_deadlines(),
                           days_late={r.id: operations.working_days_late(r, today) for r in late},
                           autoclose_due=autoclose.get("autoclose_due", {}))


def _district_deadlines() -> dict:
    return {key: settings.get_int(key) for key in ("signoff_days", "response_days", "autoclose_days",
                                                   "objection_days")} | {"signoff_role": settings.get("signoff_role")}


# ---- one referral --------------------------------------------------------------------------------------

@bp.route("/rujukan/<int:referral_id>")
@permission_required(can_use_referrals)
def detail(referral_id: int):
    """One referral: its letter, decision, the agency's answer, and the actions the user may take."""
    return referral_page(queries.load_referral(referral_id))


def referral_page(referral: Referral, *, decision_form=None, response_form=None, action_form=None) -> str:
    """The referral's page (audited), with blank forms or a refused one as typed; its panels built before the
    commit."""
    record("person.view", referral.case, person_id=referral.case.person_id, note=f"referral {referral.id}")
    page = render_template("referrals/detail.html", referral=referral, case=referral.case,
                           decision_form=decision_form or DecisionForm(formdata=None),
                           response_form=response_form or _response_form(formdata=None),
                           action_form=action_form or ActionForm(formdata=None), today=local_today(),
                           on_behalf=responds_on_behalf(current_user, referral), documents=document_names(referral),
                           panels=panels.build("referral", referral, current_user),
                           resubmitted=queries.changes_since_return([referral]).get(referral.id))
    db.session.commit()
    return page


def _response_form(**kwargs) -> ResponseForm:
    form = ResponseForm(**kwargs)
    form.response.choices = LABELS.choices("AgencyResponse")
    return form


@bp.route("/kasus/<int:case_id>/rujukan/baru", methods=["GET", "POST"])
@permission_required(can_list_cases)
@submissions.once
def new(case_id: int):
    """Draft a referral for a case: agency, programme, reason and documents."""
    case = load_case(case_id, lock=request.method == "POST")
    require(can_handle_case, case)
    form = _referral_form(case)
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            referral = operations.draft(case, current_user, **_referral_choices(case, form))
        except DomainError as error:
            return refusals.refuse(lambda: _form_page(form, load_case(case_id), None), form, error)
        else:
            submissions.result_at(_referral_url(referral))
            db.session.commit()
            flash(_("Draf rujukan ke %(agency)s tersimpan. Ajukan untuk penetapan bila sudah lengkap.",
                    agency=referral.agency.name), "success")
            return _referral_page(referral)
    if form.is_submitted():  # the form's own checks refused it
        return refusals.refuse(lambda: _form_page(form, load_case(case_id), None), form)
    return _form_page(form, case, None)


def _form_page(form: ReferralForm, case: Case, referral: Referral | None) -> str:
    return render_template("referrals/form.html", form=form, case=case, referral=referral)


@bp.route("/rujukan/program-instansi")
@permission_required(can_list_cases)
@read_only
def programme_options():
    """The referral form's programme options for the chosen agency (the agency select's htmx endpoint)."""
    agency_id = request.args.get("agency", type=int)
    if agency_id is not None and not 0 < agency_id < 2**31:
        agency_id = None
    return render_fragment_or_redirect("referrals/_programme_options.html", url_for("shell.home"),
                                       choices=programme_choices(agency_id))


@bp.route("/rujukan/<int:referral_id>/ubah", methods=["GET", "POST"])
@permission_required(can_list_cases)
@submissions.once
def edit(referral_id: int):
    """Edit a draft or a returned referral."""
    referral = queries.load_referral(referral_id, lock=request.method == "POST")
    require(can_edit_referral, referral)
    form = _referral_form(referral.case, referral)
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.update_draft(referral, current_user, **_referral_choices(referral.case, form))
        except DomainError as error:
            return refusals.refuse(lambda: _edit_page(form, referral_id), form, error)
        else:
            submissions.result_at(_referral_url(referral))
            db.session.commit()
            flash(_("Perubahan rujukan tersimpan."), "success")
            return _referral_page(referral)
    if form.is_submitted():
        return refusals.refuse(lambda: _edit_page(form, referral_id), form)
    return _form_page(form, referral.case, referral)


def _edit_page(form: ReferralForm, referral_id: int) -> str:
    referral = queries.load_referral(referral_id)
    return _form_page(form, referral.case, referral)


@bp.route("/rujukan/<int:referral_id>/ajukan", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def submit(referral_id: int):
    """Send a draft to the sign-off queue."""
    referral = queries.load_referral(referral_id, lock=True)
    require(can_edit_referral, referral)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _carry_out(referral, form, "action_form", lambda: operations.submit(referral, current_user),
                      _("Rujukan diajukan untuk penetapan."))


@bp.route("/rujukan/<int:referral_id>/batalkan", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def cancel(referral_id: int):
    """Withdraw a draft before sign-off."""
    referral = queries.load_referral(referral_id, lock=True)
    require(can_edit_referral, referral)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    return _carry_out(referral, form, "action_form", lambda: operations.cancel(referral, current_user),
                      _("Rujukan dibatalkan."))


@bp.route("/rujukan/<int:referral_id>/putuskan", methods=["POST"])
@permission_required(can_sign_off_any)
@submissions.once
def decide(referral_id: int):
    """Sign-off: approve (the letter gets its number), return with a note, or reject with a reason."""
    referral = queries.load_referral(referral_id)
    require(can_sign_off, referral)
    form = DecisionForm()
    try:
        decision = ReferralStatus(form.decision.data)
    except ValueError:
        abort(400)
    messages = {S.APPROVED: _("Rujukan ditetapkan. Surat rujukan siap dicetak."),
                S.RETURNED: _("Rujukan dikembalikan ke back office."), S.REJECTED: _("Rujukan ditolak.")}
    return _carry_out(referral, form, "decision_form",
                      lambda: operations.decide(referral, current_user, decision, form.note.data or "", local_today()),
                      messages.get(decision, ""))


@bp.route("/rujukan/<int:referral_id>/tanggapan", methods=["POST"])
@permission_required(can_use_referrals)
@submissions.once
def respond(referral_id: int):
    """Record the agency's answer (by its liaison, or by the back office on its behalf)."""
    referral = queries.load_referral(referral_id, lock=True)
    require(can_respond, referral)
    form = _response_form()
    on_behalf = responds_on_behalf(current_user, referral)
    return _carry_out(referral, form, "response_form",
                      lambda: operations.respond(referral, current_user, ReferralStatus(form.response.data),
                                                 form.note.data or "", on_behalf=on_behalf, today=local_today()),
                      _("Tanggapan instansi tercatat."))


@bp.route("/rujukan/<int:referral_id>/surat")
@permission_required(can_use_referrals)
def letter(referral_id: int):
    """The printable A4 referral letter (surat rujukan) with the letterhead and the verification QR code."""
    referral = queries.load_referral(referral_id)
    require(can_print_letter, referral)
    url = public_url("referrals.verify", _district=district_of_code(referral.case.office_region_code),
                     code=referral.verification_code)
    qr_svg = segno.make(url, error="m").svg_inline(scale=3, border=1, omitsize=False)
    record("person.view", referral.case, person_id=referral.case.person_id, note=f"letter {referral.letter_number}")
    from slrt.regions import operations as regions
    page = render_template("referrals/letter.html", referral=referral, case=referral.case, person=referral.case.person,
                           qr_svg=qr_svg, verify_url=url, letterhead=letterhead(),
                           documents=document_names(referral), place=settings.place(),
                           panel_data=panels.by_name(panels.build("letter", referral, current_user)),
                           region_path=regions.path_names(referral.case.region_code))
    db.session.commit()
    return page


# ---- public verification -------------------------------------------------------------------------------

@bp.route("/verifikasi/<code>")
@read_only
def verify(code: str):
    """Public check that a letter is genuine: number, date, issuing office, receiving agency, status, and the
    holder's initials and NIK's last four digits to match it to the person presenting it."""
    checks = [throttle.per_address("SLRT_STATUS_LIMIT", "verify-address")]
    if throttle.blocked(checks):
        return render_template("referrals/verify.html", referral=None, throttled=True), 429
    clean = "".join(ch for ch in code.upper() if ch.isalnum())[:32]
    referral = db.session.scalar(select(Referral).where(Referral.verification_code == clean)) if clean else None
    if referral is None or referral.letter_number is None:
        if not throttle.count_failure(checks):  # raced past `blocked` with others: over the limit
            return render_template("referrals/verify.html", referral=None, throttled=True), 429
        return render_template("referrals/verify.html", referral=None, throttled=False), 404
    # The office that issued the letter (its case's district), whichever district's host the page is opened on.
    issuer = office_name(district_of_code(referral.case.office_region_code) or current_district())
    return render_template("referrals/verify.html", referral=referral, throttled=False,
                           holder=holder_of(referral.case.person), issuer=issuer)


def document_names(referral: Referral) -> str:
    """The referral's checked documents by their names in the district's list (codes kept if unknown)."""
    codes = [c for c in referral.documents.split(",") if c]
    if not codes:
        return ""
    names = dict(db.session.execute(select(DocumentType.code, DocumentType.name)
                                    .where(DocumentType.code.in_(codes))).all())
    return ", ".join(names.get(code, code) for code in codes)
