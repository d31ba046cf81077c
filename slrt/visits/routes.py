"""Home visits: the back office sends a facilitator (from the case page), the facilitator's own list, the
visit page where the facilitator writes down the findings, and the cancellation."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from slrt.audit.operations import record
from slrt.auth.models import User
from slrt.auth.permissions import permission_required, require
from slrt.cases.permissions import can_list_cases
from slrt.cases.queries import load_case
from slrt.core.errors import DomainError
from slrt.core.htmx import wants_partial
from slrt.core.time import local_today
from slrt.extensions import db
from slrt.intake.queries import choice_lists
from slrt.submissions import views as submissions
from slrt.visits import operations, queries
from slrt.visits.forms import AssignVisitForm, CancelVisitForm, FindingsForm
from slrt.visits.models import HOUSING, VisitStatus
from slrt.visits.panel import assign_form_for, housing_choices
from slrt.visits.permissions import can_assign_visit, can_cancel_visit, can_list_my_visits, can_record_visit

bp = Blueprint("visits", __name__)


def _refused_status() -> int:
    return 200 if wants_partial() else 422


def _case_page_again(case, **forms):
    """A refused form on the case page: the page again, with what was typed and the messages next to it."""
    db.session.rollback()
    for name, form in forms.items():
        setattr(g, name, form)
    from slrt.cases.queries import load_case_page
    from slrt.cases.routes import case_page
    return case_page(load_case_page(case.id), status=_refused_status())


@bp.route("/kasus/<int:case_id>/kunjungan-rumah", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def assign(case_id: int):
    """The back office sends a facilitator of the case's area on a home visit, with a due date."""
    case = load_case(case_id, lock=True)
    require(can_assign_visit, case)
    form = assign_form_for(case, AssignVisitForm())
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        facilitator = db.session.get(User, form.facilitator.data)
        try:
            operations.assign(case, facilitator, form.due_date.data, form.note.data or "", current_user,
                              local_today())
        except DomainError as error:
            getattr(form, error.field or "facilitator").errors.append(error.message)
        else:
            url = url_for("cases.detail", case_id=case.id, _anchor="kunjungan")
            submissions.result_at(url)
            db.session.commit()
            flash(_("Kunjungan rumah ditugaskan ke %(name)s.", name=facilitator.full_name), "success")
            return redirect(url, code=303)
    return _case_page_again(case, visit_assign_form=form)


@bp.route("/kunjungan/saya")
@permission_required(can_list_my_visits)
def mine():
    """Kunjungan saya: the facilitator's visits, late and due first, then those done."""
    today = local_today()
    visits = queries.my_visits(current_user)
    open_ = [v for v in visits if v.status == VisitStatus.ASSIGNED]
    return render_template("visits/mine.html", today=today,
                           late=[v for v in open_ if v.is_late(today)],
                           due=[v for v in open_ if not v.is_late(today)],
                           closed=[v for v in visits if v.status != VisitStatus.ASSIGNED])


def _findings_form(form: FindingsForm | None = None) -> FindingsForm:
    form = form or FindingsForm()
    for aspect, choices in housing_choices().items():
        getattr(form, aspect).choices = choices
    _categories, programmes, documents = choice_lists()
    form.needs.choices = [(p.id, p.name) for p in programmes]
    form.documents_seen.choices = [(d.code, d.name) for d in documents]
    return form


def _visit_page(visit, form, status: int = 200):
    case = visit.case
    record("person.view", case, person_id=case.person_id, note=f"home visit {visit.id} case {case.ticket}")
    _categories, programmes, documents = choice_lists()
    page = render_template("visits/detail.html", visit=visit, case=case, form=form, today=local_today(),
                           programme_names={p.id: p.name for p in programmes},
                           document_names={d.code: d.name for d in documents})
    db.session.commit()
    return page, status


@bp.route("/kunjungan/<int:visit_id>", methods=["GET", "POST"])
@permission_required(can_list_cases)
@submissions.once
def detail(visit_id: int):
    """The visit: what the facilitator needs at the door, and the form for the findings (the view is audited)."""
    if request.method == "GET":
        visit = queries.load_visit(visit_id)
        form = _findings_form(FindingsForm(formdata=None))
        form.visited_on.data = local_today()
        return _visit_page(visit, form)
    visit = queries.load_visit(visit_id, lock=True)
    require(can_record_visit, visit)
    form = _findings_form()
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        data = operations.Findings(
            visited_on=form.visited_on.data, findings=form.findings.data or "",
            recommendation=form.recommendation.data or "",
            housing={aspect: getattr(form, aspect).data or "" for aspect in HOUSING},
            needs=list(form.needs.data or []), documents_seen=list(form.documents_seen.data or []))
        try:
            operations.record_findings(visit, data, current_user, local_today())
        except DomainError as error:
            db.session.rollback()
            if error.field:
                getattr(form, error.field).errors.append(error.message)
            else:
                flash(error.message, "error")
            visit = queries.load_visit(visit_id)
        else:
            url = url_for("visits.detail", visit_id=visit.id)
            submissions.result_at(url)
            db.session.commit()
            flash(_("Hasil kunjungan tercatat dan masuk ke asesmen kasus %(ticket)s.", ticket=visit.case.ticket),
                  "success")
            return redirect(url, code=303)
    return _visit_page(visit, form, _refused_status())


@bp.route("/kunjungan/<int:visit_id>/batal", methods=["POST"])
@permission_required(can_list_cases)
@submissions.once
def cancel(visit_id: int):
    """The back office calls a visit off, with a reason."""
    visit = queries.load_visit(visit_id, lock=True)
    require(can_cancel_visit, visit)
    form = CancelVisitForm()
    if form.validate_on_submit():
        repeat = submissions.claim_once()
        if repeat is not None:
            return repeat
        try:
            operations.cancel(visit, form.reason.data, current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            url = url_for("cases.detail", case_id=visit.case_id, _anchor="kunjungan")
            submissions.result_at(url)
            db.session.commit()
            flash(_("Kunjungan rumah dibatalkan."), "success")
            return redirect(url, code=303)
    return _case_page_again(visit.case, visit_cancel_forms={visit.id: form})
