"""The back office's work on a case, posted from the handling section of the case page: take, hand over,
assessment and home visit, direct answers, closure, and the citizen's objection. The URLs stay under the
case (/kasus/<id>/...), as staff bookmarked them."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.audit.operations import record
from slrt.auth.models import User
from slrt.auth.permissions import permission_required
from slrt.cases.models import Case
from slrt.cases.permissions import can_handle_case, can_list_cases
from slrt.cases.queries import load_case, load_case_page
from slrt.core import refusals
from slrt.core.errors import DomainError
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.handling import operations, queries
from slrt.handling.forms import AnswerForm, AssessmentForm, AssignForm, CloseForm, ObjectionForm, TakeForm
from slrt.handling.permissions import can_assign_case, can_record_objection
from slrt.submissions import views as submissions

bp = Blueprint("handling", __name__, url_prefix="/kasus")


def _case_url(case: Case) -> str:
    return url_for("cases.detail", case_id=case.id, _anchor="penanganan")


def _carry_out(case: Case, form, action, success: str, *, given: dict | None = None):
    """Claim the form's one-time id and run the operation: commit and show the case page with `success`; or,
    refused (the form's own checks, or the domain's), the case page again with the form as typed and the
    message next to its field (`given`: where the handling panel shows this form). A repeated form: the
    first result."""
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            action()
        except DomainError as error:
            return _refused(case.id, form, error, given)
        url = _case_url(case)
        submissions.result_at(url)
        db.session.commit()
        flash(success, "success")
        return redirect(url, code=303)
    return _refused(case.id, form, None, given)


def _refused(case_id: int, form, error, given: dict | None):
    from slrt.cases.routes import case_page
    return refusals.refuse(lambda: case_page(load_case_page(case_id), given={"handling": given or {}}), form, error)


def _handled_case(case_id: int) -> Case:
    """The case, row-locked, if the user handles it."""
    return load_case(case_id, lock=True, permission=can_handle_case)


@bp.route("/<int:case_id>/ambil", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def take(case_id: int):
    """A back-office officer takes the case."""
    case = _handled_case(case_id)
    form = TakeForm()
    if not form.validate_on_submit():
        abort(400)
    return _carry_out(case, form, lambda: operations.take(case, current_user),
                      _("Kasus %(ticket)s sekarang Anda tangani.", ticket=case.ticket), given={"take_form": form})


@bp.route("/<int:case_id>/serahkan", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def assign(case_id: int):
    """A supervisor hands the case to a back-office officer."""
    case = load_case(case_id, lock=True, permission=can_assign_case)
    form = AssignForm()
    form.officer.choices = [(u.id, u.full_name) for u in queries.officers(case)]
    officer = db.session.get(User, form.officer.data) if form.officer.data else None
    return _carry_out(case, form, lambda: operations.assign(case, officer, current_user),
                      _("Kasus diserahkan ke %(name)s.", name=getattr(officer, "full_name", "")),
                      given={"assign_form": form})


@bp.route("/<int:case_id>/asesmen", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def assess(case_id: int):
    """Record the assessment (and the home visit, if one was made)."""
    case = _handled_case(case_id)
    form = AssessmentForm()
    form.facilitator.choices = [("", "—")] + [(u.id, u.full_name) for u in queries.facilitators(case)]
    facilitator = db.session.get(User, form.facilitator.data) if form.facilitator.data else None
    return _carry_out(case, form, lambda: operations.record_assessment(case, current_user, form.findings.data,
                                                                       form.visit_date.data, facilitator),
                      _("Asesmen tercatat."), given={"assessment_form": form})


@bp.route("/<int:case_id>/jawab", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def answer(case_id: int):
    """Answer a complaint directly (a question or a suggestion); the citizen sees the answer."""
    case = _handled_case(case_id)
    form = AnswerForm()
    complaint = next((k for k in case.complaints if str(k.id) == (form.complaint_id.data or "")), None)
    if complaint is None:
        abort(404)
    return _carry_out(case, form, lambda: operations.answer_complaint(complaint, current_user, form.answer.data),
                      _("Jawaban tercatat dan tampil di halaman status warga."),
                      given={"answer_form": form, "answer_for": complaint.id})


@bp.route("/<int:case_id>/tutup", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def close(case_id: int):
    """Close the case with a summary, once every complaint and referral has an outcome."""
    case = _handled_case(case_id)
    form = CloseForm()
    return _carry_out(case, form, lambda: operations.close(case, current_user, form.summary.data),
                      _("Kasus ditutup."), given={"close_form": form})


@bp.route("/<int:case_id>/keberatan", methods=["GET", "POST"])
@permission_required(can_list_cases)
@submissions.once
def objection(case_id: int):
    """Keberatan: a returning citizen's objection to a closed case, recorded at the counter or from a phone
    call by the front office, Puskesos, the back office or a supervisor, within the objection window: the case
    reopens through its transition table and the citizen's status page shows the step. The back office may
    also post it on a case still open, to be told why it cannot reopen."""
    posted = request.method == "POST"
    case = load_case(case_id, lock=posted, permission=lambda user, case: can_record_objection(user, case) or (
        posted and can_handle_case(user, case)))
    form = ObjectionForm()
    if not posted:
        record("person.view", case, person_id=case.person_id, note=f"objection form {case.ticket}")
        return _objection_page(case, form)
    if not form.validate():
        return refusals.refuse(lambda: _objection_page(db.session.get(Case, case_id), form), form)
    repeat = submissions.claim_once()
    if repeat is not None:
        return repeat
    try:
        operations.reopen_on_objection(case, current_user, form.reason.data, local_today())
    except DomainError as error:
        return refusals.refuse(lambda: _objection_page(db.session.get(Case, case_id), form), form, error)
    url = url_for("cases.detail", case_id=case.id)
    submissions.result_at(url)
    db.session.commit()
    flash(_("Keberatan tercatat; kasus %(ticket)s dibuka kembali dan diteruskan ke back office.",
            ticket=case.ticket), "success")
    return redirect(url, code=303)


def _objection_page(case: Case, form: ObjectionForm):
    """The objection page: the case's facts, the window, the form (as typed, when refused)."""
    facts = {"citizen": case.citizen.name, "complaints": [k.category.name for k in case.complaints],
             "deadline": operations.objection_deadline(case), "today": local_today()}
    db.session.commit()  # the view's audit row
    return render_template("handling/objection.html", form=form, case=case, **facts)


def objection_panel(case: Case, user) -> dict | None:
    """The case page's objection panel (slrt.core.panels), for whoever may record one on this closed case."""
    if not can_record_objection(user, case):
        return None
    return {"form": ObjectionForm(formdata=None), "today": local_today(),
            "deadline": operations.objection_deadline(case)}


def section(case: Case, user) -> dict:
    """The handling panel of the case page (slrt.core.panels): its forms, the referrals and the dates."""
    assign_form = AssignForm(formdata=None)
    assign_form.officer.choices = [(u.id, u.full_name) for u in queries.officers(case)]
    assessment_form = AssessmentForm(formdata=None)
    assessment_form.facilitator.choices = [("", "—")] + [(u.id, u.full_name) for u in queries.facilitators(case)]
    return {
        "take_form": TakeForm(formdata=None), "assign_form": assign_form, "assessment_form": assessment_form,
        "answer_form": AnswerForm(formdata=None), "answer_for": None, "close_form": CloseForm(formdata=None),
        "referrals": sorted(case.referrals, key=lambda r: r.id), "today": local_today(),
        "can_close": operations.has_every_outcome(case),
        "handling": case.status in operations.HANDLING, "may_handle": can_handle_case(user, case),
        "may_assign": can_assign_case(user, case),
    }
