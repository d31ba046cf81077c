from flask import Blueprint, current_app, render_template, request
from flask_babel import get_locale
from werkzeug.datastructures import MultiDict

from slrt.core.db import read_only
from slrt.core.htmx import render_page_or_partial, wants_partial
from slrt.core.page_cache import cacheable, page_cache
from slrt.core.same_origin import same_origin_post
from slrt.public import operations
from slrt.public.forms import StatusForm
from slrt.regions.districts import current_district, district_name, district_of_code, office_name

bp = Blueprint("public", __name__)


@bp.route("/status", methods=["GET", "POST"])
@same_origin_post  # no session token: a citizen's lookup needs no session (see slrt/core/same_origin.py)
@read_only
def status():
    """Cek Status Layanan: the ticket alone shows the steps; with the birth date also the request and messages."""
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
            if operations.throttled():
                throttled = True
            else:
                if birth_date is not None and operations.birth_date_throttled(key):
                    birth_date, birth_date_throttled = None, True  # the status only, no check of the date
                if birth_date is None:  # the QR code's lookup, by far the most frequent: one light statement
                    result = operations.steps(typed)
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
    office = office_name(district_of_code(case.office_region_code) or current_district()) if case else None
    context = dict(form=form, result=result, case=case, events=events, case_office=office, failed=failed,
                   throttled=throttled, wrong_birth_date=wrong_birth_date,
                   birth_date_throttled=birth_date_throttled, tokenless=True,
                   # an htmx swap replaces only the result: the form's messages go there
                   form_errors_here=wants_partial())
    if (request.method == "GET" and isinstance(result, operations.Steps) and status_code == 200 and cacheable()
            and current_app.config["SLRT_PAGE_CACHE"]):
        # The QR code's page: the same for everyone until the case moves on; the key names all it shows.
        here = current_district()
        partial = wants_partial()
        page_key = ("public.status", request.full_path, partial, str(get_locale()), here, office_name(here),
                    district_name(here), office, result)
        template = "public/_result.html" if partial else "public/status.html"
        response = page_cache().response(page_key, lambda: render_template(template, **context))
        response.vary.add("HX-Request")
        return response
    return render_page_or_partial("public/status.html", "public/_result.html", **context), status_code
