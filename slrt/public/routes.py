from flask import Blueprint, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from slrt.core.db import read_only
from slrt.core.htmx import render_page_or_partial, wants_partial
from slrt.core.page_cache import cacheable, page_cache
from slrt.core.same_origin import same_origin_post
from slrt.public import operations
from slrt.public.forms import StatusForm
from slrt.regions.districts import current_district, district_face, district_of_code, office_name

bp = Blueprint("public", __name__)


@bp.route("/status", methods=["GET", "POST"])
@same_origin_post  # no session token: a citizen's lookup needs no session (see slrt/core/same_origin.py)
@read_only
def status():
    """Cek Status Layanan: the ticket alone shows the steps; with the birth date also the request and messages."""
    early = None  # the QR code's lookup by a visitor, read before the form: its page may be kept ready-made
    if request.method == "GET" and "ticket" in request.args and cacheable() and not operations.throttled():
        early = operations.steps(request.args["ticket"].strip())
        kept = _kept_page(early) if early is not None else None
        if kept is not None:
            return kept
    if request.method == "POST":
        form = StatusForm(meta={"csrf": False})
    else:  # the QR code on the receipt opens the page with the ticket filled in; a birth date never
        # travels in a URL, so only the ticket is read from it
        form = StatusForm(MultiDict({"ticket": request.args.get("ticket", "")}), meta={"csrf": False})
    result, failed, throttled, wrong_birth_date, birth_date_throttled = None, False, False, False, False
    typed = (form.ticket.data or "").strip()
    if request.method == "POST" or "ticket" in request.args:
        if form.validate():
            key = operations.ticket_key(typed)
            birth_date = form.birth_date.data
            if early is None and operations.throttled():  # (a found `early`: not throttled a moment ago)
                throttled = True
            else:
                if birth_date is not None and operations.birth_date_throttled(key):
                    birth_date, birth_date_throttled = None, True  # the status only, no check of the date
                if birth_date is None:  # the QR code's lookup, by far the most frequent: one light statement
                    result = early or operations.steps(typed)
                else:
                    result = operations.look_up(typed, birth_date)
                if result is None:
                    failed = True
                    throttled = not operations.count_failure(key, wrong_birth_date=False)
                elif birth_date is not None and not result.detailed:
                    wrong_birth_date = True
                    birth_date_throttled = not operations.count_failure(key, wrong_birth_date=True)
    status_code = 429 if throttled or birth_date_throttled else 200
    events = result.events if result else []
    case = result.case if isinstance(result, operations.Lookup) else result  # the ORM case, or the light Steps
    office = _case_office(case) if case else None
    context = dict(form=form, result=result, case=case, events=events, case_office=office, failed=failed,
                   throttled=throttled, wrong_birth_date=wrong_birth_date,
                   birth_date_throttled=birth_date_throttled, tokenless=True,
                   # an htmx swap replaces only the result: the form's messages go there
                   form_errors_here=wants_partial())
    if request.method == "GET" and isinstance(result, operations.Steps) and status_code == 200 and cacheable():
        # The QR code's page: the same for everyone until the case moves on; the key names all it shows.
        template = "public/_result.html" if wants_partial() else "public/status.html"
        return page_cache().response(_page_key(result), lambda: render_template(template, **context), vary=_VARY)
    return render_page_or_partial("public/status.html", "public/_result.html", **context), status_code


def _kept_page(early: operations.Steps):
    """The QR code's page when it is kept ready-made (slrt/core/page_cache.py), found without building the
    form: its key names the typed query exactly, so the identical request before it was validated and
    rendered by the whole view."""
    return page_cache().kept(_page_key(early), vary=_VARY)


_VARY = "Accept-Encoding, HX-Request"  # the page, or only its result for an htmx request


def _case_office(case) -> str:
    return office_name(district_of_code(case.office_region_code) or current_district())


def _page_key(result: operations.Steps) -> tuple:
    """Everything the status page of a ticket shows: the steps, the query, the language, and the districts
    whose names it prints: the host's (the page speaks for it) and the case's (its office handles the case),
    as this process knows them (slrt.regions.districts.district_faces)."""
    here = current_district()
    return ("public.status", request.full_path, wants_partial(), str(get_locale()), here,
            district_face(here), district_face(district_of_code(result.office_region_code) or here), result)
