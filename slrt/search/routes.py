from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from slrt.admin.models import DocumentType
from slrt.audit.operations import record
from slrt.auth.permissions import permission_required
from slrt.cases.permissions import can_list_cases
from slrt.core import panels
from slrt.core.htmx import render_page_or_partial
from slrt.extensions import db
from slrt.regions import operations as regions
from slrt.search import queries
from slrt.search.forms import SearchForm

bp = Blueprint("search", __name__)


@bp.route("/cari", methods=["GET"])
@permission_required(can_list_cases)
def index():
    """The search page with an empty box (the header's box posts here). Terms are never read from the URL:
    a query string (typed by hand, an old bookmark) is dropped so a NIK does not stay in the address bar."""
    if request.args:
        return redirect(url_for("search.index"), code=303)
    return render_template("search/results.html", form=SearchForm(), result=None)


@bp.route("/cari", methods=["POST"])
@permission_required(can_list_cases)
def search():
    """Find cases of every status in the user's region by ticket, NIK, No. KK, phone or name. POST only:
    the term may be a NIK, which must not reach a URL or an access log. Each person found is audited."""
    form = SearchForm()
    result = None
    if form.validate_on_submit():
        result = queries.search(form.q.data, current_user)
        how = "+".join(result.kinds)
        for person in result.people:
            record("person.search", person, person_id=person.id, note=f"staff search by {how}")
    response = render_page_or_partial("search/results.html", "search/_results.html", form=form, result=result)
    db.session.commit()  # the audit rows, after rendering so the loaded rows are not expired and reread
    return response


@bp.route("/warga/<int:person_id>")
@permission_required(can_list_cases)
def person(person_id: int):
    """Everything the office knows of one person: visits and tickets, complaints, referrals and outcomes,
    registry status, household and documents (the view is audited)."""
    found = queries.person_for(person_id, current_user)
    if found is None:
        abort(404)
    person, cases = found
    record("person.view", person, person_id=person.id, note=f"person page, {len(cases)} kasus")
    documents = {d.code: d.name for d in db.session.scalars(select(DocumentType).order_by(DocumentType.sort_order))}
    page = render_template("search/person.html", person=person, cases=cases,
                           panels=panels.build("person", person, current_user),
                           referrals=queries.referrals_of(cases), documents=documents,
                           region_path=regions.path_names(person.region_code))
    db.session.commit()
    return page
